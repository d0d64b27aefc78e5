"""The GIL is released while ein computes, and concurrent calls from several threads are safe."""

import threading
import time

import numpy as np

import ein
from conftest import assert_matches, einsum_tolerance, make_operand, rng_for


def _long_einsum_inputs():
    # Large enough to run for a good fraction of a second on a small machine.
    rng = np.random.default_rng(3)
    return rng.random((1200, 1200)), rng.random((1200, 1200))


def test_gil_is_released_during_computation():
    a, b = _long_einsum_inputs()
    start = time.perf_counter()
    ein.einsum("ij,jk->ik", a, b)  # warm up: plan cached, BLAS threads started
    duration = time.perf_counter() - start
    repeats = max(1, int(0.6 / max(duration, 1e-3)))

    done = threading.Event()

    def worker():
        for _ in range(repeats):
            ein.einsum("ij,jk->ik", a, b)
        done.set()

    # While the worker computes, this thread must keep running Python code: with the GIL held
    # by the worker it would stall for a whole einsum at a time.
    thread = threading.Thread(target=worker)
    thread.start()
    stamps = [time.perf_counter()]
    while not done.is_set():
        sum(range(200))
        stamps.append(time.perf_counter())
    thread.join()
    total = stamps[-1] - stamps[0]
    longest_stall = max(np.diff(stamps)) if len(stamps) > 1 else total
    assert total > 0.2 * duration * repeats
    assert longest_stall < max(0.5 * duration, 0.05), (
        f"main thread stalled {longest_stall:.3f}s during einsums of {duration:.3f}s each")


def test_two_threads_run_einsum_at_once_correctly():
    rng = rng_for("threads")
    cases = []
    for subscripts, shapes in [("ij,jk->ik", [(40, 50), (50, 30)]),
                               ("bij,bjk->bik", [(4, 20, 30), (4, 30, 10)]),
                               ("ii->i", [(30, 30)]), ("ij,j->i", [(64, 64), (64,)]),
                               ("ijk,kl,lm->ijm", [(5, 6, 7), (7, 8), (8, 9)])]:
        for dtype in (np.float32, np.float64, np.int64, np.complex128):
            ops = [make_operand(rng, s, dtype, "negative") for s in shapes]
            cases.append((subscripts, ops, np.einsum(subscripts, *ops)))
    errors = []

    def worker(offset):
        try:
            for round_ in range(20):
                for k in range(len(cases)):
                    subscripts, ops, expected = cases[(k + offset + round_) % len(cases)]
                    got = ein.einsum(subscripts, *ops)
                    assert_matches(got, expected,
                                   einsum_tolerance(subscripts, ops, np.asarray(expected).dtype))
                    if round_ % 5 == 0:
                        ein.clear_plan_cache()  # concurrent cache clearing is safe too
        except BaseException as e:  # noqa: BLE001 - reported to the main thread
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]


def test_compiled_expression_shared_between_threads():
    expr = ein.contract_expression("ij,jk->ik", (64, 64), (64, 64))
    rng = np.random.default_rng(5)
    pairs = [(rng.random((64, 64)), rng.random((64, 64))) for _ in range(8)]
    errors = []

    def worker(i):
        try:
            for _ in range(30):
                a, b = pairs[i % len(pairs)]
                assert_matches(expr(a, b), a @ b,
                               einsum_tolerance("ij,jk->ik", [a, b], np.float64))
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]
