"""An independent reference for the engine: one iteration of the 2-2-2 network in 50-digit
arithmetic (mpmath), written from the textbook definitions rather than from app.network:
sigma(x) = 1 / (1 + e^-x), sigma'(x) = e^-x / (1 + e^-x)^2, tanh'(x) = 1 / cosh^2(x), softmax
out_k = e^net_k / (e^net_o1 + e^net_o2) and E_k = -t_k ln out_k, with mpmath's unbounded
exponents instead of any rearrangement against overflow. For cross-entropy delta_o is the
derivative of that E as written, out_k (t_o1 + t_o2) - t_k, whatever the targets sum to.

Each value also carries ``size``: a first-order bound on what a float64 evaluation of the same
formula may lose to rounding (the magnitudes of everything rounded on the way, each sum adding
its terms', each rounding at least 2^-1075), so that a comparison can tell the rounding
float64 cannot avoid when a difference cancels from an error in the engine.
"""

from mpmath import mp, mpf

mp.dps = 50
UNIT_ROUNDOFF = mpf(2) ** -53
# A rounding below float64's normal range may be off by 2^-1075 however small the value: in
# units of UNIT_ROUNDOFF, the smallest normal number.
UNDERFLOW = mpf(2) ** -1022
# Below float64's normal range numbers keep fewer digits: a few units of 2^-1074 is all there is.
SUBNORMAL_SLACK = mpf(2) ** -1070
REFERENCE_DIGITS = mpf(10) ** -45


def _rounded(value: object) -> object:
    """Return what one float64 rounding of ``value`` adds to a size."""
    return abs(value) + UNDERFLOW


class Exact:
    """A 50-digit value and the magnitude of the rounding a float64 evaluation of it carries."""

    __slots__ = ("value", "size")

    def __init__(self, value: object, size: object = 0) -> None:
        self.value = mpf(value)
        self.size = mpf(size)

    def __add__(self, other: object) -> "Exact":
        other = lift(other)
        value = self.value + other.value
        return Exact(value, self.size + other.size + _rounded(value))

    __radd__ = __add__

    def __neg__(self) -> "Exact":
        return Exact(-self.value, self.size)

    def __sub__(self, other: object) -> "Exact":
        return self + -lift(other)

    def __rsub__(self, other: object) -> "Exact":
        return lift(other) - self

    def __mul__(self, other: object) -> "Exact":
        other = lift(other)
        value = self.value * other.value
        size = abs(self.value) * other.size + abs(other.value) * self.size + _rounded(value)
        return Exact(value, size)

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> "Exact":
        other = lift(other)
        value = self.value / other.value
        size = (self.size + abs(value) * other.size) / abs(other.value) + _rounded(value)
        return Exact(value, size)

    def __rtruediv__(self, other: object) -> "Exact":
        return lift(other) / self


def lift(value: object) -> Exact:
    return value if isinstance(value, Exact) else Exact(value)


def _function(x: Exact, value: object, slope: object) -> Exact:
    """f(x) rounded once, carrying x's rounding through |f'(x)|."""
    return Exact(value, abs(slope) * x.size + _rounded(value))


def exp(x: Exact) -> Exact:
    value = mp.exp(x.value)
    return _function(x, value, value)


def ln(x: Exact) -> Exact:
    return _function(x, mp.log(x.value), 1 / x.value)


def cosh(x: Exact) -> Exact:
    return _function(x, mp.cosh(x.value), mp.sinh(x.value))


def tanh(x: Exact) -> Exact:
    return _function(x, mp.tanh(x.value), 1 / mp.cosh(x.value) ** 2)


def activation(name: str, net: Exact) -> tuple[Exact, Exact]:
    """Return out and d out / d net by the textbook definitions."""
    if name == "sigmoid":
        return 1 / (1 + exp(-net)), exp(-net) / ((1 + exp(-net)) * (1 + exp(-net)))
    if name == "tanh":
        return tanh(net), 1 / (cosh(net) * cosh(net))
    if net.value > 0:
        return net, Exact(1)
    return Exact(0), Exact(0)


def iteration(state: dict) -> dict[str, dict[str, Exact | None]]:
    """Return one iteration of a state (the API's JSON form): forward pass, chain-rule factors,
    deltas, gradients, changes and the parameters after the update."""
    x = {name: Exact(value) for part in ("inputs", "weights", "biases") for name, value in
         state[part].items()}  # fmt: skip
    t1, t2 = Exact(state["targets"]["o1"]), Exact(state["targets"]["o2"])
    eta = Exact(state["learning_rate"])
    options = state["options"]
    f = options["activation"]

    net_h1 = x["w1"] * x["i1"] + x["w2"] * x["i2"] + x["b1"]
    net_h2 = x["w3"] * x["i1"] + x["w4"] * x["i2"] + x["b1"]
    out_h1, slope_h1 = activation(f, net_h1)
    out_h2, slope_h2 = activation(f, net_h2)
    net_o1 = x["w5"] * out_h1 + x["w6"] * out_h2 + x["b2"]
    net_o2 = x["w7"] * out_h1 + x["w8"] * out_h2 + x["b2"]
    factors: dict[str, Exact | None] = {}
    if options["loss"] == "squared":
        out_o1, slope_o1 = activation(f, net_o1)
        out_o2, slope_o2 = activation(f, net_o2)
        E_o1 = 0.5 * (t1 - out_o1) * (t1 - out_o1)
        E_o2 = 0.5 * (t2 - out_o2) * (t2 - out_o2)
        factors["dE_dout_o1"], factors["dE_dout_o2"] = out_o1 - t1, out_o2 - t2
        factors["dout_o1_dnet_o1"], factors["dout_o2_dnet_o2"] = slope_o1, slope_o2
        delta_o1, delta_o2 = (out_o1 - t1) * slope_o1, (out_o2 - t2) * slope_o2
    else:
        total = exp(net_o1) + exp(net_o2)
        out_o1, out_o2 = exp(net_o1) / total, exp(net_o2) / total
        E_o1, E_o2 = -t1 * ln(out_o1), -t2 * ln(out_o2)
        factors.update(dE_dout_o1=None, dE_dout_o2=None, dout_o1_dnet_o1=None,
                       dout_o2_dnet_o2=None)  # fmt: skip
        delta_o1, delta_o2 = out_o1 * (t1 + t2) - t1, out_o2 * (t1 + t2) - t2

    gradients = {
        "w5": delta_o1 * out_h1, "w6": delta_o1 * out_h2,
        "w7": delta_o2 * out_h1, "w8": delta_o2 * out_h2,
    }  # fmt: skip
    used = {name: x[name] for name in ("w5", "w6", "w7", "w8")}
    if options["hidden_deltas_use"] == "updated":
        used = {name: x[name] - eta * gradients[name] for name in used}
    factors.update({
        "dnet_o1_dw5": out_h1, "dnet_o1_dw6": out_h2, "dnet_o2_dw7": out_h1, "dnet_o2_dw8": out_h2,
        "dnet_o1_dout_h1": used["w5"], "dnet_o2_dout_h1": used["w7"],
        "dnet_o1_dout_h2": used["w6"], "dnet_o2_dout_h2": used["w8"],
        "dE_dout_h1_via_o1": delta_o1 * used["w5"], "dE_dout_h1_via_o2": delta_o2 * used["w7"],
        "dE_dout_h2_via_o1": delta_o1 * used["w6"], "dE_dout_h2_via_o2": delta_o2 * used["w8"],
        "dout_h1_dnet_h1": slope_h1, "dout_h2_dnet_h2": slope_h2,
        "dnet_h1_dw1": x["i1"], "dnet_h1_dw2": x["i2"],
        "dnet_h2_dw3": x["i1"], "dnet_h2_dw4": x["i2"],
    })  # fmt: skip
    factors["dE_dout_h1"] = factors["dE_dout_h1_via_o1"] + factors["dE_dout_h1_via_o2"]
    factors["dE_dout_h2"] = factors["dE_dout_h2_via_o1"] + factors["dE_dout_h2_via_o2"]
    delta_h1 = factors["dE_dout_h1"] * slope_h1
    delta_h2 = factors["dE_dout_h2"] * slope_h2
    gradients.update({
        "w1": delta_h1 * x["i1"], "w2": delta_h1 * x["i2"],
        "w3": delta_h2 * x["i1"], "w4": delta_h2 * x["i2"],
        "b1": delta_h1 + delta_h2, "b2": delta_o1 + delta_o2,
    })  # fmt: skip
    trained = [name for name in gradients if options["train_biases"] or name.startswith("w")]
    changes = {name: -eta * gradients[name] if name in trained else Exact(0) for name in gradients}
    parameters = {name: x[name] + changes[name] if name in trained else x[name]
                  for name in gradients}  # fmt: skip
    forward = {
        "net_h1": net_h1, "out_h1": out_h1, "net_h2": net_h2, "out_h2": out_h2,
        "net_o1": net_o1, "out_o1": out_o1, "net_o2": net_o2, "out_o2": out_o2,
        "E_o1": E_o1, "E_o2": E_o2, "E_total": E_o1 + E_o2,
    }  # fmt: skip
    deltas = {"o1": delta_o1, "o2": delta_o2, "h1": delta_h1, "h2": delta_h2}
    return {
        "forward": forward, "factors": factors, "deltas": deltas, "gradients": gradients,
        "changes": changes, "parameters": parameters,
    }  # fmt: skip


def layered_iteration(layers: list[int], state: dict, rows: list[dict]) -> dict:
    """One update of any layered network in 50-digit arithmetic, from the documented naming
    (inputs i1.., hidden h1.. numbered on across layers, outputs o1..; weights numbered layer
    by layer, by target then source; one bias per layer) and the textbook chain rule: delta of
    an output (out - target) f'(net) or, with softmax, out (sum of targets) - target; of a
    hidden neuron, the sum over the layer above of delta times the weight (updated first under
    the ``updated`` rule), times f'(net). ``rows``: a batch's every row, or online the one row
    used. Returns each row's forward values, nets and deltas, the mean E_total, the gradients
    (means over the rows) and the parameters after the update, all Exact."""
    options = state["options"]
    count = iter(range(1, 100))
    hidden = [[f"h{next(count)}" for _ in range(width)] for width in layers[1:-1]]
    neurons = [[f"i{k + 1}" for k in range(layers[0])], *hidden,
               [f"o{k + 1}" for k in range(layers[-1])]]  # fmt: skip
    edges, number = [], 0
    for below, above in zip(neurons, neurons[1:], strict=False):
        for target in above:
            for source in below:
                number += 1
                edges.append((f"w{number}", source, target))
    bias = {n: f"b{k}" for k, layer in enumerate(neurons[1:], start=1) for n in layer}
    x = {name: Exact(value) for part in ("weights", "biases") for name, value in
         state[part].items()}  # fmt: skip
    eta = Exact(state["learning_rate"])
    softmax = options["loss"] == "cross_entropy"
    zero = Exact(0)

    results, sums = [], {name: zero for name in x}
    for row in rows:
        value = {name: Exact(v) for name, v in row["inputs"].items()}
        net, slope = {}, {}
        for layer in neurons[1:]:
            for n in layer:
                net[n] = sum((x[w] * value[s] for w, s, t in edges if t == n), zero) + x[bias[n]]
                if not (softmax and n.startswith("o")):
                    value[n], slope[n] = activation(options["activation"], net[n])
        targets = {o: Exact(v) for o, v in row["targets"].items()}
        outputs = neurons[-1]
        if softmax:
            total = sum((exp(net[o]) for o in outputs), zero)
            for o in outputs:
                value[o] = exp(net[o]) / total
            E = sum((-targets[o] * ln(value[o]) for o in outputs), zero)
            target_sum = sum(targets.values(), zero)
            delta = {o: value[o] * target_sum - targets[o] for o in outputs}
        else:
            E = sum(((targets[o] - value[o]) * (targets[o] - value[o]) / 2 for o in outputs), zero)
            delta = {o: (value[o] - targets[o]) * slope[o] for o in outputs}
        used = dict(x)
        gradient: dict[str, Exact] = {}
        for depth in reversed(range(1, len(neurons))):
            for n in neurons[depth]:
                if depth < len(neurons) - 1:
                    paths = (delta[t] * used[w] for w, s, t in edges if s == n)
                    delta[n] = sum(paths, zero) * slope[n]
            for w, s, t in edges:
                if t in neurons[depth]:
                    gradient[w] = delta[t] * value[s]
                    if options["hidden_deltas_use"] == "updated":
                        used[w] = x[w] - eta * gradient[w]
            gradient[f"b{depth}"] = sum((delta[n] for n in neurons[depth]), zero)
        for name in sums:
            sums[name] = sums[name] + gradient[name]
        results.append({"value": value, "net": net, "delta": delta, "E": E})
    gradients = {name: total / len(rows) for name, total in sums.items()}
    trained = [name for name in x if options["train_biases"] or name.startswith("w")]
    parameters = {name: x[name] - eta * gradients[name] if name in trained else x[name]
                  for name in x}  # fmt: skip
    return {"rows": results, "E": sum((r["E"] for r in results), zero) / len(rows),
            "gradients": gradients, "parameters": parameters}  # fmt: skip


def allowed(expected: Exact, strict: bool = True) -> object:
    """How far a float64 result may be from ``expected``: 1e-9 relative, plus a few units of
    2^-1074 below the normal range and the reference's own 50 digits; unless ``strict``, also
    float64's own rounding of the differences that cancel in it (``expected.size``)."""
    slack = 1e-9 * abs(expected.value) + SUBNORMAL_SLACK + REFERENCE_DIGITS * expected.size
    return slack if strict else slack + 8 * UNIT_ROUNDOFF * expected.size


def matches(got: float, expected: Exact, strict: bool = True) -> bool:
    return abs(mpf(float(got)) - expected.value) <= allowed(expected, strict)
