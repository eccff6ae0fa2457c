# Saving and loading indexes: write_index / read_index by file name, and
# serialize_index / deserialize_index to bytes (as used for pickling or a database).
import os
import sys
import tempfile

import numpy as np
import faiss

rng = np.random.default_rng(27)
xb = rng.random((3000, 16)).astype("float32")
xq = rng.random((20, 16)).astype("float32")

index = faiss.IndexIDMap(faiss.IndexFlatL2(16))
index.add_with_ids(xb, np.arange(3000).astype("int64") * 3)
D, I = index.search(xq, 5)

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "flat.index")
    faiss.write_index(index, path)
    loaded = faiss.read_index(path)
    size = os.path.getsize(path)
D2, I2 = loaded.search(xq, 5)

ivf = faiss.IndexIVFFlat(faiss.IndexFlatL2(16), 16, 16)
ivf.train(xb)
ivf.add(xb)
ivf.nprobe = 16
buf = faiss.serialize_index(ivf)
ivf2 = faiss.deserialize_index(buf)
ivf2.nprobe = 16
_, I3 = ivf2.search(xq, 5)
np.savez(sys.argv[1], exact_I=I2, exact_same=np.array_equal(I, I2) and np.array_equal(D, D2),
         exact_file_size=size, exact_ntotal=ivf2.ntotal, exact_nlist=ivf2.nlist,
         exact_I_ivf=I3, exact_buf_dtype=str(buf.dtype))
