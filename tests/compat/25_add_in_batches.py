# Adding in several batches gives the same index as adding at once (sequential ids).
import sys
import numpy as np
import faiss

rng = np.random.default_rng(25)
xb = rng.random((3000, 16)).astype("float32")
xq = rng.random((10, 16)).astype("float32")
index = faiss.IndexFlatL2(16)
for i0 in range(0, 3000, 700):
    index.add(xb[i0:i0 + 700])
D, I = index.search(xq, 4)
index.reset()
np.savez(sys.argv[1], exact_I=I, exact_D=D, exact_after_reset=index.ntotal)
