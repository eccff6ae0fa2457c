"""Index files from Python, with Faiss's names: write_index / read_index (file names,
path-like objects, IOWriter / IOReader objects, PyCallbackIOWriter / PyCallbackIOReader),
serialize_index / deserialize_index (numpy uint8 arrays holding the bytes of a file),
clone_index, ProductQuantizer files, and pickling of every index (so indexes can be sent
to multiprocessing workers). Indexes come back as their concrete class."""

import os

import numpy as np

from . import swigfaiss
from .swigfaiss import swig_ptr

_CHUNK = 1 << 20


class PyCallbackIOWriter:
    """Collects the bytes of a saved index and hands them to callback(bytes) in chunks of
    at most bs bytes (callback is e.g. the write method of a Python file object)."""

    def __init__(self, callback, bs=_CHUNK):
        self.callback = callback
        self.bs = int(bs)

    def _emit(self, data):
        view = memoryview(data)
        for start in range(0, len(view), self.bs):
            self.callback(view[start:start + self.bs].tobytes())


class PyCallbackIOReader:
    """Reads the bytes of an index from callback(n), which returns at most n bytes and
    b"" at the end (e.g. the read method of a Python file object)."""

    def __init__(self, callback, bs=_CHUNK):
        self.callback = callback
        self.bs = int(bs)

    def _read_all(self):
        parts = []
        while True:
            chunk = self.callback(self.bs)
            if not chunk:
                break
            parts.append(bytes(chunk))
        return b"".join(parts)


def _as_path(f):
    return os.fspath(f) if isinstance(f, (str, bytes, os.PathLike)) else f


def serialize_index(index, io_flags=0):
    """The bytes of a saved index as a numpy uint8 array."""
    writer = swigfaiss.VectorIOWriter()
    swigfaiss.write_index(index, writer, io_flags)
    return _vector_bytes(writer.data)


def deserialize_index(data, io_flags=0):
    """The index saved in data (numpy uint8 array, bytes, bytearray or memoryview)."""
    arr = np.ascontiguousarray(np.frombuffer(data, dtype=np.uint8)
                               if isinstance(data, (bytes, bytearray, memoryview))
                               else data)
    if arr.dtype != np.uint8 or arr.ndim != 1:
        raise TypeError(f"deserialize_index expects a 1-D uint8 array, got {arr.dtype} "
                        f"with shape {arr.shape}")
    if arr.size == 0:
        reader = swigfaiss.VectorIOReader()
    else:
        reader = swigfaiss.BufferIOReader(swig_ptr(arr), arr.size)
    return swigfaiss.read_index(reader, io_flags)


def _vector_bytes(vec):
    n = vec.size()
    if n == 0:
        return np.zeros(0, dtype=np.uint8)
    return swigfaiss.rev_swig_ptr(vec.data(), n).copy()


def write_index(index, f, io_flags=0):
    """Save index to f: a file name (replaced crash-safely), a path-like object, an
    IOWriter, a PyCallbackIOWriter or an object with a write(bytes) method."""
    f = _as_path(f)
    if isinstance(f, bytes):
        f = os.fsdecode(f)
    if isinstance(f, (str, swigfaiss.IOWriter)):
        swigfaiss.write_index(index, f, io_flags)
        return
    if not isinstance(f, PyCallbackIOWriter):
        if not hasattr(f, "write"):
            raise TypeError(f"write_index: cannot write to {type(f).__name__}")
        f = PyCallbackIOWriter(f.write)
    f._emit(serialize_index(index, io_flags))


def read_index(f, io_flags=0):
    """Load an index from f: a file name, a path-like object, an IOReader, a
    PyCallbackIOReader or an object with a read(n) method."""
    f = _as_path(f)
    if isinstance(f, bytes):
        f = os.fsdecode(f)
    if isinstance(f, (str, swigfaiss.IOReader)):
        return swigfaiss.read_index(f, io_flags)
    if not isinstance(f, PyCallbackIOReader):
        if not hasattr(f, "read"):
            raise TypeError(f"read_index: cannot read from {type(f).__name__}")
        f = PyCallbackIOReader(f.read)
    return deserialize_index(f._read_all(), io_flags)


def write_ProductQuantizer(pq, f):
    swigfaiss.write_ProductQuantizer(pq, _as_path(f))


def read_ProductQuantizer(f):
    return swigfaiss.read_ProductQuantizer(_as_path(f))


def write_VectorTransform(vt, f):
    swigfaiss.write_VectorTransform(vt, _as_path(f))


def read_VectorTransform(f):
    return swigfaiss.read_VectorTransform(_as_path(f))


def clone_index(index):
    """A deep copy of index, of the same class."""
    return swigfaiss.clone_index(index)


def _index_getstate(self):
    return {"this": serialize_index(self).tobytes()}


def _index_setstate(self, state):
    other = deserialize_index(np.frombuffer(state["this"], dtype=np.uint8))
    # Take over the C++ object (and its ownership) of the freshly loaded proxy.
    self.this = other.this


def install_pickling():
    """Pickle support (through serialize_index) for every Index class of the module."""
    for cls in vars(swigfaiss).values():
        if not (isinstance(cls, type) and issubclass(cls, swigfaiss.Index)):
            continue
        cls.__getstate__ = _index_getstate
        cls.__setstate__ = _index_setstate
