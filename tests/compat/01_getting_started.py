# Getting started: IndexFlatL2, add, search (Faiss wiki "Getting started").
import sys
import numpy as np
import faiss

d, nb, nq = 64, 10000, 50
np.random.seed(1234)
xb = np.random.random((nb, d)).astype("float32")
xb[:, 0] += np.arange(nb) / 1000.0
xq = np.random.random((nq, d)).astype("float32")
xq[:, 0] += np.arange(nq) / 1000.0

index = faiss.IndexFlatL2(d)
assert index.is_trained
index.add(xb)
D, I = index.search(xb[:5], 4)
D2, I2 = index.search(xq, 4)
np.savez(sys.argv[1], exact_ntotal=index.ntotal, exact_self_I=I, exact_I=I2, exact_D=D2)
