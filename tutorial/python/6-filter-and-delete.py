"""Tutorial 6: filtered search and deletes.

Real collections carry metadata (language, owner, date) and change over time. A search
can be restricted to the ids an IDSelector accepts, and vectors can be removed. Here
on an exact index, an IVF index and an HNSW graph (HNSW deletes are beyond Faiss).
"""
import numpy as np

import faiss

d = 32
nb = 10000
rng = np.random.default_rng(7)
xb = rng.random((nb, d), dtype=np.float32)
xq = rng.random((5, d), dtype=np.float32)
k = 5

# Pretend even ids are documents in English: only those may be returned.
english = np.arange(0, nb, 2, dtype=np.int64)
only_english = faiss.SearchParameters(sel=faiss.IDSelectorBatch(english))

flat = faiss.IndexFlatL2(d)
flat.add(xb)
D, I = flat.search(xq, k, params=only_english)
print("exact search, English only:\n", I)
assert (I % 2 == 0).all()

# An id range is cheaper to test than a set: ids 1000 .. 1999 only.
D, I = flat.search(xq, k, params=faiss.SearchParameters(sel=faiss.IDSelectorRange(1000, 2000)))
assert ((I >= 1000) & (I < 2000)).all()

# IVF: the filter is applied while the lists are scanned, with its own nprobe.
ivf = faiss.IndexIVFFlat(faiss.IndexFlatL2(d), d, 64)
ivf.train(xb)
ivf.add(xb)
params = faiss.SearchParametersIVF(sel=faiss.IDSelectorBatch(english), nprobe=16)
D, I = ivf.search(xq, k, params=params)
assert (I[I >= 0] % 2 == 0).all()

# Deleting: remove_ids takes an array of ids (or any IDSelector) and returns how many
# vectors went away. Removed ids never come back in results.
removed = ivf.remove_ids(np.arange(0, 5000, dtype=np.int64))
print(f"IVF: removed {removed}, {ivf.ntotal} left")
D, I = ivf.search(xq, k)
assert (I[I >= 0] >= 5000).all()

# HNSW graphs support removal too: the neighbours of removed vectors are re-linked so
# the rest stays reachable, and later adds reuse the freed slots.
hnsw = faiss.IndexHNSWFlat(d, 16)
hnsw.add(xb)
removed = hnsw.remove_ids(np.arange(0, nb, 3, dtype=np.int64))
D, I = hnsw.search(xq, k)
print(f"HNSW: removed {removed}; results:\n", I)
assert (I % 3 != 0).all()
