"""A seeded random einsum corpus against numpy.einsum (NumPy's C implementation, optimize=False).

Each case draws 1-4 operands of rank 0-6 with repeated labels (diagonals), '...' broadcasting,
extent-1 broadcasting, zero-size axes, implicit and explicit outputs, mixed dtypes, every memory
layout of conftest.make_operand and a random optimize setting. Reproduce one case with
    EIN_SEED=<seed> python -m pytest test_einsum_corpus.py -k "case_<n>]"
"""

import os

import numpy as np
import pytest

import ein
from conftest import DTYPES, LAYOUTS, SEED, assert_matches, einsum_tolerance, make_operand, rng_for

NUM_CASES = int(os.environ.get("EIN_CORPUS_CASES", 1200))
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
OPTIMIZE_CHOICES = [False, True, "greedy", "optimal", "auto", "dp", "branch-2", "none"]
MAX_ELEMENTS = 20000  # product of all label extents: keeps NumPy's nested loop quick


def _draw_extent(rng):
    r = rng.random()
    if r < 0.04:
        return 0
    if r < 0.2:
        return 1
    return int(rng.integers(2, 6))


def random_case(rng):
    """(subscripts, shapes, dtypes, layouts, optimize) for one random einsum."""
    num_ops = int(rng.choice([1, 2, 2, 2, 3, 3, 4]))
    num_labels = int(rng.integers(1, 8))
    labels = [str(c) for c in rng.choice(list(LETTERS), size=num_labels, replace=False)]
    extents = {c: _draw_extent(rng) for c in labels}
    while np.prod([max(e, 1) for e in extents.values()]) > MAX_ELEMENTS:
        c = labels[int(rng.integers(num_labels))]
        extents[c] = max(1, extents[c] // 2)

    use_ellipsis = rng.random() < 0.25
    ell_shape = [int(rng.choice([1, 2, 3])) for _ in range(int(rng.integers(0, 3)))]
    terms, shapes, ell_ranks = [], [], []
    for _ in range(num_ops):
        rank = int(rng.integers(0, min(6, num_labels + 2) + 1))
        if rng.random() < 0.25:
            term = [str(c) for c in rng.choice(labels, size=rank, replace=True)]  # diagonals
        else:
            term = [str(c) for c in rng.choice(labels, size=min(rank, num_labels), replace=False)]
        shape = []
        broadcast = {c for c in set(term) if rng.random() < 0.1}  # this operand's extent is 1
        for c in term:
            shape.append(1 if c in broadcast else extents[c])
        ell_rank = 0
        if use_ellipsis and rng.random() < 0.8:
            ell_rank = int(rng.integers(0, len(ell_shape) + 1))
            dims = [d if rng.random() < 0.8 else 1 for d in ell_shape[len(ell_shape) - ell_rank:]]
            pos = int(rng.integers(0, len(term) + 1))
            term = term[:pos] + ["..."] + term[pos:]
            shape = shape[:pos] + dims + shape[pos:]
        terms.append("".join(term))
        shapes.append(tuple(shape))
        ell_ranks.append(ell_rank)

    used = sorted({c for t in terms for c in t.replace(".", "")})
    subscripts = ",".join(terms)
    any_ellipsis = any("..." in t for t in terms)
    if rng.random() < 0.7:  # explicit output
        out = [str(c) for c in rng.permutation(used)[: int(rng.integers(0, len(used) + 1))]]
        if any_ellipsis and (max(ell_ranks) > 0 or rng.random() < 0.5):
            pos = int(rng.integers(0, len(out) + 1))
            out = out[:pos] + ["..."] + out[pos:]
        subscripts += "->" + "".join(out)

    if rng.random() < 0.7:
        dtypes = [DTYPES[int(rng.integers(len(DTYPES)))]] * num_ops
    else:
        dtypes = [DTYPES[int(rng.integers(len(DTYPES)))] for _ in range(num_ops)]
    layouts = [LAYOUTS[int(rng.integers(len(LAYOUTS)))] for _ in range(num_ops)]
    optimize = OPTIMIZE_CHOICES[int(rng.integers(len(OPTIMIZE_CHOICES)))]
    return subscripts, shapes, dtypes, layouts, optimize


@pytest.mark.parametrize("case", [f"case_{i}" for i in range(NUM_CASES)])
def test_random_einsum_matches_numpy(case):
    index = int(case.split("_")[1])
    rng = rng_for("corpus", index)
    subscripts, shapes, dtypes, layouts, optimize = random_case(rng)
    operands = [make_operand(rng, s, d, lay) for s, d, lay in zip(shapes, dtypes, layouts)]
    context = (
        f"einsum({subscripts!r}) shapes={shapes} dtypes={[d.name for d in dtypes]} "
        f"layouts={layouts} optimize={optimize!r}\n"
        f"reproduce: EIN_SEED={SEED} python -m pytest test_einsum_corpus.py -k '{case}]'"
    )
    try:
        expected = np.einsum(subscripts, *operands)
    except ValueError as numpy_error:
        # The generator can draw an einsum NumPy rejects (e.g. a label summed away that is also
        # needed by '...'); ein must reject it too, with a ValueError.
        with pytest.raises(ValueError):
            ein.einsum(subscripts, *operands, optimize=optimize)
        pytest.skip(f"NumPy rejects this draw: {numpy_error}")
    got = ein.einsum(subscripts, *operands, optimize=optimize)
    tolerance = einsum_tolerance(subscripts, operands, np.asarray(expected).dtype)
    assert_matches(got, expected, tolerance, context)


def test_corpus_is_large_enough():
    assert NUM_CASES >= 1000 or "EIN_CORPUS_CASES" in os.environ
