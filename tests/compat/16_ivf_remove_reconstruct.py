# IVF index: a direct map for reconstruct, and remove_ids (without a direct map).
import sys
import numpy as np
import faiss

rng = np.random.default_rng(16)
xb = rng.random((3000, 16)).astype("float32")
index = faiss.IndexIVFFlat(faiss.IndexFlatL2(16), 16, 20)
index.train(xb)
index.add(xb)
index.make_direct_map()
r = index.reconstruct(123)

index2 = faiss.IndexIVFFlat(faiss.IndexFlatL2(16), 16, 20)
index2.train(xb)
index2.add(xb)
n_removed = index2.remove_ids(faiss.IDSelectorRange(0, 100))
n_removed_again = index2.remove_ids(np.arange(50, 150).astype("int64"))
index2.nprobe = 20
_, I = index2.search(xb[:200], 1)
np.savez(sys.argv[1], exact_r=r, exact_removed=n_removed, exact_removed_again=n_removed_again,
         exact_ntotal=index2.ntotal, exact_I_tail=I[150:], exact_none_back=(I[:150] >= 150).all())
