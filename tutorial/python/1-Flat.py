"""Tutorial 1: exact search with IndexFlatL2.

An exact ("flat") index stores the vectors as they are and compares every query with
every stored vector. It needs no training, and its answers are the true nearest
neighbours: the baseline every other index is measured against.
"""
import numpy as np

import faiss

d = 64          # dimension of the vectors
nb = 20000      # vectors in the database
nq = 100        # queries

# Synthetic data: random vectors, with the first component drifting slightly with the
# row number so that neighbouring rows are also neighbours in space. Faiss wants
# float32 arrays of shape (n, d), one vector per row.
rng = np.random.default_rng(1234)
xb = rng.random((nb, d), dtype=np.float32)
xb[:, 0] += np.arange(nb) / 1000.0
xq = rng.random((nq, d), dtype=np.float32)
xq[:, 0] += np.arange(nq) / 1000.0

index = faiss.IndexFlatL2(d)    # squared Euclidean distance
print("is_trained:", index.is_trained)   # flat indexes need no training
index.add(xb)                   # vectors get the ids 0 .. nb-1 in order
print("ntotal:", index.ntotal)

k = 4
# Sanity check: searching for database vectors finds each one first, at distance 0.
D, I = index.search(xb[:5], k)
print("neighbours of the first 5 database vectors:\n", I)
print("their distances:\n", D)
assert (I[:, 0] == np.arange(5)).all() and np.allclose(D[:, 0], 0, atol=1e-4)

# The real search: D holds the squared distances, I the ids, best first.
D, I = index.search(xq, k)
print("neighbours of the first 5 queries:\n", I[:5])
print("neighbours of the last 5 queries:\n", I[-5:])
assert (np.diff(D, axis=1) >= 0).all()   # sorted, nearest first
