# Filtered search: only ids in [1000, 2000) may be returned.
import sys
import numpy as np
import faiss

rng = np.random.default_rng(13)
xb = rng.random((5000, 16)).astype("float32")
xq = rng.random((20, 16)).astype("float32")
index = faiss.IndexFlatL2(16)
index.add(xb)
params = faiss.SearchParameters(sel=faiss.IDSelectorRange(1000, 2000))
D, I = index.search(xq, 5, params=params)
ivf = faiss.IndexIVFFlat(faiss.IndexFlatL2(16), 16, 16)
ivf.train(xb)
ivf.add(xb)
D2, I2 = ivf.search(xq, 5, params=faiss.SearchParametersIVF(sel=faiss.IDSelectorRange(1000, 2000),
                                                               nprobe=16))
np.savez(sys.argv[1], exact_I=I, exact_D=D, exact_I_ivf=I2)
