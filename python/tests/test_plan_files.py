"""ein.save_plans / ein.load_plans: the einsum plan cache persists across processes (issue 9)."""

import os
import subprocess
import sys

import numpy as np
import pytest

import ein


def _ops():
    rng = np.random.default_rng(7)
    return [rng.standard_normal(s) for s in [(4, 5), (5, 6), (6, 3), (3, 7)]]


def test_round_trip_in_another_process(tmp_path):
    ein.clear_plan_cache()
    ops = _ops()
    expected = ein.einsum("ab,bc,cd,de->ae", *ops, optimize="optimal")
    ein.einsum("ij,jk", ops[0], ops[1])  # implicit output, kept as spelled
    path = tmp_path / "plans.ein"
    assert ein.save_plans(path) == 2
    script = f"""
import numpy as np, ein
assert ein.load_plans({str(path)!r}) == 2
assert ein._ein.plan_cache_size() == 2
rng = np.random.default_rng(7)
ops = [rng.standard_normal(s) for s in [(4, 5), (5, 6), (6, 3), (3, 7)]]
r = ein.einsum("ab,bc,cd,de->ae", *ops, optimize="optimal")
assert ein._ein.plan_cache_size() == 2, "the loaded plan was not a cache hit"
np.save({str(tmp_path / 'r.npy')!r}, r)
"""
    env = dict(os.environ)
    subprocess.run([sys.executable, "-c", script], check=True, env=env, cwd=tmp_path)
    np.testing.assert_array_equal(np.load(tmp_path / "r.npy"), expected)


def test_loaded_plans_are_cache_hits_and_right(tmp_path):
    ein.clear_plan_cache()
    ops = _ops()
    ein.einsum("ab,bc->ca", ops[0], ops[1])
    path = tmp_path / "p.ein"
    ein.save_plans(path)
    ein.clear_plan_cache()
    assert ein.load_plans(path) == 1
    assert ein._ein.plan_cache_size() == 1
    got = ein.einsum("ab,bc->ca", ops[0], ops[1])
    assert ein._ein.plan_cache_size() == 1
    np.testing.assert_allclose(got, np.einsum("ab,bc->ca", ops[0], ops[1]))


def test_damaged_files_raise_and_change_nothing(tmp_path):
    ein.clear_plan_cache()
    ops = _ops()
    ein.einsum("ab,bc->ac", ops[0], ops[1])
    path = tmp_path / "p.ein"
    ein.save_plans(path)
    good = path.read_bytes()
    ein.clear_plan_cache()
    for cut in (0, 8, len(good) // 2, len(good) - 1):
        path.write_bytes(good[:cut])
        with pytest.raises(ValueError):
            ein.load_plans(path)
    for i in range(0, len(good), 7):
        damaged = bytearray(good)
        damaged[i] ^= 0x5A
        path.write_bytes(bytes(damaged))
        with pytest.raises(ValueError):
            ein.load_plans(path)
    assert ein._ein.plan_cache_size() == 0
    with pytest.raises(ValueError):
        ein.load_plans(tmp_path / "missing.ein")


def test_a_tag_that_does_not_match_its_plan_is_refused(tmp_path):
    # Swap the caller-spelled subscripts of a saved entry for another contraction over the same
    # shapes: loading must refuse it rather than cache a plan under the wrong key.
    ein.clear_plan_cache()
    a = np.ones((3, 3))
    ein.einsum("ij,jk->ik", a, a)
    path = tmp_path / "p.ein"
    ein.save_plans(path)
    data = path.read_bytes()
    forged = data.replace(b"ij,jk->ik\x01", b"ij,jk->ki\x01")
    assert forged != data
    path.write_bytes(forged)
    ein.clear_plan_cache()
    with pytest.raises(ValueError, match="do not match"):
        ein.load_plans(path)
    assert ein._ein.plan_cache_size() == 0
