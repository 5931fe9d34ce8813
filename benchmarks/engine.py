"""The engine against a minimal pure-Python float loop doing the same arithmetic."""

import math
import statistics
import time
from collections.abc import Callable

from app import network, training

EPOCHS = 10_000


def minimal_loop(epochs: int) -> list[float]:
    """Return the worked example's losses from the plainest loop that computes them."""
    i1, i2, t1, t2 = 0.05, 0.10, 0.01, 0.99
    w1, w2, w3, w4, w5, w6, w7, w8 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55
    b1, b2, eta, exp = 0.35, 0.60, 0.5, math.exp
    losses = []
    for _ in range(epochs):
        out_h1 = 1 / (1 + exp(-(w1 * i1 + w2 * i2 + b1)))
        out_h2 = 1 / (1 + exp(-(w3 * i1 + w4 * i2 + b1)))
        out_o1 = 1 / (1 + exp(-(w5 * out_h1 + w6 * out_h2 + b2)))
        out_o2 = 1 / (1 + exp(-(w7 * out_h1 + w8 * out_h2 + b2)))
        losses.append(0.5 * (t1 - out_o1) ** 2 + 0.5 * (t2 - out_o2) ** 2)
        d1 = -(t1 - out_o1) * out_o1 * (1 - out_o1)
        d2 = -(t2 - out_o2) * out_o2 * (1 - out_o2)
        dh1 = (d1 * w5 + d2 * w7) * out_h1 * (1 - out_h1)
        dh2 = (d1 * w6 + d2 * w8) * out_h2 * (1 - out_h2)
        w5, w6 = w5 - eta * d1 * out_h1, w6 - eta * d1 * out_h2
        w7, w8 = w7 - eta * d2 * out_h1, w8 - eta * d2 * out_h2
        w1, w2 = w1 - eta * dh1 * i1, w2 - eta * dh1 * i2
        w3, w4 = w3 - eta * dh2 * i1, w4 - eta * dh2 * i2
    return losses


XOR_ROWS = ((0.0, 0.0, 0.0), (0.0, 1.0, 1.0), (1.0, 0.0, 1.0), (1.0, 1.0, 0.0))
XOR_DATA = [{"inputs": {"i1": i1, "i2": i2}, "targets": {"o1": t}} for i1, i2, t in XOR_ROWS]


def xor_minimal_loop(epochs: int) -> list[float]:
    """Return XOR's losses on 2-2-1 (one online update per row) from the plainest loop: the
    2-2-1 example's numbers, w1..w6 = 0.15 .. 0.45, b1 = 0.35, b2 = 0.60."""
    w1, w2, w3, w4, w5, w6 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45
    b1, b2, eta, exp = 0.35, 0.60, 0.5, math.exp
    losses = []
    for _ in range(epochs):
        total = 0.0
        for i1, i2, t in XOR_ROWS:
            out_h1 = 1 / (1 + exp(-(w1 * i1 + w2 * i2 + b1)))
            out_h2 = 1 / (1 + exp(-(w3 * i1 + w4 * i2 + b1)))
            out_o1 = 1 / (1 + exp(-(w5 * out_h1 + w6 * out_h2 + b2)))
            total += 0.5 * (t - out_o1) ** 2
            d1 = -(t - out_o1) * out_o1 * (1 - out_o1)
            dh1 = d1 * w5 * out_h1 * (1 - out_h1)
            dh2 = d1 * w6 * out_h2 * (1 - out_h2)
            w5, w6 = w5 - eta * d1 * out_h1, w6 - eta * d1 * out_h2
            w1, w2 = w1 - eta * dh1 * i1, w2 - eta * dh1 * i2
            w3, w4 = w3 - eta * dh2 * i1, w4 - eta * dh2 * i2
        losses.append(total / 4)
    return losses


def engine_run(epochs: int) -> training.Run:
    return training.train(network.EXAMPLE, epochs)


def numpy_steps(epochs: int) -> None:
    state = network.EXAMPLE
    for _ in range(epochs):
        state, _ = network.step(state)


def median_seconds(work: Callable[[], object], repeats: int = 9) -> float:
    """Return the median wall time of ``work`` over ``repeats`` runs, after one warm-up."""
    work()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def paired_ratio(
    work: Callable[[], object], baseline: Callable[[], object], repeats: int = 11
) -> tuple[float, float]:
    """Return the median of work/baseline timed back to back, and the median work seconds.

    Each pair runs moments apart, so a load that comes and goes on a shared machine slows both
    sides of a pair alike instead of skewing the ratio."""
    work()
    baseline()
    ratios, seconds = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        baseline()
        middle = time.perf_counter()
        work()
        end = time.perf_counter()
        ratios.append((end - middle) / (middle - start))
        seconds.append(end - middle)
    return statistics.median(ratios), statistics.median(seconds)


def main() -> None:
    """Print the engine's figures."""
    pairs = zip(engine_run(EPOCHS).losses, minimal_loop(EPOCHS), strict=True)
    if not all(math.isclose(a, b, rel_tol=1e-12) for a, b in pairs):
        raise SystemExit("the baseline does not compute what the engine computes")
    baseline = median_seconds(lambda: minimal_loop(EPOCHS))
    engine, _ = paired_ratio(lambda: engine_run(EPOCHS), lambda: minimal_loop(EPOCHS))
    stepped, _ = paired_ratio(lambda: numpy_steps(EPOCHS), lambda: minimal_loop(EPOCHS), repeats=3)
    print(f"baseline: minimal pure-Python loop, {EPOCHS:,} iterations: {baseline * 1e3:.1f} ms")
    print(f"engine (training.train): {engine:.2f}x baseline (target <= 2x)")
    print(f"numpy step (network.step) x {EPOCHS:,}: {stepped:.1f}x baseline (reference)")
