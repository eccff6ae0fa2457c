"""Tutorial 4: graph search with IndexHNSWFlat.

HNSW links every vector to a few dozen close neighbours, in several layers. A query
walks the graph greedily towards its neighbours, looking at a few hundred vectors
instead of all of them. It needs no training and gives high recall at low latency for
one query at a time; the cost is memory for the links and a slower add.
"""
import time

import numpy as np

import faiss

d = 64
nb = 20000
nq = 200
rng = np.random.default_rng(1234)
xb = rng.random((nb, d), dtype=np.float32)
xb[:, 0] += np.arange(nb) / 1000.0
xq = rng.random((nq, d), dtype=np.float32)
xq[:, 0] += np.arange(nq) / 1000.0

M = 32                            # links per vector (2 * M on the bottom layer)
index = faiss.IndexHNSWFlat(d, M)
index.hnsw.efConstruction = 40    # breadth of the search that picks each new vector's links
index.add(xb)                     # no train() needed for flat storage

k = 10
exact = faiss.IndexFlatL2(d)
exact.add(xb)
_, I_exact = exact.search(xq, k)

for ef in (16, 32, 64, 128):
    index.hnsw.efSearch = ef      # breadth of the search at query time: the recall knob
    t0 = time.perf_counter()
    for q in xq:                  # one query at a time, as a serving system would
        index.search(q[None, :], k)
    elapsed = time.perf_counter() - t0
    _, I = index.search(xq, k)
    recall = np.mean([len(set(a) & set(b)) / k for a, b in zip(I, I_exact)])
    print(f"efSearch={ef:4d}  recall@{k} = {recall:.3f}  {nq / elapsed:8.0f} queries/s")

assert recall > 0.9

# Per-call parameters: the index stays untouched, so threads can use different values.
D, I = index.search(xq[:1], k, params=faiss.SearchParametersHNSW(efSearch=256))
print("efSearch=256 through SearchParametersHNSW, first query:", I[0])
