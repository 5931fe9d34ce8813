"""The networks the page offers besides the worked example: XOR, AND, OR and a deeper net.

Each is a state the API accepts as it is (``POST /api/reset``), with its rows of data. Their
starting weights are ones from which online training reaches every row's target within a
few thousand epochs at the learning rate given (tests/test_presets.py trains each one), so a
class sees XOR learnt rather than stuck in a local minimum.
"""

from typing import Any

from app import network

_OPTIONS = {"activation": "sigmoid", "loss": "squared", "train_biases": True,
            "hidden_deltas_use": "original", "training": "online"}  # fmt: skip

# The four corners of the input square and each function's output there.
_CORNERS = ((0, 0), (0, 1), (1, 0), (1, 1))
_TABLES = {
    "xor": (0, 1, 1, 0),
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
}


def _rows(table: tuple[int, ...], outputs: int) -> list[dict[str, Any]]:
    """The four corners with ``table``'s value as o1 (with two outputs, its complement as o2)."""
    rows = []
    for (i1, i2), target in zip(_CORNERS, table, strict=True):
        targets = {"o1": float(target), "o2": float(1 - target)}
        if outputs == 1:
            del targets["o2"]
        rows.append({"inputs": {"i1": float(i1), "i2": float(i2)}, "targets": targets})
    return rows


def _state(layers: list[int], table: str, weights: list[float], biases: list[float],
           learning_rate: float, train_biases: bool = True) -> dict[str, Any]:  # fmt: skip
    shape = network.Network.of(layers)
    return {
        "layers": layers,
        "data": _rows(_TABLES[table], layers[-1]),
        "weights": dict(zip((name for name, _, _ in shape.weights), weights, strict=True)),
        "biases": dict(zip((name for name, _ in shape.biases), biases, strict=True)),
        "learning_rate": learning_rate,
        "options": {**_OPTIONS, "train_biases": train_biases},
        "iteration": 0,
    }


_ONE_HIDDEN = [0.7, 0.5, -0.2, -0.5, 0.0, -0.2]

# id → (its name in each language, the state)
PRESETS: dict[str, tuple[dict[str, str], dict[str, Any]]] = {
    "example": (
        {"en": "The worked example (2-2-2)", "zh-Hans": "经典示例（2-2-2）",
         "zh-Hant": "經典範例（2-2-2）"},
        network.Network.of(network.LAYERS).example,
    ),
    "xor-221": (
        {"en": "XOR, 2-2-1", "zh-Hans": "异或 XOR，2-2-1", "zh-Hant": "互斥或 XOR，2-2-1"},
        _state([2, 2, 1], "xor", _ONE_HIDDEN, [0.3, -0.2], 2.0),
    ),
    "xor-231": (
        {"en": "XOR, 2-3-1", "zh-Hans": "异或 XOR，2-3-1", "zh-Hant": "互斥或 XOR，2-3-1"},
        _state([2, 3, 1], "xor", [-0.3, 1, 0.9, 0.8, 0.6, 0.8, -1, 0.3, -0.5], [0.2, -0.1],
               2.0, train_biases=False),
    ),
    "and": (
        {"en": "AND, 2-2-1", "zh-Hans": "与 AND，2-2-1", "zh-Hant": "且 AND，2-2-1"},
        _state([2, 2, 1], "and", _ONE_HIDDEN, [0.3, -0.2], 2.0),
    ),
    "or": (
        {"en": "OR, 2-2-1", "zh-Hans": "或 OR，2-2-1", "zh-Hant": "或 OR，2-2-1"},
        _state([2, 2, 1], "or", _ONE_HIDDEN, [0.3, -0.2], 2.0),
    ),
    "deep-2332": (
        {"en": "Deeper: XOR on 2-3-3-2", "zh-Hans": "更深：2-3-3-2 上的异或",
         "zh-Hant": "更深：2-3-3-2 上的互斥或"},
        _state([2, 3, 3, 2], "xor",
               [-0.7, 0.7, 0.5, -0.5, 0.0, -0.1, 0.3, 0.6, -0.8, -0.9, 0.7, -0.1,
                0.5, -1.0, -0.1, 0.4, -0.5, 0.9, 0.8, -0.9, -0.9],
               [0.0, 0.4, -0.1], 2.0),
    ),
}  # fmt: skip


def presets() -> list[dict[str, Any]]:
    """The presets as the page embeds them: [{id, name, state}], the worked example first."""
    return [{"id": key, "name": name, "state": state} for key, (name, state) in PRESETS.items()]
