"""IndexIVFFlat from Python: the Faiss idioms (train / add / search, nprobe, per-call
SearchParametersIVF), keeping the quantizer alive, extract_index_ivf, errors."""

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


@pytest.fixture
def ivf():
    index = faiss.IndexIVFFlat(faiss.IndexFlatL2(D_DIM), D_DIM, NLIST)
    gc.collect()  # the quantizer has no other Python reference
    xb = _data(1000, 1)
    index.train(xb)
    index.add(xb)
    return index, xb


def test_full_probe_matches_flat(ivf):
    index, xb = ivf
    assert index.is_trained and index.ntotal == 1000 and index.nlist == NLIST
    xq = _data(20, 2)
    flat = faiss.IndexFlatL2(D_DIM)
    flat.add(xb)
    index.nprobe = NLIST
    D, I = index.search(xq, 5)
    Dr, Ir = flat.search(xq, 5)
    np.testing.assert_allclose(D, Dr, rtol=1e-4, atol=1e-4)
    assert (I == Ir).mean() > 0.99
    assert index.quantizer.ntotal == NLIST
    assert isinstance(index.quantizer, faiss.IndexFlatL2)


def test_search_parameters_override_nprobe(ivf):
    index, xb = ivf
    xq = _data(20, 3)
    index.nprobe = 1
    D1, I1 = index.search(xq, 5, params=faiss.SearchParametersIVF(nprobe=NLIST))
    index.nprobe = NLIST
    D2, I2 = index.search(xq, 5)
    np.testing.assert_array_equal(I1, I2)
    assert index.nprobe == NLIST
    sel = faiss.IDSelectorRange(0, 100)
    _, I3 = index.search(xq, 5, params=faiss.SearchParametersIVF(sel=sel, nprobe=NLIST))
    assert ((I3 >= 0) & (I3 < 100)).all()


def test_remove_reconstruct_range(ivf):
    index, xb = ivf
    with pytest.raises(RuntimeError, match="make_direct_map"):
        index.reconstruct(3)
    np.testing.assert_array_equal(index.reconstruct_n(0, 4), xb[:4])
    index.make_direct_map()
    np.testing.assert_array_equal(index.reconstruct(7), xb[7])
    index.set_direct_map_type(faiss.DirectMap.Hashtable)
    assert index.remove_ids(np.arange(0, 500, dtype=np.int64)) == 500
    assert index.ntotal == 500
    np.testing.assert_array_equal(index.reconstruct(700), xb[700])
    index.nprobe = NLIST
    lims, D, I = index.range_search(xb[600:602], 1.0)
    assert 600 in I[lims[0]:lims[1]] and (I >= 500).all()


def test_extract_and_merge(ivf):
    index, xb = ivf
    other = faiss.IndexIVFFlat(index.quantizer, D_DIM, NLIST)
    wrapped = faiss.IndexIDMap(other)
    extracted = faiss.extract_index_ivf(wrapped)
    assert isinstance(extracted, faiss.IndexIVFFlat) and extracted.nlist == NLIST
    del wrapped
    other.add(xb[:10])
    index.merge_from(other, 1000)
    assert index.ntotal == 1010 and other.ntotal == 0
    sizes = [index.get_list_size(i) for i in range(NLIST)]
    assert sum(sizes) == 1010


def test_errors():
    q = faiss.IndexFlatL2(D_DIM)
    with pytest.raises(RuntimeError, match="dimension"):
        faiss.IndexIVFFlat(q, D_DIM + 1, NLIST)
    index = faiss.IndexIVFFlat(q, D_DIM, NLIST)
    with pytest.raises(RuntimeError, match="not trained"):
        index.add(_data(10, 4))
    with pytest.raises(RuntimeError, match="at least nlist"):
        index.train(_data(4, 5))
    with pytest.raises(RuntimeError):
        faiss.extract_index_ivf(q)


def test_search_preassigned(ivf):
    index, xb = ivf
    xq = _data(10, 6)
    index.nprobe = 3
    Dq, Iq = index.quantizer.search(xq, 3)
    D1, I1 = index.search_preassigned(xq, 4, Iq, Dq)
    D2, I2 = index.search(xq, 4)
    np.testing.assert_array_equal(I1, I2)
    np.testing.assert_array_equal(D1, D2)
    lims, Dr, Ir = index.range_search_preassigned(xq, float(D2[:, -1].max()), Iq, Dq)
    assert len(lims) == 11 and lims[-1] >= 40
    with pytest.raises(ValueError, match="nprobe"):
        index.search_preassigned(xq, 4, Iq[:, :2], None)
    ids = faiss.rev_swig_ptr(index.invlists.get_ids(0), index.invlists.list_size(0))
    assert len(ids) == index.get_list_size(0)


def test_ivf_stats(ivf):
    index, xb = ivf
    index.nprobe = NLIST
    faiss.cvar.indexIVF_stats.reset()
    index.search(xb[:5], 3)
    stats = faiss.cvar.indexIVF_stats
    assert stats.nq == 5 and stats.ndis == 5 * 1000
