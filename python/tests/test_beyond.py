"""ein.einsum_ext and ein.einsum_named against references written with NumPy: diagonal embedding
in the output, einops groups, labels past 52, and bad input."""

import itertools

import numpy as np
import pytest

import ein

SEED = 20261122


def rng_for(name):
    # A fixed seed per test; a failure names the test, which reproduces it.
    return np.random.default_rng([SEED, sum(map(ord, name))])


def embed(core, out_labels):
    """NumPy-written diagonal embedding: `core` has one axis per distinct label of `out_labels`
    (in order of first appearance); the result has an axis per label, zero off the diagonal."""
    distinct = list(dict.fromkeys(out_labels))
    extent = {label: core.shape[i] for i, label in enumerate(distinct)}
    out = np.zeros([extent[label] for label in out_labels], dtype=core.dtype)
    for idx in itertools.product(*(range(extent[label]) for label in distinct)):
        at = dict(zip(distinct, idx))
        out[tuple(at[label] for label in out_labels)] = core[idx]
    return out


# ---- diagonal embedding --------------------------------------------------------------------


def test_vector_on_the_diagonal_is_np_diag():
    v = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(ein.einsum_ext("i->ii", v), np.diag(v))


@pytest.mark.parametrize(
    "ext, distinct, shapes",
    [
        ("...i->...ii", "...i->...i", [(2, 3, 4)]),
        ("ij->iij", "ij->ij", [(3, 4)]),
        ("ij->jii", "ij->ji", [(3, 4)]),
        ("i->iii", "i->i", [(4,)]),
        ("ij,jk->iik", "ij,jk->ik", [(3, 4), (4, 5)]),
        ("bij,bjk->bikik", "bij,bjk->bik", [(2, 3, 4), (2, 4, 3)]),
        ("ii->ii", "ii->i", [(4, 4)]),
        ("ij,ij->jiij", "ij,ij->ji", [(0, 3), (0, 3)]),
    ],
)
def test_diagonal_embedding_against_numpy(ext, distinct, shapes):
    rng = rng_for(ext)
    ops = [rng.standard_normal(s) for s in shapes]
    core = np.einsum(distinct, *ops)
    out_term = ext.split("->")[1]
    named = out_term.replace("...", "")
    lead = core.ndim - len(set(named))  # axes the leading '...' covers
    labels = [f"...{d}" for d in range(lead)] + list(named)
    np.testing.assert_allclose(ein.einsum_ext(ext, *ops), embed(core, labels), rtol=1e-12)


def test_diagonal_embedding_keeps_dtypes_and_takes_dtype():
    v = np.array([4, 5], dtype=np.int32)
    d = ein.einsum_ext("i->ii", v)
    assert d.dtype == np.int32
    np.testing.assert_array_equal(d, np.diag(v))
    z = ein.einsum_ext("i->ii", v, dtype=np.complex128)
    assert z.dtype == np.complex128


def test_numpy_compatible_einsum_still_refuses_repeated_output_labels():
    with pytest.raises(ValueError):
        np.einsum("i->ii", np.ones(2))
    with pytest.raises(ValueError):
        ein.einsum("i->ii", np.ones(2))


# ---- einsum_ext is numpy.einsum on everything NumPy accepts --------------------------------


@pytest.mark.parametrize(
    "subscripts, shapes",
    [
        ("ij,jk->ik", [(2, 3), (3, 4)]),
        ("ij,jk", [(2, 3), (3, 4)]),
        ("ii", [(3, 3)]),
        ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),
        ("bhid,bhjd->bhij", [(2, 3, 4, 5), (2, 3, 6, 5)]),
        ("i,i,i->", [(4,), (4,), (4,)]),
        ("ij->", [(0, 3)]),
    ],
)
def test_ext_agrees_with_numpy(subscripts, shapes):
    rng = rng_for(subscripts)
    ops = [rng.standard_normal(s) for s in shapes]
    expected = np.einsum(subscripts, *ops)
    got = ein.einsum_ext(subscripts, *ops)
    assert np.shape(got) == np.shape(expected)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    # The same in the sublist form with labels far past 52, in the letters' ASCII order.
    terms = subscripts.split("->")
    args = []
    for op, term in zip(ops, terms[0].split(",")):
        assert "..." not in term[1:], "this conversion handles a leading '...' only"
        args += [op, [...] * term.count("...") + [1000 + 7 * ord(c) for c in term if c != "."]]
    if len(terms) == 2:
        out = terms[1]
        args.append([...] * out.count("...") + [1000 + 7 * ord(c) for c in out if c != "."])
    np.testing.assert_allclose(ein.einsum_ext(*args), expected, rtol=1e-12, atol=1e-12)


# ---- groups ---------------------------------------------------------------------------------


def test_output_groups_merge_row_major():
    rng = rng_for("merge")
    a = rng.standard_normal((2, 3))
    b = rng.standard_normal((2, 3, 2, 1, 3, 2, 2, 2))
    expected = np.einsum("ab,abcdefgh->cdefgh", a, b).reshape(2, 3, 8)
    np.testing.assert_allclose(ein.einsum_ext("ab,abcdefgh->(cd)e(fgh)", a, b), expected)


@pytest.mark.parametrize("sizes", [{"i": 2}, {"j": 3}, {"i": 2, "j": 3}])
def test_input_groups_split_with_sizes_by_name(sizes):
    rng = rng_for("split")
    a = rng.standard_normal((6, 4))
    b = rng.standard_normal((4, 5))
    expected = np.einsum("ijk,kl->ijl", a.reshape(2, 3, 4), b)
    np.testing.assert_allclose(ein.einsum_ext("(ij)k,kl->ijl", a, b, **sizes), expected)
    np.testing.assert_allclose(ein.einsum_ext("(ij)k,kl->ijl", a, b, sizes=sizes), expected)


def test_groups_on_strided_views_and_torch_style_inputs():
    rng = rng_for("strided")
    base = rng.standard_normal((8, 6))
    b = rng.standard_normal(3)
    for x in (base[:, ::2], base[::-1, ::2]):
        expected = np.einsum("abc,c->ba", x.reshape(2, 4, 3), b)
        np.testing.assert_allclose(ein.einsum_ext("(ab)c,c->ba", x, b, a=2), expected)
    # Lists are converted as NumPy converts them.
    np.testing.assert_allclose(ein.einsum_ext("(ij)->ji", [1.0, 2.0, 3.0, 4.0], i=2),
                               [[1.0, 3.0], [2.0, 4.0]])


def test_implicit_mode_after_splitting_groups():
    rng = rng_for("implicit groups")
    a = rng.standard_normal((6, 4))
    b = rng.standard_normal((4, 5))
    # Labels used once, in ASCII order, as NumPy's implicit mode: i, j, l.
    np.testing.assert_allclose(
        ein.einsum_ext("(ji)k,kl", a, b, j=2), np.einsum("jik,kl", a.reshape(2, 3, 4), b)
    )
    # An axis named like a reserved keyword goes through sizes=.
    np.testing.assert_allclose(
        ein.einsum_named(a, "(out c) k -> c out k", sizes={"out": 3}),
        a.reshape(3, 2, 4).transpose(1, 0, 2),
    )


def test_named_groups_and_ellipsis_in_output_group():
    rng = rng_for("named groups")
    x = rng.standard_normal((6, 8))
    np.testing.assert_allclose(
        ein.einsum_named(x, "(h w) c -> h (w c)", h=2), x.reshape(2, 3, 8).reshape(2, 24)
    )
    y = rng.standard_normal((2, 3, 4))
    np.testing.assert_allclose(ein.einsum_ext("...i->(...)i", y), y.reshape(6, 4))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda a, b: ein.einsum_ext("(ij)k,kl->ijl", a, b),
         "Could not infer sizes for {'i', 'j'}"),
        (lambda a, b: ein.einsum_ext("(ij)k,kl->ijl", a, b, i=4),
         "can't divide axis of length 6 in chunks of 4"),
        (lambda a, b: ein.einsum_ext("(ij)k,kl->ijl", a, b, i=2, j=2), "Shape mismatch, 6 != 4"),
        (lambda a, b: ein.einsum_ext("(ij)k,kl->ijl", a, b, q=2), "Axis q is not used"),
        (lambda a, b: ein.einsum_ext("(ij)i,kl->jl", a, b, i=2), "duplicate dimension \"i\""),
        (lambda a, b: ein.einsum_ext("((ij))k,kl->ijl", a, b, i=2), "one-level"),
        (lambda a, b: ein.einsum_ext("(ij k,kl->ijl", a, b, i=2), "Imbalanced parentheses"),
        (lambda a, b: ein.einsum_ext("(...)k,kl->l", a, b), "Ellipsis inside parenthesis"),
        (lambda a, b: ein.einsum_ext("(ij)k,kl->ijq", a, b, i=2), "'q' does not appear"),
        (lambda a, b: ein.einsum_ext("(ij)k,kl->ijl", a, b, i=-1), "must be non-negative"),
        (lambda a, b: ein.einsum_ext("(ij)k,kl->ijl", a, b, i=2, sizes={"i": 2}), "given twice"),
        (lambda a, b: ein.einsum_named(a, b, "x y, y z"), "must contain '->'"),
        (lambda a, b: ein.einsum_named(a, b, "x 4, y z -> x"), "anonymous axis 4"),
        (lambda a, b: ein.einsum_named(a, b, "x y, y z -> x w"), "'w' does not appear"),
        (lambda a, b: ein.einsum_ext(a, [0, -3], b, [1, 2]), "outside [0, 2147483647]"),
    ],
)
def test_bad_input_is_a_value_error(call, message):
    a, b = np.zeros((6, 4)), np.zeros((4, 5))
    with pytest.raises(ValueError) as info:
        call(a, b)
    assert message in str(info.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda a: ein.einsum_named(a, 3),
        lambda a: ein.einsum_named("x -> x", a),
        lambda a: ein.einsum_ext("(ij)->ij", a, i=2.0),
        lambda a: ein.einsum_ext("(ij)->ij", a, i=True),
        lambda a: ein.einsum_ext(a, [0, "x"]),
        lambda a: ein.einsum_ext(a, 5),
        lambda a: ein.einsum_ext(a, [0], [0], i=2),
        lambda a: ein.einsum_ext("i->i", a.astype(np.uint16)),
        lambda a: ein.einsum_ext("i->ii", a, sizes=[("i", 2)]),
        lambda a: ein.einsum_ext("i->ii", a, out=np.zeros((4, 4))),
        lambda a: ein.einsum_named(a, "i -> i", order="F"),
    ],
)
def test_wrong_types_are_type_errors(call):
    with pytest.raises(TypeError):
        call(np.zeros(4))


# ---- labels past 52 -------------------------------------------------------------------------


def test_sixty_labels_in_both_spellings():
    rng = rng_for("sixty")
    shape = [1] * 60
    for axis in (0, 17, 40, 59):
        shape[axis] = 2
    a = rng.standard_normal(shape)
    b = rng.standard_normal(shape)
    expected = np.einsum("aXb,aXb->ab", a.reshape(2, 4, 2), b.reshape(2, 4, 2))
    labels = [1000 * i for i in range(60)]
    np.testing.assert_allclose(ein.einsum_ext(a, labels, b, labels, [0, 59000]), expected)
    term = " ".join(f"axis{i}" for i in range(60))
    np.testing.assert_allclose(ein.einsum_named(a, b, f"{term}, {term} -> axis0 axis59"), expected)
    total = ein.einsum_ext(a, labels, b, labels)  # implicit: everything appears twice
    np.testing.assert_allclose(total, expected.sum())
    with pytest.raises(ValueError):
        np.einsum(a, list(range(60)), [0])  # NumPy's limit


def test_named_attention_scores_match_numpy():
    rng = rng_for("attention")
    q = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)
    k = rng.standard_normal((2, 3, 6, 5)).astype(np.float32)
    got = ein.einsum_named(q, k, "batch head i d, batch head j d -> batch head i j")
    assert got.dtype == np.float32
    # float32 sums of d = 5 products: error <= a few eps * d * sum of |products| (terms cancel).
    exact = np.einsum("bhid,bhjd->bhij", q.astype(np.float64), k.astype(np.float64))
    bound = 8 * np.finfo(np.float32).eps * 5 * np.einsum("bhid,bhjd->bhij", abs(q), abs(k))
    assert np.all(np.abs(got - exact) <= bound)
    # optimize= and dtype= pass through.
    got64 = ein.einsum_named(q, k, "b h i d, b h j d -> b h i j", dtype=np.float64,
                             optimize="optimal")
    assert got64.dtype == np.float64


def test_scalar_results_are_numpy_scalars_like_einsum():
    v = np.arange(3.0)
    assert ein.einsum_ext("i,i", v, v) == ein.einsum("i,i", v, v)
    assert np.isscalar(ein.einsum_named(v, v, "i, i ->"))
