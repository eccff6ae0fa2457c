# reconstruct, reconstruct_n and search_and_reconstruct on a flat index.
import sys
import numpy as np
import faiss

rng = np.random.default_rng(15)
xb = rng.random((1000, 12)).astype("float32")
index = faiss.IndexFlatL2(12)
index.add(xb)
r = index.reconstruct(17)
rn = index.reconstruct_n(100, 5)
D, I, R = index.search_and_reconstruct(xb[:3] + 0.01, 2)
np.savez(sys.argv[1], exact_r=r, exact_rn=rn, exact_I=I, exact_R=R)
