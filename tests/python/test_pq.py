"""ProductQuantizer and IndexPQ from Python, checked against numpy computations."""

import numpy as np
import pytest

import faiss

D_DIM, NB, NQ = 16, 1500, 20


def _data(seed=0):
    rs = np.random.RandomState(seed)
    centers = rs.normal(size=(10, D_DIM)) * 4
    x = centers[rs.randint(10, size=NB + NQ)] + rs.normal(size=(NB + NQ, D_DIM))
    x = x.astype("float32")
    return x[:NB], x[NB:]


def test_pq_codes_decode_roundtrip():
    xb, _ = _data()
    pq = faiss.ProductQuantizer(D_DIM, 4, 6)
    assert (pq.d, pq.M, pq.nbits, pq.dsub, pq.ksub, pq.code_size) == (16, 4, 6, 4, 64, 3)
    pq.cp.niter = 5
    pq.train(xb)
    codes = pq.compute_codes(xb)
    assert codes.shape == (NB, 3) and codes.dtype == np.uint8
    recons = pq.decode(codes)
    centroids = faiss.vector_to_array(pq.centroids).reshape(4, 64, 4)
    # Unpack the LSB-first bit stream by hand and rebuild the vectors from the centroids.
    bits = np.unpackbits(codes, axis=1, bitorder="little")
    sub = (bits[:, :24].reshape(NB, 4, 6) << np.arange(6)).sum(axis=2)
    expected = np.concatenate([centroids[m][sub[:, m]] for m in range(4)], axis=1)
    np.testing.assert_array_equal(recons, expected)
    err = ((xb - recons) ** 2).sum() / ((xb - xb.mean(0)) ** 2).sum()
    assert err < 0.1


@pytest.mark.parametrize("metric", [faiss.METRIC_L2, faiss.METRIC_INNER_PRODUCT])
def test_index_pq_search_is_exact_adc(metric):
    xb, xq = _data(1)
    index = faiss.IndexPQ(D_DIM, 8, 8, metric)
    index.pq.cp.niter = 5
    index.train(xb)
    index.add(xb)
    D, I = index.search(xq, 5)
    dec = index.reconstruct_n(0, index.ntotal)
    if metric == faiss.METRIC_L2:
        ref = ((xq[:, None, :].astype(np.float64) - dec[None]) ** 2).sum(-1)
    else:
        ref = -(xq.astype(np.float64) @ dec.T.astype(np.float64))
    np.testing.assert_allclose(np.take_along_axis(ref, I, 1) * (1 if metric == faiss.METRIC_L2 else -1),
                               D, rtol=1e-4, atol=1e-3)
    best = np.sort(ref, axis=1)[:, :5] * (1 if metric == faiss.METRIC_L2 else -1)
    np.testing.assert_allclose(D, best, rtol=1e-4, atol=1e-3)
    codes = index.sa_encode(xb[:10])
    np.testing.assert_array_equal(codes, faiss.vector_to_array(index.codes).reshape(-1, 8)[:10])
    np.testing.assert_array_equal(index.sa_decode(codes), dec[:10])


def test_index_pq_selector_and_errors():
    xb, xq = _data(2)
    index = faiss.IndexPQ(D_DIM, 4, 8)
    assert index.search_type == faiss.IndexPQ.ST_PQ
    with pytest.raises(RuntimeError):
        index.add(xb)
    with pytest.raises(RuntimeError, match="256"):
        index.train(xb[:100])
    index.pq.cp.niter = 4
    index.train(xb)
    index.add(xb)
    params = faiss.SearchParameters(sel=faiss.IDSelectorRange(10, 20))
    _, I = index.search(xq, 3, params=params)
    assert ((I >= 10) & (I < 20)).all()
    sp = faiss.SearchParametersPQ()
    sp.search_type = faiss.IndexPQ.ST_polysemous
    with pytest.raises(RuntimeError, match="range_search supports search_type ST_PQ"):
        index.range_search(xq, 1.0, params=sp)
    with pytest.raises(RuntimeError):
        faiss.IndexPQ(10, 3, 8)
    with pytest.raises(RuntimeError):
        faiss.ProductQuantizer(16, 4, 17)
