# Re-ranking an SQ4 index's candidates with exact distances (IndexRefineFlat).
import sys
import numpy as np
import faiss

rng = np.random.default_rng(24)
xb = rng.standard_normal((10000, 32)).astype("float32")
xq = rng.standard_normal((100, 32)).astype("float32")
flat = faiss.IndexFlatL2(32)
flat.add(xb)
_, gt = flat.search(xq, 10)
base = faiss.IndexScalarQuantizer(32, faiss.ScalarQuantizer.QT_4bit)
index = faiss.IndexRefineFlat(base)
index.train(xb)
index.add(xb)
_, I1 = index.search(xq, 10)
index.k_factor = 4
_, I4 = index.search(xq, 10)
params = faiss.IndexRefineSearchParameters(k_factor=10)
_, I10 = index.search(xq, 10, params=params)
recall = lambda I: np.mean([len(set(a) & set(b)) / 10 for a, b in zip(I, gt)])
np.savez(sys.argv[1], exact_I10=I10, min_r1=recall(I1), min_r4=recall(I4))
