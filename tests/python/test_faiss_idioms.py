"""Code written the way Faiss users write it, run unchanged."""

import numpy as np

import faiss
from reference import assert_knn_matches


def test_getting_started_flow():
    d, nb, nq, k = 32, 2000, 50, 4
    np.random.seed(1234)
    xb = np.random.random((nb, d)).astype("float32")
    xb[:, 0] += np.arange(nb) / 1000.0
    xq = np.random.random((nq, d)).astype("float32")
    xq[:, 0] += np.arange(nq) / 1000.0

    index = faiss.IndexFlatL2(d)
    assert index.is_trained
    index.add(xb)
    assert index.ntotal == nb
    D, I = index.search(xb[:5], k)
    np.testing.assert_array_equal(I[:, 0], np.arange(5))
    assert (D[:, 0] == 0).all()
    D, I = index.search(xq, k)
    assert_knn_matches(D, I, xq, xb, k)


def test_cosine_similarity_with_ids():
    rng = np.random.default_rng(0)
    emb = rng.standard_normal((500, 48)).astype("float32")
    ids = np.arange(500).astype("int64") + 100_000
    faiss.normalize_L2(emb)
    index = faiss.IndexIDMap(faiss.IndexFlatIP(emb.shape[1]))
    index.add_with_ids(emb, ids)
    query = emb[[10, 20]].copy()
    scores, found = index.search(query, 3)
    np.testing.assert_array_equal(found[:, 0], ids[[10, 20]])
    np.testing.assert_allclose(scores[:, 0], 1.0, rtol=1e-5)
    assert index.remove_ids(np.array([100_010])) == 1
    assert index.search(query, 1)[1][0, 0] != 100_010


def test_kmeans_flow():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2000, 16)).astype("float32")
    ncentroids, niter = 8, 10
    kmeans = faiss.Kmeans(x.shape[1], ncentroids, niter=niter, verbose=False)
    kmeans.train(x)
    D, I = kmeans.index.search(x, 1)
    assert I.shape == (2000, 1) and set(I.ravel()) == set(range(ncentroids))
    index = faiss.IndexFlatL2(x.shape[1])
    index.add(x)
    D, I = index.search(kmeans.centroids, 15)
    assert I.shape == (ncentroids, 15)


def test_filtered_search_and_range_search():
    rng = np.random.default_rng(2)
    xb = rng.standard_normal((1000, 8)).astype("float32")
    index = faiss.IndexFlatL2(8)
    index.add(xb)
    allowed = np.arange(0, 1000, 2).astype("int64")
    params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed))
    _, I = index.search(xb[:10], 5, params=params)
    assert (I % 2 == 0).all()
    lims, D, I = index.range_search(xb[:10], 2.0)
    for i in range(10):
        assert i in I[lims[i]:lims[i + 1]]


def test_thread_control():
    n = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    faiss.omp_set_num_threads(n)
    assert faiss.omp_get_max_threads() == n
