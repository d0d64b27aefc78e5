"""ein — NumPy-exact einsum at BLAS speed.

Drop-in replacements for NumPy's tensor products, computed by ein's C++ engine: operands are
read in place (any strides, no copies; DLPack producers such as PyTorch CPU tensors too) and the
GIL is released while computing.

>>> import numpy as np, ein
>>> q, k = np.ones((2, 4, 8)), np.ones((2, 5, 8))
>>> ein.einsum('bid,bjd->bij', q, k).shape
(2, 4, 5)
"""

import os

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
    "save_plans",
    "load_plans",
]
__all__ += [*_NN_NAMES, "keras"]


def save_plans(path) -> int:
    """Saves the plans ``ein.einsum`` has compiled to ``path`` (ein's own versioned, checksummed
    format); returns how many. A later process calls ``ein.load_plans(path)`` to skip planning.

    >>> import numpy as np, ein, tempfile, os
    >>> _ = ein.einsum('ij,jk,kl->il', np.ones((2, 3)), np.ones((3, 4)), np.ones((4, 5)))
    >>> path = os.path.join(tempfile.mkdtemp(), 'plans.ein')
    >>> ein.save_plans(path) >= 1
    True
    >>> ein.clear_plan_cache(); ein.load_plans(path) >= 1
    True
    """
    from . import _ein

    return _ein.save_plans(os.fspath(path))


def load_plans(path) -> int:
    """Loads a plan file written by ``ein.save_plans`` into ``ein.einsum``'s plan cache; returns
    how many plans were loaded. The file is untrusted input: a damaged or forged file raises
    ``ValueError`` naming the defect (also when it cannot be read) and leaves the cache
    unchanged."""
    from . import _ein

    return _ein.load_plans(os.fspath(path))


def clear_plan_cache() -> None:
    """Forgets the plans ``ein.einsum`` has compiled and cached (at most 4096 are kept)."""
    from . import _ein

    _ein.clear_plan_cache()
