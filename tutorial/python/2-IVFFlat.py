"""Tutorial 2: faster search with an inverted file (IndexIVFFlat).

An inverted file splits the space into nlist cells with k-means (training), stores
each vector in the list of its nearest cell, and at search time visits only the nprobe
cells nearest to the query. Fewer comparisons, at the price of sometimes missing a
neighbour that sits in a cell that was not visited.
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
quantizer = faiss.IndexFlatL2(d)   # assigns vectors to cells (the "coarse quantizer")
index = faiss.IndexIVFFlat(quantizer, d, nlist)
assert not index.is_trained
index.train(xb)                    # k-means: learns the nlist cell centroids
assert index.is_trained
index.add(xb)

k = 4
# The exact answers, to measure what the inverted file misses.
exact = faiss.IndexFlatL2(d)
exact.add(xb)
_, I_exact = exact.search(xq, k)

for nprobe in (1, 10, nlist):
    index.nprobe = nprobe          # cells visited per query: the speed/recall knob
    D, I = index.search(xq, k)
    recall = np.mean([len(set(I[i]) & set(I_exact[i])) / k for i in range(nq)])
    print(f"nprobe={nprobe:3d}  recall@{k} = {recall:.3f}")

# Visiting every cell is an exhaustive search: the results are the exact ones.
assert recall == 1.0

# Per-call parameters leave the index untouched, so threads can search it with
# different settings at the same time.
D, I = index.search(xq, k, params=faiss.SearchParametersIVF(nprobe=10))
print("nprobe=10 through SearchParametersIVF, first query:", I[0])
