# IndexIVFFlat: train, add, and the recall obtained for several nprobe values.
import sys
import numpy as np
import faiss

rng = np.random.default_rng(6)
centers = rng.standard_normal((50, 32)).astype("float32") * 4
xb = (centers[rng.integers(0, 50, 20000)] + rng.standard_normal((20000, 32))).astype("float32")
xq = (centers[rng.integers(0, 50, 200)] + rng.standard_normal((200, 32))).astype("float32")
flat = faiss.IndexFlatL2(32)
flat.add(xb)
_, gt = flat.search(xq, 10)

quantizer = faiss.IndexFlatL2(32)
index = faiss.IndexIVFFlat(quantizer, 32, 64)
index.train(xb)
index.add(xb)
out = {}
for nprobe in (1, 4, 16, 64):
    index.nprobe = nprobe
    _, I = index.search(xq, 10)
    out[f"min_recall_{nprobe}"] = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(I, gt)])
out["exact_full_probe_I"] = I    # nprobe = nlist is exhaustive
out["exact_ntotal"] = index.ntotal
np.savez(sys.argv[1], **out)
