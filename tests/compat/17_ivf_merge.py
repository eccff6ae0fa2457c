# Build two IVF shards with the same quantizer and merge them.
import sys
import numpy as np
import faiss

rng = np.random.default_rng(17)
xb = rng.random((4000, 16)).astype("float32")
xq = rng.random((30, 16)).astype("float32")
quantizer = faiss.IndexFlatL2(16)
a = faiss.IndexIVFFlat(quantizer, 16, 16)
a.train(xb)
b = faiss.IndexIVFFlat(quantizer, 16, 16)
b.is_trained = True
a.add(xb[:2000])
b.add(xb[2000:])
a.merge_from(b, 2000)
a.nprobe = 16
D, I = a.search(xq, 5)
flat = faiss.IndexFlatL2(16)
flat.add(xb)
_, Iref = flat.search(xq, 5)
np.savez(sys.argv[1], exact_ntotal=a.ntotal, exact_I=I, exact_same_as_flat=np.array_equal(I, Iref),
         exact_b_ntotal=b.ntotal)
