"""write_index / read_index / serialize_index / deserialize_index / clone_index from
Python: every index type round-trips to its concrete class with the same search results
and the same bytes; file names, path-like objects, Python file objects; bad input."""

import io
import os

import numpy as np
import pytest

import faiss

D = 8


def _data(n=300, seed=0):
    rs = np.random.RandomState(seed)
    return rs.rand(n, D).astype("float32")


def _make(name):
    xb = _data()
    if name == "FlatL2":
        index = faiss.IndexFlatL2(D)
    elif name == "FlatIP":
        index = faiss.IndexFlatIP(D)
    elif name == "IDMap2":
        index = faiss.IndexIDMap2(faiss.IndexFlatL2(D))
        index.add_with_ids(xb, np.arange(len(xb), dtype="int64") * 3 + 5)
        return index
    elif name == "PQ":
        index = faiss.IndexPQ(D, 2, 4)
    elif name == "SQ8":
        index = faiss.IndexScalarQuantizer(D, faiss.ScalarQuantizer.QT_8bit)
    elif name == "IVFFlat":
        index = faiss.IndexIVFFlat(faiss.IndexFlatL2(D), D, 4)
    elif name == "IVFPQ":
        index = faiss.IndexIVFPQ(faiss.IndexFlatL2(D), D, 4, 2, 4)
    elif name == "IVFSQ":
        index = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatL2(D), D, 4,
                                              faiss.ScalarQuantizer.QT_fp16)
    elif name == "RefineFlat":
        index = faiss.IndexRefineFlat(faiss.IndexPQ(D, 2, 4))
    else:
        raise ValueError(name)
    index.train(xb)
    index.add(xb)
    return index


NAMES = ["FlatL2", "FlatIP", "IDMap2", "PQ", "SQ8", "IVFFlat", "IVFPQ", "IVFSQ", "RefineFlat"]


def _same_search(a, b):
    xq = _data(5, seed=1)
    Da, Ia = a.search(xq, 4)
    Db, Ib = b.search(xq, 4)
    np.testing.assert_array_equal(Ia, Ib)
    np.testing.assert_array_equal(Da, Db)


@pytest.mark.parametrize("name", NAMES)
def test_serialize_round_trip(name):
    index = _make(name)
    buf = faiss.serialize_index(index)
    assert buf.dtype == np.uint8 and buf.ndim == 1
    back = faiss.deserialize_index(buf)
    assert type(back) is type(index)
    _same_search(index, back)
    np.testing.assert_array_equal(faiss.serialize_index(back), buf)
    # bytes and bytearray work as well
    assert type(faiss.deserialize_index(buf.tobytes())) is type(index)


@pytest.mark.parametrize("name", NAMES)
def test_clone(name):
    index = _make(name)
    copy = faiss.clone_index(index)
    assert type(copy) is type(index) and copy is not index
    _same_search(index, copy)


def test_file_names_and_file_objects(tmp_path):
    index = _make("IVFFlat")
    path = tmp_path / "a.index"
    faiss.write_index(index, str(path))
    assert type(faiss.read_index(str(path))) is faiss.IndexIVFFlat
    faiss.write_index(index, path)  # path-like
    _same_search(index, faiss.read_index(path))
    with open(path, "wb") as f:
        faiss.write_index(index, f)
    with open(path, "rb") as f:
        _same_search(index, faiss.read_index(f))
    bio = io.BytesIO()
    faiss.write_index(index, faiss.PyCallbackIOWriter(bio.write, 1000))
    assert bio.getvalue() == faiss.serialize_index(index).tobytes()
    bio.seek(0)
    _same_search(index, faiss.read_index(faiss.PyCallbackIOReader(bio.read)))
    writer = faiss.VectorIOWriter()
    faiss.write_index(index, writer)
    assert writer.data.size() == faiss.serialize_index(index).size


def test_io_flags():
    index = _make("IVFPQ")
    back = faiss.deserialize_index(faiss.serialize_index(index),
                                   faiss.IO_FLAG_SKIP_PRECOMPUTE_TABLE)
    assert back.ntotal == index.ntotal
    assert faiss.IO_FLAG_MMAP == 0x646F0008
    assert faiss.IO_FLAG_READ_ONLY == 2
    assert faiss.IO_FLAG_SKIP_STORAGE == 1


def test_product_quantizer_files(tmp_path):
    pq = faiss.ProductQuantizer(D, 2, 4)
    pq.train(_data())
    faiss.write_ProductQuantizer(pq, str(tmp_path / "pq"))
    back = faiss.read_ProductQuantizer(str(tmp_path / "pq"))
    assert back.M == 2 and back.nbits == 4
    np.testing.assert_array_equal(faiss.vector_to_array(back.centroids),
                                  faiss.vector_to_array(pq.centroids))


def test_bad_input(tmp_path):
    with pytest.raises(RuntimeError, match="could not open"):
        faiss.read_index(str(tmp_path / "missing.index"))
    buf = faiss.serialize_index(_make("FlatL2"))
    with pytest.raises(RuntimeError, match="byte offset"):
        faiss.deserialize_index(buf[:-5])
    with pytest.raises(RuntimeError, match="not recognized"):
        faiss.deserialize_index(np.frombuffer(b"XXXXyyyy", dtype=np.uint8))
    with pytest.raises(RuntimeError):
        faiss.deserialize_index(np.zeros(0, dtype=np.uint8))
    with pytest.raises(TypeError):
        faiss.deserialize_index(np.zeros(10, dtype=np.float32))
    with pytest.raises(TypeError):
        faiss.write_index(_make("FlatL2"), 42)
    # a failed save leaves the existing file alone
    path = str(tmp_path / "keep.index")
    faiss.write_index(_make("FlatL2"), path)
    before = open(path, "rb").read()
    with pytest.raises(RuntimeError):
        faiss.write_index(_make("FlatL2"), os.path.join(str(tmp_path), "no", "such", "dir"))
    assert open(path, "rb").read() == before


def test_vector_transform_files(tmp_path):
    xb = _data(500, seed=4)
    for vt in [faiss.PCAMatrix(D, 4), faiss.RandomRotationMatrix(D, D),
               faiss.NormalizationTransform(D, 2.0), faiss.CenteringTransform(D)]:
        vt.train(xb)
        path = str(tmp_path / "vt")
        faiss.write_VectorTransform(vt, path)
        back = faiss.read_VectorTransform(path)
        assert type(back) is type(vt)
        np.testing.assert_array_equal(back.apply(xb[:5]), vt.apply(xb[:5]))
    opq = faiss.OPQMatrix(D, 2)
    opq.niter = 3
    opq.train(xb)
    faiss.write_VectorTransform(opq, str(tmp_path / "opq"))
    back = faiss.read_VectorTransform(str(tmp_path / "opq"))
    assert type(back) is faiss.LinearTransform  # as in Faiss: OPQ is saved as its matrix
    np.testing.assert_array_equal(back.apply(xb[:5]), opq.apply(xb[:5]))


def test_pretransform_round_trip():
    xb = _data(500, seed=5)
    index = faiss.IndexPreTransform(faiss.PCAMatrix(D, 4), faiss.IndexFlatL2(4))
    index.train(xb)
    index.add(xb)
    back = faiss.deserialize_index(faiss.serialize_index(index))
    assert type(back) is faiss.IndexPreTransform
    assert type(faiss.downcast_VectorTransform(back.chain.at(0))) is faiss.PCAMatrix
    _same_search(index, back)
    np.testing.assert_array_equal(faiss.serialize_index(back), faiss.serialize_index(index))


def test_mmap_lists(tmp_path):
    index = _make("IVFPQ")
    path = str(tmp_path / "mapped.index")
    faiss.write_index(index, path)
    mapped = faiss.read_index(path, faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
    assert type(mapped) is faiss.IndexIVFPQ
    _same_search(index, mapped)
    with pytest.raises(RuntimeError, match="read-only"):
        mapped.add(_data(3))
    copy = faiss.clone_index(mapped)
    copy.add(_data(3))
    assert copy.ntotal == index.ntotal + 3
    with pytest.raises(RuntimeError, match="IO_FLAG_MMAP"):
        faiss.deserialize_index(faiss.serialize_index(index), faiss.IO_FLAG_MMAP)
