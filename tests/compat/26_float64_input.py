# Faiss's Python layer converts float64 and non-contiguous arrays to float32.
import sys
import numpy as np
import faiss

rng = np.random.default_rng(26)
xb64 = rng.random((2000, 20))
xq = rng.random((40, 10)).astype("float32")
index = faiss.IndexFlatL2(10)
index.add(xb64[:, ::2])   # float64, strided
D, I = index.search(xq, 3)
np.savez(sys.argv[1], exact_I=I, exact_D=D)
