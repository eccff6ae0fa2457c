"""numpy methods of the flat indexes, checked against float64 numpy brute force."""

import numpy as np
import pytest

import faiss
from conftest import make_data
from reference import assert_knn_matches, assert_range_matches, pairwise

D_DIM = 24


def _flat_lp(d):
    index = faiss.IndexFlat(d, faiss.METRIC_Lp)
    index.metric_arg = 3.0
    return index


# (name, constructor, metric, metric_arg)
FLAT_KINDS = [
    ("IndexFlatL2", faiss.IndexFlatL2, faiss.METRIC_L2, 0.0),
    ("IndexFlatIP", faiss.IndexFlatIP, faiss.METRIC_INNER_PRODUCT, 0.0),
    ("IndexFlat-L2", lambda d: faiss.IndexFlat(d), faiss.METRIC_L2, 0.0),
    ("IndexFlat-L1", lambda d: faiss.IndexFlat(d, faiss.METRIC_L1), faiss.METRIC_L1, 0.0),
    ("IndexFlat-Linf", lambda d: faiss.IndexFlat(d, faiss.METRIC_Linf), faiss.METRIC_Linf,
     0.0),
    ("IndexFlat-Lp3", _flat_lp, faiss.METRIC_Lp, 3.0),
]


@pytest.fixture(params=FLAT_KINDS, ids=[k[0] for k in FLAT_KINDS])
def flat(request, rng):
    """A filled flat index with its data: (index, xb, xq, metric, metric_arg)."""
    _, make, metric, arg = request.param
    xb = make_data(rng, 500, D_DIM)
    xq = make_data(rng, 20, D_DIM)
    index = make(D_DIM)
    index.train(xb)
    index.add(xb[:300])
    index.add(xb[300:])
    return index, xb, xq, metric, arg


def test_attributes(flat):
    index, xb, _, metric, arg = flat
    assert index.d == D_DIM
    assert index.ntotal == len(xb)
    assert index.is_trained
    assert index.metric_type == metric
    assert index.metric_arg == pytest.approx(arg)
    assert index.verbose is False
    index.verbose = True
    assert index.verbose is True


def test_search_matches_brute_force(flat):
    index, xb, xq, metric, arg = flat
    D, I = index.search(xq, 10)
    assert D.shape == (20, 10) and D.dtype == np.float32
    assert_knn_matches(D, I, xq, xb, 10, metric, arg, rtol=2e-4, atol=2e-3)


def test_search_preallocated_outputs(flat):
    index, _, xq, _, _ = flat
    D = np.empty((20, 5), dtype=np.float32)
    I = np.empty((20, 5), dtype=np.int64)
    D2, I2 = index.search(xq, 5, D=D, I=I)
    assert D2 is D and I2 is I
    D3, I3 = index.search(xq, 5)
    np.testing.assert_array_equal(I, I3)
    np.testing.assert_array_equal(D, D3)


def test_search_params_positional_and_keyword(flat):
    index, _, xq, _, _ = flat
    params = faiss.SearchParameters(sel=faiss.IDSelectorRange(100, 200))
    _, I1 = index.search(xq, 5, params)
    _, I2 = index.search(xq, 5, params=params)
    np.testing.assert_array_equal(I1, I2)
    assert ((I1 >= 100) & (I1 < 200)).all()


def test_k_larger_than_ntotal_pads(flat):
    index, xb, xq, metric, arg = flat
    small = faiss.IndexFlat(D_DIM, index.metric_type)
    small.metric_arg = index.metric_arg
    small.add(xb[:3])
    D, I = small.search(xq, 5)
    assert (I[:, 3:] == -1).all()
    pad = -np.inf if metric == faiss.METRIC_INNER_PRODUCT else np.inf
    assert (D[:, 3:] == pad).all()
    assert_knn_matches(D, I, xq, xb[:3], 5, metric, arg, rtol=2e-4, atol=2e-3)


def test_range_search_matches_brute_force(flat):
    index, xb, xq, metric, arg = flat
    dis = pairwise(xq, xb, metric, arg)
    similarity = metric == faiss.METRIC_INNER_PRODUCT
    radius = float(np.median(np.sort(-dis if similarity else dis, axis=1)[:, 10]))
    radius = -radius if similarity else radius
    lims, D, I = index.range_search(xq, radius)
    assert_range_matches(lims, D, I, dis, radius, metric)


def test_assign_equals_search_labels(flat):
    index, _, xq, _, _ = flat
    _, I = index.search(xq, 3)
    np.testing.assert_array_equal(index.assign(xq, 3), I)
    np.testing.assert_array_equal(index.assign(xq, 1), I[:, :1])


def test_reconstruct_family(flat):
    index, xb, xq, _, _ = flat
    np.testing.assert_array_equal(index.reconstruct(7), xb[7])
    np.testing.assert_array_equal(index.reconstruct(np.int64(8)), xb[8])
    np.testing.assert_array_equal(index.reconstruct_n(10, 5), xb[10:15])
    np.testing.assert_array_equal(index.reconstruct_n(), xb)
    keys = np.array([4, 0, 499, 4])
    np.testing.assert_array_equal(index.reconstruct_batch(keys), xb[keys])
    out = np.empty(D_DIM, dtype=np.float32)
    assert index.reconstruct(3, out) is out


def test_search_and_reconstruct(flat):
    index, xb, xq, _, _ = flat
    D, I, R = index.search_and_reconstruct(xq, 4)
    D2, I2 = index.search(xq, 4)
    np.testing.assert_array_equal(I, I2)
    np.testing.assert_array_equal(D, D2)
    assert R.shape == (20, 4, D_DIM)
    np.testing.assert_array_equal(R, xb[I])


def test_sa_encode_decode(flat):
    index, xb, _, _, _ = flat
    assert index.sa_code_size() == 4 * D_DIM
    codes = index.sa_encode(xb[:10])
    assert codes.shape == (10, 4 * D_DIM) and codes.dtype == np.uint8
    np.testing.assert_array_equal(codes, xb[:10].view(np.uint8))
    np.testing.assert_array_equal(index.sa_decode(codes), xb[:10])


def test_remove_ids_array_and_selector(flat):
    index, xb, xq, metric, arg = flat
    assert index.remove_ids(np.array([0, 2, 4, 10_000])) == 3
    assert index.ntotal == 497
    kept = np.delete(xb, [0, 2, 4], axis=0)
    np.testing.assert_array_equal(index.reconstruct_n(), kept)
    assert index.remove_ids(faiss.IDSelectorRange(0, 100)) == 100
    kept = kept[100:]
    D, I = index.search(xq, 5)
    assert_knn_matches(D, I, xq, kept, 5, metric, arg, rtol=2e-4, atol=2e-3)


def test_reset(flat):
    index, xb, xq, _, _ = flat
    index.reset()
    assert index.ntotal == 0
    D, I = index.search(xq, 2)
    assert (I == -1).all()
    index.add(xb[:5])
    assert index.ntotal == 5


def test_add_with_ids_unsupported_on_flat(flat):
    index, xb, _, _, _ = flat
    with pytest.raises(RuntimeError, match="IndexIDMap|add_with_ids|not supported|unsupported"):
        index.add_with_ids(xb[:2], np.array([10, 11]))


def test_original_pointer_methods_kept():
    index = faiss.IndexFlatL2(4)
    x = np.arange(8, dtype=np.float32).reshape(2, 4)
    index.add_c(2, faiss.swig_ptr(x))
    D = np.empty((2, 1), dtype=np.float32)
    I = np.empty((2, 1), dtype=np.int64)
    index.search_c(2, faiss.swig_ptr(x), 1, faiss.swig_ptr(D), faiss.swig_ptr(I))
    np.testing.assert_array_equal(I.ravel(), [0, 1])


def test_flat_codes_views():
    index = faiss.IndexFlatL2(3)
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    index.add(x)
    codes = faiss.vector_to_array(index.codes)
    np.testing.assert_array_equal(codes.view(np.float32).reshape(2, 3), x)
    xb = faiss.rev_swig_ptr(index.get_xb(), index.ntotal * index.d).reshape(2, 3)
    np.testing.assert_array_equal(xb, x)


def test_compute_distance_subset_and_permute(rng):
    xb = make_data(rng, 50, 8)
    xq = make_data(rng, 3, 8)
    index = faiss.IndexFlatL2(8)
    index.add(xb)
    labels = np.array([[0, 5, -1], [1, 2, 3], [49, 48, 47]])
    D = index.compute_distance_subset(xq, labels)
    ref = ((xq[:, None, :] - xb[labels]) ** 2).sum(-1)
    np.testing.assert_allclose(D[labels != -1], ref[labels != -1], rtol=1e-5, atol=1e-5)
    perm = np.arange(50)[::-1].copy()
    index.permute_entries(perm)
    np.testing.assert_array_equal(index.reconstruct_n(), xb[perm])


def test_add_sa_codes(rng):
    xb = make_data(rng, 10, 6)
    index = faiss.IndexFlatL2(6)
    index.add_sa_codes(xb.view(np.uint8))
    np.testing.assert_array_equal(index.reconstruct_n(), xb)


def test_merge_from(rng):
    xb = make_data(rng, 20, 6)
    a, b = faiss.IndexFlatL2(6), faiss.IndexFlatL2(6)
    a.add(xb[:10])
    b.add(xb[10:])
    a.merge_from(b)
    assert a.ntotal == 20 and b.ntotal == 0
    np.testing.assert_array_equal(a.reconstruct_n(), xb)
