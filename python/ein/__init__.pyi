import os
# Type stubs for the public API of ein (NumPy-compatible tensor products on ein's engine).
from typing import Any, Literal, Sequence, SupportsIndex, Union, overload

import numpy as np
import numpy.typing as npt

__version__: str
SUPPORTED_DTYPES: tuple[np.dtype[Any], ...]
PATH_NAMES: tuple[str, ...]

_Order = Literal["C", "F", "A", "K"]
_Casting = Literal["no", "equiv", "safe", "same_kind", "unsafe"]
_PathName = Literal[
    "auto", "greedy", "optimal", "dp", "branch", "branch-all", "branch-2", "branch-1", "none",
    "naive"
]
# True/False, a finder's name, (name, memory_limit_in_elements), or an explicit path: NumPy's
# ['einsum_path', (0, 1), ...] or a plain list of (i, j) pairs.
_Optimize = Union[
    bool,
    None,
    _PathName,
    str,
    tuple[str, float],
    Sequence[Union[str, tuple[int, ...]]],
]
# An operand: a NumPy array or anything NumPy turns into one (scalars, nested lists), or a DLPack
# producer (e.g. a PyTorch CPU tensor).
_Operand = Union[npt.ArrayLike, Any]
# einsum's semiring= (ein's extension): the algebra of its sums and products.
_Semiring = Literal["standard", "max_plus", "min_plus", "log_sum_exp", "max_times"]
# What NumPy returns for a possibly 0-d result: an array or a NumPy scalar.
_Result = Union[npt.NDArray[Any], np.generic]

@overload
def einsum(
    subscripts: str,
    /,
    *operands: _Operand,
    out: None = ...,
    dtype: npt.DTypeLike | None = ...,
    order: _Order = ...,
    casting: _Casting = ...,
    optimize: _Optimize = ...,
    memory_limit: int | Literal["max_input"] | None = ...,
    semiring: _Semiring | None = ...,
    acc_dtype: npt.DTypeLike | None = ...,
    conj: Sequence[bool] | None = ...,
) -> _Result: ...
@overload
def einsum(
    subscripts: str,
    /,
    *operands: _Operand,
    out: npt.NDArray[Any],
    dtype: npt.DTypeLike | None = ...,
    order: _Order = ...,
    casting: _Casting = ...,
    optimize: _Optimize = ...,
    memory_limit: int | Literal["max_input"] | None = ...,
    semiring: _Semiring | None = ...,
    acc_dtype: npt.DTypeLike | None = ...,
    conj: Sequence[bool] | None = ...,
) -> npt.NDArray[Any]: ...
@overload
def einsum(
    operand: _Operand,
    sublist: Sequence[Any],
    /,
    *operands_and_sublists: Any,
    out: npt.NDArray[Any] | None = ...,
    dtype: npt.DTypeLike | None = ...,
    order: _Order = ...,
    casting: _Casting = ...,
    optimize: _Optimize = ...,
    memory_limit: int | Literal["max_input"] | None = ...,
    semiring: _Semiring | None = ...,
    acc_dtype: npt.DTypeLike | None = ...,
    conj: Sequence[bool] | None = ...,
) -> _Result: ...
def einsum_path(
    *operands: Any,
    optimize: _Optimize = ...,
    memory_limit: int | Literal["max_input"] | None = ...,
    semiring: _Semiring | None = ...,
) -> tuple[list[Union[str, tuple[int, ...]]], str]: ...

# einsum beyond NumPy's grammar: repeated output labels (diagonal embedding), einops groups with
# sizes by name, sublist labels past 52 (einsum_ext); names separated by spaces (einsum_named).
@overload
def einsum_ext(
    subscripts: str,
    /,
    *operands: _Operand,
    dtype: npt.DTypeLike | None = ...,
    optimize: _Optimize = ...,
    sizes: dict[str, int] | None = ...,
    **axes_lengths: int,
) -> _Result: ...
@overload
def einsum_ext(
    operand: _Operand,
    sublist: Sequence[Any],
    /,
    *operands_and_sublists: Any,
    dtype: npt.DTypeLike | None = ...,
    optimize: _Optimize = ...,
    memory_limit: int | Literal["max_input"] | None = ...,
) -> _Result: ...
def einsum_named(
    *tensors_and_pattern: Any,
    dtype: npt.DTypeLike | None = ...,
    optimize: _Optimize = ...,
    sizes: dict[str, int] | None = ...,
    **axes_lengths: int,
) -> _Result: ...

class ContractExpression:
    def __init__(
        self,
        subscripts: str,
        *operands: Union[Sequence[SupportsIndex], _Operand],
        dtype: npt.DTypeLike | None = ...,
        optimize: _Optimize = ...,
        memory_limit: int | None = ...,
    ) -> None: ...
    def __call__(self, *operands: _Operand, out: npt.NDArray[Any] | None = ...) -> _Result: ...
    @property
    def subscripts(self) -> str: ...
    @property
    def shapes(self) -> list[tuple[int, ...]]: ...
    @property
    def path(self) -> list[Union[str, tuple[int, ...]]]: ...
    @property
    def report(self) -> str: ...

def contract_expression(
    subscripts: str,
    *shapes: Union[Sequence[SupportsIndex], _Operand],
    dtype: npt.DTypeLike | None = ...,
    optimize: _Optimize = ...,
    memory_limit: int | None = ...,
) -> ContractExpression: ...
def dot(a: _Operand, b: _Operand, out: npt.NDArray[Any] | None = ...) -> _Result: ...
def vdot(a: _Operand, b: _Operand) -> np.generic: ...
def inner(a: _Operand, b: _Operand) -> _Result: ...
def outer(a: _Operand, b: _Operand, out: npt.NDArray[Any] | None = ...) -> npt.NDArray[Any]: ...
def matmul(
    x1: _Operand,
    x2: _Operand,
    /,
    out: npt.NDArray[Any] | None = ...,
    *,
    casting: _Casting = ...,
    order: _Order = ...,
    dtype: npt.DTypeLike | None = ...,
    subok: bool = ...,
) -> _Result: ...
def tensordot(
    a: _Operand,
    b: _Operand,
    axes: Union[SupportsIndex, tuple[Union[SupportsIndex, Sequence[SupportsIndex]], Union[SupportsIndex, Sequence[SupportsIndex]]]] = ...,
) -> npt.NDArray[Any]: ...
def kron(a: _Operand, b: _Operand) -> _Result: ...
def trace(
    a: _Operand,
    offset: SupportsIndex = ...,
    axis1: SupportsIndex = ...,
    axis2: SupportsIndex = ...,
    dtype: npt.DTypeLike | None = ...,
    out: npt.NDArray[Any] | None = ...,
) -> _Result: ...
def diagonal(
    a: _Operand, offset: SupportsIndex = ..., axis1: SupportsIndex = ..., axis2: SupportsIndex = ...
) -> npt.NDArray[Any]: ...
def project(b: _Operand, onto: _Operand) -> npt.NDArray[Any]: ...
def cosine_similarity(a: _Operand, b: _Operand) -> _Result: ...
def clear_plan_cache() -> None: ...
def save_plans(path: str | os.PathLike[str]) -> int: ...
def load_plans(path: str | os.PathLike[str]) -> int: ...

# Deep-learning front doors (ein/_nn.py) and the Keras functions (ein.keras).
from . import keras as keras
def softmax(x: _Operand, axis: SupportsIndex = ...) -> npt.NDArray[Any]: ...
def log_softmax(x: _Operand, axis: SupportsIndex = ...) -> npt.NDArray[Any]: ...
def scaled_dot_product_attention(q: _Operand, k: _Operand, v: _Operand, mask: _Operand | None = ..., scale: float | None = ..., causal: bool = ...) -> npt.NDArray[Any]: ...
def multi_head_attention(x: _Operand, w_q: _Operand, w_k: _Operand, w_v: _Operand, w_o: _Operand, heads: SupportsIndex, mask: _Operand | None = ..., causal: bool = ...) -> npt.NDArray[Any]: ...
def rearrange(tensor: _Operand | list[_Operand], pattern: str, **axes_lengths: SupportsIndex) -> npt.NDArray[Any]: ...
def reduce(tensor: _Operand | list[_Operand], pattern: str, reduction: str, **axes_lengths: SupportsIndex) -> npt.NDArray[Any]: ...
def repeat(tensor: _Operand | list[_Operand], pattern: str, **axes_lengths: SupportsIndex) -> npt.NDArray[Any]: ...
def pack(tensors: Sequence[_Operand], pattern: str) -> tuple[npt.NDArray[Any], list[tuple[int, ...]]]: ...
def unpack(tensor: _Operand, packed_shapes: Sequence[Sequence[SupportsIndex]], pattern: str) -> list[npt.NDArray[Any]]: ...
