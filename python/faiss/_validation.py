"""Argument checks and conversions shared by the numpy-facing wrappers.

Every check raises ValueError (wrong shape or value) or TypeError (wrong type or dtype)
with a message naming the argument, the expected shape and what was given, so a bad call
never reaches C++ with a pointer to the wrong amount of memory.
"""

import operator

import numpy as np

#: 16-bit float kinds understood by the C++ entry points (python_support.h).
FLOAT16_KIND_FP16 = 0
FLOAT16_KIND_BF16 = 1

_FLOAT32 = np.dtype(np.float32)


def float16_kind(dtype):
    """FLOAT16_KIND_* for a 16-bit float dtype (numpy.float16, ml_dtypes.bfloat16), else
    None. ml_dtypes is not imported: its bfloat16 is recognised by name."""
    if dtype == np.float16:
        return FLOAT16_KIND_FP16
    if dtype.name == "bfloat16" and dtype.itemsize == 2:
        return FLOAT16_KIND_BF16
    return None


def as_array(x, name):
    """x as a numpy array (lists and other sequences are converted)."""
    if isinstance(x, np.ndarray):
        return x
    try:
        return np.asarray(x)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{name} must be a numpy array, got {type(x).__name__}: {e}") from None


def _shape_error(name, expected, x):
    return ValueError(f"{name} must have shape {expected}, got shape {tuple(x.shape)}")


def vectors(x, d, name="x", allow_16bit=True):
    """Validate vectors of dimension d: a 2-D array of shape (n, d).

    Returns (array, kind). kind None: a C-contiguous float32 array (no copy when x already
    is one; float64, integer and bool arrays are converted). kind FLOAT16_KIND_*: a
    C-contiguous 16-bit array for the block-converting C++ entry points (only when
    allow_16bit; otherwise converted to float32 here).
    """
    # The common case first, in a few attribute reads: one-query-at-a-time serving
    # calls this once per query, and the general path costs ~2 us.
    if (type(x) is np.ndarray and x.dtype is _FLOAT32 and x.ndim == 2 and x.shape[1] == d
            and x.flags.c_contiguous):
        return x, None
    x = as_array(x, name)
    expected = f"(n, {d})"
    if x.ndim != 2 or x.shape[1] != d:
        raise _shape_error(name, expected, x)
    kind = float16_kind(x.dtype)
    if kind is not None:
        if allow_16bit:
            return np.ascontiguousarray(x), kind
        return np.ascontiguousarray(x, dtype=np.float32), None
    if x.dtype.kind not in "fiub":
        raise TypeError(
            f"{name} must hold float32 values (float64, float16, bfloat16 and integer "
            f"arrays are converted), got dtype {x.dtype}")
    return np.ascontiguousarray(x, dtype=np.float32), None


def float_vectors(x, d, name="x"):
    """vectors() without the 16-bit path: always a C-contiguous float32 (n, d) array."""
    return vectors(x, d, name, allow_16bit=False)[0]


def bits16(x):
    """The raw 16-bit words of a C-contiguous fp16 / bf16 array (a view)."""
    return x.view(np.uint16)


def ids(a, n, name="ids"):
    """Validate n ids: a 1-D integer array of shape (n,), returned as C-contiguous int64.
    n None accepts any length."""
    a = as_array(a, name)
    if a.ndim != 1 or (n is not None and a.shape[0] != n):
        raise _shape_error(name, "(n,)" if n is None else f"({n},)", a)
    if a.dtype.kind not in "iu":
        raise TypeError(f"{name} must be an integer array (int64), got dtype {a.dtype}")
    return np.ascontiguousarray(a, dtype=np.int64)


def codes(a, code_size, name="codes"):
    """Validate n codes: a 2-D uint8 array of shape (n, code_size). Other dtypes are
    rejected rather than converted: a cast and a byte view would give different codes."""
    a = as_array(a, name)
    if a.dtype != np.uint8:
        raise TypeError(f"{name} must be a uint8 array, got dtype {a.dtype}")
    if a.ndim != 2 or a.shape[1] != code_size:
        raise _shape_error(name, f"(n, {code_size})", a)
    return np.ascontiguousarray(a)


def output(a, shape, dtype, name):
    """A new array, or the caller's preallocated one after checking it fits exactly."""
    if a is None:
        return np.empty(shape, dtype=dtype)
    if not isinstance(a, np.ndarray):
        raise TypeError(f"{name} must be a numpy array, got {type(a).__name__}")
    if a.dtype != dtype:
        raise TypeError(f"{name} must have dtype {np.dtype(dtype)}, got {a.dtype}")
    if a.shape != tuple(shape):
        raise _shape_error(name, tuple(shape), a)
    if not a.flags.c_contiguous or not a.flags.writeable:
        raise ValueError(f"{name} must be a writeable C-contiguous array")
    return a


def integer(v, name):
    """v as a Python int (numpy integers accepted), TypeError otherwise."""
    try:
        return operator.index(v)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {type(v).__name__}") from None


def positive_int(v, name):
    v = integer(v, name)
    if v <= 0:
        raise ValueError(f"{name} must be > 0, got {v}")
    return v
