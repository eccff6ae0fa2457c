# Range search on an IVF index visiting every list: the same as the flat index.
import sys
import numpy as np
import faiss

rng = np.random.default_rng(18)
xb = rng.random((4000, 8)).astype("float32")
xq = rng.random((10, 8)).astype("float32")
index = faiss.IndexIVFFlat(faiss.IndexFlatL2(8), 8, 16)
index.train(xb)
index.add(xb)
index.nprobe = 16
lims, D, I = index.range_search(xq, 0.08)
per_query = [np.sort(I[lims[i]:lims[i + 1]]) for i in range(len(xq))]
np.savez(sys.argv[1], exact_lims=lims.astype("int64"), exact_I=np.concatenate(per_query))
