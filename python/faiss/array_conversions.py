"""Copies between the C++ std::vector proxies (Float32Vector, Int64Vector ...) and numpy
arrays, with Faiss's names."""

import numpy as np

from . import swigfaiss

# element dtype of each vector proxy, by class name
_VECTOR_DTYPES = {
    "Float32Vector": np.float32,
    "Float64Vector": np.float64,
    "Int8Vector": np.int8,
    "Int16Vector": np.int16,
    "Int32Vector": np.int32,
    "Int64Vector": np.int64,
    "UInt8Vector": np.uint8,
    "UInt16Vector": np.uint16,
    "UInt32Vector": np.uint32,
    "UInt64Vector": np.uint64,
    # arrays that may view a memory-mapped index file (faiss/impl/maybe_owned_vector.h)
    "MaybeOwnedVectorUInt8": np.uint8,
    "MaybeOwnedVectorInt32": np.int32,
    "MaybeOwnedVectorUInt64": np.uint64,
}


def _vector_dtype(v):
    name = type(v).__name__
    if name not in _VECTOR_DTYPES:
        raise TypeError(f"expected a numeric vector proxy (Float32Vector, Int64Vector ...), "
                        f"got {name}")
    return np.dtype(_VECTOR_DTYPES[name])


def vector_to_array(v):
    """A new numpy array holding a copy of the elements of the vector proxy v."""
    dtype = _vector_dtype(v)
    n = v.size()
    a = np.empty(n, dtype=dtype)
    if n > 0:
        a[:] = swigfaiss.rev_swig_ptr(v.data(), n)
    return a


def copy_array_to_vector(a, v):
    """Resize the vector proxy v to len(a) and copy the 1-D array a into it. The dtypes
    must match exactly (e.g. float32 for Float32Vector)."""
    dtype = _vector_dtype(v)
    if not isinstance(a, np.ndarray):
        raise TypeError(f"expected a numpy array, got {type(a).__name__}")
    if a.ndim != 1:
        raise ValueError(f"expected a 1-D array, got shape {a.shape}")
    if a.dtype != dtype:
        raise TypeError(f"a {type(v).__name__} needs an array of dtype {dtype}, "
                        f"got {a.dtype}")
    n = a.shape[0]
    v.resize(n)
    if n > 0:
        swigfaiss.rev_swig_ptr(v.data(), n)[:] = a


def vector_float_to_array(v):
    """Same as vector_to_array (older Faiss name)."""
    return vector_to_array(v)
