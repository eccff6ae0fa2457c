# Custom ids with IndexIDMap, removal by id.
import sys
import numpy as np
import faiss

rng = np.random.default_rng(3)
xb = rng.random((2000, 32)).astype("float32")
ids = np.arange(2000).astype("int64") * 10 + 7
index = faiss.IndexIDMap(faiss.IndexFlatL2(32))
index.add_with_ids(xb, ids)
D, I = index.search(xb[:10], 3)
removed = index.remove_ids(np.array([7, 17, 27], dtype="int64"))
D2, I2 = index.search(xb[:10], 3)
np.savez(sys.argv[1], exact_I=I, exact_removed=removed, exact_I2=I2,
         exact_ntotal=index.ntotal)
