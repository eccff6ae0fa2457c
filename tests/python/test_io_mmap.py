"""Memory-mapped loading from Python (IO_FLAG_MMAP / IO_FLAG_MMAP_IFC, with and without
IO_FLAG_READ_ONLY): flat codes, HNSW graph arrays and IVF lists are used in place with
the same results as a normal read; read-only indexes refuse modification with a clear
RuntimeError; copy-on-write indexes copy on their first modification; the file never
changes; clones own their data; the array proxies read through vector_to_array."""

import os
import subprocess
import sys

import numpy as np
import pytest

import faiss

D = 16
RO = faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY


def _data(n, seed):
    return np.random.RandomState(seed).rand(n, D).astype("float32")


def _make(name):
    xb = _data(400, 0)
    factory = {"FlatL2": "Flat", "FlatIP": "Flat", "SQ8": "SQ8", "SQ4": "SQ4", "PQ": "PQ4x4",
               "HNSWFlat": "HNSW8", "HNSWSQ": "HNSW8_SQ8", "IVFFlat": "IVF4,Flat"}[name]
    metric = faiss.METRIC_INNER_PRODUCT if name == "FlatIP" else faiss.METRIC_L2
    index = faiss.index_factory(D, factory, metric)
    index.train(xb)
    index.add(xb)
    return index


NAMES = ["FlatL2", "FlatIP", "SQ8", "SQ4", "PQ", "HNSWFlat", "HNSWSQ", "IVFFlat"]


def _codes_index(index):
    if isinstance(index, faiss.IndexHNSW):
        return faiss.downcast_index(index.storage)
    return index


def _same_search(a, b, nq=40):
    xq = _data(nq, 1)
    Da, Ia = a.search(xq, 5)
    Db, Ib = b.search(xq, 5)
    np.testing.assert_array_equal(Ia, Ib)
    np.testing.assert_array_equal(Da, Db)


def _saved(tmp_path, index):
    path = str(tmp_path / "mapped.index")
    faiss.write_index(index, path)
    with open(path, "rb") as f:
        return path, f.read()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("flags", [faiss.IO_FLAG_MMAP, faiss.IO_FLAG_MMAP_IFC, RO])
def test_mapped_load_matches_normal_read(tmp_path, name, flags):
    index = _make(name)
    path, before = _saved(tmp_path, index)
    mapped = faiss.read_index(path, flags)
    assert type(mapped) is type(faiss.read_index(path))
    _same_search(index, mapped)
    assert faiss.serialize_index(mapped).tobytes() == before
    if name != "IVFFlat":
        codes = _codes_index(mapped).codes
        assert not codes.is_owned()
        np.testing.assert_array_equal(faiss.vector_to_array(codes),
                                      faiss.vector_to_array(_codes_index(index).codes))
    if isinstance(mapped, faiss.IndexHNSW):
        for field in ("neighbors", "offsets", "levels"):
            np.testing.assert_array_equal(faiss.vector_to_array(getattr(mapped.hnsw, field)),
                                          faiss.vector_to_array(getattr(index.hnsw, field)))
    del mapped
    with open(path, "rb") as f:
        assert f.read() == before


@pytest.mark.parametrize("name", NAMES)
def test_read_only_refuses_modification(tmp_path, name):
    index = _make(name)
    path, before = _saved(tmp_path, index)
    mapped = faiss.read_index(path, RO)
    calls = [lambda: mapped.add(_data(3, 2)), mapped.reset]
    if not isinstance(mapped, faiss.IndexHNSW):
        calls.append(lambda: mapped.remove_ids(np.arange(5, dtype="int64")))
    if name in ("SQ8", "PQ", "IVFFlat"):
        calls.append(lambda: mapped.train(_data(300, 3)))
    for call in calls:
        with pytest.raises(RuntimeError, match="IO_FLAG_READ_ONLY"):
            call()
        assert mapped.ntotal == index.ntotal
    _same_search(index, mapped)
    if name != "IVFFlat":
        with pytest.raises(RuntimeError, match="IO_FLAG_READ_ONLY"):
            faiss.copy_array_to_vector(np.zeros(3, dtype="uint8"), _codes_index(mapped).codes)
    copy = faiss.clone_index(mapped)
    copy.add(_data(3, 2))
    assert copy.ntotal == index.ntotal + 3
    del mapped
    _same_search(index, faiss.read_index(path))
    with open(path, "rb") as f:
        assert f.read() == before


@pytest.mark.parametrize("name", NAMES)
def test_copy_on_write(tmp_path, name):
    index = _make(name)
    path, before = _saved(tmp_path, index)
    mapped = faiss.read_index(path, faiss.IO_FLAG_MMAP)
    reference = faiss.clone_index(index)
    xa = _data(10, 4)
    mapped.add(xa)
    reference.add(xa)
    if name != "IVFFlat":
        assert _codes_index(mapped).codes.is_owned()
    _same_search(reference, mapped)
    with open(path, "rb") as f:
        assert f.read() == before


def test_mapping_needs_a_file():
    index = _make("HNSWFlat")
    with pytest.raises(RuntimeError, match="IO_FLAG_MMAP"):
        faiss.deserialize_index(faiss.serialize_index(index), faiss.IO_FLAG_MMAP_IFC)


_CHILD = r"""
import sys, faiss
index = faiss.read_index(sys.argv[1], faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
xb = index.reconstruct_n(0, index.ntotal)   # touches every page of the mapping
print(float(xb.sum()), flush=True)
sys.stdin.readline()                        # stay alive until the parent has looked
"""


def _mapping_kb(pid, path):
    fields, inside = {}, False
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            parts = line.split()
            if "-" in parts[0] and len(parts) >= 5 and ":" in parts[3]:
                inside = len(parts) >= 6 and parts[5] == path
            elif inside and parts[0].endswith(":") and len(parts) >= 2 and parts[-1] == "kB":
                fields[parts[0][:-1]] = fields.get(parts[0][:-1], 0) + int(parts[1])
    return fields


@pytest.mark.skipif(not os.path.exists("/proc/self/smaps"), reason="needs /proc smaps")
def test_two_processes_share_the_pages(tmp_path):
    index = faiss.IndexFlatL2(64)
    index.add(_data(16384, 5).repeat(4, axis=1))        # 4 MiB of vectors
    path = os.path.realpath(str(tmp_path / "shared.index"))
    faiss.write_index(index, path)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    children = [subprocess.Popen([sys.executable, "-c", _CHILD, path], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, env=env, text=True) for _ in range(2)]
    try:
        sums = [c.stdout.readline() for c in children]
        assert sums[0] == sums[1] and sums[0].strip()
        size_kb = os.path.getsize(path) // 1024
        for c in children:
            kb = _mapping_kb(c.pid, path)
            assert kb.get("Rss", 0) >= 0.9 * size_kb, kb
            assert kb.get("Shared_Clean", 0) >= 0.9 * size_kb, kb
            assert kb.get("Private_Dirty", 0) == 0, kb
    finally:
        for c in children:
            c.stdin.close()
            c.wait(timeout=60)
