"""IndexHNSWFlat / SQ / PQ from Python: the Faiss idioms (constructors, hnsw.efSearch,
hnsw.efConstruction, storage, SearchParametersHNSW), the graph fields a serializer
writes, filters, removal, HNSW as an IVF quantizer, errors."""

import numpy as np
import pytest

import faiss
from faiss_reference import needs_reference, run_script_both

D_DIM = 16


def _data(n, seed, d=D_DIM):
    rng = np.random.default_rng(seed)
    centers = np.random.default_rng(0).standard_normal((20, d)).astype(np.float32) * 3
    return (centers[rng.integers(0, 20, n)] +
            rng.standard_normal((n, d)).astype(np.float32)).astype(np.float32)


def _recall(I, Iref):
    """Mean fraction of the valid reference ids found (padding -1 ignored)."""
    return np.mean([len(set(a) & (set(b) - {-1})) / max(1, len(set(b) - {-1}))
                    for a, b in zip(I, Iref)])


@pytest.fixture(scope="module")
def hnsw_flat():
    xb = _data(3000, 1)
    index = faiss.IndexHNSWFlat(D_DIM, 16)
    index.add(xb)
    return index, xb


def test_recall_and_fields(hnsw_flat):
    index, xb = hnsw_flat
    assert index.ntotal == 3000 and index.is_trained
    assert index.hnsw.efConstruction == 40 and index.hnsw.efSearch == 16
    assert isinstance(index.storage, faiss.IndexFlat)
    xq = _data(50, 2)
    flat = faiss.IndexFlatL2(D_DIM)
    flat.add(xb)
    _, Iref = flat.search(xq, 10)
    index.hnsw.efSearch = 64
    D, I = index.search(xq, 10)
    assert _recall(I, Iref) >= 0.95
    assert (np.diff(D, axis=1) >= 0).all()
    levels = faiss.vector_to_array(index.hnsw.levels)
    offsets = faiss.vector_to_array(index.hnsw.offsets)
    cum = faiss.vector_to_array(index.hnsw.cum_nneighbor_per_level)
    neighbors = faiss.vector_to_array(index.hnsw.neighbors)
    assert levels.shape == (3000,) and offsets.shape == (3001,)
    assert cum[0] == 0 and cum[1] == 32 and cum[2] == 48
    np.testing.assert_array_equal(np.diff(offsets), cum[levels])
    assert neighbors.shape == (offsets[-1],)
    assert neighbors.min() >= -1 and neighbors.max() < 3000
    assert index.hnsw.max_level == levels[index.hnsw.entry_point] - 1


def test_search_parameters(hnsw_flat):
    index, xb = hnsw_flat
    xq = _data(20, 3)
    index.hnsw.efSearch = 100
    D1, I1 = index.search(xq, 5)
    index.hnsw.efSearch = 16
    D2, I2 = index.search(xq, 5, params=faiss.SearchParametersHNSW(efSearch=100))
    np.testing.assert_array_equal(I1, I2)
    assert index.hnsw.efSearch == 16


@pytest.mark.parametrize("fraction", [0.5, 0.05, 0.001])
def test_filtered_search_returns_allowed_ids(hnsw_flat, fraction):
    index, xb = hnsw_flat
    xq = _data(20, 4)
    rng = np.random.default_rng(5)
    allowed = np.sort(rng.choice(3000, max(1, int(3000 * fraction)), replace=False))
    sel = faiss.IDSelectorBatch(allowed)
    k = 10
    D, I = index.search(xq, k, params=faiss.SearchParametersHNSW(sel=sel, efSearch=64))
    flat = faiss.IndexFlatL2(D_DIM)
    flat.add(xb)
    Dr, Ir = flat.search(xq, k, params=faiss.SearchParameters(sel=sel))
    valid = I[I >= 0]
    assert np.isin(valid, allowed).all()
    assert ((I >= 0).sum(axis=1) == min(k, len(allowed))).all()
    assert _recall(I, Ir) >= 0.95


def test_sq_and_pq_storage():
    xb = _data(3000, 6)
    xq = _data(30, 7)
    sq = faiss.IndexHNSWSQ(D_DIM, faiss.ScalarQuantizer.QT_8bit, 16)
    assert not sq.is_trained
    sq.train(xb)
    sq.add(xb)
    assert isinstance(sq.storage, faiss.IndexScalarQuantizer)
    pq = faiss.IndexHNSWPQ(D_DIM, 8, 16)
    pq.train(xb)
    pq.add(xb)
    assert isinstance(pq.storage, faiss.IndexPQ)
    for index in (sq, pq):
        index.hnsw.efSearch = 64
        _, I = index.search(xq, 10)
        _, Iref = index.storage.search(xq, 10)
        assert _recall(I, Iref) >= 0.9


def test_remove_and_reuse():
    xb = _data(2000, 8)
    index = faiss.IndexHNSWFlat(D_DIM, 16)
    index.add(xb)
    removed = np.arange(0, 2000, 3)
    assert index.remove_ids(removed) == len(removed)
    assert index.ntotal == 2000
    _, I = index.search(_data(30, 9), 10)
    assert not np.isin(I, removed).any()
    index.add(_data(5, 10))
    np.testing.assert_array_equal(faiss.vector_to_array(index.hnsw.free_slots),
                                  removed[5:].astype(np.int32))
    assert index.compact() == len(removed) - 5
    assert index.ntotal == 2000 - len(removed) + 5


def test_ivf_with_hnsw_quantizer():
    xb = _data(4000, 11)
    quantizer = faiss.IndexHNSWFlat(D_DIM, 16)
    index = faiss.IndexIVFFlat(quantizer, D_DIM, 32)
    index.quantizer_trains_alone = 2
    index.train(xb)
    index.add(xb)
    assert quantizer.ntotal == 32
    index.nprobe = 32
    xq = _data(20, 12)
    flat = faiss.IndexFlatL2(D_DIM)
    flat.add(xb)
    _, Iref = flat.search(xq, 5)
    _, I = index.search(xq, 5)
    assert _recall(I, Iref) >= 0.99


def test_errors(hnsw_flat):
    index, _ = hnsw_flat
    with pytest.raises(ValueError, match="k must be > 0"):
        index.search(_data(1, 13), 0)
    with pytest.raises(RuntimeError, match="efSearch must be > 0"):
        index.search(_data(1, 13), 1, params=faiss.SearchParametersHNSW(efSearch=0))
    with pytest.raises(RuntimeError, match="M must be > 0"):
        faiss.IndexHNSWFlat(D_DIM, 0)
    with pytest.raises(RuntimeError):
        faiss.IndexHNSWPQ(D_DIM, 8, 16).add(_data(10, 14))


_FIELDS_SCRIPT = """
import sys, numpy as np, faiss
out = {}
for M in (4, 16, 32, 48, 64):
    index = faiss.IndexHNSWFlat(8, M)
    out[f"probas{M}"] = faiss.vector_to_array(index.hnsw.assign_probas)
    out[f"cum{M}"] = faiss.vector_to_array(index.hnsw.cum_nneighbor_per_level)
    out[f"defaults{M}"] = np.array([index.hnsw.efSearch, index.hnsw.efConstruction,
                                    index.hnsw.entry_point, index.hnsw.max_level])
np.savez(sys.argv[1], **out)
"""


@needs_reference
def test_graph_fields_match_faiss(tmp_path):
    """A fresh graph holds the same assign_probas (bit for bit), list sizes and defaults
    as faiss-cpu's, so files written from either carry the same values."""
    ours, theirs = run_script_both(tmp_path, _FIELDS_SCRIPT)
    for key in theirs.files:
        np.testing.assert_array_equal(ours[key], theirs[key], err_msg=key)


def test_storage_given_by_caller_is_kept_alive():
    import gc
    index = faiss.IndexHNSW(faiss.IndexFlatL2(D_DIM), 16)
    gc.collect()  # the storage has no other Python reference
    xb = _data(500, 15)
    index.add(xb)
    _, I = index.search(xb[:3], 1)
    np.testing.assert_array_equal(I.ravel(), [0, 1, 2])
    assert isinstance(index.storage, faiss.IndexFlatL2)


def test_stopping_rule_parameters(hnsw_flat):
    index, xb = hnsw_flat
    xq = _data(50, 20)
    p = faiss.SearchParametersHNSW(efSearch=32)
    assert p.check_relative_distance and p.bounded_queue
    _, Iref = index.search(xq, 10, params=p)
    for bounded in (True, False):
        p = faiss.SearchParametersHNSW(efSearch=32, check_relative_distance=False,
                                       bounded_queue=bounded)
        D, I = index.search(xq, 10, params=p)
        assert _recall(I, Iref) >= 0.8
        assert (np.diff(D, axis=1) >= 0).all()
    assert index.hnsw.check_relative_distance and index.hnsw.search_bounded_queue


def test_permute_entries_and_knn_graph_level0():
    xb = _data(3000, 21)
    xq = _data(40, 22)
    index = faiss.IndexHNSWFlat(D_DIM, 16)
    index.add(xb)
    D0, I0 = index.search(xq, 5)
    perm = np.random.default_rng(3).permutation(3000)
    index.permute_entries(perm)
    D1, I1 = index.search(xq, 5)
    np.testing.assert_array_equal(perm[I1], I0)
    np.testing.assert_array_equal(D1, D0)
    with pytest.raises(ValueError):
        index.permute_entries(perm[:10])
    bad = perm.copy()
    bad[0] = bad[1]
    with pytest.raises(RuntimeError, match="twice"):
        index.permute_entries(bad)

    g = faiss.IndexHNSWFlat(D_DIM, 16)
    g.init_level0 = False
    g.add(xb)
    flat = faiss.IndexFlatL2(D_DIM)
    flat.add(xb)
    Dk, Ik = flat.search(xb, 33)
    g.init_level_0_from_knngraph(33, Dk, Ik)
    g.hnsw.efSearch = 64
    _, I = g.search(xq, 10)
    _, Iref = flat.search(xq, 10)
    assert _recall(I, Iref) >= 0.9
    with pytest.raises(ValueError, match="shape"):
        g.init_level_0_from_knngraph(33, Dk[:10], Ik)
    with pytest.raises(ValueError, match="k must be > 0"):
        g.init_level_0_from_knngraph(0, Dk, Ik)
    g.shrink_level_0_neighbors(8)
    g.reorder_links()
    with pytest.raises(RuntimeError, match="size must be >= 0"):
        g.shrink_level_0_neighbors(-1)


def test_write_with_removed_vectors_needs_compact(tmp_path):
    """A file must never carry removed vectors as if they were live: saving refuses
    until compact(), directly and when the HNSW index is nested in another."""
    xb = _data(1000, 23)
    index = faiss.IndexHNSWFlat(D_DIM, 16)
    index.add(xb)
    index.remove_ids(np.arange(0, 1000, 7))
    with pytest.raises(RuntimeError, match="compact"):
        faiss.write_index(index, str(tmp_path / "x.index"))
    with pytest.raises(RuntimeError, match="compact"):
        faiss.serialize_index(index)
    assert not (tmp_path / "x.index").exists()
    index.compact()
    faiss.write_index(index, str(tmp_path / "x.index"))
    back = faiss.read_index(str(tmp_path / "x.index"))
    assert back.ntotal == 1000 - len(range(0, 1000, 7))

    inner = faiss.IndexHNSWFlat(D_DIM, 16)
    wrapped = faiss.IndexIDMap(inner)
    wrapped.add_with_ids(xb, np.arange(1000, 2000))
    inner.remove_ids(np.arange(0, 100))
    with pytest.raises(RuntimeError, match="compact"):
        faiss.serialize_index(wrapped)


def test_graph_edits_on_mapped_index(tmp_path):
    """Parallel graph edits on a mapped index: a copy-on-write graph is copied once
    before the threads write (same results as the in-memory index), a read-only one
    refuses with a clear error."""
    xb = _data(3000, 24)
    xq = _data(30, 25)
    index = faiss.IndexHNSWFlat(D_DIM, 16)
    index.add(xb)
    fname = str(tmp_path / "g.index")
    faiss.write_index(index, fname)
    mapped = faiss.read_index(fname, faiss.IO_FLAG_MMAP)
    for ix in (index, mapped):
        ix.reorder_links()
        ix.shrink_level_0_neighbors(12)
        ix.remove_ids(np.arange(0, 3000, 10))
    D0, I0 = index.search(xq, 5)
    D1, I1 = mapped.search(xq, 5)
    np.testing.assert_array_equal(I0, I1)
    np.testing.assert_array_equal(D0, D1)
    frozen = faiss.read_index(fname, faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
    with pytest.raises(RuntimeError, match="read-only|read only"):
        frozen.reorder_links()
    with pytest.raises(RuntimeError, match="read-only|read only"):
        frozen.remove_ids(np.arange(5))
    _, I = frozen.search(xq, 5)
    assert (I >= 0).all()
