"""ein.einsum(..., semiring=...) against references written in NumPy.

The general reference puts every operand into the space of all labels (diagonals taken first
with numpy.einsum, which sums nothing there), combines them with the semiring's product by
broadcasting, and folds the summed axes with its sum (np.max, np.min, np.logaddexp.reduce).
"""

import itertools

import numpy as np
import pytest

import ein

SEMIRINGS = ["max_plus", "min_plus", "log_sum_exp", "max_times"]
ZEROS = {"max_plus": -np.inf, "min_plus": np.inf, "log_sum_exp": -np.inf, "max_times": 0.0}


def _times(semiring, x, y):
    return x * y if semiring == "max_times" else x + y


def _fold(semiring, x, axes):
    if not axes:
        return x
    if semiring in ("max_plus", "max_times"):
        return np.max(x, axis=axes, initial=ZEROS[semiring])
    if semiring == "min_plus":
        return np.min(x, axis=axes, initial=np.inf)
    for ax in sorted(axes, reverse=True):
        x = np.logaddexp.reduce(x, axis=ax) if x.shape[ax] else np.full(
            x.shape[:ax] + x.shape[ax + 1:], -np.inf)
    return x


def reference(semiring, subscripts, *operands):
    """The semiring einsum of explicit-output subscripts without '...', in NumPy."""
    inputs, output = subscripts.split("->")
    terms = inputs.split(",")
    labels = sorted(set("".join(terms)))
    extents = {}
    full = None
    for term, x in zip(terms, operands):
        x = np.asarray(x, dtype=np.float64)
        unique = "".join(dict.fromkeys(term))
        x = np.einsum(f"{term}->{unique}", x)  # diagonals of repeated labels: nothing summed
        for label, n in zip(unique, x.shape):
            prev = extents.get(label)
            extents[label] = n if prev is None or prev == 1 else prev  # 1 broadcasts
        x = np.transpose(x, [unique.index(c) for c in sorted(unique)])
        shape = [x.shape[sorted(unique).index(c)] if c in unique else 1 for c in labels]
        x = x.reshape(shape)
        full = x if full is None else _times(semiring, full, x)
    full = np.broadcast_to(full, [extents[c] for c in labels])
    summed = tuple(i for i, c in enumerate(labels) if c not in output)
    kept = [c for c in labels if c in output]
    result = _fold(semiring, full, summed)
    return np.transpose(result, [kept.index(c) for c in output])


def assert_close(actual, expected, dtype):
    tol = 64 * np.finfo(dtype).eps
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64), expected, rtol=tol, atol=tol)


def test_matrix_products_match_numpy_formulas():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((5, 7)), rng.standard_normal((7, 4))
    pa, pb = np.abs(a), np.abs(b)
    s = a[:, :, None] + b[None, :, :]
    np.testing.assert_allclose(ein.einsum("ij,jk->ik", a, b, semiring="max_plus"), s.max(1))
    np.testing.assert_allclose(ein.einsum("ij,jk->ik", a, b, semiring="min_plus"), s.min(1))
    np.testing.assert_allclose(
        ein.einsum("ij,jk->ik", a, b, semiring="log_sum_exp"), np.logaddexp.reduce(s, axis=1),
        rtol=1e-13)
    np.testing.assert_allclose(
        ein.einsum("ij,jk->ik", pa, pb, semiring="max_times"),
        np.max(pa[:, :, None] * pb[None, :, :], axis=1))
    # 'standard' is NumPy's einsum.
    np.testing.assert_allclose(ein.einsum("ij,jk->ik", a, b, semiring="standard"), a @ b)


CASES = [
    ("ij,jk->ik", [(6, 5), (5, 7)]),
    ("ij,jk,kl->il", [(4, 9), (9, 3), (3, 5)]),
    ("bij,bjk->bik", [(3, 4, 5), (3, 5, 2)]),
    ("ii,ij->j", [(4, 4), (4, 6)]),
    ("i,i->", [(9,), (9,)]),
    ("ijk->j", [(3, 4, 5)]),
    ("ab,bc,cd,de->ae", [(2, 3), (3, 4), (4, 1), (1, 6)]),
    ("ij,ij->i", [(5, 8), (5, 8)]),
    ("ij,k->ik", [(3, 4), (5,)]),
    ("ij,jk->ik", [(3, 0), (0, 4)]),
    ("i,ij->j", [(1,), (1, 3)]),
]


@pytest.mark.parametrize("semiring", SEMIRINGS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("optimize", ["optimal", "greedy", False])
def test_corpus_matches_reference(semiring, dtype, optimize):
    seed = 1234
    rng = np.random.default_rng(seed)
    for subscripts, shapes in CASES:
        ops = [rng.uniform(-2, 2, s).astype(dtype) for s in shapes]
        if semiring == "max_times":
            ops = [np.abs(x) for x in ops]
        got = ein.einsum(subscripts, *ops, semiring=semiring, optimize=optimize)
        assert np.asarray(got).dtype == dtype
        want = reference(semiring, subscripts, *ops)
        try:
            assert_close(got, want, dtype)
        except AssertionError as e:
            raise AssertionError(f"seed {seed}: {subscripts} {semiring} {dtype}: {e}") from None


@pytest.mark.parametrize("semiring", SEMIRINGS)
def test_empty_sum_is_the_zero(semiring):
    got = ein.einsum("ij,jk->ik", np.ones((2, 0)), np.ones((0, 3)), semiring=semiring)
    assert got.shape == (2, 3)
    assert np.all(got == ZEROS[semiring])
    assert ein.einsum("i->", np.ones(0), semiring=semiring) == ZEROS[semiring]


def test_log_sum_exp_of_all_minus_inf_is_minus_inf():
    a = np.full((3, 4), -np.inf)
    got = ein.einsum("ij,jk->ik", a, a.T.copy(), semiring="log_sum_exp")
    assert np.all(got == -np.inf)
    # Terms a thousand apart (plain exp would overflow/underflow) in float32 and float64.
    for dtype in (np.float32, np.float64):
        x = np.array([[0.0, -1000.0], [-1000.0, 1000.0]], dtype)
        y = np.array([[-1000.0, 0.0], [0.0, -1000.0]], dtype)
        got = ein.einsum("ij,jk->ik", x, y, semiring="log_sum_exp")
        want = np.logaddexp.reduce(
            x.astype(np.float64)[:, :, None] + y.astype(np.float64)[None], axis=1)
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_viterbi_best_path_score():
    """The most likely hidden-state path of an HMM, by max-plus recursion and by brute force."""
    rng = np.random.default_rng(7)
    states, steps, symbols = 3, 6, 4
    log_start = np.log(rng.dirichlet(np.ones(states)))
    log_trans = np.log(rng.dirichlet(np.ones(states), size=states))
    log_emit = np.log(rng.dirichlet(np.ones(symbols), size=states))
    obs = rng.integers(0, symbols, steps)

    delta = log_start + log_emit[:, obs[0]]
    for t in range(1, steps):
        delta = ein.einsum("i,ij->j", delta, log_trans, semiring="max_plus") + log_emit[:, obs[t]]
    best = ein.einsum("i->", delta, semiring="max_plus")

    brute = max(
        log_start[p[0]] + log_emit[p[0], obs[0]]
        + sum(log_trans[p[t - 1], p[t]] + log_emit[p[t], obs[t]] for t in range(1, steps))
        for p in itertools.product(range(states), repeat=steps))
    assert best == pytest.approx(brute, rel=1e-12)

    # The same in probability space with max_times.
    delta = np.exp(log_start + log_emit[:, obs[0]])
    for t in range(1, steps):
        delta = ein.einsum("i,ij->j", delta, np.exp(log_trans),
                           semiring="max_times") * np.exp(log_emit[:, obs[t]])
    assert np.log(delta.max()) == pytest.approx(brute, rel=1e-12)

    # The forward algorithm (total likelihood) in log space against probability space.
    alpha = log_start + log_emit[:, obs[0]]
    p_alpha = np.exp(alpha)
    for t in range(1, steps):
        alpha = ein.einsum("i,ij->j", alpha, log_trans, semiring="log_sum_exp") + log_emit[:, obs[t]]
        p_alpha = (p_alpha @ np.exp(log_trans)) * np.exp(log_emit[:, obs[t]])
    total = ein.einsum("i->", alpha, semiring="log_sum_exp")
    assert total == pytest.approx(np.log(p_alpha.sum()), rel=1e-12)


def test_shortest_paths_by_min_plus_repeated_squaring():
    rng = np.random.default_rng(3)
    n = 40
    w = np.where(rng.random((n, n)) < 0.15, rng.uniform(1, 10, (n, n)), np.inf)
    np.fill_diagonal(w, 0.0)
    d = w.copy()
    for _ in range(int(np.ceil(np.log2(n)))):
        d = ein.einsum("ik,kj->ij", d, d, semiring="min_plus")
    # Floyd-Warshall in NumPy.
    fw = w.copy()
    for k in range(n):
        fw = np.minimum(fw, fw[:, k:k + 1] + fw[k:k + 1, :])
    np.testing.assert_allclose(d, fw)
    assert np.isinf(d).any() or np.isfinite(d).all()


def test_big_blocked_kernels_and_batches():
    rng = np.random.default_rng(11)
    a = rng.standard_normal((3, 45, 150)).astype(np.float32)
    b = rng.standard_normal((3, 150, 70)).astype(np.float32)
    for semiring in SEMIRINGS:
        x, y = (np.abs(a), np.abs(b)) if semiring == "max_times" else (a, b)
        got = ein.einsum("bik,bkj->bij", x, y[:, :, ::-1], semiring=semiring)
        want = reference(semiring, "bik,bkj->bij", x, y[:, :, ::-1])
        assert_close(got, want, np.float32)


def test_out_and_memory_limit():
    rng = np.random.default_rng(5)
    a, b, c = rng.random((6, 40)), rng.random((40, 30)), rng.random((30, 5))
    for semiring in SEMIRINGS:
        want = reference(semiring, "ij,jk,kl->il", a, b, c)
        out = np.empty((6, 5))
        ein.einsum("ij,jk,kl->il", a, b, c, semiring=semiring, out=out)
        np.testing.assert_allclose(out, want, rtol=1e-13)
        # A budget that forces slicing: chunks combine with the semiring's addition.
        got = ein.einsum("ij,jk,kl->il", a, b, c, semiring=semiring, memory_limit=600,
                         optimize=[(1, 2), (0, 1)])
        np.testing.assert_allclose(got, want, rtol=1e-13)


def test_einsum_path_names_the_semiring():
    a, b = np.ones((3, 4)), np.ones((4, 5))
    path, report = ein.einsum_path("ij,jk->ik", a, b, semiring="max_plus")
    assert path == ["einsum_path", (0, 1)]
    assert "max_plus" in report


def test_bad_input():
    a = np.ones((2, 2))
    with pytest.raises(ValueError, match="semiring"):
        ein.einsum("ij,jk->ik", a, a, semiring="tropical")
    with pytest.raises(ValueError, match="semiring"):
        ein.einsum_path("ij,jk->ik", a, a, semiring="maxplus")
    with pytest.raises(TypeError, match="semiring"):
        ein.einsum("ij,jk->ik", a, a, semiring=1)
    z = np.ones((2, 2), np.complex128)
    with pytest.raises(TypeError, match="max_plus"):
        ein.einsum("ij,jk->ik", z, z, semiring="max_plus")
    i = np.ones((2, 2), np.int64)
    with pytest.raises(TypeError, match="float32 or float64"):
        ein.einsum("ij,jk->ik", i, i, semiring="min_plus")
    # dtype= converts integers.
    got = ein.einsum("ij,jk->ik", i, i, semiring="min_plus", dtype="float64")
    np.testing.assert_array_equal(got, np.full((2, 2), 2.0))
