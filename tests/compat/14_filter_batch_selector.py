# Filtered search with an explicit allow-list (IDSelectorBatch) and its negation.
import sys
import numpy as np
import faiss

rng = np.random.default_rng(14)
xb = rng.random((4000, 16)).astype("float32")
xq = rng.random((20, 16)).astype("float32")
index = faiss.IndexFlatL2(16)
index.add(xb)
allowed = rng.choice(4000, 300, replace=False).astype("int64")
sel = faiss.IDSelectorBatch(allowed)
D, I = index.search(xq, 5, params=faiss.SearchParameters(sel=sel))
not_sel = faiss.IDSelectorNot(faiss.IDSelectorBatch(allowed))
D2, I2 = index.search(xq, 5, params=faiss.SearchParameters(sel=not_sel))
np.savez(sys.argv[1], exact_I=I, exact_I_not=I2, exact_all_allowed=np.isin(I, allowed).all())
