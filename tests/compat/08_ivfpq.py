# IndexIVFPQ with 8-byte codes; 1-recall@10 and the effect of re-ranking.
import sys
import numpy as np
import faiss

rng = np.random.default_rng(8)
d = 64
centers = rng.standard_normal((100, d)).astype("float32") * 3
xb = (centers[rng.integers(0, 100, 20000)] + rng.standard_normal((20000, d))).astype("float32")
xq = (centers[rng.integers(0, 100, 1000)] + rng.standard_normal((1000, d))).astype("float32")
flat = faiss.IndexFlatL2(d)
flat.add(xb)
_, gt = flat.search(xq, 1)

index = faiss.IndexIVFPQ(faiss.IndexFlatL2(d), d, 64, 8, 8)
index.train(xb)
index.add(xb)
index.nprobe = 8
_, I = index.search(xq, 10)
refine = faiss.IndexRefineFlat(index, faiss.swig_ptr(xb))
refine.k_factor = 8
_, Ir = refine.search(xq, 10)
np.savez(sys.argv[1], exact_code_size=index.pq.code_size,
         min_recall=np.mean(I == gt) * 10, min_refined_recall=np.mean(Ir == gt) * 10)
