# IndexPQ as a codec: sa_encode / sa_decode and the reconstruction error.
import sys
import numpy as np
import faiss

rng = np.random.default_rng(9)
x = rng.standard_normal((5000, 32)).astype("float32")
index = faiss.IndexPQ(32, 8, 8)
index.train(x)
codes = index.sa_encode(x[:1000])
recons = index.sa_decode(codes)
err = ((recons - x[:1000]) ** 2).sum() / (x[:1000] ** 2).sum()
np.savez(sys.argv[1], exact_code_shape=np.array(codes.shape), exact_code_size=index.sa_code_size(),
         max_rel_error=err)
