# The ProductQuantizer object alone: train, compute_codes, decode.
import sys
import numpy as np
import faiss

rng = np.random.default_rng(19)
x = rng.standard_normal((6000, 16)).astype("float32")
pq = faiss.ProductQuantizer(16, 4, 8)
pq.train(x)
codes = pq.compute_codes(x)
x2 = pq.decode(codes)
centroids = faiss.vector_to_array(pq.centroids)
np.savez(sys.argv[1], exact_codes_shape=np.array(codes.shape), exact_dtype=str(codes.dtype),
         exact_centroids_size=centroids.size,
         max_rel_error=((x - x2) ** 2).sum() / (x ** 2).sum() * 10)
