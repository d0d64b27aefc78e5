"""ein — NumPy-exact einsum at BLAS speed.

Drop-in replacements for NumPy's tensor products, computed by ein's C++ engine: operands are
read in place (any strides, no copies; DLPack producers such as PyTorch CPU tensors too) and the
GIL is released while computing.

>>> import numpy as np, ein
>>> q, k = np.ones((2, 4, 8)), np.ones((2, 5, 8))
>>> ein.einsum('bid,bjd->bij', q, k).shape
(2, 4, 5)
"""

from ._beyond import einsum_ext, einsum_named
from ._einsum import einsum, einsum_path
from ._expression import ContractExpression, contract_expression
from ._operands import SUPPORTED_DTYPES
from ._optimize import PATH_NAMES
from ._nn import __all__ as _NN_NAMES, log_softmax, multi_head_attention, pack, rearrange, reduce, repeat, scaled_dot_product_attention, softmax, unpack  # noqa: E501
from . import keras
from ._products import (
    cosine_similarity,
    diagonal,
    dot,
    inner,
    kron,
    matmul,
    outer,
    project,
    tensordot,
    trace,
    vdot,
)

__version__ = "0.1.0"

__all__ = [
    "einsum",
    "einsum_path",
    "einsum_ext",
    "einsum_named",
    "contract_expression",
    "ContractExpression",
    "dot",
    "vdot",
    "inner",
    "outer",
    "matmul",
    "tensordot",
    "kron",
    "trace",
    "diagonal",
    "project",
    "cosine_similarity",
    "SUPPORTED_DTYPES",
    "PATH_NAMES",
    "clear_plan_cache",
]
__all__ += [*_NN_NAMES, "keras"]


def clear_plan_cache() -> None:
    """Forgets the plans ``ein.einsum`` has compiled and cached (at most 4096 are kept)."""
    from . import _ein

    _ein.clear_plan_cache()
