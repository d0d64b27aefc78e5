"""Turning whatever NumPy would accept into arrays ein can view without copying.

The compiled module views NumPy arrays through the buffer protocol. Everything else is converted
here, once, with the same rules NumPy applies: Python scalars and lists through
``numpy.asarray``; DLPack producers (PyTorch CPU tensors, JAX arrays, ...) through
``numpy.from_dlpack``, which shares their memory. Copies happen only where ein cannot read the
memory as it is: non-native byte order, a misaligned pointer, or strides that are not a whole
number of elements (all rare, and NumPy itself copies there too).
"""

from __future__ import annotations

import numpy as np

SUPPORTED_DTYPES = tuple(
    np.dtype(name)
    for name in (
        "bool",
        "int8",
        "uint8",
        "int16",
        "int32",
        "int64",
        "float16",
        "float32",
        "float64",
        "complex64",
        "complex128",
    )
)
# Storage dtypes: ein holds and converts them, and computes in a wider compute dtype
# (docs/decisions/0003-storage-dtypes.md).
STORAGE_DTYPES = tuple(np.dtype(name) for name in ("int8", "uint8", "int16", "float16"))
_SUPPORTED = frozenset(SUPPORTED_DTYPES)
_SUPPORTED_NAMES = ", ".join(dt.name for dt in SUPPORTED_DTYPES)


def unsupported_dtype_error(dtype: np.dtype, what: str) -> TypeError:
    return TypeError(
        f"{what} has dtype {dtype}, which ein does not support (supported: {_SUPPORTED_NAMES})"
    )


def check_dtype(dtype, what: str) -> np.dtype:
    """NumPy's dtype= argument as a supported native dtype, or TypeError."""
    dt = np.dtype(dtype)  # TypeError "data type 'x' not understood", as NumPy raises
    native = dt.newbyteorder("=") if dt.byteorder not in "=|" else dt
    if native not in _SUPPORTED:
        raise unsupported_dtype_error(dt, what)
    return native


def as_operand(x, what: str = "operand") -> np.ndarray:
    """A NumPy array ein can view in place, sharing memory with `x` wherever possible."""
    if isinstance(x, np.ndarray):
        arr = x if type(x) is np.ndarray else np.asarray(x)  # drop subclasses, as a view
    elif not isinstance(x, (np.generic, list, tuple)) and hasattr(type(x), "__dlpack__"):
        arr = np.from_dlpack(x)
    else:
        arr = np.asarray(x)
    dt = arr.dtype
    if dt not in _SUPPORTED:
        if dt.byteorder in "<>" and dt.newbyteorder("=") in _SUPPORTED:
            return arr.astype(dt.newbyteorder("="))  # non-native byte order: one conversion
        raise unsupported_dtype_error(dt, what)
    if not arr.flags.aligned or any(s % dt.itemsize for s in arr.strides):
        return arr.copy()
    return arr


def is_viewable_out(out: np.ndarray) -> bool:
    """Whether ein can write into `out` directly (else the result is computed and copied)."""
    dt = out.dtype
    return (
        dt in _SUPPORTED
        and out.flags.aligned
        and out.flags.writeable
        and not any(s % dt.itemsize for s in out.strides)
    )


def scalar_if_0d(result):
    """NumPy's C functions return a NumPy scalar, not a 0-d array."""
    if isinstance(result, np.ndarray) and result.ndim == 0:
        return result[()]
    return result
