"""IndexIVFScalarQuantizer and IndexRefine / IndexRefineFlat from Python: the Faiss
idioms, sub-indexes kept alive, per-call parameters, reconstruct and codes, errors."""

import gc

import numpy as np
import pytest

import faiss

D_DIM = 16
NLIST = 8


def _data(n, seed):
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((10, D_DIM)).astype(np.float32) * 3
    return (centers[rng.integers(0, 10, n)] +
            rng.standard_normal((n, D_DIM)).astype(np.float32)).astype(np.float32)


def _exact(xb, xq, k, metric=faiss.METRIC_L2):
    flat = faiss.IndexFlat(D_DIM, metric)
    flat.add(xb)
    return flat.search(xq, k)


def _recall(I, Iref):
    k = Iref.shape[1]
    return np.mean([len(set(a) & set(b)) / k for a, b in zip(I, Iref)])


@pytest.mark.parametrize("qtype", [faiss.ScalarQuantizer.QT_8bit,
                                   faiss.ScalarQuantizer.QT_fp16])
@pytest.mark.parametrize("by_residual", [True, False])
def test_ivfsq_full_probe_matches_decoded(qtype, by_residual):
    index = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatL2(D_DIM), D_DIM, NLIST, qtype,
                                          faiss.METRIC_L2, by_residual)
    gc.collect()  # the quantizer has no other Python reference
    assert index.by_residual == by_residual
    xb, xq = _data(1000, 1), _data(20, 2)
    index.train(xb)
    index.add(xb)
    index.nprobe = NLIST
    D, I = index.search(xq, 5)
    decoded = index.reconstruct_n(0, index.ntotal)
    Dr, _ = _exact(decoded, xq, 5)
    np.testing.assert_allclose(D, Dr, rtol=1e-4, atol=1e-4)
    assert isinstance(index.sq, faiss.ScalarQuantizer)
    assert index.code_size == index.sq.code_size


def test_ivfsq_recall_params_and_selector():
    index = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatL2(D_DIM), D_DIM, NLIST,
                                          faiss.ScalarQuantizer.QT_8bit)
    xb, xq = _data(2000, 3), _data(30, 4)
    index.train(xb)
    index.add(xb)
    _, Iref = _exact(xb, xq, 10)
    _, I = index.search(xq, 10, params=faiss.SearchParametersIVF(nprobe=4))
    assert _recall(I, Iref) > 0.8
    sel = faiss.IDSelectorRange(0, 500)
    _, I = index.search(xq, 10, params=faiss.SearchParametersIVF(nprobe=NLIST, sel=sel))
    assert ((I >= 0) & (I < 500)).all()
    lims, D, I = index.range_search(xq[:3], 5.0)
    assert len(lims) == 4 and (D < 5.0).all()


def test_ivfsq_untrained_raises():
    index = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatL2(D_DIM), D_DIM, NLIST,
                                          faiss.ScalarQuantizer.QT_8bit)
    assert not index.is_trained
    with pytest.raises(RuntimeError):
        index.add(_data(10, 5))


def test_refine_flat_lifts_recall():
    pq = faiss.IndexPQ(D_DIM, 8, 4)
    index = faiss.IndexRefineFlat(pq)
    del pq
    gc.collect()
    xb, xq = _data(2000, 6), _data(30, 7)
    index.train(xb)
    index.add(xb)
    assert index.ntotal == 2000 and index.base_index.ntotal == 2000
    _, Iref = _exact(xb, xq, 10)
    _, Ibase = index.base_index.search(xq, 10)
    index.k_factor = 16
    D, I = index.search(xq, 10)
    refined, base = _recall(I, Iref), _recall(Ibase, Iref)
    assert refined > 0.85 and refined > base + 0.1, (refined, base)
    params = faiss.SearchParametersRefine(k_factor=1000)
    D, I = index.search(xq, 10, params=params)
    Dref, Iref = _exact(xb, xq, 10)
    np.testing.assert_array_equal(I, Iref)
    np.testing.assert_allclose(D, Dref, rtol=1e-5)
    np.testing.assert_array_equal(index.reconstruct(3), xb[3])


def test_refine_with_ivfsq_and_base_params():
    ivf = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatL2(D_DIM), D_DIM, NLIST,
                                        faiss.ScalarQuantizer.QT_4bit)
    index = faiss.IndexRefine(ivf, faiss.IndexFlatL2(D_DIM))
    del ivf
    gc.collect()
    xb, xq = _data(2000, 8), _data(30, 9)
    index.train(xb)
    index.add(xb)
    params = faiss.SearchParametersRefine(
        k_factor=4, base_index_params=faiss.SearchParametersIVF(nprobe=NLIST))
    gc.collect()
    _, I = index.search(xq, 10, params=params)
    _, Iref = _exact(xb, xq, 10)
    assert _recall(I, Iref) > 0.95


def test_refine_flat_with_existing_vectors_and_errors():
    xb = _data(200, 10)
    flat = faiss.IndexFlatL2(D_DIM)
    flat.add(xb)
    index = faiss.IndexRefineFlat(flat, xb)
    assert index.ntotal == 200
    with pytest.raises(ValueError):
        faiss.IndexRefineFlat(flat, xb[:10])
    with pytest.raises(RuntimeError):
        faiss.IndexRefineFlat(flat)  # base not empty
    with pytest.raises(RuntimeError):
        faiss.IndexRefine(faiss.IndexFlatL2(D_DIM), faiss.IndexFlatL2(D_DIM + 1))
    index.k_factor = 0.5
    with pytest.raises(RuntimeError):
        index.search(xb[:2], 3)


def test_extract_index_ivf_looks_through_wrappers():
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatL2(D_DIM), D_DIM, NLIST)
    wrapped = faiss.IndexIDMap(faiss.IndexRefineFlat(ivf))
    inner = faiss.extract_index_ivf(wrapped)
    assert isinstance(inner, faiss.IndexIVFFlat)
    inner.nprobe = 5
    assert ivf.nprobe == 5  # the same C++ object, not a copy
    assert faiss.try_extract_index_ivf(faiss.IndexFlatL2(D_DIM)) is None
    with pytest.raises(RuntimeError, match="IndexIVF"):
        faiss.extract_index_ivf(faiss.IndexIDMap(faiss.IndexFlatL2(D_DIM)))
