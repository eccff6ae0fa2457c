# Spherical k-means for cosine similarity, and assigning new points.
import sys
import numpy as np
import faiss

rng = np.random.default_rng(23)
x = rng.standard_normal((8000, 32)).astype("float32")
faiss.normalize_L2(x)
km = faiss.Kmeans(32, 16, niter=15, spherical=True, seed=7)
km.train(x)
norms = np.linalg.norm(km.centroids, axis=1)
D, I = km.assign(x[:100])
np.savez(sys.argv[1], exact_unit_norm=np.allclose(norms, 1, atol=1e-4),
         exact_assign_shape=np.array(I.shape), approx_mean_dist=D.mean())
