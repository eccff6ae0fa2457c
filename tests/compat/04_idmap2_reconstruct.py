# IndexIDMap2 keeps a reverse map, so vectors can be reconstructed by id.
import sys
import numpy as np
import faiss

rng = np.random.default_rng(4)
xb = rng.random((500, 16)).astype("float32")
ids = rng.permutation(100000)[:500].astype("int64")
index = faiss.IndexIDMap2(faiss.IndexFlatL2(16))
index.add_with_ids(xb, ids)
r = index.reconstruct(int(ids[42]))
rb = index.reconstruct_batch(ids[:5])
np.savez(sys.argv[1], exact_r=r, exact_rb=rb, exact_same=np.array_equal(r, xb[42]))
