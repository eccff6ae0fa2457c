# Results do not depend on the number of OpenMP threads.
import sys
import numpy as np
import faiss

rng = np.random.default_rng(21)
xb = rng.random((20000, 32)).astype("float32")
xq = rng.random((100, 32)).astype("float32")
index = faiss.IndexFlatL2(32)
index.add(xb)
faiss.omp_set_num_threads(1)
D1, I1 = index.search(xq, 10)
faiss.omp_set_num_threads(2)
D2, I2 = index.search(xq, 10)
np.savez(sys.argv[1], exact_I=I1, exact_same=np.array_equal(I1, I2),
         exact_max_threads=faiss.omp_get_max_threads())
