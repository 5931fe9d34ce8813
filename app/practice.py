"""Practice: a fresh network for every seed, the quantities a level asks, and answers judged.

An exercise is the worked example's network with new numbers: inputs, targets, weights and
biases with two decimals, sigmoid, squared error, the original w5..w8 in the hidden deltas, and
a learning rate from ``LEARNING_RATES``. The same seed gives the same network on every machine
(``random.Random`` seeded with an integer is stable across Python versions and platforms), and
the same network at every level, so a class climbs the ladder on one set of numbers.

Every correct value comes from ``app.network``; each named mistake is the engine's own numbers
put together the wrong way (its sign flipped, a factor left out, the updated w5 and w7, ...).
"""

import random
from dataclasses import asdict, dataclass
from typing import Any

from app import network

SEED_LIMIT = 2**31  # seeds are 0 <= seed < SEED_LIMIT
LEVELS = (1, 2, 3, 4)
LEARNING_RATES = (0.1, 0.25, 0.5, 1.0)
LANGUAGES = ("en", "zh-Hans", "zh-Hant")

# An answer a is right when |a - c| <= max(RELATIVE * scale, ABSOLUTE): the scale is |c| for a
# factor or gradient, and the change |c - w| for a new weight (w5+ = 0.3589 would otherwise
# pass for w5 = 0.40 itself when the update is small).
RELATIVE_TOLERANCE = 0.005
ABSOLUTE_TOLERANCE = 1e-6

O1_FACTORS = ("dE_dout_o1", "dout_o1_dnet_o1", "dnet_o1_dw5")
H1_FACTORS = ("dE_dout_h1", "dout_h1_dnet_h1", "dnet_h1_dw1")


def gradient_id(weight: str) -> str:
    return f"dE_d{weight}"


def new_weight_id(weight: str) -> str:
    return f"{weight}_new"


# The quantities a level may ask, in the order they are computed.
ANSWER_IDS = (
    *O1_FACTORS, "dE_dw5", "w5_new", *H1_FACTORS, "dE_dw1", "w1_new",
    *(gradient_id(w) for w in network.WEIGHTS if w not in ("w1", "w5")),
    *(new_weight_id(w) for w in network.WEIGHTS if w not in ("w1", "w5")),
)  # fmt: skip

# The named mistakes in order of precedence: where two give the same value, the first is named.
MISCONCEPTIONS = (
    "sign_error",
    "missing_activation_derivative",
    "dropped_half",
    "net_for_out",
    "missed_second_path",
    "used_updated_weight",
    "forgot_learning_rate",
    "added_update",
)

# Labels in the worked example's notation (the same in every language).
NOTATION = {
    "out_o1": "out_o1 = σ(net_o1) = 1/(1 + e^−net_o1), net_o1 = w5·out_h1 + w6·out_h2 + b2",
    "out_o2": "out_o2 = σ(net_o2) = 1/(1 + e^−net_o2), net_o2 = w7·out_h1 + w8·out_h2 + b2",
    "out_h1": "out_h1 = σ(net_h1) = 1/(1 + e^−net_h1), net_h1 = w1·i1 + w2·i2 + b1",
    "out_h2": "out_h2 = σ(net_h2) = 1/(1 + e^−net_h2), net_h2 = w3·i1 + w4·i2 + b1",
    "net_h1": "net_h1 = w1·i1 + w2·i2 + b1",
    "net_h2": "net_h2 = w3·i1 + w4·i2 + b1",
    "dE_dout_o1": "∂E_total/∂out_o1 = out_o1 − target_o1",
    "dE_dout_o2": "∂E_total/∂out_o2 = out_o2 − target_o2",
    "dout_o1_dnet_o1": "∂out_o1/∂net_o1 = out_o1·(1 − out_o1)",
    "dout_o2_dnet_o2": "∂out_o2/∂net_o2 = out_o2·(1 − out_o2)",
    "dnet_o1_dw5": "∂net_o1/∂w5 = out_h1",
    "dnet_o1_dw6": "∂net_o1/∂w6 = out_h2",
    "dnet_o2_dw7": "∂net_o2/∂w7 = out_h1",
    "dnet_o2_dw8": "∂net_o2/∂w8 = out_h2",
    "delta_o1": "δ_o1 = ∂E_total/∂out_o1 · ∂out_o1/∂net_o1",
    "delta_o2": "δ_o2 = ∂E_total/∂out_o2 · ∂out_o2/∂net_o2",
    "dE_dout_h1": "∂E_total/∂out_h1 = δ_o1·w5 + δ_o2·w7 (the original w5, w7)",
    "dE_dout_h2": "∂E_total/∂out_h2 = δ_o1·w6 + δ_o2·w8 (the original w6, w8)",
    "dout_h1_dnet_h1": "∂out_h1/∂net_h1 = out_h1·(1 − out_h1)",
    "dout_h2_dnet_h2": "∂out_h2/∂net_h2 = out_h2·(1 − out_h2)",
    "dnet_h1_dw1": "∂net_h1/∂w1 = i1",
    "dnet_h1_dw2": "∂net_h1/∂w2 = i2",
    "dnet_h2_dw3": "∂net_h2/∂w3 = i1",
    "dnet_h2_dw4": "∂net_h2/∂w4 = i2",
}

# Which neuron each weight feeds, and what it multiplies there, from the network's definition.
FEEDS = {name: (target, source) for name, source, target in network.NETWORK.weights}


def chain_of(weight: str) -> tuple[str, str, str]:
    """Return the three factors of dE_total/dw: dE/dout, dout/dnet, dnet/dw of its neuron."""
    neuron = FEEDS[weight][0]
    return (f"dE_dout_{neuron}", f"dout_{neuron}_dnet_{neuron}", f"dnet_{neuron}_d{weight}")


for _weight in network.WEIGHTS:
    _neuron = FEEDS[_weight][0]
    NOTATION[gradient_id(_weight)] = (
        f"∂E_total/∂{_weight} = ∂E_total/∂out_{_neuron} · ∂out_{_neuron}/∂net_{_neuron}"
        f" · ∂net_{_neuron}/∂{_weight}"
    )
    NOTATION[new_weight_id(_weight)] = f"{_weight}⁺ = {_weight} − η·∂E_total/∂{_weight}"


def label(answer_id: str) -> str:
    """Return the quantity's name as written on paper: ∂E_total/∂w5, w5⁺."""
    return NOTATION[answer_id].split(" = ")[0]


# What to check first when an answer is wrong and no named mistake explains it: the factors it
# is built from, in the order they are computed.
def _ingredients(answer_id: str) -> tuple[str, ...]:
    if answer_id.endswith("_new"):
        return (gradient_id(answer_id.removesuffix("_new")),)
    if answer_id.startswith("dE_dw"):
        return chain_of(answer_id.removeprefix("dE_d"))
    if answer_id.startswith("dE_dout_h"):
        return ("delta_o1", "delta_o2")
    if answer_id.startswith("dE_dout_o") or answer_id.startswith("dout_"):
        return (f"out_{answer_id[-2:]}",)
    if answer_id.startswith("dnet_o"):
        return (f"out_{FEEDS[answer_id[-2:]][1]}",)
    return (f"net_{FEEDS[answer_id[-2:]][0]}",)  # dnet_h1_dw1 and its kind


# --- Exercises ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Exercise:
    level: int
    seed: int
    state: dict[str, Any]  # a complete standard state, as /api/step takes it
    asks: tuple[str, ...]


def _two_decimals(rng: random.Random, low: int, high: int) -> float:
    """Return a number with two decimals between low/100 and high/100."""
    return rng.randint(low, high) / 100


def _signed_two_decimals(rng: random.Random) -> float:
    """Return ±0.01 .. ±0.99: never 0, so that no path of the network vanishes."""
    return rng.choice((-1, 1)) * _two_decimals(rng, 1, 99)


def exercise(level: int, seed: int) -> Exercise:
    """Return the exercise of ``level`` drawn from ``seed`` (its network depends on the seed
    alone)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    if not 0 <= seed < SEED_LIMIT:
        raise ValueError(f"seed must be 0 <= seed < {SEED_LIMIT}")
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
    if level == 1:
        asks: tuple[str, ...] = (rng.choice(O1_FACTORS),)
    elif level == 2:
        asks = (*O1_FACTORS, "dE_dw5", "w5_new")
    elif level == 3:
        asks = (*H1_FACTORS, "dE_dw1", "w1_new")
    else:
        asks = tuple(gradient_id(w) for w in network.WEIGHTS) + tuple(
            new_weight_id(w) for w in network.WEIGHTS
        )
    return Exercise(level, seed, state, asks)


# --- Answers and mistakes -----------------------------------------------------------------


def _iteration(state: dict[str, Any], hidden_deltas_use: str = "original") -> dict[str, Any]:
    """Return the trace of one step of ``state`` by the engine, with the hidden deltas'
    w5..w8 as ``hidden_deltas_use`` says."""
    options = {**state["options"], "hidden_deltas_use": hidden_deltas_use}
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


def mistakes(state: dict[str, Any]) -> dict[str, list[tuple[str, float]]]:
    """Return, for each quantity, the value each named mistake gives, in order of precedence."""
    trace = _iteration(state)
    fwd, factors, gradients = trace["forward"], trace["factors"], trace["gradients"]
    updated = _iteration(state, hidden_deltas_use="updated")
    eta = state["learning_rate"]
    correct = answers(state)
    found: dict[str, list[tuple[str, float]]] = {name: [] for name in ANSWER_IDS}

    def add(code: str, answer_id: str, value: float) -> None:
        found[answer_id].append((code, float(value)))

    factors_and_gradients = (*O1_FACTORS, *H1_FACTORS, *(gradient_id(w) for w in network.WEIGHTS))
    for name in factors_and_gradients:
        add("sign_error", name, -correct[name])
    # dE/dw5 as dE/dout_o1 * dnet_o1/dw5, dE/dw1 as dE/dout_h1 * dnet_h1/dw1
    add("missing_activation_derivative", "dE_dw5",
        factors["dE_dout_o1"] * factors["dnet_o1_dw5"])  # fmt: skip
    add("missing_activation_derivative", "dE_dw1",
        factors["dE_dout_h1"] * factors["dnet_h1_dw1"])  # fmt: skip
    for name in ("dE_dout_o1", "dE_dw5", "dE_dw1"):
        add("dropped_half", name, 2 * correct[name])
    add("net_for_out", "dnet_o1_dw5", fwd["net_h1"])
    add("net_for_out", "dE_dw5", trace["deltas"]["o1"] * fwd["net_h1"])
    hidden_tail = factors["dout_h1_dnet_h1"] * factors["dnet_h1_dw1"]
    add("missed_second_path", "dE_dout_h1", factors["dE_dout_h1_via_o1"])
    add("missed_second_path", "dE_dw1", factors["dE_dout_h1_via_o1"] * hidden_tail)
    add("used_updated_weight", "dE_dout_h1", updated["factors"]["dE_dout_h1"])
    add("used_updated_weight", "dE_dw1", updated["gradients"]["w1"])
    for weight in network.WEIGHTS:
        old, gradient = state["weights"][weight], gradients[weight]
        add("forgot_learning_rate", new_weight_id(weight), old - gradient)
        add("added_update", new_weight_id(weight), old + eta * gradient)
    for name in found:
        found[name].sort(key=lambda entry: MISCONCEPTIONS.index(entry[0]))
    return found


def _old_weight(state: dict[str, Any], answer_id: str) -> float | None:
    """Return the weight before the update for a new-weight quantity, None for the rest."""
    if answer_id.endswith("_new"):
        return state["weights"][answer_id.removesuffix("_new")]
    return None


def close_to(answer: float, target: float, old: float | None = None) -> bool:
    """Whether ``answer`` counts as ``target``: within 0.5% of the value (of the change it makes
    to ``old`` for a new weight), or within 1e-6."""
    scale = abs(target) if old is None else abs(target - old)
    return abs(answer - target) <= max(RELATIVE_TOLERANCE * scale, ABSOLUTE_TOLERANCE)


@dataclass(frozen=True)
class Verdict:
    id: str
    correct: bool
    misconception: str | None
    message: str


def check(
    level: int, seed: int, submitted: dict[str, float], language: str = "en"
) -> list[Verdict]:
    """Judge each submitted answer: correct, a named mistake, or wrong with the factor to
    check next (the first factor it is built from that was not answered right alongside)."""
    asked = exercise(level, seed)
    unasked = [answer_id for answer_id in submitted if answer_id not in asked.asks]
    if unasked:
        raise ValueError(f"this exercise does not ask {', '.join(unasked)}")
    state = asked.state
    correct, wrong = answers(state), mistakes(state)
    verdicts = []
    for answer_id, answer in submitted.items():
        old = _old_weight(state, answer_id)
        if close_to(answer, correct[answer_id], old):
            verdicts.append(Verdict(answer_id, True, None, _text(language, "correct")))
            continue
        code = next(
            (code for code, value in wrong[answer_id] if close_to(answer, value, old)), None
        )
        if code is not None:
            message = _text(language, code, **_mistake_params(answer_id, state))
        else:
            confirmed = {
                other for other, value in submitted.items()
                if close_to(value, correct[other], _old_weight(state, other))
            }  # fmt: skip
            message = _hint(language, answer_id, confirmed)
        verdicts.append(Verdict(answer_id, False, code, message))
    return verdicts


# --- Messages -----------------------------------------------------------------------------

MESSAGES = {
    "en": {
        "correct": "Correct.",
        "hint": "Not yet. Check {formula}.",
        "combine": "The factors are right: check how they combine, {formula}.",
        "sign_error": "The sign is flipped: ∂E_total/∂out = out − target, not target − out; "
        "follow each minus sign along the chain.",
        "missing_activation_derivative": "The activation's derivative is missing: the chain "
        "passes through {factor} = {derivative}.",
        "dropped_half": "This is twice the answer: E = ½(target − out)², and the ½ cancels "
        "the 2 that comes down from the square.",
        "net_for_out": "net_h1 is used where out_h1 belongs: w5 multiplies the hidden "
        "neuron's output, out_h1 = σ(net_h1).",
        "missed_second_path": "Only the path through o1: out_h1 also reaches E_total through "
        "o2, so ∂E_total/∂out_h1 = δ_o1·w5 + δ_o2·w7.",
        "used_updated_weight": "w5 and w7 are already updated here: the hidden layer's "
        "gradients use this iteration's original w5 and w7.",
        "forgot_learning_rate": "The learning rate is missing: {weight}⁺ = {weight} − "
        "η·∂E_total/∂{weight}, with η = {eta}.",
        "added_update": "The update goes uphill: subtract η·∂E_total/∂{weight} from {weight}, "
        "don't add it.",
    },
    "zh-Hans": {
        "correct": "正确。",
        "hint": "还不对。请检查 {formula}。",
        "combine": "各个因子都对了：请检查它们怎样组合，{formula}。",
        "sign_error": "符号反了：∂E_total/∂out = out − target，而不是 target − out；"
        "沿着链式法则逐个检查负号。",
        "missing_activation_derivative": "缺少激活函数的导数：链式法则要经过 "
        "{factor} = {derivative}。",
        "dropped_half": "这是正确答案的两倍：E = ½(target − out)²，平方求导得到的 2 与 ½ 相消。",
        "net_for_out": "把 net_h1 当成了 out_h1：w5 乘的是隐藏神经元的输出 out_h1 = σ(net_h1)。",
        "missed_second_path": "只算了经过 o1 的路径：out_h1 也经过 o2 影响 E_total，"
        "所以 ∂E_total/∂out_h1 = δ_o1·w5 + δ_o2·w7。",
        "used_updated_weight": "这里用了更新后的 w5 和 w7："
        "隐藏层的梯度要用本次迭代原来的 w5 和 w7。",
        "forgot_learning_rate": "漏了学习率：{weight}⁺ = {weight} − η·∂E_total/∂{weight}，"
        "η = {eta}。",
        "added_update": "更新方向反了：要从 {weight} 减去 η·∂E_total/∂{weight}，而不是加上。",
    },
    "zh-Hant": {
        "correct": "正確。",
        "hint": "還不對。請檢查 {formula}。",
        "combine": "各個因子都對了：請檢查它們怎樣組合，{formula}。",
        "sign_error": "符號反了：∂E_total/∂out = out − target，而不是 target − out；"
        "沿著鏈式法則逐個檢查負號。",
        "missing_activation_derivative": "缺少激活函數的導數：鏈式法則要經過 "
        "{factor} = {derivative}。",
        "dropped_half": "這是正確答案的兩倍：E = ½(target − out)²，平方求導得到的 2 與 ½ 相消。",
        "net_for_out": "把 net_h1 當成了 out_h1：w5 乘的是隱藏神經元的輸出 out_h1 = σ(net_h1)。",
        "missed_second_path": "只算了經過 o1 的路徑：out_h1 也經過 o2 影響 E_total，"
        "所以 ∂E_total/∂out_h1 = δ_o1·w5 + δ_o2·w7。",
        "used_updated_weight": "這裡用了更新後的 w5 和 w7："
        "隱藏層的梯度要用本次迭代原來的 w5 和 w7。",
        "forgot_learning_rate": "漏了學習率：{weight}⁺ = {weight} − η·∂E_total/∂{weight}，"
        "η = {eta}。",
        "added_update": "更新方向反了：要從 {weight} 減去 η·∂E_total/∂{weight}，而不是加上。",
    },
}


def _text(language: str, key: str, **params: str) -> str:
    return MESSAGES[language][key].format(**params)


def _mistake_params(answer_id: str, state: dict[str, Any]) -> dict[str, str]:
    neuron = "o1" if answer_id == "dE_dw5" else "h1"
    weight = answer_id.removesuffix("_new")
    return {
        "factor": f"∂out_{neuron}/∂net_{neuron}",
        "derivative": f"out_{neuron}·(1 − out_{neuron})",
        "weight": weight,
        "eta": f"{state['learning_rate']:g}",
    }


def _hint(language: str, answer_id: str, confirmed: set[str]) -> str:
    """Name the first factor of ``answer_id`` not yet answered right, or say how they combine."""
    for factor in _ingredients(answer_id):
        if factor not in confirmed:
            return _text(language, "hint", formula=NOTATION[factor])
    return _text(language, "combine", formula=NOTATION[answer_id])
