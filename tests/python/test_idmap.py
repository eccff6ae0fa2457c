"""IndexIDMap / IndexIDMap2 from Python: external ids, keeping the sub-index alive."""

import gc
import weakref

import numpy as np
import pytest

import faiss
from conftest import make_data
from reference import assert_knn_matches, assert_range_matches, pairwise

D_DIM = 16
MAPS = [faiss.IndexIDMap, faiss.IndexIDMap2]
SUBS = [(faiss.IndexFlatL2, faiss.METRIC_L2), (faiss.IndexFlatIP, faiss.METRIC_INNER_PRODUCT)]


@pytest.fixture(params=[(m, s) for m in MAPS for s in SUBS],
                ids=[f"{m.__name__}-{s[0].__name__}" for m in MAPS for s in SUBS])
def idmap(request, rng):
    map_cls, (sub_cls, metric) = request.param
    index = map_cls(sub_cls(D_DIM))  # the sub-index has no other Python reference
    gc.collect()
    xb = make_data(rng, 300, D_DIM)
    ids = rng.permutation(10_000)[:300].astype(np.int64) * 7
    index.add_with_ids(xb, ids)
    return index, xb, ids, metric


def test_sub_index_kept_alive(idmap):
    index, xb, ids, metric = idmap
    gc.collect()
    assert index.ntotal == 300
    assert index.index.ntotal == 300
    assert isinstance(index.index, (faiss.IndexFlatL2, faiss.IndexFlatIP))
    D, I = index.search(xb[:3], 2)
    assert_knn_matches(D, I, xb[:3], xb, 2, metric, ids=ids)


def test_sub_index_freed_with_map():
    sub = faiss.IndexFlatL2(4)
    ref = weakref.ref(sub)
    index = faiss.IndexIDMap(sub)
    del sub
    gc.collect()
    assert ref() is not None
    del index
    gc.collect()
    assert ref() is None


def test_setting_index_field_keeps_reference():
    index = faiss.IndexIDMap(faiss.IndexFlatL2(4))
    index.index = faiss.IndexFlatL2(4)
    gc.collect()
    assert index.index.d == 4
    index.add_with_ids(np.ones((2, 4), dtype=np.float32), np.array([5, 6]))
    assert index.index.ntotal == 2


def test_search_returns_external_ids(idmap, rng):
    index, xb, ids, metric = idmap
    xq = make_data(rng, 10, D_DIM)
    D, I = index.search(xq, 7)
    assert_knn_matches(D, I, xq, xb, 7, metric, ids=ids)


def test_range_search_external_ids(idmap):
    index, xb, ids, metric = idmap
    xq = xb[:4]
    dis = pairwise(xq, xb, metric)
    radius = float(np.median(dis))
    lims, D, I = index.range_search(xq, radius)
    assert_range_matches(lims, D, I, dis, radius, metric, ids=ids)


def test_remove_ids(idmap):
    index, xb, ids, metric = idmap
    assert index.remove_ids(ids[:10]) == 10
    assert index.remove_ids(np.array([-5, 3])) == 0  # ids not present (all are x7, >= 0)
    assert index.ntotal == 290
    sel = faiss.IDSelectorBatch(ids[10:20])
    assert index.remove_ids(sel) == 10
    np.testing.assert_array_equal(faiss.vector_to_array(index.id_map), ids[20:])
    D, I = index.search(xb[:5], 4)
    assert_knn_matches(D, I, xb[:5], xb[20:], 4, metric, ids=ids[20:])


def test_search_with_selector_on_external_ids(idmap):
    index, xb, ids, metric = idmap
    lo, hi = np.percentile(ids, [25, 75]).astype(np.int64)
    params = faiss.SearchParameters(sel=faiss.IDSelectorRange(int(lo), int(hi)))
    D, I = index.search(xb[:5], 10, params=params)
    valid = I[I != -1]
    assert ((valid >= lo) & (valid < hi)).all()
    mask = (ids >= lo) & (ids < hi)
    assert_knn_matches(D, I, xb[:5], xb[mask], 10, metric, ids=ids[mask])


def test_add_without_ids_raises(idmap):
    index, xb, _, _ = idmap
    with pytest.raises(RuntimeError, match="add_with_ids"):
        index.add(xb[:1])


def test_reconstruct_by_external_id():
    index = faiss.IndexIDMap2(faiss.IndexFlatL2(4))
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    index.add_with_ids(x, np.array([100, 200, 300]))
    np.testing.assert_array_equal(index.reconstruct(200), x[1])
    np.testing.assert_array_equal(index.reconstruct_batch(np.array([300, 100])), x[[2, 0]])
    D, I, R = index.search_and_reconstruct(x[:1], 2)
    np.testing.assert_array_equal(I, [[100, 200]])
    np.testing.assert_array_equal(R[0], x[:2])
    with pytest.raises(RuntimeError, match="999"):
        index.reconstruct(999)


def test_idmap_reconstruct_unsupported():
    index = faiss.IndexIDMap(faiss.IndexFlatL2(4))
    index.add_with_ids(np.zeros((1, 4), dtype=np.float32), np.array([5]))
    with pytest.raises(RuntimeError, match="IndexIDMap2"):
        index.reconstruct(5)


def test_idmap2_duplicate_ids_rejected():
    index = faiss.IndexIDMap2(faiss.IndexFlatL2(4))
    index.add_with_ids(np.zeros((1, 4), dtype=np.float32), np.array([5]))
    with pytest.raises(RuntimeError, match="5"):
        index.add_with_ids(np.zeros((1, 4), dtype=np.float32), np.array([5]))
    assert index.ntotal == 1


def test_non_empty_sub_index_rejected():
    sub = faiss.IndexFlatL2(4)
    sub.add(np.zeros((1, 4), dtype=np.float32))
    with pytest.raises(RuntimeError, match="empty"):
        faiss.IndexIDMap(sub)


def test_reset_and_train(idmap):
    index, xb, ids, _ = idmap
    index.train(xb)
    index.reset()
    assert index.ntotal == 0 and index.index.ntotal == 0


def test_ids_shape_and_dtype_checked():
    index = faiss.IndexIDMap(faiss.IndexFlatL2(4))
    x = np.zeros((3, 4), dtype=np.float32)
    with pytest.raises(ValueError, match=r"\(3,\)"):
        index.add_with_ids(x, np.array([1, 2]))
    with pytest.raises(TypeError, match="integer"):
        index.add_with_ids(x, np.array([1.0, 2.0, 3.0]))
    index.add_with_ids(x, np.array([1, 2, 3], dtype=np.int32))
    np.testing.assert_array_equal(faiss.vector_to_array(index.id_map), [1, 2, 3])


def test_idmap_over_hnsw_remove_and_add():
    """IndexHNSW keeps removed slots; under an IndexIDMap removal compacts the graph so
    ids stay right, removed ids never come back, and later adds get their own ids."""
    rs = np.random.RandomState(5)
    xb = rs.rand(1500, 16).astype("float32")
    ids = np.arange(1500, dtype="int64") * 13 + 7
    index = faiss.IndexIDMap2(faiss.IndexHNSWFlat(16, 16))
    index.add_with_ids(xb, ids)
    assert index.remove_ids(ids[::4]) == len(ids[::4])
    assert index.ntotal == 1500 - len(ids[::4])
    keep = np.ones(1500, bool)
    keep[::4] = False
    D, I = index.search(xb[:200], 1)
    removed = set(ids[::4].tolist())
    assert not removed & set(I.ravel().tolist())
    hit = I[keep[:200], 0] == ids[:200][keep[:200]]
    assert hit.mean() > 0.95
    np.testing.assert_array_equal(index.reconstruct(int(ids[1])), xb[1])
    new_ids = np.arange(10, dtype="int64") + 10**9
    index.add_with_ids(xb[::4][:10] + 5, new_ids)
    _, I = index.search(xb[::4][:10] + 5, 1)
    np.testing.assert_array_equal(I.ravel(), new_ids)
