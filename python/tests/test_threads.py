"""The GIL is released while ein computes, and concurrent calls from several threads are safe."""

import threading

import numpy as np

import ein
from conftest import assert_matches, einsum_tolerance, make_operand, rng_for


def _long_einsum_inputs():
    # Large enough to run for a good fraction of a second on a small machine.
    rng = np.random.default_rng(3)
    return rng.random((1200, 1200)), rng.random((1200, 1200))


def test_gil_is_released_during_computation():
    """While a worker thread is inside ein.einsum, this thread keeps running Python code.

    With the GIL held by the worker, the main thread could run only at the instants between
    setting `inside` and entering the C++ call; with it released, it runs all the time."""
    a, b = _long_einsum_inputs()
    ein.einsum("ij,jk->ik", a, b)  # warm up: plan cached, BLAS threads started
    inside = threading.Event()
    done = threading.Event()

    def worker():
        for _ in range(3):
            inside.set()
            ein.einsum("ij,jk->ik", a, b)
            inside.clear()
        done.set()

    thread = threading.Thread(target=worker)
    thread.start()
    observed_inside = 0
    while not done.is_set():
        if inside.is_set():
            observed_inside += 1
        sum(range(50))
    thread.join()
    assert observed_inside > 100, (
        f"the main thread ran only {observed_inside} times while einsum computed")


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
