# Vector transforms in front of an index: PCA, whitening, random rotation, OPQ, L2
# normalisation (IndexPreTransform), and a transform used on its own.
import sys
import numpy as np
import faiss

rng = np.random.default_rng(40)
d = 16
L = rng.standard_normal((d, d)) / (1.0 + np.arange(d)) ** 1.5
xb = (rng.standard_normal((2000, d)) @ L.T + rng.standard_normal(d)).astype("float32")
xq = (xb[:100] + 0.05 * rng.standard_normal((100, d))).astype("float32")
flat = faiss.IndexFlatL2(d)
flat.add(xb)
_, gt = flat.search(xq, 10)
recall = lambda I: np.mean([len(set(a) & set(b)) / 10 for a, b in zip(I, gt)])

pca = faiss.PCAMatrix(d, 6)
pca.train(xb)
eig = faiss.vector_to_array(pca.eigenvalues)
index = faiss.IndexPreTransform(pca, faiss.IndexFlatL2(6))
index.add(xb)
_, I_pca = index.search(xq, 10)

# A full-dimension rotation keeps every distance: same neighbours as exact search.
rr = faiss.RandomRotationMatrix(d, d)
rr.init(123)
rot = faiss.IndexPreTransform(rr, faiss.IndexFlatL2(d))
rot.add(xb)
_, I_rot = rot.search(xq, 10)

white = faiss.PCAMatrix(d, 6, -0.5)
white.train(xb)
y = white.apply_py(xb)

opq = faiss.OPQMatrix(d, 4)
opq.niter = 5
opq_index = faiss.IndexPreTransform(opq, faiss.IndexPQ(d, 4, 8))
opq_index.train(xb)
opq_index.add(xb)
_, I_opq = opq_index.search(xq, 10)
pq = faiss.IndexPQ(d, 4, 8)
pq.train(xb)
pq.add(xb)
_, I_pq = pq.search(xq, 10)

cos = faiss.IndexPreTransform(faiss.NormalizationTransform(d, 2.0), faiss.IndexFlatIP(d))
cos.add(xb)
_, I_cos = cos.search(xq, 5)
xn = xb / np.linalg.norm(xb, axis=1, keepdims=True)
qn = xq / np.linalg.norm(xq, axis=1, keepdims=True)
I_cos_ref = np.argsort(-(qn @ xn.T), axis=1)[:, :5]

np.savez(sys.argv[1],
         exact_eig=eig[:6],
         exact_mean=faiss.vector_to_array(pca.mean),
         approx_explained=eig[:6].sum() / eig.sum(),
         approx_white_var=float(np.mean((y * y).sum(0))),
         min_pca_recall=recall(I_pca),
         exact_rot_same=int(np.array_equal(I_rot[:, :3], gt[:, :3])),
         min_opq_recall=recall(I_opq),
         min_opq_gain=recall(I_opq) - recall(I_pq),
         exact_cos_same=int(np.array_equal(I_cos, I_cos_ref)),
         exact_d=np.array([index.d, index.chain.at(0).d_out, opq_index.ntotal]))
