"""The seed-note examples of the engine issue, in every dtype and memory layout, against
numpy.einsum."""

import numpy as np
import pytest

import ein
from conftest import (
    DTYPES,
    LAYOUTS,
    SEED,
    assert_matches,
    einsum_tolerance,
    make_operand,
    rng_for,
)

SEED_EXAMPLES = [
    "ij->ji", "ijk->kji", "ijk->jik", "ii", "ij->", "ij->i", "ij->j", "ij,j->i", "ik,kj->ij",
    "ij,kj->ik", "i,i->", "ij,ij->", "i,j->ij", "i,j->ji", "ij,ij->ij", "ij,ij->ji",
    "ijk,ikl->ijl", "BNi,Bi->BN", "ik,jkl,il->ij", "ik,jkl->ijl", "ijk,kl->ijl", "ijkl->ikjl",
    "ijkl,ijml->ijkm", "ijkl,ijlm->ikjm", "md,nd->mn", "b h i d, b h j d -> b h i j", "i->",
    "i,j,k->ijk",
]

# Distinct extents per label, so a transposed axis cannot go unnoticed.
EXTENTS = dict(i=3, j=4, k=2, l=5, m=3, n=2, d=4, b=2, h=3, B=2, N=3)


def shapes_for(subscripts):
    inputs = subscripts.replace(" ", "").split("->")[0].split(",")
    shapes = []
    for term in inputs:
        shape = [EXTENTS[c] for c in term]
        if term == "ii":
            shape = [EXTENTS["i"]] * 2
        shapes.append(shape)
    return shapes


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("subscripts", SEED_EXAMPLES)
def test_seed_example(subscripts, dtype, layout):
    rng = rng_for("seed", subscripts, dtype.name, layout)
    operands = [make_operand(rng, s, dtype, layout) for s in shapes_for(subscripts)]
    expected = np.einsum(subscripts, *operands)
    got = ein.einsum(subscripts, *operands)
    context = f"einsum({subscripts!r}) on {dtype} {layout} operands (EIN_SEED={SEED})"
    assert_matches(got, expected, einsum_tolerance(subscripts, operands, expected.dtype), context)


@pytest.mark.parametrize("optimize", [False, True, "greedy", "optimal", "auto", "dp"])
@pytest.mark.parametrize("subscripts", SEED_EXAMPLES)
def test_seed_example_every_optimize(subscripts, optimize):
    rng = rng_for("seed-opt", subscripts)
    operands = [make_operand(rng, s, np.float64, "contiguous") for s in shapes_for(subscripts)]
    expected = np.einsum(subscripts, *operands)
    got = ein.einsum(subscripts, *operands, optimize=optimize)
    assert_matches(got, expected, einsum_tolerance(subscripts, operands, np.float64))


@pytest.mark.parametrize("subscripts", SEED_EXAMPLES)
def test_seed_example_repeated_calls_use_the_cached_plan(subscripts):
    rng = rng_for("seed-cache", subscripts)
    for _ in range(3):
        operands = [make_operand(rng, s, np.float32, "contiguous") for s in shapes_for(subscripts)]
        expected = np.einsum(subscripts, *operands)
        got = ein.einsum(subscripts, *operands)
        assert_matches(got, expected, einsum_tolerance(subscripts, operands, np.float32))
