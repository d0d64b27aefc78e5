"""An allocation failure inside ein is MemoryError and leaves no partial result (issue 8)."""

import numpy as np
import pytest

import ein
from ein import _ein


@pytest.fixture
def failing_allocations():
    yield _ein._testing_fail_allocation_after
    _ein._testing_disarm_allocation_failure()


def test_einsum_result_allocation_failure_is_memory_error(failing_allocations):
    a = np.ones((64, 48))
    b = np.ones((48, 32))
    ein.clear_plan_cache()
    failures = 0
    for allowed in range(0, 4):
        failing_allocations(allowed)
        try:
            ein.einsum("ij,jk->ki", a, b, optimize="optimal")
        except MemoryError as e:
            assert "unable to allocate" in str(e)
            failures += 1
        finally:
            _ein._testing_disarm_allocation_failure()
    assert failures >= 1  # with no allocation allowed, the result cannot be allocated
    # Works again once disarmed, with the right answer.
    np.testing.assert_allclose(ein.einsum("ij,jk->ki", a, b), (a @ b).T)


def test_workspace_allocation_failure_leaves_out_untouched(failing_allocations):
    a = np.ones((40, 30, 20))
    b = np.ones((30, 40, 10))
    out = np.full((20, 10), 7.0)
    failing_allocations(0)
    with pytest.raises(MemoryError):
        ein.einsum("ijk,jil->kl", a, b, out=out, optimize="greedy")
    _ein._testing_disarm_allocation_failure()
    assert (out == 7.0).all()
    ein.einsum("ijk,jil->kl", a, b, out=out, optimize="greedy")
    np.testing.assert_allclose(out, np.einsum("ijk,jil->kl", a, b))
