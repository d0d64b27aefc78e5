"""contract_expression: compiled once, called many times on new operands of the same shapes."""


import numpy as np
import pytest

import ein
from conftest import (
    DTYPES,
    assert_matches,
    einsum_tolerance,
    make_operand,
    rng_for,
)


def test_expression_matches_numpy_on_new_operands():
    expr = ein.contract_expression("bij,bjk->bik", (3, 4, 5), (3, 5, 2))
    rng = rng_for("expr")
    for _ in range(5):
        a = make_operand(rng, (3, 4, 5), np.float64, "contiguous")
        b = make_operand(rng, (3, 5, 2), np.float64, "contiguous")
        assert_matches(expr(a, b), np.einsum("bij,bjk->bik", a, b),
                       einsum_tolerance("bij,bjk->bik", [a, b], np.float64))


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_expression_other_dtypes_and_layouts(dtype):
    expr = ein.contract_expression("ij,jk,kl->il", (3, 4), (4, 5), (5, 2), optimize="optimal")
    rng = rng_for("expr-dtypes", dtype.name)
    for layout in ("contiguous", "negative", "strided", "fortran"):
        ops = [make_operand(rng, s, dtype, layout) for s in [(3, 4), (4, 5), (5, 2)]]
        expected = np.einsum("ij,jk,kl->il", *ops)
        assert_matches(expr(*ops), expected,
                       einsum_tolerance("ij,jk,kl->il", ops, expected.dtype))


def test_expression_from_example_arrays_and_out():
    a = np.ones((4, 3), np.float32)[::-1]
    b = np.ones(3, np.float32)
    expr = ein.contract_expression("ij,j->i", a, b)
    out = np.empty(4, np.float64)
    assert expr(a, b, out=out) is out
    np.testing.assert_array_equal(out, np.full(4, 3.0))
    assert expr(a, b).dtype == np.float32


def test_expression_scalar_view_and_lists():
    dot = ein.contract_expression("i,i->", (3,), (3,))
    got = dot([1.0, 2.0, 3.0], np.ones(3))
    assert isinstance(got, np.float64) and got == 6.0
    transpose = ein.contract_expression("ij->ji", (2, 3))
    a = np.arange(6.0).reshape(2, 3)
    t = transpose(a)
    assert np.shares_memory(t, a)


def test_expression_rejects_other_shapes_and_counts():
    expr = ein.contract_expression("ij,jk->ik", (2, 3), (3, 4))
    with pytest.raises(ValueError, match="shape"):
        expr(np.ones((2, 3)), np.ones((3, 5)))
    with pytest.raises(ValueError, match="operands"):
        expr(np.ones((2, 3)))
    with pytest.raises(ValueError):
        ein.contract_expression("ij,jk->ik", (2, 3), (4, 4))
    with pytest.raises(KeyError):
        ein.contract_expression("ij,jk->ik", (2, 3), (3, 4), optimize="nope")


def test_expression_path_report_and_repr():
    expr = ein.contract_expression("ab,bc,cd->ad", (10, 100), (100, 5), (5, 50),
                                   optimize="optimal")
    assert expr.path[0] == "einsum_path" and len(expr.path) == 3
    assert "ab,bc,cd->ad" in expr.report.replace(" ", "")
    assert "ab,bc,cd->ad" in repr(expr)
    assert expr.shapes == [(10, 100), (100, 5), (5, 50)]
    ops = [np.ones(s) for s in expr.shapes]
    np.testing.assert_allclose(expr(*ops), np.einsum("ab,bc,cd->ad", *ops))
    np.testing.assert_allclose(ein.einsum("ab,bc,cd->ad", *ops, optimize=expr.path),
                               np.einsum("ab,bc,cd->ad", *ops))


def test_expression_call_does_not_replan():
    """Calling a compiled expression reuses its plan: the plan cache does not grow."""
    expr = ein.contract_expression("ij,jk->ik", (3, 3), (3, 3))
    a, b = np.ones((3, 3)), np.ones((3, 3))
    ein.clear_plan_cache()
    for _ in range(100):
        np.testing.assert_array_equal(expr(a, b), a @ b)
    assert ein._ein.plan_cache_size() == 0


def test_expression_out_errors_match_einsum():
    expr = ein.contract_expression("ij,jk->ik", (2, 3), (3, 4))
    a, b = np.ones((2, 3)), np.ones((3, 4))
    with pytest.raises(ValueError):
        expr(a, b, out=np.broadcast_to(np.empty(1), (2, 4)))
    with pytest.raises(TypeError):
        expr(a, b, out=np.empty((2, 4), np.float32))  # float64 -> float32 is not a safe cast
    with pytest.raises(ValueError):
        expr(a, b, out=np.empty((2, 5)))
