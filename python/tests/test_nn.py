"""ein.softmax, log_softmax, scaled_dot_product_attention and multi_head_attention against
NumPy references computed in float64. Random inputs come from EIN_SEED (conftest.rng_for);
failures print the seed."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import ein
from conftest import SEED, make_operand, rng_for


def _softmax_ref(x, axis=-1):
    x = np.asarray(x, dtype=np.float64)
    m = np.max(x, axis=axis, keepdims=True)
    e = np.exp(x - m)
    return e / np.sum(e, axis=axis, keepdims=True)


def _log_softmax_ref(x, axis=-1):
    x = np.asarray(x, dtype=np.float64)
    m = np.max(x, axis=axis, keepdims=True)
    return x - m - np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))


def _eps(dtype):
    return float(np.finfo(dtype).eps)


@pytest.mark.parametrize("case", range(40))
def test_softmax_matches_numpy(case):
    rng = rng_for("softmax", case)
    rank = int(rng.integers(1, 4))
    shape = tuple(int(e) for e in rng.integers(1, 7, size=rank))
    axis = int(rng.integers(-rank, rank))
    dtype = [np.float32, np.float64][case % 2]
    layout = ["contiguous", "fortran", "strided", "negative", "transposed"][case % 5]
    x = make_operand(rng, shape, dtype, layout) * np.asarray(rng.choice([1, 30, 1e4]), dtype)
    context = f"x {x.shape} {x.dtype} {layout} axis {axis}; EIN_SEED={SEED} -k 'softmax and {case}'"
    got = ein.softmax(x, axis=axis)
    assert got.dtype == dtype and got.shape == shape, context
    n = shape[axis]
    np.testing.assert_allclose(got, _softmax_ref(x, axis), rtol=0, atol=8 * _eps(dtype) * (n + 4),
                               err_msg=context)
    np.testing.assert_allclose(np.sum(got, axis=axis), 1, atol=8 * _eps(dtype) * (n + 4),
                               err_msg=context)
    lsm = ein.log_softmax(x, axis=axis)
    ref = _log_softmax_ref(x, axis)
    np.testing.assert_allclose(lsm, ref, rtol=8 * _eps(dtype) * (n + 4),
                               atol=8 * _eps(dtype) * (n + 4), err_msg=context)


def test_softmax_extreme_inputs_do_not_overflow():
    for dtype in (np.float32, np.float64):
        x = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1e4, 1e4, 1e4 - 1]], dtype=dtype)
        got = ein.softmax(x)
        assert np.all(np.isfinite(got))
        np.testing.assert_allclose(got, _softmax_ref(x), atol=4 * _eps(dtype))
        np.testing.assert_allclose(ein.log_softmax(x), _log_softmax_ref(x),
                                   rtol=4 * _eps(dtype), atol=4 * _eps(dtype) * 1e4)


def test_softmax_of_infinite_rows_is_defined():
    x = np.array([[-np.inf, -np.inf], [np.inf, 0.0], [np.inf, np.inf], [np.nan, 1.0]])
    got = ein.softmax(x)
    np.testing.assert_array_equal(got[:3], [[0, 0], [1, 0], [0.5, 0.5]])
    assert np.all(np.isnan(got[3]))
    lsm = ein.log_softmax(x)
    np.testing.assert_array_equal(lsm[:3], [[-np.inf, -np.inf], [0, -np.inf],
                                            [-np.log(2), -np.log(2)]])


def test_softmax_dtypes_and_inputs():
    assert ein.softmax([1, 2, 3]).dtype == np.float64  # integers compute in float64
    assert ein.softmax(np.array([True, False])).dtype == np.float64
    assert ein.softmax(np.ones(3, np.float32)).dtype == np.float32
    np.testing.assert_allclose(ein.softmax([[1.0, 2.0]], axis=0), [[1.0, 1.0]])
    with pytest.raises(TypeError):
        ein.softmax(np.ones(3, np.complex128))
    with pytest.raises((ValueError, IndexError)):
        ein.softmax(np.ones((2, 3)), axis=2)
    with pytest.raises(TypeError):
        ein.softmax(np.ones(3), axis=1.0)


def _sdpa_ref(q, k, v, mask=None, scale=None, causal=False):
    q, k, v = (np.asarray(t, np.float64) for t in (q, k, v))
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    s = np.matmul(q, np.swapaxes(k, -1, -2)) * scale
    allowed = np.ones(s.shape, bool)
    if mask is not None:
        mask = np.asarray(mask)
        if mask.dtype == bool:
            allowed = allowed & mask
        else:
            s = s + mask
    if causal:
        L, S = s.shape[-2:]
        allowed = allowed & np.tril(np.ones((L, S), bool))
    s = np.where(allowed, s, -np.inf)
    m = np.max(s, axis=-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    e = np.exp(s - m)
    total = np.sum(e, axis=-1, keepdims=True)
    w = np.divide(e, total, out=np.zeros_like(e), where=total > 0)
    return np.matmul(w, v)


@pytest.mark.parametrize("case", range(30))
def test_scaled_dot_product_attention_matches_numpy(case):
    rng = rng_for("sdpa", case)
    batch = tuple(int(e) for e in rng.integers(1, 4, size=int(rng.integers(0, 3))))
    L, S, E, Ev = (int(e) for e in rng.integers(1, 9, size=4))
    dtype = [np.float32, np.float64][case % 2]
    q = rng.standard_normal(batch + (L, E)).astype(dtype)
    k = rng.standard_normal(batch[-1:] + (S, E)).astype(dtype)  # broadcast leading axes
    v = rng.standard_normal((S, Ev)).astype(dtype)
    mask = None
    kind = case % 4
    if kind == 1:
        mask = rng.random((L, S)) < 0.7
    elif kind == 2:
        mask = rng.standard_normal((1, S)).astype(dtype)
    scale = float(rng.uniform(0.1, 1)) if case % 3 == 0 else None
    causal = case % 5 == 0
    context = (f"q {q.shape} k {k.shape} v {v.shape} mask kind {kind} scale {scale} causal "
               f"{causal}; EIN_SEED={SEED} -k 'attention and {case}'")
    got = ein.scaled_dot_product_attention(q, k, v, mask=mask, scale=scale, causal=causal)
    expected = _sdpa_ref(q, k, v, mask, scale, causal)
    assert got.dtype == dtype and got.shape == expected.shape, context
    tol = 16 * _eps(dtype) * (E + S + 4) * max(1.0, np.abs(v).max())
    np.testing.assert_allclose(got, expected, rtol=0, atol=tol, err_msg=context)


def test_fully_masked_rows_give_zeros():
    q = k = v = np.eye(3)
    mask = np.array([[False, False, False], [True, True, True], [True, False, False]])
    got = ein.scaled_dot_product_attention(q, k, v, mask=mask)
    np.testing.assert_array_equal(got[0], 0)
    np.testing.assert_allclose(got, _sdpa_ref(q, k, v, mask), atol=1e-15)


def _mha_ref(x, w_q, w_k, w_v, w_o, heads, mask=None, causal=False):
    x, w_q, w_k, w_v, w_o = (np.asarray(t, np.float64) for t in (x, w_q, w_k, w_v, w_o))
    q, k, v = x @ w_q, x @ w_k, x @ w_v

    def split(t):  # (..., n, h*d) -> (..., h, n, d)
        t = t.reshape(t.shape[:-1] + (heads, t.shape[-1] // heads))
        return np.swapaxes(t, -2, -3)

    o = _sdpa_ref(split(q), split(k), split(v), mask=mask, causal=causal)
    o = np.swapaxes(o, -2, -3)
    return o.reshape(o.shape[:-2] + (-1,)) @ w_o


def _mha_inputs(rng, batch, n, d, dtype=np.float32):
    s = np.sqrt(3)
    x = rng.uniform(-s, s, (batch, n, d))
    ws = [rng.uniform(-s, s, (d, d)) / np.sqrt(d) for _ in range(4)]
    return [t.astype(dtype) for t in [x] + ws]


@pytest.mark.parametrize("batch,n,d,heads", [(2, 10, 16, 8), (2, 128, 512, 8), (3, 7, 12, 3)])
def test_multi_head_attention_matches_numpy(batch, n, d, heads):
    rng = rng_for("mha", batch, n, d, heads)
    x, w_q, w_k, w_v, w_o = _mha_inputs(rng, batch, n, d)
    got = ein.multi_head_attention(x, w_q, w_k, w_v, w_o, heads)
    expected = _mha_ref(x, w_q, w_k, w_v, w_o, heads)
    assert got.dtype == np.float32 and got.shape == (batch, n, d)
    # Three chained products of length d (projection, scores, output) and one of length n.
    tol = 16 * _eps(np.float32) * (3 * d + n) * max(1.0, np.abs(expected).max())
    np.testing.assert_allclose(got, expected, rtol=0, atol=tol,
                               err_msg=f"EIN_SEED={SEED} ({batch},{n},{d}) heads {heads}")


def test_multi_head_attention_masks_and_float64():
    rng = rng_for("mha_mask")
    x, w_q, w_k, w_v, w_o = _mha_inputs(rng, 2, 6, 8, np.float64)
    mask = rng.random((6, 6)) < 0.6
    for kwargs in ({"causal": True}, {"mask": mask}, {"mask": mask, "causal": True}):
        got = ein.multi_head_attention(x, w_q, w_k, w_v, w_o, 2, **kwargs)
        expected = _mha_ref(x, w_q, w_k, w_v, w_o, 2, **kwargs)
        assert got.dtype == np.float64
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12, err_msg=str(kwargs))


def test_attention_errors():
    x, w_q, w_k, w_v, w_o = _mha_inputs(rng_for("mha_err"), 1, 4, 6)
    with pytest.raises(ValueError):
        ein.multi_head_attention(x, w_q, w_k, w_v, w_o, 4)  # 4 does not divide 6
    with pytest.raises(ValueError):
        ein.multi_head_attention(x, w_q[:5], w_k, w_v, w_o, 2)
    with pytest.raises(ValueError):
        ein.scaled_dot_product_attention(np.ones((2, 3)), np.ones((4, 5)), np.ones((4, 5)))
    with pytest.raises(ValueError):
        ein.scaled_dot_product_attention(np.ones((2, 3)), np.ones((4, 3)), np.ones((4, 5)),
                                         mask=np.ones((3, 3), bool))


def test_gil_is_released_and_threads_agree():
    from concurrent.futures import ThreadPoolExecutor

    x, w_q, w_k, w_v, w_o = _mha_inputs(rng_for("mha_threads"), 2, 32, 64)
    expected = ein.multi_head_attention(x, w_q, w_k, w_v, w_o, 4)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: ein.multi_head_attention(x, w_q, w_k, w_v, w_o, 4),
                                range(8)))
    for r in results:
        np.testing.assert_array_equal(r, expected)


def test_exports_and_docstring_examples():
    for name in ["softmax", "log_softmax", "scaled_dot_product_attention",
                 "multi_head_attention", "rearrange", "reduce", "repeat", "pack", "unpack",
                 "keras"]:
        assert hasattr(ein, name) and name in ein.__all__, name
    from ein import _nn

    result = doctest.testmod(_nn, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0 and result.attempted > 0
