"""Practice: a fresh network for every seed, the quantities a level asks, and answers judged.

An exercise is the worked example's network with new numbers: inputs, targets, weights and
biases with two decimals, sigmoid, squared error, the original w5..w8 in the hidden deltas, and
a learning rate from ``LEARNING_RATES``. The same seed gives the same network on every machine
(``random.Random`` seeded with an integer is stable across Python versions and platforms), and
the same network at every level, so a class climbs the ladder on one set of numbers.

Every correct value comes from ``app.network``; each named mistake is the engine's own numbers
put together the wrong way (its sign flipped, a factor left out, the updated w5 and w7, ...).

The grading rule a student can follow: an exercise asks for a number of decimals, the same for
every answer, chosen so that every named mistake lies ``APART_UNITS`` units of that last decimal
or more from the right value. An answer within ``ACCEPTED_UNITS`` units is right: the right
value rounded, one unit off, or worked out with every intermediate value rounded to those
decimals (which moves it by 1.6 units at most; tests/test_practice.py works that through for
thousands of networks). Up to ``ROUNDING_UNITS`` units off is a rounding slip, never a mistake
of concept.
"""

import math
import random
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from app import network

SEED_LIMIT = 2**31  # seeds are 0 <= seed < SEED_LIMIT
LEVELS = (1, 2, 3, 4)
LEARNING_RATES = (0.1, 0.25, 0.5, 1.0)
LANGUAGES = ("en", "zh-Hans", "zh-Hant")

# The grading rule, in units of the last decimal asked (see the module's docstring).
FEWEST_DECIMALS = 4
MOST_DECIMALS = 9  # a mistake closer than APART_UNITS of this gives the right number
ACCEPTED_UNITS = 3
ROUNDING_UNITS = 20
APART_UNITS = 25

# The network's shape, read from its definition: which neuron each weight feeds and what it
# multiplies there, the weights into and out of each neuron, the bias each neuron adds.
_NET = network.NETWORK
FEEDS = {name: (target, source) for name, source, target in _NET.weights}
INTO = {
    neuron: tuple(name for name, _, target in _NET.weights if target == neuron)
    for neuron in (*_NET.hidden, *_NET.outputs)
}
# The weights leaving each hidden neuron, in the order of the neurons they reach: w5, w7 for h1.
LEAVING = {
    hidden: tuple(name for name, source, _ in _NET.weights if source == hidden)
    for hidden in _NET.hidden
}
BIAS_OF = {neuron: name for name, fed in _NET.biases for neuron in fed}


def gradient_id(weight: str) -> str:
    return f"dE_d{weight}"


def new_weight_id(weight: str) -> str:
    return f"{weight}_new"


def chain_of(weight: str) -> tuple[str, str, str]:
    """Return the three factors of dE_total/dw: dE/dout, dout/dnet, dnet/dw of its neuron."""
    neuron = FEEDS[weight][0]
    return (f"dE_dout_{neuron}", f"dout_{neuron}_dnet_{neuron}", f"dnet_{neuron}_d{weight}")


def path_id(hidden: str, through: str) -> str:
    """Return the name of the part of dE_total/dout of ``hidden`` flowing through ``through``."""
    return f"dE_dout_{hidden}_via_{through}"


def passed_on(neuron: str) -> str:
    """Return what a neuron passes on, as written: i1 for an input, out_h1 for the others."""
    return neuron if neuron in _NET.inputs else f"out_{neuron}"


# Levels 1 and 2 ask about the first weight into the first output (w5), level 3 about the
# first weight into the first hidden neuron (w1), as the worked example does.
OUTPUT_WEIGHT = INTO[_NET.outputs[0]][0]
HIDDEN_WEIGHT = INTO[_NET.hidden[0]][0]
O1_FACTORS = chain_of(OUTPUT_WEIGHT)
H1_FACTORS = chain_of(HIDDEN_WEIGHT)
_LADDER_WEIGHTS = (OUTPUT_WEIGHT, HIDDEN_WEIGHT)

# The quantities a level may ask, in the order they are computed.
ANSWER_IDS = (
    *O1_FACTORS, gradient_id(OUTPUT_WEIGHT), new_weight_id(OUTPUT_WEIGHT),
    *H1_FACTORS, gradient_id(HIDDEN_WEIGHT), new_weight_id(HIDDEN_WEIGHT),
    *(gradient_id(w) for w in network.WEIGHTS if w not in _LADDER_WEIGHTS),
    *(new_weight_id(w) for w in network.WEIGHTS if w not in _LADDER_WEIGHTS),
)  # fmt: skip

# The catalogue of named mistakes, in the order a verdict lists them; ``rounding`` is no
# mistake of concept: an answer a little further off than the decimals asked allow.
MISCONCEPTIONS = (
    "sign_error",
    "missing_activation_derivative",
    "dropped_half",
    "kept_half",
    "net_for_out",
    "missed_second_path",
    "used_updated_weight",
    "forgot_learning_rate",
    "added_update",
)
ROUNDING = "rounding"

# Each mistake's short name, as a verdict, a poll and the summary of one's mistakes show it.
NAMES = {
    "en": {
        "sign_error": "sign error",
        "missing_activation_derivative": "missing activation derivative",
        "dropped_half": "dropped the ½",
        "kept_half": "kept the ½",
        "net_for_out": "net instead of out",
        "missed_second_path": "missed the second path",
        "used_updated_weight": "used the updated weights",
        "forgot_learning_rate": "forgot the learning rate",
        "added_update": "added the update",
        "rounding": "rounding",
    },
    "zh-Hans": {
        "sign_error": "符号错误",
        "missing_activation_derivative": "漏了激活函数的导数",
        "dropped_half": "漏了 ½",
        "kept_half": "留下了 ½",
        "net_for_out": "用 net 代替了 out",
        "missed_second_path": "漏了第二条路径",
        "used_updated_weight": "用了更新后的权重",
        "forgot_learning_rate": "漏了学习率",
        "added_update": "加上了更新量",
        "rounding": "舍入",
    },
    "zh-Hant": {
        "sign_error": "符號錯誤",
        "missing_activation_derivative": "漏了激活函數的導數",
        "dropped_half": "漏了 ½",
        "kept_half": "留下了 ½",
        "net_for_out": "用 net 代替了 out",
        "missed_second_path": "漏了第二條路徑",
        "used_updated_weight": "用了更新後的權重",
        "forgot_learning_rate": "漏了學習率",
        "added_update": "加上了更新量",
        "rounding": "捨入",
    },
}


def catalogue() -> list[dict[str, Any]]:
    """Return the named mistakes as JSON-able data: code, whether it is a mistake of concept,
    and its name in each language (what pages and polls show)."""
    return [
        {
            "code": code,
            "concept": code != ROUNDING,
            "name": {language: NAMES[language][code] for language in LANGUAGES},
        }
        for code in (*MISCONCEPTIONS, ROUNDING)
    ]


def chain_rule() -> dict[str, Any]:
    """Return which factors make each gradient, by name, as JSON-able data: for each weight its
    neuron, what it multiplies and its three factors; for each hidden neuron the paths by which
    its out reaches E_total (the neuron reached, the weight, the factor of that path and the
    weight's place in it); the formula of every factor."""
    return {
        "weights": {
            weight: {"neuron": FEEDS[weight][0], "source": FEEDS[weight][1],
                     "factors": list(chain_of(weight))}
            for weight in network.WEIGHTS
        },
        "paths": {
            hidden: [
                {"through": FEEDS[weight][0], "weight": weight,
                 "factor": path_id(hidden, FEEDS[weight][0]),
                 "local": f"dnet_{FEEDS[weight][0]}_dout_{hidden}"}
                for weight in LEAVING[hidden]
            ]
            for hidden in _NET.hidden
        },
        "formulas": dict(NOTATION),
    }  # fmt: skip


def definition(layers: tuple[int, ...] = network.LAYERS) -> dict[str, Any]:
    """Return a network's definition with the catalogue of mistakes, and for the worked
    example (which practice and polls keep to) the practice's chain rule: what GET
    /api/network answers and what every page embeds."""
    described = {**network.definition(layers), "mistakes": catalogue()}
    if tuple(layers) == network.LAYERS:
        described["chain_rule"] = chain_rule()
    return described


def _net_formula(neuron: str) -> str:
    """net_h1 = w1·i1 + w2·i2 + b1, from the weights into ``neuron`` and its bias."""
    terms = [f"{weight}·{passed_on(FEEDS[weight][1])}" for weight in INTO[neuron]]
    return f"net_{neuron} = {' + '.join(terms)} + {BIAS_OF[neuron]}"


def _notation() -> dict[str, str]:
    """Return every quantity's formula in the worked example's notation (the same in every
    language), keyed by its name."""
    notation = {}
    for neuron in (*_NET.outputs, *_NET.hidden):
        notation[f"out_{neuron}"] = (
            f"out_{neuron} = σ(net_{neuron}) = 1/(1 + e^−net_{neuron}), {_net_formula(neuron)}"
        )
    for neuron in _NET.hidden:
        notation[f"net_{neuron}"] = _net_formula(neuron)
    for output in _NET.outputs:
        notation[f"dE_dout_{output}"] = f"∂E_total/∂out_{output} = out_{output} − target_{output}"
    for neuron in (*_NET.outputs, *_NET.hidden):
        notation[f"dout_{neuron}_dnet_{neuron}"] = (
            f"∂out_{neuron}/∂net_{neuron} = out_{neuron}·(1 − out_{neuron})"
        )
    for weight in network.WEIGHTS:
        neuron, source = FEEDS[weight]
        notation[f"dnet_{neuron}_d{weight}"] = f"∂net_{neuron}/∂{weight} = {passed_on(source)}"
    for output in _NET.outputs:
        notation[f"delta_{output}"] = (
            f"δ_{output} = ∂E_total/∂out_{output} · ∂out_{output}/∂net_{output}"
        )
    for hidden in _NET.hidden:
        paths = " + ".join(f"δ_{FEEDS[weight][0]}·{weight}" for weight in LEAVING[hidden])
        notation[f"dE_dout_{hidden}"] = (
            f"∂E_total/∂out_{hidden} = {paths} (the original {', '.join(LEAVING[hidden])})"
        )
    for weight in network.WEIGHTS:
        neuron = FEEDS[weight][0]
        notation[gradient_id(weight)] = (
            f"∂E_total/∂{weight} = ∂E_total/∂out_{neuron} · ∂out_{neuron}/∂net_{neuron}"
            f" · ∂net_{neuron}/∂{weight}"
        )
        notation[new_weight_id(weight)] = f"{weight}⁺ = {weight} − η·∂E_total/∂{weight}"
    return notation


NOTATION = _notation()


def label(answer_id: str) -> str:
    """Return the quantity's name as written on paper: ∂E_total/∂w5, w5⁺."""
    return NOTATION[answer_id].split(" = ")[0]


def _ingredients_of() -> dict[str, tuple[str, ...]]:
    """What to check first when an answer is wrong and no named mistake explains it: the
    factors each quantity is built from, in the order they are computed."""
    found: dict[str, tuple[str, ...]] = {}
    for weight in network.WEIGHTS:
        neuron, source = FEEDS[weight]
        found[new_weight_id(weight)] = (gradient_id(weight),)
        found[gradient_id(weight)] = chain_of(weight)
        # what the weight multiplies: an output's input is out_h, computed from net_h; a
        # hidden neuron's is an input, so what to check is the neuron's own net
        found[f"dnet_{neuron}_d{weight}"] = (
            (f"net_{neuron}",) if source in _NET.inputs else (f"out_{source}",)
        )
    for neuron in (*_NET.outputs, *_NET.hidden):
        found[f"dout_{neuron}_dnet_{neuron}"] = (f"out_{neuron}",)
    for output in _NET.outputs:
        found[f"dE_dout_{output}"] = (f"out_{output}",)
    for hidden in _NET.hidden:
        found[f"dE_dout_{hidden}"] = tuple(f"delta_{FEEDS[w][0]}" for w in LEAVING[hidden])
    return found


INGREDIENTS = _ingredients_of()


# --- Exercises ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Exercise:
    level: int
    seed: int
    state: dict[str, Any]  # a complete standard state, as /api/step takes it
    asks: tuple[str, ...]
    decimals: int  # how many decimals every answer is asked to


def _two_decimals(rng: random.Random, low: int, high: int) -> float:
    """Return a number with two decimals between low/100 and high/100."""
    return rng.randint(low, high) / 100


def _signed_two_decimals(rng: random.Random) -> float:
    """Return ±0.01 .. ±0.99: never 0, so that no path of the network vanishes."""
    return rng.choice((-1, 1)) * _two_decimals(rng, 1, 99)


def _valid(level: int, seed: int) -> None:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    if not 0 <= seed < SEED_LIMIT:
        raise ValueError(f"seed must be 0 <= seed < {SEED_LIMIT}")


def _drawn(seed: int) -> tuple[dict[str, Any], random.Random]:
    """Return the network of ``seed`` and the generator that drew it (it draws level 1's ask)."""
    rng = random.Random(seed)
    state = {
        "inputs": {name: _two_decimals(rng, 1, 99) for name in network.NETWORK.inputs},
        "targets": {name: _two_decimals(rng, 1, 99) for name in network.NETWORK.outputs},
        "weights": {name: _signed_two_decimals(rng) for name in network.WEIGHTS},
        "biases": {name: _signed_two_decimals(rng) for name in network.BIASES},
        "learning_rate": rng.choice(LEARNING_RATES),
        "options": asdict(network.Options()),
        "iteration": 0,
    }
    return state, rng


def exercise(level: int, seed: int) -> Exercise:
    """Return the exercise of ``level`` drawn from ``seed`` (its network depends on the seed
    alone)."""
    _valid(level, seed)
    state, rng = _drawn(seed)
    if level == 1:
        asks: tuple[str, ...] = (rng.choice(O1_FACTORS),)
    elif level == 2:
        asks = (*O1_FACTORS, gradient_id(OUTPUT_WEIGHT), new_weight_id(OUTPUT_WEIGHT))
    elif level == 3:
        asks = (*H1_FACTORS, gradient_id(HIDDEN_WEIGHT), new_weight_id(HIDDEN_WEIGHT))
    else:
        asks = tuple(gradient_id(w) for w in network.WEIGHTS) + tuple(
            new_weight_id(w) for w in network.WEIGHTS
        )
    needed = _judged(seed).decimals_needed
    return Exercise(level, seed, state, asks, max(needed[answer_id] for answer_id in asks))


# --- Answers and mistakes -----------------------------------------------------------------


def _iteration(state: dict[str, Any], hidden_deltas_use: str | None = "original") -> dict[str, Any]:
    """Return the trace of one step of ``state`` by the engine, with the hidden deltas' weights
    as ``hidden_deltas_use`` says (None: as the state's own options say)."""
    options = dict(state["options"])
    if hidden_deltas_use is not None:
        options["hidden_deltas_use"] = hidden_deltas_use
    _, trace = network.step(network.State.of({**state, "options": options}))
    return trace


def answers(state: dict[str, Any]) -> dict[str, float]:
    """Return the correct value of every quantity in ``ANSWER_IDS``, as the engine computes it."""
    trace = _iteration(state)
    values = {name: trace["factors"][name] for name in (*O1_FACTORS, *H1_FACTORS)}
    for weight in network.WEIGHTS:
        values[gradient_id(weight)] = trace["gradients"][weight]
        values[new_weight_id(weight)] = state["weights"][weight] + trace["changes"][weight]
    return {name: float(values[name]) for name in ANSWER_IDS}


@dataclass(frozen=True)
class Mistake:
    code: str
    value: float
    substep: str  # the sub-step of the main page's walk that explains it, e.g. paths-h1
    params: dict[str, str] = field(default_factory=dict)  # for its message


def _missing_derivative(neuron: str) -> dict[str, str]:
    return {
        "factor": f"∂out_{neuron}/∂net_{neuron}",
        "derivative": f"out_{neuron}·(1 − out_{neuron})",
    }


def _known(*values: Any) -> bool:
    """Whether every value is a number (with cross-entropy the output's dE/dout and dout/dnet
    are None: the softmax ties both outputs to both nets)."""
    return all(value is not None for value in values)


def _hidden_mistakes(
    hidden: str, factors: dict[str, Any], weights: dict[str, float], updated: dict[str, Any]
) -> list[Mistake]:
    """Return the named mistakes of dE_total/dout_h for hidden neuron ``hidden``: the sign, the
    output layer's activation derivative or the ½ slips inside δ_o1 and δ_o2, one path only
    (either one), the updated weights (``updated`` holds the factors under that rule)."""
    name = f"dE_dout_{hidden}"
    first, second = LEAVING[hidden]
    to_first, to_second = FEEDS[first][0], FEEDS[second][0]
    correct = factors[name]
    both = f"∂E_total/∂out_{hidden} = δ_{to_first}·{first} + δ_{to_second}·{second}"
    found = [Mistake("sign_error", -correct, f"paths-{hidden}")]
    if _known(factors[f"dE_dout_{to_first}"], factors[f"dE_dout_{to_second}"]):
        without_output_derivative = (
            factors[f"dE_dout_{to_first}"] * weights[first]
            + factors[f"dE_dout_{to_second}"] * weights[second]
        )
        found += [
            Mistake("missing_activation_derivative", without_output_derivative,
                    f"delta-{to_first}",
                    {"factor": f"∂out_{to_first}/∂net_{to_first} and "
                               f"∂out_{to_second}/∂net_{to_second}",
                     "derivative": "out·(1 − out)"}),
            Mistake("dropped_half", 2 * correct, f"delta-{to_first}"),
            Mistake("kept_half", correct / 2, f"delta-{to_first}"),
        ]  # fmt: skip
    return [
        *found,
        *(
            Mistake("missed_second_path", factors[path_id(hidden, through)], f"paths-{hidden}",
                    {"neuron": hidden, "through": through, "other": other, "formula": both})
            for through, other in ((to_first, to_second), (to_second, to_first))
        ),
        Mistake("used_updated_weight", updated[name], f"paths-{hidden}",
                {"first": first, "second": second}),
    ]  # fmt: skip


def delta_id(neuron: str) -> str:
    return f"delta_{neuron}"


def _all_mistakes(state: dict[str, Any], hidden_deltas_use: str | None) -> dict[str, list[Mistake]]:
    """Return, for every quantity of one iteration that has named mistakes (the asks of the
    ladder and each neuron's δ), the value each gives, in catalogue order; the right values
    are the engine's with the hidden deltas' rule ``hidden_deltas_use`` (None: the state's).

    A mistake made on the way to a gradient carries into its new weight, w − η·(that value);
    the flipped sign carries as ``added_update``, its own name there."""
    trace = _iteration(state, hidden_deltas_use)
    fwd, factors, deltas, gradients = (
        trace["forward"], trace["factors"], trace["deltas"], trace["gradients"],
    )  # fmt: skip
    updated = _iteration(state, hidden_deltas_use="updated")
    weights, eta = state["weights"], state["learning_rate"]
    found: dict[str, list[Mistake]] = {}

    def add(answer_id: str, code: str, value: Any, substep: str, **params: str) -> None:
        found.setdefault(answer_id, []).append(Mistake(code, float(value), substep, params))

    # The output layer's factors and deltas
    for output in _NET.outputs:
        name, slope, delta = f"dE_dout_{output}", f"dout_{output}_dnet_{output}", delta_id(output)
        add(delta, "sign_error", -deltas[output], f"delta-{output}")
        if not _known(factors[name]):
            continue
        add(name, "sign_error", -factors[name], f"delta-{output}")
        add(name, "dropped_half", 2 * factors[name], f"delta-{output}")
        add(name, "kept_half", factors[name] / 2, f"delta-{output}")
        add(slope, "sign_error", -factors[slope], f"delta-{output}")
        net = fwd[f"net_{output}"]
        add(slope, "net_for_out", net * (1 - net), f"delta-{output}",
            net=f"net_{output}", out=f"out_{output}")  # fmt: skip
        add(delta, "missing_activation_derivative", factors[name], f"delta-{output}",
            **_missing_derivative(output))  # fmt: skip
        add(delta, "dropped_half", 2 * deltas[output], f"delta-{output}")
        add(delta, "kept_half", deltas[output] / 2, f"delta-{output}")

    # The hidden layer's factors and deltas: a mistake of dE/dout_h carries into δ_h, times
    # dout_h/dnet_h (only h1's dE/dout is asked; h2's reaches w3, w4)
    into_hidden = {
        hidden: _hidden_mistakes(hidden, factors, weights, updated["factors"])
        for hidden in _NET.hidden
    }
    for hidden in _NET.hidden:
        name, slope, delta = f"dE_dout_{hidden}", f"dout_{hidden}_dnet_{hidden}", delta_id(hidden)
        for mistake in into_hidden[hidden]:
            add(name, mistake.code, mistake.value, mistake.substep, **mistake.params)
        add(slope, "sign_error", -factors[slope], f"delta-{hidden}")
        net = fwd[f"net_{hidden}"]
        add(slope, "net_for_out", net * (1 - net), f"delta-{hidden}",
            net=f"net_{hidden}", out=f"out_{hidden}")  # fmt: skip
        add(delta, "sign_error", -deltas[hidden], f"delta-{hidden}")
        add(delta, "missing_activation_derivative", factors[name], f"delta-{hidden}",
            **_missing_derivative(hidden))  # fmt: skip
        for mistake in into_hidden[hidden]:
            if mistake.code != "sign_error":
                add(delta, mistake.code, mistake.value * factors[slope], mistake.substep,
                    **mistake.params)  # fmt: skip

    # What each weight multiplies, and each gradient
    for weight in network.WEIGHTS:
        neuron, source = FEEDS[weight]
        leaf = f"dnet_{neuron}_d{weight}"
        name = gradient_id(weight)
        gradient = gradients[weight]
        add(leaf, "sign_error", -factors[leaf], f"gradient-{weight}")
        add(name, "sign_error", -gradient, f"gradient-{weight}")
        if _known(factors[f"dE_dout_{neuron}"]):
            add(name, "missing_activation_derivative",
                factors[f"dE_dout_{neuron}"] * factors[leaf], f"delta-{neuron}",
                **_missing_derivative(neuron))  # fmt: skip
        if neuron in _NET.outputs:
            add(leaf, "net_for_out", fwd[f"net_{source}"], f"gradient-{weight}",
                net=f"net_{source}", out=f"out_{source}")  # fmt: skip
            add(name, "dropped_half", 2 * gradient, f"delta-{neuron}")
            add(name, "kept_half", gradient / 2, f"delta-{neuron}")
            add(name, "net_for_out", deltas[neuron] * fwd[f"net_{source}"], f"gradient-{weight}",
                net=f"net_{source}", out=f"out_{source}")  # fmt: skip
        else:
            # every mistake of dE/dout_h carries into the gradient, times dout_h/dnet_h and
            # the input, multiplied in the chain's order
            slope = factors[f"dout_{neuron}_dnet_{neuron}"]
            for mistake in into_hidden[neuron]:
                if mistake.code != "sign_error":
                    add(name, mistake.code, mistake.value * slope * factors[leaf],
                        mistake.substep, **mistake.params)  # fmt: skip

    # Each new weight: the gradient's mistakes carried, then the update's own
    for weight in network.WEIGHTS:
        old, gradient = weights[weight], gradients[weight]
        name = new_weight_id(weight)
        for mistake in found[gradient_id(weight)]:
            if mistake.code != "sign_error":
                add(name, mistake.code, old - eta * mistake.value, mistake.substep,
                    **mistake.params)  # fmt: skip
        add(name, "forgot_learning_rate", old - gradient, "updates",
            weight=weight, eta=f"{eta:g}")  # fmt: skip
        add(name, "added_update", old + eta * gradient, "updates", weight=weight)
    for name in found:
        found[name].sort(key=lambda mistake: MISCONCEPTIONS.index(mistake.code))
    return found


def mistakes(state: dict[str, Any]) -> dict[str, list[Mistake]]:
    """Return, for each quantity in ``ANSWER_IDS``, the value each named mistake gives, in
    catalogue order (the worked example's rule: the original weights in the hidden deltas)."""
    found = _all_mistakes(state, "original")
    return {name: found.get(name, []) for name in ANSWER_IDS}


# --- Polls --------------------------------------------------------------------------------

# What a live class's poll offers at a sub-step of the walk: the right value of the quantity
# that sub-step computes and these named mistakes of it, taken from the catalogue above in this
# order (a code named twice offers its first two values: each path alone).
_OUTPUT_DELTA = ("missing_activation_derivative", "sign_error")
_HIDDEN_PATHS = ("missed_second_path", "missed_second_path", "used_updated_weight", "sign_error")
_HIDDEN_DELTA = ("missing_activation_derivative", "missed_second_path", "used_updated_weight",
                 "sign_error")  # fmt: skip
_UPDATE = ("missing_activation_derivative", "added_update")


def _polled() -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """Return, for each sub-step a poll may ask at: the quantity (its catalogue id), the name a
    poll's question gives it, and the mistakes it offers."""
    polled: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for output in _NET.outputs:
        polled[f"delta-{output}"] = (delta_id(output), delta_id(output), _OUTPUT_DELTA)
    for hidden in _NET.hidden:
        polled[f"paths-{hidden}"] = (f"dE_dout_{hidden}", f"dE_dout_{hidden}", _HIDDEN_PATHS)
        polled[f"delta-{hidden}"] = (delta_id(hidden), delta_id(hidden), _HIDDEN_DELTA)
    for weight in network.WEIGHTS:
        offers = _OUTPUT_DELTA if FEEDS[weight][0] in _NET.outputs else _HIDDEN_DELTA
        polled[f"gradient-{weight}"] = (gradient_id(weight), f"gradient_{weight}", offers)
    # at the updates, the page predicts whether E_total falls: the poll asks for the new w5
    polled["updates"] = (new_weight_id(OUTPUT_WEIGHT), f"new_{OUTPUT_WEIGHT}", _UPDATE)
    return polled


POLLED = _polled()


def _finite(value: Any) -> bool:
    return value is not None and math.isfinite(value)


def poll_choices(state: dict[str, Any]) -> dict[str, Any]:
    """Return what a poll may offer at each sub-step of the walk of one step of ``state``
    (a complete state, as /api/step takes it): the iteration that step makes, and for each
    sub-step its quantity and choices [{value, mistake}], the right value first (mistake None),
    each value once; a sub-step where fewer than two distinct finite values remain is left out.
    The right values are the trace's of /api/step, under the state's own options."""
    after, trace = network.step(network.State.of(state))
    right = {
        **{delta_id(neuron): value for neuron, value in trace["deltas"].items()},
        **{f"dE_dout_{hidden}": trace["factors"][f"dE_dout_{hidden}"] for hidden in _NET.hidden},
        **{gradient_id(weight): trace["gradients"][weight] for weight in network.WEIGHTS},
        **{new_weight_id(weight): after.weights[weight] for weight in network.WEIGHTS},
    }  # fmt: skip
    wrong = _all_mistakes(state, None)
    polls = {}
    for substep, (answer_id, quantity, offers) in POLLED.items():
        candidates: list[tuple[float, str | None]] = [(right[answer_id], None)]
        taken: dict[str, int] = {}
        for code in offers:
            same = [m for m in wrong.get(answer_id, []) if m.code == code]
            if taken.get(code, 0) < len(same):
                candidates.append((same[taken.get(code, 0)].value, code))
            taken[code] = taken.get(code, 0) + 1
        choices: list[dict[str, Any]] = []
        for value, code in candidates:
            # two mistakes may land on the same number (or on the right one): each value once
            if _finite(value) and all(value != choice["value"] for choice in choices):
                choices.append({"value": float(value), "mistake": code})
        if len(choices) >= 2 and choices[0]["mistake"] is None:
            polls[substep] = {"quantity": quantity, "choices": choices}
    return {"iteration": state["iteration"] + 1, "polls": polls}


# --- The grading rule ---------------------------------------------------------------------


def unit(decimals: int) -> float:
    """Return one unit of the last decimal: 10⁻⁴ for four decimals."""
    return 10.0**-decimals


def distinguishable(mistake: float, correct: float) -> bool:
    """Whether a mistake gives a number of its own at the most decimals ever asked (at η = 1,
    forgetting η gives the right number: then it is no mistake)."""
    return abs(mistake - correct) >= APART_UNITS * unit(MOST_DECIMALS)


def decimals_needed(correct: float, wrong: list[Mistake]) -> int:
    """Return the fewest decimals (at least ``FEWEST_DECIMALS``) that put every named mistake
    ``APART_UNITS`` units or more from the right value."""
    gaps = [abs(mistake.value - correct) for mistake in wrong]
    for decimals in range(FEWEST_DECIMALS, MOST_DECIMALS + 1):
        if all(gap >= APART_UNITS * unit(decimals) for gap in gaps):
            return decimals
    return MOST_DECIMALS


@dataclass(frozen=True)
class Judged:
    """What judging needs of a seed's network, worked out once."""

    state: dict[str, Any]
    correct: dict[str, float]
    wrong: dict[str, list[Mistake]]  # the mistakes distinguishable from the right value
    decimals_needed: dict[str, int]


@lru_cache(maxsize=512)
def _judged(seed: int) -> Judged:
    state, _ = _drawn(seed)
    correct = answers(state)
    wrong = {
        name: [m for m in found if distinguishable(m.value, correct[name])]
        for name, found in mistakes(state).items()
    }
    needed = {name: decimals_needed(correct[name], wrong[name]) for name in ANSWER_IDS}
    return Judged(state, correct, wrong, needed)


def within(answer: float, target: float, decimals: int, units: float = ACCEPTED_UNITS) -> bool:
    """Whether ``answer`` lies within ``units`` units of the ``decimals``-th decimal of
    ``target`` (a hair of float64 slack, so that 0.1235 for 0.12347 is 3 units exactly)."""
    return abs(answer - target) <= units * unit(decimals) * (1 + 1e-9)


@dataclass(frozen=True)
class Verdict:
    id: str
    correct: bool
    misconception: str | None  # the first of misconceptions, or None
    misconceptions: tuple[str, ...]  # every named mistake that gives this number
    substeps: tuple[str, ...]  # the main walk's sub-step explaining each ("" for rounding)
    message: str
    decimals: int


def check(
    level: int, seed: int, submitted: dict[str, float], language: str = "en"
) -> list[Verdict]:
    """Judge each submitted answer: correct, the named mistakes that give it, a rounding slip,
    or wrong with the factor to check next (the first factor it is built from that was not
    answered right alongside). Any quantity of the ladder may be judged (the network depends
    on the seed alone), at the exercise's decimals or more if that quantity needs more."""
    asked = exercise(level, seed)
    unknown = [answer_id for answer_id in submitted if answer_id not in ANSWER_IDS]
    if unknown:
        raise ValueError(f"no exercise asks {', '.join(unknown)}")
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}")
    judged = _judged(seed)

    def decimals_of(answer_id: str) -> int:
        return max(asked.decimals, judged.decimals_needed[answer_id])

    confirmed = {
        other for other, value in submitted.items()
        if within(value, judged.correct[other], decimals_of(other))
    }  # fmt: skip
    verdicts = []
    for answer_id, answer in submitted.items():
        decimals = decimals_of(answer_id)
        correct = judged.correct[answer_id]
        if answer_id in confirmed:
            verdicts.append(
                Verdict(answer_id, True, None, (), (), _text(language, "correct"), decimals)
            )
            continue
        named: dict[str, Mistake] = {}
        for mistake in judged.wrong[answer_id]:
            if within(answer, mistake.value, decimals) and mistake.code not in named:
                named[mistake.code] = mistake
        if named:
            messages = [_text(language, m.code, **m.params) for m in named.values()]
            if len(named) > 1:
                messages.insert(0, _text(language, "several", count=str(len(named))))
            message = " ".join(messages)
            substeps = tuple(m.substep for m in named.values())
        elif within(answer, correct, decimals, ROUNDING_UNITS):
            named = {ROUNDING: Mistake(ROUNDING, correct, "")}
            message = _text(language, ROUNDING, decimals=str(decimals))
            substeps = ("",)
        else:
            message = _hint(language, answer_id, confirmed)
            substeps = ()
        codes = tuple(named)
        verdicts.append(
            Verdict(
                answer_id, False, codes[0] if codes else None, codes, substeps, message, decimals
            )
        )
    return verdicts


# --- Messages -----------------------------------------------------------------------------

MESSAGES = {
    "en": {
        "correct": "Correct.",
        "hint": "Not yet. Check {formula}.",
        "combine": "The factors are right: check how they combine, {formula}.",
        "several": "{count} mistakes give this number:",
        "rounding": "Close, but further off than rounding to {decimals} decimals allows: keep "
        "one more digit in every intermediate value.",
        "sign_error": "The sign is flipped: ∂E_total/∂out = out − target, not target − out; "
        "follow each minus sign along the chain.",
        "missing_activation_derivative": "The activation's derivative is missing: the chain "
        "passes through {factor} = {derivative}.",
        "dropped_half": "This is twice the answer: E = ½(target − out)², and the ½ cancels "
        "the 2 that comes down from the square.",
        "kept_half": "This is half the answer: the 2 that comes down from the square of "
        "E = ½(target − out)² cancels the ½.",
        "net_for_out": "{net} is used where {out} belongs: the neuron passes on its output, "
        "{out} = σ({net}).",
        "missed_second_path": "Only the path through {through}: out_{neuron} also reaches "
        "E_total through {other}, so {formula}.",
        "used_updated_weight": "{first} and {second} are already updated here: the hidden "
        "layer's gradients use this iteration's original {first} and {second}.",
        "forgot_learning_rate": "The learning rate is missing: {weight}⁺ = {weight} − "
        "η·∂E_total/∂{weight}, with η = {eta}.",
        "added_update": "The update goes uphill: subtract η·∂E_total/∂{weight} from {weight}, "
        "don't add it.",
    },
    "zh-Hans": {
        "correct": "正确。",
        "hint": "还不对。请检查 {formula}。",
        "combine": "各个因子都对了：请检查它们怎样组合，{formula}。",
        "several": "有 {count} 种错误都会得到这个数：",
        "rounding": "很接近，但超出了保留 {decimals} 位小数的舍入误差：每个中间值请多保留一位。",
        "sign_error": "符号反了：∂E_total/∂out = out − target，而不是 target − out；"
        "沿着链式法则逐个检查负号。",
        "missing_activation_derivative": "缺少激活函数的导数：链式法则要经过 "
        "{factor} = {derivative}。",
        "dropped_half": "这是正确答案的两倍：E = ½(target − out)²，平方求导得到的 2 与 ½ 相消。",
        "kept_half": "这是正确答案的一半：E = ½(target − out)² 平方求导得到的 2 会与 ½ 相消。",
        "net_for_out": "把 {net} 当成了 {out}：神经元传出的是它的输出 {out} = σ({net})。",
        "missed_second_path": "只算了经过 {through} 的路径：out_{neuron} 也经过 {other} "
        "影响 E_total，所以 {formula}。",
        "used_updated_weight": "这里用了更新后的 {first} 和 {second}："
        "隐藏层的梯度要用本次迭代原来的 {first} 和 {second}。",
        "forgot_learning_rate": "漏了学习率：{weight}⁺ = {weight} − η·∂E_total/∂{weight}，"
        "η = {eta}。",
        "added_update": "更新方向反了：要从 {weight} 减去 η·∂E_total/∂{weight}，而不是加上。",
    },
    "zh-Hant": {
        "correct": "正確。",
        "hint": "還不對。請檢查 {formula}。",
        "combine": "各個因子都對了：請檢查它們怎樣組合，{formula}。",
        "several": "有 {count} 種錯誤都會得到這個數：",
        "rounding": "很接近，但超出了保留 {decimals} 位小數的捨入誤差：每個中間值請多保留一位。",
        "sign_error": "符號反了：∂E_total/∂out = out − target，而不是 target − out；"
        "沿著鏈式法則逐個檢查負號。",
        "missing_activation_derivative": "缺少激活函數的導數：鏈式法則要經過 "
        "{factor} = {derivative}。",
        "dropped_half": "這是正確答案的兩倍：E = ½(target − out)²，平方求導得到的 2 與 ½ 相消。",
        "kept_half": "這是正確答案的一半：E = ½(target − out)² 平方求導得到的 2 會與 ½ 相消。",
        "net_for_out": "把 {net} 當成了 {out}：神經元傳出的是它的輸出 {out} = σ({net})。",
        "missed_second_path": "只算了經過 {through} 的路徑：out_{neuron} 也經過 {other} "
        "影響 E_total，所以 {formula}。",
        "used_updated_weight": "這裡用了更新後的 {first} 和 {second}："
        "隱藏層的梯度要用本次迭代原來的 {first} 和 {second}。",
        "forgot_learning_rate": "漏了學習率：{weight}⁺ = {weight} − η·∂E_total/∂{weight}，"
        "η = {eta}。",
        "added_update": "更新方向反了：要從 {weight} 減去 η·∂E_total/∂{weight}，而不是加上。",
    },
}


def _text(language: str, key: str, **params: str) -> str:
    return MESSAGES[language][key].format(**params)


def _hint(language: str, answer_id: str, confirmed: set[str]) -> str:
    """Name the first factor of ``answer_id`` not yet answered right, or say how they combine."""
    for factor in INGREDIENTS[answer_id]:
        if factor not in confirmed:
            return _text(language, "hint", formula=NOTATION[factor])
    return _text(language, "combine", formula=NOTATION[answer_id])
