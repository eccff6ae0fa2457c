# The module-level faiss.knn for a one-off exact search without an index.
import sys
import numpy as np
import faiss

rng = np.random.default_rng(12)
xb = rng.random((3000, 24)).astype("float32")
xq = rng.random((40, 24)).astype("float32")
D, I = faiss.knn(xq, xb, 7)
Dip, Iip = faiss.knn(xq, xb, 7, metric=faiss.METRIC_INNER_PRODUCT)
np.savez(sys.argv[1], exact_I=I, exact_D=D, exact_Iip=Iip, exact_Dip=Dip)
