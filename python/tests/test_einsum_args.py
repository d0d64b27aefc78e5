"""einsum's arguments as NumPy takes them: out= (also overlapping an input), dtype=, casting=,
order=, the sublist form, every optimize form, Python scalars and lists; and einsum_path."""

import numpy as np
import pytest

import ein
from conftest import DTYPES, assert_matches, einsum_tolerance, make_operand, rng_for


def _tol(subscripts, ops, dtype):
    return einsum_tolerance(subscripts, ops, dtype)


@pytest.mark.parametrize("layout", ["contiguous", "fortran", "strided", "negative"])
@pytest.mark.parametrize("subscripts", ["ij,jk->ik", "ij->ji", "ii->i", "i,i->", "ijk->kij",
                                        "bij,bjk->bik", "ij,ij->ij"])
def test_out_any_layout(subscripts, layout):
    rng = rng_for("out", subscripts, layout)
    shapes = {"ij,jk->ik": [(3, 4), (4, 5)], "ij->ji": [(3, 4)], "ii->i": [(4, 4)],
              "i,i->": [(5,), (5,)], "ijk->kij": [(2, 3, 4)], "bij,bjk->bik": [(2, 3, 4), (2, 4, 3)],
              "ij,ij->ij": [(3, 4), (3, 4)]}[subscripts]
    ops = [make_operand(rng, s, np.float64, "contiguous") for s in shapes]
    expected = np.einsum(subscripts, *ops)
    out = make_operand(rng, np.shape(expected), np.float64, layout)
    assert ein.einsum(subscripts, *ops, out=out) is out
    assert_matches(out, np.asarray(expected), _tol(subscripts, ops, np.float64))


OVERLAP_CASES = {
    "transpose-in-place": lambda mod, a, b: mod.einsum("ij->ji", a, out=a),
    "matmul-into-a": lambda mod, a, b: mod.einsum("ij,jk->ik", a, b, out=a),
    "matmul-into-b": lambda mod, a, b: mod.einsum("ij,jk->ik", a, b, out=b),
    "matmul-into-a-transposed": lambda mod, a, b: mod.einsum("ij,jk->ik", a, b, out=a.T),
    "diagonal-into-reversed-diagonal":
        lambda mod, a, b: mod.einsum("ii->i", a, out=a.reshape(-1)[::5][::-1]),
    "hadamard-into-a": lambda mod, a, b: mod.einsum("ij,ij->ij", a, b, out=a),
    "reversed-rows-into-a": lambda mod, a, b: mod.einsum("ij,->ij", a[::-1], 2.0, out=a),
    "three-operands-into-b": lambda mod, a, b: mod.einsum("ij,jk,kl->il", a, b, a, out=b,
                                                          optimize=True),
    "sum-rows-into-first-column": lambda mod, a, b: mod.einsum("ij->i", a, out=a[:, 0]),
}


@pytest.mark.parametrize("case", list(OVERLAP_CASES))
def test_out_overlapping_an_input_gives_numpys_result(case):
    def setup():
        rng = rng_for("overlap", case)
        return (make_operand(rng, (4, 4), np.float64, "contiguous"),
                make_operand(rng, (4, 4), np.float64, "contiguous"))

    np_a, np_b = setup()
    ein_a, ein_b = setup()
    expected = OVERLAP_CASES[case](np, np_a, np_b)
    got = OVERLAP_CASES[case](ein, ein_a, ein_b)
    # Entries in [-1, 1], at most 16 products of 3 factors summed (the three-operand case):
    # 4 eps (terms + operands) * largest possible magnitude.
    tol = 4 * np.finfo(np.float64).eps * (16 + 3) * 16
    np.testing.assert_allclose(got, expected, rtol=0, atol=tol)
    np.testing.assert_allclose(ein_a, np_a, rtol=0, atol=tol)
    np.testing.assert_allclose(ein_b, np_b, rtol=0, atol=tol)


@pytest.mark.parametrize("out_dtype", DTYPES, ids=str)
@pytest.mark.parametrize("in_dtype", DTYPES, ids=str)
def test_out_dtype_casting_matches_numpy(in_dtype, out_dtype):
    rng = rng_for("out-cast", in_dtype.name, out_dtype.name)
    a = make_operand(rng, (3, 4), in_dtype, "contiguous")
    b = make_operand(rng, (4,), in_dtype, "contiguous")
    for casting in ("safe", "same_kind", "unsafe"):
        np_out = np.zeros(3, out_dtype)
        ein_out = np.zeros(3, out_dtype)
        try:
            np.einsum("ij,j->i", a, b, out=np_out, casting=casting)
        except TypeError:
            with pytest.raises(TypeError):
                ein.einsum("ij,j->i", a, b, out=ein_out, casting=casting)
            continue
        assert ein.einsum("ij,j->i", a, b, out=ein_out, casting=casting) is ein_out
        # Both compute in the common dtype of operands and out, then round into out.
        common = np.promote_types(np.result_type(a, b), out_dtype)
        tol = einsum_tolerance("ij,j->i", [a, b], common)
        if out_dtype.kind in "fc":
            tol = tol + 2 * np.finfo(out_dtype).eps * np.abs(np_out)
            assert_matches(ein_out, np_out, tol)
        elif common.kind in "fc":
            # float -> int truncation: sums within `tol` of an integer may truncate either way.
            close = np.abs(ein_out.astype(float) - np_out.astype(float))
            assert np.all((close == 0) | ((close == 1) & (tol > 0))), (ein_out, np_out)
        else:
            np.testing.assert_array_equal(ein_out, np_out)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_dtype_argument(dtype):
    rng = rng_for("dtype-arg", dtype.name)
    a = make_operand(rng, (3, 4), np.int32, "strided")
    b = make_operand(rng, (4, 2), np.bool_, "negative")
    for casting in ("safe", "unsafe"):
        try:
            expected = np.einsum("ij,jk->ik", a, b, dtype=dtype, casting=casting)
        except TypeError:
            with pytest.raises(TypeError):
                ein.einsum("ij,jk->ik", a, b, dtype=dtype, casting=casting)
            continue
        got = ein.einsum("ij,jk->ik", a, b, dtype=dtype, casting=casting)
        assert_matches(got, expected, _tol("ij,jk->ik", [a, b], dtype))


def test_dtype_with_optimize_and_out():
    rng = rng_for("dtype-opt")
    ops = [make_operand(rng, s, np.float32, "contiguous") for s in [(3, 4), (4, 5), (5, 2)]]
    expected = np.einsum("ij,jk,kl->il", *ops, dtype=np.float64)
    out = np.empty((3, 2))
    got = ein.einsum("ij,jk,kl->il", *ops, dtype=np.float64, optimize="optimal", out=out)
    assert got is out
    assert_matches(out, expected, _tol("ij,jk,kl->il", ops, np.float64))


@pytest.mark.parametrize("order", ["C", "F", "A", "K"])
def test_order(order):
    a = np.arange(12.0).reshape(3, 4)
    b = np.arange(20.0).reshape(4, 5)
    got = ein.einsum("ij,jk->ik", a, b, order=order)
    np.testing.assert_array_equal(got, a @ b)
    if order == "F":
        assert got.flags.f_contiguous
    else:
        assert got.flags.c_contiguous


def test_sublist_form():
    rng = rng_for("sublist")
    a = make_operand(rng, (3, 4), np.float64, "contiguous")
    b = make_operand(rng, (4, 5), np.float64, "strided")
    c = make_operand(rng, (2, 3, 3), np.float64, "negative")
    cases = [
        (a, [0, 1], b, [1, 2], [0, 2]),
        (a, [0, 1], b, [1, 2]),  # implicit output
        (a, [1, 0], b, [0, 51]),  # labels sort by integer value in implicit mode
        (a, [Ellipsis, 1], [Ellipsis]),
        (c, [Ellipsis, 0, 0], [Ellipsis, 0]),
        (a, [np.int64(0), np.int32(1)], [1]),
        (c, [0, 1, 1]),
    ]
    for args in cases:
        expected = np.einsum(*args)
        got = ein.einsum(*args)
        assert_matches(got, expected, 1e-12, repr([np.shape(x) if hasattr(x, "shape") else x
                                                   for x in args]))


def test_python_scalars_and_lists():
    cases = [
        ("i,i", [1, 2, 3], [4, 5, 6]),
        (",i->i", 2.0, np.ones(3, np.float32)),
        (",i->i", 2, np.ones(3, np.int32)),
        ("i,i->i", [True, False], [True, True]),
        ("ij->", [[1.5, 2.5], [3, 4]]),
        ("", 3.0),
        ("->", 3),
        (",", 2, 3.5),
        ("i,->i", [1j, 2], 3),
    ]
    for subscripts, *ops in cases:
        expected = np.einsum(subscripts, *ops)
        got = ein.einsum(subscripts, *ops)
        assert_matches(got, expected, 1e-12, f"{subscripts} {ops}")


def test_scalar_results_are_numpy_scalars():
    v = np.arange(3.0)
    for subscripts, ops in [("i,i", (v, v)), ("i->", (v,)), ("ii", (np.eye(3),)),
                            ("ij,ij->", (np.ones((2, 2)), np.ones((2, 2))))]:
        for optimize in (False, True, "auto"):
            got = ein.einsum(subscripts, *ops, optimize=optimize)
            assert isinstance(got, np.float64) and not isinstance(got, np.ndarray)
    out = np.empty(())
    assert ein.einsum("i,i", v, v, out=out) is out


PATH_OPS = [np.ones((2, 3)), np.ones((3, 4)), np.ones((4, 5)), np.ones((5, 2))]


@pytest.mark.parametrize("optimize", [
    False, True, None, "greedy", "optimal", "auto", "dp", "branch-all", "branch-2", "branch-1",
    "none", ("greedy", 10), ("optimal", 1e6), ["einsum_path", (0, 1), (0, 1), (0, 1)],
    ["einsum_path", (2, 3), (0, 1), (0, 1)], ["einsum_path", (0, 1, 2, 3)],
    ["einsum_path", (1,), (0, 3), (0, 1, 2)], [(0, 1), (0, 1), (0, 1)], [(1, 2), (0, 2), (0, 1)],
])
def test_every_optimize_form(optimize):
    expected = np.einsum("ij,jk,kl,lm->im", *PATH_OPS)
    got = ein.einsum("ij,jk,kl,lm->im", *PATH_OPS, optimize=optimize)
    assert_matches(got, expected, _tol("ij,jk,kl,lm->im", PATH_OPS, np.float64))


def test_paths_from_numpy_einsum_path_work():
    rng = rng_for("np-paths")
    ops = [make_operand(rng, s, np.float64, "contiguous")
           for s in [(2, 3), (3, 4), (4, 5), (5, 6), (6, 2)]]
    subscripts = "ab,bc,cd,de,ea->"
    for kind in ("greedy", "optimal", False):
        path, _ = np.einsum_path(subscripts, *ops, optimize=kind)
        got = ein.einsum(subscripts, *ops, optimize=path)
        assert_matches(got, np.einsum(subscripts, *ops), _tol(subscripts, ops, np.float64))


def test_einsum_path_returns_numpys_format_and_a_report():
    path, report = ein.einsum_path("ij,jk,kl,lm->im", *PATH_OPS, optimize="optimal")
    assert path[0] == "einsum_path"
    assert all(isinstance(step, tuple) and len(step) == 2 for step in path[1:])
    assert len(path) == 1 + 3
    assert isinstance(report, str) and "ij,jk,kl,lm->im" in report.replace(" ", "")
    # Its path is accepted by both ein and NumPy.
    expected = np.einsum("ij,jk,kl,lm->im", *PATH_OPS)
    np.testing.assert_allclose(ein.einsum("ij,jk,kl,lm->im", *PATH_OPS, optimize=path), expected)
    np.testing.assert_allclose(np.einsum("ij,jk,kl,lm->im", *PATH_OPS, optimize=path), expected)
    # Single operand: NumPy's (0,) step.
    assert ein.einsum_path("ij->", np.ones((2, 2)))[0] == ["einsum_path", (0,)]
    # The sublist form.
    path, _ = ein.einsum_path(PATH_OPS[0], [0, 1], PATH_OPS[1], [1, 2], [0, 2])
    assert path == ["einsum_path", (0, 1)]


def test_einsum_path_optimal_finds_numpys_optimal_cost():
    """On a chain where the order matters, ein's optimal path costs no more than NumPy's."""
    ops = [np.ones((10, 100)), np.ones((100, 5)), np.ones((5, 50)), np.ones((50, 10))]
    ein_path, _ = ein.einsum_path("ab,bc,cd,de->ae", *ops, optimize="optimal")
    np_path, np_report = np.einsum_path("ab,bc,cd,de->ae", *ops, optimize="optimal")
    _, ein_cost_report = np.einsum_path("ab,bc,cd,de->ae", *ops, optimize=ein_path)

    def flops(report):
        line = [ln for ln in report.splitlines() if "Optimized FLOP count" in ln][0]
        return float(line.split(":")[1])

    assert flops(ein_cost_report) <= flops(np_report) * (1 + 1e-9)


def test_zero_size_and_empty_sums():
    for subscripts, shapes in [("ij,jk->ik", [(0, 3), (3, 4)]), ("ij,jk->ik", [(2, 0), (0, 4)]),
                               ("i->", [(0,)]), ("ij->j", [(0, 3)]), ("ii->i", [(0, 0)]),
                               ("i,j->ij", [(0,), (3,)])]:
        for dtype in DTYPES:
            ops = [np.ones(s, dtype) for s in shapes]
            assert_matches(ein.einsum(subscripts, *ops), np.einsum(subscripts, *ops), 0.0,
                           f"{subscripts} {shapes} {dtype}")


def test_mixed_dtypes_promote_like_numpy():
    for da in DTYPES:
        for db in DTYPES:
            a = np.ones((2, 3), da)
            b = np.ones(3, db)
            expected = np.einsum("ij,j->i", a, b)
            got = ein.einsum("ij,j->i", a, b)
            assert got.dtype == expected.dtype, (da, db)
            np.testing.assert_array_equal(got, expected)


def test_byte_swapped_and_unaligned_inputs_are_read_correctly():
    a = np.arange(12.0).reshape(3, 4).astype(">f8")
    b = np.arange(4, dtype=">i4")
    assert_matches(ein.einsum("ij,j->i", a, b), np.einsum("ij,j->i", a, b), 1e-12)
    raw = np.zeros(8 * 12 + 1, np.uint8)
    unaligned = raw[1:].view(np.float64).reshape(3, 4)
    unaligned[...] = np.arange(12.0).reshape(3, 4)
    assert not unaligned.flags.aligned
    assert_matches(ein.einsum("ij->j", unaligned), np.einsum("ij->j", unaligned), 1e-12)


def test_subclasses_are_accepted():
    m = np.asmatrix(np.arange(4.0).reshape(2, 2))
    got = ein.einsum("ij,jk->ik", m, m)
    np.testing.assert_array_equal(got, np.asarray(m) @ np.asarray(m))


def test_einsum_path_reports_an_explicit_path_as_given():
    path = ["einsum_path", (2, 3), (0, 2), (0, 1)]
    got, _ = ein.einsum_path("ij,jk,kl,lm->im", *PATH_OPS, optimize=path)
    assert got == path
    # A NumPy step over three operands becomes ein's pairs.
    got, _ = ein.einsum_path("ij,jk,kl,lm->im", *PATH_OPS, optimize=["einsum_path", (0, 1, 2),
                                                                      (0, 1)])
    assert got == ["einsum_path", (0, 1), (0, 2), (0, 1)]  # [C, D, AB] -> [D, ABC] -> [ABCD]
