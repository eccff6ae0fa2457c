# Cosine similarity: normalize_L2 then IndexFlatIP.
import sys
import numpy as np
import faiss

rng = np.random.default_rng(2)
xb = rng.standard_normal((5000, 48)).astype("float32")
xq = rng.standard_normal((20, 48)).astype("float32")
faiss.normalize_L2(xb)
faiss.normalize_L2(xq)
index = faiss.IndexFlatIP(48)
index.add(xb)
D, I = index.search(xq, 10)
np.savez(sys.argv[1], exact_I=I, exact_D=D, exact_norms=np.linalg.norm(xb[:10], axis=1))
