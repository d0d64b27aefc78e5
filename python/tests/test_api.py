"""The package surface: exports, docstring examples (run as doctests), stubs, plan cache, speed
of the common call."""

import doctest
import importlib
import inspect
import pathlib

import numpy as np
import pytest

import ein

PUBLIC = ["einsum", "einsum_path", "contract_expression", "dot", "vdot", "inner", "outer",
          "matmul", "tensordot", "kron", "trace", "diagonal", "project", "cosine_similarity"]


def test_exports():
    for name in PUBLIC + ["ContractExpression", "clear_plan_cache", "__version__"]:
        assert hasattr(ein, name), name
        assert name in ein.__all__ or name == "__version__"


@pytest.mark.parametrize("name", PUBLIC)
def test_every_function_has_a_docstring_with_an_example(name):
    doc = inspect.getdoc(getattr(ein, name))
    assert doc and ">>>" in doc, f"ein.{name} needs a docstring with an example"


@pytest.mark.parametrize("module", ["ein", "ein._einsum", "ein._products", "ein._expression"])
def test_docstring_examples_run(module):
    mod = importlib.import_module(module)
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} doctest failures in {module}"
    assert result.attempted > 0 or module == "ein"


def test_type_stubs_are_installed_and_cover_the_api():
    package = pathlib.Path(ein.__file__).parent
    stub = package / "__init__.pyi"
    assert stub.exists() and (package / "py.typed").exists()
    text = stub.read_text()
    for name in PUBLIC:
        assert f"def {name}(" in text, name
    compile(text, str(stub), "exec")  # valid Python syntax


def test_signatures_follow_numpy():
    params = inspect.signature(ein.einsum).parameters
    # NumPy's keywords in NumPy's order, then ein's extensions.
    assert list(params)[1:] == [
        "out", "dtype", "order", "casting", "optimize", "memory_limit", "semiring",
        "acc_dtype", "conj"]
    assert list(inspect.signature(ein.trace).parameters) == list(
        inspect.signature(np.trace).parameters)
    assert list(inspect.signature(ein.tensordot).parameters) == ["a", "b", "axes"]
    assert list(inspect.signature(ein.diagonal).parameters) == ["a", "offset", "axis1", "axis2"]


def test_plan_cache_is_used_and_bounded():
    ein.clear_plan_cache()
    a = np.ones((3, 3))
    ein.einsum("ij,jk->ik", a, a)
    ein.einsum("ij,jk->ik", a, a)
    assert ein._ein.plan_cache_size() == 1
    ein.einsum("ij,jk->ik", a, a.T)  # other strides: another plan
    ein.einsum("ij,jk->ik", a, a, optimize="greedy")
    assert ein._ein.plan_cache_size() == 3
    ein.clear_plan_cache()
    assert ein._ein.plan_cache_size() == 0

