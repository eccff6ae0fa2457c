"""IndexPQ Hamming / symmetric search types and polysemous training from Python, and
files written by faiss-cpu with search_type / polysemous_ht set."""

import os
import subprocess

import numpy as np
import pytest

import faiss

from faiss_reference import REF_PYTHON, needs_reference

D_DIM, NB, NQ, K = 32, 3000, 20, 10


def _data(seed=0):
    rs = np.random.RandomState(seed)
    centers = rs.normal(size=(30, D_DIM)) * 3
    x = centers[rs.randint(30, size=NB + NQ)] + rs.normal(size=(NB + NQ, D_DIM))
    x = x.astype("float32")
    return x[:NB], x[NB:]


def _hamming(a, b):
    return np.unpackbits(np.bitwise_xor(a[:, None, :], b[None, :, :]), axis=2).sum(2)


def _trained(polysemous, xb):
    index = faiss.IndexPQ(D_DIM, 8, 8)
    index.do_polysemous_training = polysemous
    index.polysemous_training.n_iter = 30000
    index.train(xb)
    index.add(xb)
    return index


def test_faiss_wiki_recipe():
    xb, xq = _data()
    index = _trained(True, xb)
    assert index.polysemous_ht == 8 * 8 + 1
    D0, I0 = index.search(xq, K)
    index.search_type = faiss.IndexPQ.ST_polysemous
    index.polysemous_ht = 26
    faiss.cvar.indexPQ_stats.reset()
    D1, I1 = index.search(xq, K)
    stats = faiss.cvar.indexPQ_stats
    assert stats.nq == NQ and stats.ncode == NQ * NB
    assert stats.n_hamming_pass < 0.15 * stats.ncode  # measured 6.8%
    # Reference: ADC over the codes within the Hamming threshold of the query's code.
    codes = faiss.vector_to_array(index.codes).reshape(NB, 8)
    qcodes = index.pq.compute_codes(xq)
    ham = _hamming(qcodes, codes)
    dec = index.pq.decode(codes)
    adc = ((xq[:, None, :].astype("float64") - dec[None, :, :]) ** 2).sum(2)
    adc[ham >= 26] = np.inf
    ref = np.sort(adc, axis=1)[:, :K]
    np.testing.assert_allclose(D1, np.where(np.isinf(ref), np.inf, ref), rtol=1e-4)
    overlap = np.mean([len(set(a) & set(b)) / K for a, b in zip(I0, I1)])
    assert overlap > 0.9  # measured 0.985 of the ADC top-10


def test_search_params_and_hamming_types():
    xb, xq = _data(1)
    index = _trained(True, xb)
    codes = faiss.vector_to_array(index.codes).reshape(NB, 8)
    qcodes = index.pq.compute_codes(xq)
    params = faiss.SearchParametersPQ()
    params.search_type = faiss.IndexPQ.ST_HE
    D, I = index.search(xq, K, params=params)
    ham = _hamming(qcodes, codes)
    np.testing.assert_array_equal(D, np.sort(ham, axis=1)[:, :K])
    np.testing.assert_array_equal(np.take_along_axis(ham, I, 1), D)
    params.search_type = faiss.IndexPQ.ST_SDC
    D, I = index.search(xq, K, params=params)
    qdec, dec = index.pq.decode(qcodes), index.pq.decode(codes)
    sdc = ((qdec[:, None, :].astype("float64") - dec[None, :, :]) ** 2).sum(2)
    np.testing.assert_allclose(D, np.sort(sdc, axis=1)[:, :K], rtol=1e-4, atol=1e-4)
    params.search_type = faiss.IndexPQ.ST_polysemous
    params.polysemous_ht = 1  # only codes equal to the query's code
    D, I = index.search(xq, K, params=params)
    for q in range(NQ):
        assert all(i == -1 or ham[q, i] == 0 for i in I[q])


def test_polysemous_training_object_and_errors():
    pt = faiss.PolysemousTraining()
    assert pt.optimization_type == faiss.PolysemousTraining.OT_ReproduceDistances_affine
    assert pt.n_iter == 500000 and pt.ntrain_permutation == 0
    assert abs(pt.dis_weight_factor - np.log(2)) < 1e-12
    xb, xq = _data(2)
    index = faiss.IndexPQ(D_DIM, 8, 4)
    index.train(xb)
    index.add(xb)
    index.search_type = faiss.IndexPQ.ST_polysemous
    with pytest.raises(RuntimeError, match="nbits == 8"):
        index.search(xq, K)
    assert faiss.index_factory(D_DIM, "PQ8").do_polysemous_training
    assert not faiss.index_factory(D_DIM, "PQ8np").do_polysemous_training


_REF_SCRIPT = """
import sys, numpy as np, faiss
data = np.load(sys.argv[1])
xb, xq = data["xb"], data["xq"]
index = faiss.IndexPQ(xb.shape[1], 8, 8)
index.do_polysemous_training = True
index.polysemous_training.n_iter = 20000
index.train(xb)
index.add(xb)
index.search_type = faiss.IndexPQ.ST_polysemous
index.polysemous_ht = 24
D, I = index.search(xq, 10)
faiss.write_index(index, sys.argv[3])
index.search_type = faiss.IndexPQ.ST_HE
Dh, Ih = index.search(xq, 10)
np.savez(sys.argv[2], D=D, I=I, Dh=Dh)
"""


@needs_reference
def test_read_faiss_polysemous_file(tmp_path):
    xb, xq = _data(3)
    np.savez(tmp_path / "in.npz", xb=xb, xq=xq)
    script = tmp_path / "ref.py"
    script.write_text(_REF_SCRIPT)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FAISS_PYTHON_DIR")}
    subprocess.run([REF_PYTHON, str(script), str(tmp_path / "in.npz"), str(tmp_path / "out.npz"),
                    str(tmp_path / "pq.index")], check=True, env=env, timeout=300)
    ref = np.load(tmp_path / "out.npz")
    index = faiss.read_index(str(tmp_path / "pq.index"))
    assert index.search_type == faiss.IndexPQ.ST_polysemous and index.polysemous_ht == 24
    D, I = index.search(xq, 10)
    np.testing.assert_array_equal(I, ref["I"])
    np.testing.assert_allclose(D, ref["D"], rtol=1e-5)
    index.search_type = faiss.IndexPQ.ST_HE
    Dh, _ = index.search(xq, 10)
    np.testing.assert_array_equal(Dh, ref["Dh"])
    # Written back by this library, read again: same results.
    faiss.write_index(index, str(tmp_path / "ours.index"))
    again = faiss.read_index(str(tmp_path / "ours.index"))
    assert again.search_type == faiss.IndexPQ.ST_HE and again.polysemous_ht == 24


_SIZES_SCRIPT = """
import sys, numpy as np, faiss
data = np.load(sys.argv[1])
xb, xq = data["xb"], data["xq"]
out = {}
for M in (8, 16, 32, 64):
    index = faiss.IndexPQ(xb.shape[1], M, 8)
    index.pq.cp.niter = 4
    index.train(xb)
    index.add(xb)
    faiss.write_index(index, sys.argv[3] % M)
    index.search_type = faiss.IndexPQ.ST_polysemous
    index.polysemous_ht = 4 * M
    out["I%d" % M] = index.search(xq, 10)[1]
    index.search_type = faiss.IndexPQ.ST_HE
    out["Dh%d" % M] = index.search(xq, 10)[0]
np.savez(sys.argv[2], **out)
"""


@needs_reference
def test_polysemous_code_sizes_match_faiss(tmp_path):
    # One file per code size the Hamming kernels specialise (8, 16, 32, 64 bytes),
    # written by faiss-cpu: same labels for ST_polysemous (64-byte codes have Hamming
    # distances above 255, which a byte-wide count would wrap), same ST_HE distances.
    rs = np.random.RandomState(4)
    centers = rs.normal(size=(40, 128)) * 2
    x = (centers[rs.randint(40, size=1020)] + rs.normal(size=(1020, 128))).astype("float32")
    xb, xq = x[:1000], x[1000:]
    np.savez(tmp_path / "in.npz", xb=xb, xq=xq)
    script = tmp_path / "ref.py"
    script.write_text(_SIZES_SCRIPT)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FAISS_PYTHON_DIR")}
    pattern = str(tmp_path / "pq%d.index")
    subprocess.run([REF_PYTHON, str(script), str(tmp_path / "in.npz"), str(tmp_path / "out.npz"),
                    pattern], check=True, env=env, timeout=300)
    ref = np.load(tmp_path / "out.npz")
    for M in (8, 16, 32, 64):
        index = faiss.read_index(pattern % M)
        index.search_type = faiss.IndexPQ.ST_polysemous
        index.polysemous_ht = 4 * M  # half the bits: some codes pass, others not
        _, I = index.search(xq, 10)
        np.testing.assert_array_equal(I, ref["I%d" % M], err_msg="M=%d" % M)
        index.search_type = faiss.IndexPQ.ST_PQ
        assert not np.array_equal(I, index.search(xq, 10)[1]), M  # the filter did act
        index.search_type = faiss.IndexPQ.ST_HE
        np.testing.assert_array_equal(index.search(xq, 10)[0], ref["Dh%d" % M])
