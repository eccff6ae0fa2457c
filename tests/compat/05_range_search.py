# Range search on a flat index: all neighbours within a radius.
import sys
import numpy as np
import faiss

rng = np.random.default_rng(5)
xb = rng.random((3000, 8)).astype("float32")
xq = rng.random((15, 8)).astype("float32")
index = faiss.IndexFlatL2(8)
index.add(xb)
lims, D, I = index.range_search(xq, 0.05)
# Results within one query come in no particular order: sort them for comparison.
order = np.concatenate([lims[i] + np.argsort(I[lims[i]:lims[i + 1]])
                        for i in range(len(xq))]).astype(int)
np.savez(sys.argv[1], exact_lims=lims.astype("int64"), exact_I=I[order], exact_D=D[order])
