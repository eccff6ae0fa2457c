"""IndexIVFPQ from Python: the Faiss idioms (train / add / search, nprobe, by_residual,
use_precomputed_table, sa_encode / sa_decode), keeping the quantizer alive, errors, and
(when the faiss-cpu reference venv exists) recall side by side with the real Faiss."""

import gc
import os
import subprocess

import numpy as np
import pytest

import faiss

from faiss_reference import REF_PYTHON, needs_reference

D_DIM = 16
NLIST = 8


def _data(n, seed, d=D_DIM):
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((20, d)).astype(np.float32) * 3
    return (centers[rng.integers(0, 20, n)] +
            rng.standard_normal((n, d)).astype(np.float32)).astype(np.float32)


def _brute_force(xq, xb, k):
    xq, xb = xq.astype(np.float64), xb.astype(np.float64)
    d2 = (xq ** 2).sum(1)[:, None] + (xb ** 2).sum(1)[None, :] - 2 * xq @ xb.T
    idx = np.argsort(d2, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(d2, idx, 1), idx


@pytest.fixture
def ivfpq():
    index = faiss.IndexIVFPQ(faiss.IndexFlatL2(D_DIM), D_DIM, NLIST, 4, 6)
    gc.collect()  # the quantizer has no other Python reference
    xb = _data(1500, 1)
    index.train(xb)
    index.add(xb)
    return index, xb


def test_full_probe_matches_decoded_brute_force(ivfpq):
    index, xb = ivfpq
    assert index.is_trained and index.ntotal == 1500
    assert index.pq.M == 4 and index.pq.nbits == 6 and index.code_size == 3
    assert index.by_residual and index.use_precomputed_table == 1
    assert isinstance(index.quantizer, faiss.IndexFlatL2)
    index.nprobe = NLIST
    xq = _data(20, 2)
    D, I = index.search(xq, 10)
    decoded = index.reconstruct_n(0, index.ntotal)
    Dr, Ir = _brute_force(xq, decoded, 10)
    np.testing.assert_allclose(D, Dr, rtol=1e-3, atol=1e-3)
    assert (I == Ir).mean() > 0.98


def test_precomputed_table_off_and_params(ivfpq):
    index, _ = ivfpq
    xq = _data(20, 3)
    D1, I1 = index.search(xq, 5, params=faiss.SearchParametersIVF(nprobe=3))
    index.use_precomputed_table = -1
    index.precompute_table()
    D2, I2 = index.search(xq, 5, params=faiss.SearchParametersIVF(nprobe=3))
    np.testing.assert_allclose(D1, D2, rtol=1e-4, atol=1e-4)
    assert (I1 == I2).mean() > 0.98


def test_by_residual_false_and_inner_product():
    xb = _data(1200, 4)
    index = faiss.IndexIVFPQ(faiss.IndexFlatIP(D_DIM), D_DIM, NLIST, 8, 8,
                             faiss.METRIC_INNER_PRODUCT)
    index.by_residual = False
    index.train(xb)
    index.add(xb)
    index.nprobe = NLIST
    xq = _data(10, 5)
    D, I = index.search(xq, 5)
    decoded = index.reconstruct_n(0, index.ntotal)
    ref = xq @ decoded.T
    np.testing.assert_allclose(D, -np.sort(-ref, axis=1)[:, :5], rtol=1e-3, atol=1e-3)


def test_standalone_codec_and_direct_map(ivfpq):
    index, xb = ivfpq
    codes = index.sa_encode(xb[:30])
    assert codes.shape == (30, 1 + index.code_size)
    back = index.sa_decode(codes)
    np.testing.assert_array_equal(back, index.reconstruct_n(0, 30))
    index.make_direct_map()
    np.testing.assert_array_equal(index.reconstruct(7), back[7])


def test_errors():
    q = faiss.IndexFlatL2(D_DIM)
    with pytest.raises(RuntimeError, match="divide"):
        faiss.IndexIVFPQ(q, D_DIM, NLIST, 5, 8)
    with pytest.raises(RuntimeError, match="nbits"):
        faiss.IndexIVFPQ(q, D_DIM, NLIST, 4, 20)
    index = faiss.IndexIVFPQ(q, D_DIM, NLIST, 4, 8)
    with pytest.raises(RuntimeError, match="at least 256"):
        index.train(_data(100, 6))
    index.train(_data(300, 6))
    index.add(_data(300, 6))
    index.polysemous_ht = 5  # the polysemous filter: supported for nbits == 8, L2
    index.search(_data(1, 7), 1)
    index4 = faiss.IndexIVFPQ(q, D_DIM, NLIST, 4, 4)
    index4.train(_data(300, 6))
    index4.polysemous_ht = 5
    with pytest.raises(RuntimeError, match="polysemous"):
        index4.search(_data(1, 7), 1)


_REF_SCRIPT = """
import sys, numpy as np, faiss
data = np.load(sys.argv[1])
xb, xq = data["xb"], data["xq"]
q = faiss.IndexFlatL2(xb.shape[1])
index = faiss.IndexIVFPQ(q, xb.shape[1], 32, 8, 8)
index.train(xb)
index.add(xb)
index.nprobe = 4
D, I = index.search(xq, 10)
np.save(sys.argv[2], I)
"""


@needs_reference
def test_recall_close_to_faiss(tmp_path):
    d, k = 32, 10
    xb = _data(4000, 8, d)
    xq = _data(100, 9, d)
    np.savez(tmp_path / "in.npz", xb=xb, xq=xq)
    script = tmp_path / "ref.py"
    script.write_text(_REF_SCRIPT)
    env = {k_: v for k_, v in os.environ.items() if k_ not in ("PYTHONPATH", "FAISS_PYTHON_DIR")}
    subprocess.run([REF_PYTHON, str(script), str(tmp_path / "in.npz"), str(tmp_path / "I.npy")],
                   check=True, env=env, timeout=300)
    I_ref = np.load(tmp_path / "I.npy")
    index = faiss.IndexIVFPQ(faiss.IndexFlatL2(d), d, 32, 8, 8)
    index.train(xb)
    index.add(xb)
    index.nprobe = 4
    _, I = index.search(xq, k)
    _, gt = _brute_force(xq, xb, k)

    def recall(res):
        return np.mean([len(set(res[i]) & set(gt[i])) for i in range(len(gt))]) / k

    r_ours, r_ref = recall(I), recall(I_ref)
    print("IVFPQ recall@10 ours %.3f faiss-cpu %.3f" % (r_ours, r_ref))
    assert r_ours >= r_ref - 0.05, (r_ours, r_ref)
