# IndexHNSWFlat: build, search at several efSearch values, per-call parameters.
import sys
import numpy as np
import faiss

rng = np.random.default_rng(28)
centers = rng.standard_normal((50, 32)).astype("float32") * 3
xb = (centers[rng.integers(0, 50, 10000)] + rng.standard_normal((10000, 32))).astype("float32")
xq = (centers[rng.integers(0, 50, 300)] + rng.standard_normal((300, 32))).astype("float32")
flat = faiss.IndexFlatL2(32)
flat.add(xb)
_, gt = flat.search(xq, 10)

index = faiss.IndexHNSWFlat(32, 16)
index.hnsw.efConstruction = 40
index.add(xb)
out = {"exact_ntotal": index.ntotal, "exact_is_trained": index.is_trained}
for ef in (16, 64):
    index.hnsw.efSearch = ef
    _, I = index.search(xq, 10)
    out[f"min_recall_ef{ef}"] = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(I, gt)])
_, I = index.search(xq, 10, params=faiss.SearchParametersHNSW(efSearch=128))
out["min_recall_params_ef128"] = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(I, gt)])
out["exact_efSearch_after"] = index.hnsw.efSearch
np.savez(sys.argv[1], **out)
