"""An allocation failure inside ein is MemoryError and leaves no partial result (issue 8)."""

import threading

import numpy as np
import pytest

import ein
from ein import _ein


def on_fresh_thread(f):
    """Runs f on a new thread (ein reuses a per-thread workspace buffer: a fresh thread has none,
    so its first einsum must allocate) and re-raises what it raised."""
    raised = []

    def body():
        try:
            f()
        except BaseException as e:  # noqa: BLE001 - handed back to the caller
            raised.append(e)

    t = threading.Thread(target=body)
    t.start()
    t.join()
    if raised:
        raise raised[0]


@pytest.fixture
def failing_allocations():
    yield _ein._testing_fail_allocation_after
    _ein._testing_disarm_allocation_failure()


def test_workspace_allocation_failure_is_memory_error(failing_allocations):
    # A transposing contraction: its operands are permuted into ein's workspace (the result
    # itself is a NumPy array).
    a = np.ones((24, 20, 32))
    b = np.ones((20, 24, 28))
    ein.clear_plan_cache()
    failures = 0
    for allowed in range(0, 4):
        failing_allocations(allowed)
        try:
            on_fresh_thread(lambda: ein.einsum("ijk,jil->kl", a, b, optimize="optimal"))
        except MemoryError as e:
            assert "unable to allocate" in str(e)
            failures += 1
        finally:
            _ein._testing_disarm_allocation_failure()
    assert failures >= 1  # with no allocation allowed, the workspace cannot be allocated
    # Works again once disarmed, with the right answer.
    np.testing.assert_allclose(ein.einsum("ijk,jil->kl", a, b), np.einsum("ijk,jil->kl", a, b))


def test_workspace_allocation_failure_leaves_out_untouched(failing_allocations):
    a = np.ones((40, 30, 20))
    b = np.ones((30, 40, 10))
    out = np.full((20, 10), 7.0)
    failing_allocations(0)
    with pytest.raises(MemoryError):
        on_fresh_thread(lambda: ein.einsum("ijk,jil->kl", a, b, out=out, optimize="greedy"))
    _ein._testing_disarm_allocation_failure()
    assert (out == 7.0).all()
    ein.einsum("ijk,jil->kl", a, b, out=out, optimize="greedy")
    np.testing.assert_allclose(out, np.einsum("ijk,jil->kl", a, b))
