# Reading an index's storage through vector_to_array (flat codes are the raw floats).
import sys
import numpy as np
import faiss

rng = np.random.default_rng(22)
xb = rng.random((100, 8)).astype("float32")
index = faiss.IndexFlatL2(8)
index.add(xb)
codes = faiss.vector_to_array(index.codes)
np.savez(sys.argv[1], exact_nbytes=codes.size,
         exact_roundtrip=np.array_equal(codes.view("float32").reshape(100, 8), xb))
