# Per-call search parameters on an IVF index (leave index.nprobe untouched).
import sys
import numpy as np
import faiss

rng = np.random.default_rng(7)
xb = rng.random((5000, 16)).astype("float32")
xq = rng.random((30, 16)).astype("float32")
index = faiss.IndexIVFFlat(faiss.IndexFlatL2(16), 16, 32)
index.train(xb)
index.add(xb)
D, I = index.search(xq, 5, params=faiss.SearchParametersIVF(nprobe=32))
flat = faiss.IndexFlatL2(16)
flat.add(xb)
Dref, Iref = flat.search(xq, 5)
np.savez(sys.argv[1], exact_I=I, exact_matches_flat=np.array_equal(I, Iref),
         exact_nprobe_after=index.nprobe)
