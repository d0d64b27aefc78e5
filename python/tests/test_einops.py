"""ein.rearrange / reduce / repeat / pack / unpack against the einops package on NumPy arrays.

A random corpus of patterns (groups on both sides, '...', unit axes '1' and '()', sizes given by
name, anonymous axes) is drawn from EIN_SEED; a failure prints the seed, the case and the call,
so `EIN_SEED=<seed> pytest test_einops.py -k <case>` reproduces it. einops raises EinopsError
for a bad pattern or shape; ein raises ValueError for the same calls.
"""

from __future__ import annotations

import numpy as np
import pytest

import ein
from conftest import SEED, assert_matches, make_operand, rng_for

einops = pytest.importorskip("einops")

NAMES = ["a", "b", "c", "d", "e", "f", "g"]
LAYOUTS = ["contiguous", "fortran", "strided", "negative", "transposed"]


def _groups(rng, names):
    """Splits an ordered list of names into consecutive groups (lists)."""
    groups, i = [], 0
    while i < len(names):
        size = int(rng.integers(1, 4))
        groups.append(names[i : i + size])
        i += size
    return groups


def _side(rng, groups, ellipsis_at, units):
    """Pattern text for one side: groups (a group of 1 name is written bare unless chosen to be
    parenthesised), '...' at index ellipsis_at (None: none), unit axes inserted."""
    parts = []
    for g in groups:
        if len(g) == 1 and rng.random() < 0.8:
            parts.append(g[0])
        else:
            parts.append("(" + " ".join(g) + ")")
    if ellipsis_at is not None:
        parts.insert(min(ellipsis_at, len(parts)), "...")
    for _ in range(units):
        parts.insert(int(rng.integers(0, len(parts) + 1)), "1" if rng.random() < 0.5 else "()")
    return " ".join(parts)


def _random_input_side(rng, n_names):
    """Names, their extents, the left groups, the left text, the input shape and the sizes
    einops needs (plus some redundant ones)."""
    names = [str(x) for x in rng.permutation(NAMES)[:n_names]]
    extents = {n: int(rng.integers(1, 5)) for n in names}
    groups = _groups(rng, names)
    use_ellipsis = rng.random() < 0.35
    ellipsis_at = int(rng.integers(0, len(groups) + 1)) if use_ellipsis else None
    ellipsis_shape = tuple(int(e) for e in rng.integers(1, 4, size=int(rng.integers(0, 3))))
    units = int(rng.integers(0, 2)) if rng.random() < 0.3 else 0
    left = _side(rng, groups, ellipsis_at, units)
    # The input shape follows the left pattern's tokens.
    shape = _shape_of(left, extents, ellipsis_shape)
    sizes = {}
    for g in groups:
        if len(g) > 1:
            unknown = g[int(rng.integers(0, len(g)))]
            for n in g:
                if n != unknown or rng.random() < 0.2:
                    sizes[n] = extents[n]
        elif rng.random() < 0.15:
            sizes[g[0]] = extents[g[0]]  # redundant but consistent
    return names, extents, left, tuple(shape), sizes, use_ellipsis


def _shape_of(text, extents, ellipsis_shape):
    shape, group = [], None
    for token in text.replace("(", " ( ").replace(")", " ) ").split():
        if token == "(":
            group = 1
        elif token == ")":
            shape.append(group)
            group = None
        elif token == "...":
            shape.extend(ellipsis_shape)
        elif token == "1":
            shape.append(1)
        elif group is not None:
            group *= extents[token]
        else:
            shape.append(extents[token])
    return shape


def _context(kind, case, x, pattern, sizes, extra=""):
    return (
        f"{kind}(x of shape {x.shape} strides {x.strides}, {pattern!r}{extra}, **{sizes}); "
        f"reproduce: EIN_SEED={SEED} pytest test_einops.py -k '{kind} and {case}'"
    )


def _right_side(rng, names, use_ellipsis, extra_names=()):
    """A random right side: the names (and new ones) permuted and grouped; '...' anywhere,
    inside a group too (allowed on the right); maybe unit axes."""
    order = [str(n) for n in rng.permutation(list(names) + list(extra_names))]
    if use_ellipsis:
        order.insert(int(rng.integers(0, len(order) + 1)), "...")
    units = int(rng.integers(0, 2)) if rng.random() < 0.3 else 0
    return _side(rng, _groups(rng, order), None, units)


@pytest.mark.parametrize("case", range(300))
def test_rearrange_matches_einops(case):
    rng = rng_for("rearrange", case)
    names, extents, left, shape, sizes, use_ellipsis = _random_input_side(
        rng, int(rng.integers(1, 6))
    )
    right = _right_side(rng, names, use_ellipsis)
    pattern = f"{left} -> {right}"
    dtype = [np.float64, np.float32, np.int32, np.complex64, np.bool_][case % 5]
    x = make_operand(rng, shape, dtype, LAYOUTS[case % len(LAYOUTS)])
    context = _context("rearrange", case, x, pattern, sizes)
    expected = einops.rearrange(x, pattern, **sizes)
    got = ein.rearrange(x, pattern, **sizes)
    assert_matches(got, expected, context=context)
    # A view exactly where NumPy's reshape of the transposed input (what einops does) is one.
    assert np.shares_memory(got, x) == np.shares_memory(expected, x) or x.size <= 1, context


@pytest.mark.parametrize("case", range(200))
def test_reduce_matches_einops(case):
    rng = rng_for("reduce", case)
    names, extents, left, shape, sizes, use_ellipsis = _random_input_side(
        rng, int(rng.integers(1, 6))
    )
    kept = [n for n in names if rng.random() < 0.5]
    right = _right_side(rng, kept, use_ellipsis and rng.random() < 0.7)
    pattern = f"{left} -> {right}"
    reduction = ["sum", "mean", "max", "min", "prod", "any", "all"][case % 7]
    if reduction in ("any", "all"):
        dtype = np.bool_
    elif reduction == "mean":
        dtype = [np.float64, np.float32][case % 2]
    else:
        dtype = [np.float64, np.float32, np.int32, np.int64][case % 4]
    x = make_operand(rng, shape, dtype, LAYOUTS[case % len(LAYOUTS)])
    context = _context("reduce", case, x, pattern, sizes, f", {reduction!r}")
    expected = einops.reduce(x, pattern, reduction, **sizes)
    got = ein.reduce(x, pattern, reduction, **sizes)
    n = max(1, x.size // max(1, np.asarray(expected).size))
    tol = 0.0
    if np.dtype(dtype).kind == "f":
        # Values lie in [-1, 1]: a sum of n is at most n, a mean or product at most 1.
        tol = 4 * float(np.finfo(dtype).eps) * (n + 1) * (n if reduction == "sum" else 1)
    assert_matches(got, expected, tolerance=tol, context=context)


@pytest.mark.parametrize("case", range(200))
def test_repeat_matches_einops(case):
    rng = rng_for("repeat", case)
    names, extents, left, shape, sizes, use_ellipsis = _random_input_side(
        rng, int(rng.integers(1, 5))
    )
    free = [n for n in NAMES if n not in names]
    new = [str(n) for n in rng.permutation(free)[: int(rng.integers(1, 3))]]
    right = _right_side(rng, names, use_ellipsis, extra_names=new)
    for n in new:
        sizes[n] = int(rng.integers(1, 4))
    if rng.random() < 0.3:
        right = right + " 2"  # an anonymous new axis
    pattern = f"{left} -> {right}"
    dtype = [np.float64, np.int64, np.bool_, np.complex128][case % 4]
    x = make_operand(rng, shape, dtype, LAYOUTS[case % len(LAYOUTS)])
    context = _context("repeat", case, x, pattern, sizes)
    expected = einops.repeat(x, pattern, **sizes)
    got = ein.repeat(x, pattern, **sizes)
    assert_matches(got, expected, context=context)
    assert not np.shares_memory(got, x), context  # always a new array, never a stride-0 view


def test_rearrange_returns_a_view_that_keeps_its_input_alive():
    x = np.arange(24.0).reshape(2, 3, 4)
    y = ein.rearrange(x, "a b c -> c a b")
    assert np.shares_memory(y, x)
    assert y.base is not None
    np.testing.assert_array_equal(y, x.transpose(2, 0, 1))
    y[0, 0, 0] = -1.0
    assert x[0, 0, 0] == -1.0  # the same memory, writable like the input
    z = ein.rearrange(np.arange(12).reshape(3, 4), "a (b c) -> b a c", c=2)
    del x
    import gc

    gc.collect()
    np.testing.assert_array_equal(z, np.arange(12).reshape(3, 2, 2).transpose(1, 0, 2))
    # A merge across non-adjacent axes needs a copy, as in NumPy.
    t = np.arange(6).reshape(2, 3)
    copied = ein.rearrange(t, "a b -> (b a)")
    assert not np.shares_memory(copied, t)
    np.testing.assert_array_equal(copied, t.T.reshape(-1))


def test_read_only_input_gives_a_read_only_view():
    x = np.arange(6.0).reshape(2, 3)
    x.flags.writeable = False
    y = ein.rearrange(x, "a b -> b a")
    assert np.shares_memory(y, x) and not y.flags.writeable


def test_list_inputs_are_stacked_first():
    frames = [np.full((2, 3), i, dtype=np.float64) for i in range(4)]
    for pattern, sizes in [("t h w -> h (t w)", {}), ("t h (w c) -> c t h w", {"c": 3})]:
        assert_matches(ein.rearrange(frames, pattern, **sizes),
                       einops.rearrange(frames, pattern, **sizes))
    assert_matches(ein.reduce(frames, "t h w -> h w", "mean"),
                   einops.reduce(frames, "t h w -> h w", "mean"))
    assert_matches(ein.repeat(frames, "t h w -> t h w r", r=2),
                   einops.repeat(frames, "t h w -> t h w r", r=2))
    with pytest.raises(TypeError):
        ein.rearrange([], "t -> t")


def test_python_lists_of_numbers_and_0d():
    assert_matches(ein.reduce(np.float64(3.0), " -> ", "sum"),
                   einops.reduce(np.asarray(3.0), " -> ", "sum"))
    assert_matches(ein.reduce(np.ones((1, 1)), "1 () -> ", "max"),
                   einops.reduce(np.ones((1, 1)), "1 () -> ", "max"))
    assert_matches(ein.reduce(np.ones((3, 1)), "a 1 -> ", "max"),
                   einops.reduce(np.ones((3, 1)), "a 1 -> ", "max"))
    assert_matches(ein.reduce(np.ones((2, 3)), "... -> ", "sum"),
                   einops.reduce(np.ones((2, 3)), "... -> ", "sum"))
    assert_matches(ein.reduce([[1, 2], [3, 4]], "a b -> ", "sum"),
                   einops.reduce(np.array([[1, 2], [3, 4]]), "a b -> ", "sum"))
    assert_matches(ein.rearrange(np.arange(3), "a -> a 1"), einops.rearrange(np.arange(3), "a -> a 1"))


@pytest.mark.parametrize(
    "pattern,shapes",
    [
        ("i *", [(2, 3), (2,), (2, 3, 4)]),
        ("* j", [(5, 3), (3,), (2, 2, 3)]),
        ("b * c", [(2, 1, 3), (2, 3), (2, 4, 5, 3)]),
        ("b * c d", [(2, 3, 4), (2, 5, 3, 4)]),
    ],
)
def test_pack_and_unpack_match_einops(pattern, shapes):
    rng = rng_for("pack", pattern)
    xs = [rng.standard_normal(s) for s in shapes]
    packed, ps = ein.pack(xs, pattern)
    e_packed, e_ps = einops.pack(xs, pattern)
    assert_matches(packed, e_packed)
    assert [tuple(s) for s in ps] == [tuple(s) for s in e_ps]
    parts = ein.unpack(packed, ps, pattern)
    e_parts = einops.unpack(e_packed, e_ps, pattern)
    assert len(parts) == len(e_parts)
    for got, expected, original in zip(parts, e_parts, xs):
        assert_matches(got, expected)
        np.testing.assert_array_equal(got, original)
        assert np.shares_memory(got, packed)
    # One packed shape may be inferred.
    inferred = [list(s) for s in ps]
    inferred[-1] = [-1] if len(inferred[-1]) == 1 else inferred[-1]
    for got, original in zip(ein.unpack(packed, inferred, pattern), xs):
        np.testing.assert_array_equal(got, original)


def test_pack_promotes_dtypes_like_numpy():
    packed, _ = ein.pack([np.ones((2, 2), np.int32), np.ones((2, 3), np.float32)], "i *")
    e_packed, _ = einops.pack([np.ones((2, 2), np.int32), np.ones((2, 3), np.float32)], "i *")
    assert packed.dtype == e_packed.dtype


ERROR_CASES = [
    # (function, shape, pattern, extra positional, sizes)
    ("rearrange", (2, 3), "a b -> a", (), {}),
    ("rearrange", (2, 3), "a b -> a b c", (), {}),
    ("rearrange", (2, 3), "a a -> a", (), {}),
    ("rearrange", (6,), "(a b) -> a b", (), {}),
    ("rearrange", (2, 3), "a b c -> a b c", (), {}),
    ("rearrange", (6,), "(a b) -> a b", (), {"a": 4}),
    ("rearrange", (2, 3), "a b -> b a", (), {"a": 3}),
    ("rearrange", (2, 3), "... a ... -> a", (), {}),
    ("rearrange", (2, 3), "a b -> (a b", (), {}),
    ("rearrange", (2, 3), "a b", (), {}),
    ("rearrange", (2, 3), "a b -> a b", (), {"z": 3}),
    ("rearrange", (2, 3), "a (...) -> a", (), {}),
    ("rearrange", (2, 3), "a b -> a b 2", (), {}),
    ("rearrange", (2, 3, 4), "a ... -> a", (), {}),
    ("reduce", (2, 3), "a b -> a", ("median",), {}),
    ("reduce", (2, 3), "a b -> a c", ("sum",), {}),
    ("reduce", (2, 3), "a b -> a b c", ("max",), {"c": 2}),
    ("repeat", (2, 3), "a b -> a b c", (), {}),
    ("repeat", (2, 3), "a b -> a", (), {}),
    ("repeat", (2, 3), "a b -> a b c", (), {"c": 0.5}),
]


@pytest.mark.parametrize("case", range(len(ERROR_CASES)))
def test_errors_are_value_errors_where_einops_raises(case):
    fn, shape, pattern, extra, sizes = ERROR_CASES[case]
    x = np.ones(shape)
    with pytest.raises((einops.EinopsError, TypeError, ValueError)) as e_info:
        getattr(einops, fn)(x, pattern, *extra, **sizes)
    expected = TypeError if e_info.type is TypeError else ValueError
    with pytest.raises(expected) as info:
        getattr(ein, fn)(x, pattern, *extra, **sizes)
    assert str(info.value), "the message says what went wrong"


def test_error_messages_name_the_pattern_and_shape():
    with pytest.raises(ValueError, match=r"\(a b\)") as info:
        ein.rearrange(np.ones(7), "(a b) -> a b", a=2)
    assert "7" in str(info.value)


def test_mean_of_integers_is_a_type_error_or_value_error_like_einops():
    x = np.ones((2, 3), dtype=np.int64)
    with pytest.raises(Exception):
        einops.reduce(x, "a b -> a", "mean")
    with pytest.raises((TypeError, ValueError)):
        ein.reduce(x, "a b -> a", "mean")


def test_unpack_errors():
    packed, ps = ein.pack([np.ones((2, 3)), np.ones((2, 4))], "i *")
    with pytest.raises(ValueError):
        ein.unpack(packed, [(3,), (5,)], "i *")
    with pytest.raises(ValueError):
        ein.unpack(packed, [(-1,), (-1,)], "i *")
    with pytest.raises(ValueError):
        ein.pack([np.ones((2, 3)), np.ones((3, 4))], "i *")
