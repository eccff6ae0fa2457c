"""Vector transforms and IndexPreTransform from Python: numpy methods, PCA against a
numpy eigen-decomposition, OPQ + PQ against plain PQ, object lifetimes, bad input, and
agreement with the real Faiss (faiss-cpu, skipped when its venv is absent)."""

import gc

import numpy as np
import pytest

import faiss

from faiss_reference import needs_reference, run_script_both


def correlated(n, d, seed=0, decay=1.5):
    rs = np.random.RandomState(seed)
    L = rs.normal(size=(d, d)) / (1.0 + np.arange(d)) ** decay
    return (rs.normal(size=(n, d)) @ L.T + 3 * rs.normal(size=d)).astype("float32")


def exact_knn(xb, xq, k):
    D = ((xq[:, None, :].astype(np.float64) - xb[None, :, :]) ** 2).sum(-1)
    return np.argsort(D, axis=1)[:, :k]


def recall(ref, got):
    return np.mean([len(set(r) & set(g)) / len(r) for r, g in zip(ref, got)])


def test_pca_matches_numpy_eigh():
    x = correlated(2000, 16, seed=1)
    pca = faiss.PCAMatrix(16, 6)
    assert not pca.is_trained
    pca.train(x)
    assert pca.is_trained and pca.is_orthonormal
    xc = x.astype(np.float64) - x.mean(0)
    w, V = np.linalg.eigh(xc.T @ xc)
    w, V = w[::-1], V[:, ::-1]
    ev = faiss.vector_to_array(pca.eigenvalues)
    np.testing.assert_allclose(ev, w, rtol=1e-4, atol=1e-4 * w[0])
    P = faiss.vector_to_array(pca.PCAMat).reshape(16, 16)
    dots = np.abs((P[:6] * V[:, :6].T).sum(1))
    np.testing.assert_allclose(dots, 1, atol=1e-4)
    xt = pca.apply(x)
    assert xt.shape == (2000, 6) and xt.dtype == np.float32
    np.testing.assert_allclose(np.abs(xt), np.abs(xc @ V[:, :6]), rtol=1e-3, atol=1e-3)
    np.testing.assert_array_equal(pca.apply_py(x[:5]), xt[:5])
    back = pca.reverse_transform(xt[:5])
    assert back.shape == (5, 16)
    np.testing.assert_allclose(pca.apply(back), xt[:5], rtol=1e-4, atol=1e-4)


def test_whitening_normalization_rotation():
    x = correlated(3000, 12, seed=2)
    white = faiss.PCAMatrix(12, 6, -0.5)
    white.train(x)
    y = white.apply(x)
    # Faiss's eigenvalues are those of the unnormalised scatter matrix: y^T y = I.
    np.testing.assert_allclose(y.T.astype(np.float64) @ y, np.eye(6), atol=2e-3)
    norm = faiss.NormalizationTransform(12, 2.0)
    np.testing.assert_allclose(np.linalg.norm(norm.apply(x), axis=1), 1, rtol=1e-5)
    rr = faiss.RandomRotationMatrix(12, 12)
    rr.init(4)
    A = faiss.vector_to_array(rr.A).reshape(12, 12)
    np.testing.assert_allclose(A @ A.T, np.eye(12), atol=1e-5)
    np.testing.assert_allclose(rr.reverse_transform(rr.apply(x[:10])), x[:10], atol=1e-4)
    centre = faiss.CenteringTransform(12)
    centre.train(x)
    np.testing.assert_allclose(centre.apply(x).mean(0), 0, atol=1e-3)
    itq = faiss.ITQTransform(12, 6, True)
    itq.train(x)
    y = itq.apply(x[:20])
    assert y.shape == (20, 6) and isinstance(itq.itq, faiss.ITQMatrix)
    A = faiss.vector_to_array(itq.pca_then_itq.A).reshape(6, 12)
    xn = x[:20] - faiss.vector_to_array(itq.mean)
    xn /= np.linalg.norm(xn, axis=1, keepdims=True)
    np.testing.assert_allclose(y, xn @ A.T, atol=1e-5)


def test_pretransform_search_and_lifetimes():
    x = correlated(3000, 32, seed=3, decay=2.0)
    xq = x[:20] + 0.01
    # Neither the transform nor the sub-index is referenced from Python afterwards.
    index = faiss.IndexPreTransform(faiss.PCAMatrix(32, 16), faiss.IndexFlatL2(16))
    gc.collect()
    index.train(x)
    index.add(x)
    assert index.ntotal == 3000 and index.d == 32
    D, I = index.search(xq, 10)
    assert recall(exact_knn(x, xq, 10), I) >= 0.9
    pca = index.chain.at(0)
    assert isinstance(pca, faiss.PCAMatrix)
    assert isinstance(faiss.downcast_VectorTransform(pca), faiss.PCAMatrix)
    assert isinstance(index.index, faiss.IndexFlatL2)
    # Two transforms: prepend keeps the new one alive too.
    index2 = faiss.IndexPreTransform(faiss.IndexFlatL2(8))
    index2.prepend_transform(faiss.PCAMatrix(16, 8))
    index2.prepend_transform(faiss.RandomRotationMatrix(32, 16))
    gc.collect()
    assert index2.d == 32 and index2.chain.size() == 2
    index2.train(x)
    index2.add(x)
    assert index2.search(xq, 5)[1].shape == (20, 5)
    # IVF parameters go through to the sub-index.
    ivf = faiss.IndexPreTransform(faiss.PCAMatrix(32, 16),
                                  faiss.IndexIVFFlat(faiss.IndexFlatL2(16), 16, 16))
    ivf.train(x)
    ivf.add(x)
    _, I_all = ivf.search(xq, 10, params=faiss.SearchParametersIVF(nprobe=16))
    np.testing.assert_array_equal(I_all, I)


def test_opq_beats_plain_pq():
    x = correlated(4000, 16, seed=5)
    xq = x[:50] + 0.05
    gt = exact_knn(x, xq, 10)
    pq = faiss.IndexPQ(16, 4, 6)
    pq.train(x)
    pq.add(x)
    opq = faiss.OPQMatrix(16, 4)
    opq.niter = 6
    opq_pq = faiss.ProductQuantizer(16, 4, 6)
    opq.pq = opq_pq
    index = faiss.IndexPreTransform(opq, faiss.IndexPQ(16, 4, 6))
    index.train(x)
    index.add(x)
    err_pq = ((pq.reconstruct_n(0, 4000) - x) ** 2).sum(1).mean()
    err_opq = ((index.reconstruct_n(0, 4000) - x) ** 2).sum(1).mean()
    assert err_opq < 0.8 * err_pq
    assert recall(gt, index.search(xq, 10)[1]) >= recall(gt, pq.search(xq, 10)[1])


def test_bad_input():
    with pytest.raises(RuntimeError, match="more dimensions"):
        faiss.PCAMatrix(8, 16)
    pca = faiss.PCAMatrix(8, 4)
    with pytest.raises(RuntimeError, match="not trained"):
        pca.apply(np.zeros((2, 8), dtype="float32"))
    with pytest.raises(ValueError):
        pca.train(np.zeros((10, 7), dtype="float32"))
    bad = correlated(50, 8)
    bad[3, 2] = np.nan
    with pytest.raises(RuntimeError, match="NaN"):
        pca.train(bad)
    with pytest.raises(RuntimeError, match="d_out"):
        faiss.IndexPreTransform(faiss.PCAMatrix(8, 4), faiss.IndexFlatL2(5))
    with pytest.raises(RuntimeError, match="multiple"):
        faiss.OPQMatrix(10, 3)


_COMPAT_SCRIPT = """
import sys, numpy as np, faiss
faiss.omp_set_num_threads(1)  # the machine is shared: threads only add overhead here
rs = np.random.RandomState(7)
d = 24
L = rs.normal(size=(d, d)) / (1.0 + np.arange(d)) ** 1.5
x = (rs.normal(size=(3000, d)) @ L.T + rs.normal(size=d)).astype("float32")
xq = (x[:50] + 0.05 * rs.normal(size=(50, d))).astype("float32")
pca = faiss.PCAMatrix(d, 8)
pca.train(x)
out = dict(eig=faiss.vector_to_array(pca.eigenvalues),
           mean=faiss.vector_to_array(pca.mean),
           proj=pca.apply_py(x[:200]))
white = faiss.PCAMatrix(d, 8, -0.5)
white.train(x)
out["white"] = white.apply_py(x[:200])
opq = faiss.OPQMatrix(d, 6)
opq.niter = 6
opq_pq = faiss.ProductQuantizer(d, 6, 6)
opq.pq = opq_pq
index = faiss.IndexPreTransform(opq, faiss.IndexPQ(d, 6, 6))
index.train(x)
index.add(x)
out["opq_I"] = index.search(xq, 10)[1]
plain = faiss.IndexPQ(d, 6, 6)
plain.train(x)
plain.add(x)
out["pq_I"] = plain.search(xq, 10)[1]
for dh, seed in ((5, 7), (24, 12345)):
    out["hr_%d" % dh] = faiss.HadamardRotation(dh, seed).apply_py(x[:50, :dh])
Dgt = ((xq[:, None, :].astype(np.float64) - x[None]) ** 2).sum(-1)
out["gt"] = np.argsort(Dgt, axis=1)[:, :10]
np.savez(sys.argv[1], **out)
"""


@needs_reference
def test_matches_faiss_cpu(tmp_path):
    ours, theirs = run_script_both(tmp_path, _COMPAT_SCRIPT, timeout=300)
    np.testing.assert_allclose(ours["eig"], theirs["eig"], rtol=1e-3,
                               atol=1e-4 * theirs["eig"][0])
    np.testing.assert_allclose(ours["mean"], theirs["mean"], rtol=1e-5, atol=1e-5)
    # Components agree up to sign (sign of an eigenvector is arbitrary).
    for name in ("proj", "white"):
        a, b = ours[name], theirs[name]
        signs = np.sign((a * b).sum(0))
        scale = np.abs(b).max()
        np.testing.assert_allclose(a * signs, b, atol=2e-3 * scale)
    # A Hadamard rotation is defined by its seed: identical outputs.
    for dh in (5, 24):
        np.testing.assert_allclose(ours["hr_%d" % dh], theirs["hr_%d" % dh], rtol=1e-5,
                                   atol=1e-5)
    gt = ours["gt"]
    r_ours, r_theirs = recall(gt, ours["opq_I"]), recall(gt, theirs["opq_I"])
    assert r_ours >= r_theirs - 0.05, (r_ours, r_theirs)
    assert r_ours >= recall(gt, ours["pq_I"]) - 0.02
