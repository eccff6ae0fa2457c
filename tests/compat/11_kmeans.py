# faiss.Kmeans: train (best of several runs), centroids, objective, assignment.
import sys
import numpy as np
import faiss

rng = np.random.default_rng(11)
centers = rng.standard_normal((4, 16)).astype("float32") * 10
x = (centers[rng.integers(0, 4, 10000)] + rng.standard_normal((10000, 16))).astype("float32")
km = faiss.Kmeans(16, 4, niter=20, nredo=10, seed=123)
km.train(x)
D, I = km.index.search(x, 1)
sizes = np.bincount(I.ravel(), minlength=4)
np.savez(sys.argv[1], exact_centroid_shape=np.array(km.centroids.shape),
         approx_obj_per_point=km.obj[-1] / len(x), approx_mse=D.mean(),
         exact_nonempty=(sizes > 0).sum())
