"""Tutorial 3: compressed vectors with IndexIVFPQ.

Flat and IVFFlat keep 4 * d bytes per vector. A product quantizer cuts each vector in
m pieces and stores, for each piece, the id of the nearest of 256 learned centroids:
m bytes per vector. Distances become approximate, so results are often re-ranked.
"""
import numpy as np

import faiss

d = 64
nb = 20000
nq = 100
rng = np.random.default_rng(1234)
xb = rng.random((nb, d), dtype=np.float32)
xb[:, 0] += np.arange(nb) / 1000.0
xq = rng.random((nq, d), dtype=np.float32)
xq[:, 0] += np.arange(nq) / 1000.0

nlist = 100
m = 8                      # sub-vectors per vector; d must be a multiple of m
quantizer = faiss.IndexFlatL2(d)
index = faiss.IndexIVFPQ(quantizer, d, nlist, m, 8)   # 8 bits per sub-vector code
index.train(xb)            # learns the cells, then the PQ centroids on residuals
index.add(xb)
print(f"bytes per vector: {index.pq.code_size} instead of {4 * d}")

k = 4
index.nprobe = 10
# Database vectors do not come back at distance 0 any more: the codes are lossy.
D, I = index.search(xb[:5], k)
print("neighbours of the first 5 database vectors:\n", I)
print("their approximate distances:\n", D)
hits = int((I[:, 0] == np.arange(5)).sum())
print(f"{hits} of 5 found themselves first")

exact = faiss.IndexFlatL2(d)
exact.add(xb)
_, I_exact = exact.search(xq, 1)
D, I = index.search(xq, 10)
recall_at_10 = np.mean(I_exact[:, 0:1] == I[:, :10]) * 10
print(f"1-recall@10 with nprobe=10: {recall_at_10:.2f}")

# Re-ranking: IndexRefineFlat wraps an (empty) index and also keeps the full vectors;
# it asks the inner index for k_factor * k candidates and orders them by their exact
# distances.
refined = faiss.IndexRefineFlat(faiss.IndexIVFPQ(faiss.IndexFlatL2(d), d, nlist, m, 8))
refined.train(xb)
refined.add(xb)
faiss.extract_index_ivf(refined).nprobe = 10   # the IVF inside the wrapper
refined.k_factor = 4
D, I = refined.search(xq, 10)
refined_recall = np.mean(I_exact[:, 0:1] == I[:, :10]) * 10
print(f"1-recall@10 after re-ranking 40 candidates: {refined_recall:.2f}")
assert refined_recall >= recall_at_10 - 0.05
