"""Module-level numpy helpers with Faiss's names: knn, normalize_L2, Kmeans, random
arrays, get_compile_options."""

import numpy as np

from . import _validation as check
from . import swigfaiss
from .array_conversions import copy_array_to_vector, vector_to_array
from .swigfaiss import swig_ptr


def knn(xq, xb, k, metric=swigfaiss.METRIC_L2, metric_arg=0.0):
    """Exact k nearest neighbours of the queries xq (nq, d) among xb (nb, d), without
    building an index. Returns D (nq, k) float32 and I (nq, k) int64, as index.search.
    16-bit inputs are converted to float32 first."""
    xq = check.as_array(xq, "xq")
    if xq.ndim != 2:
        raise ValueError(f"xq must have shape (nq, d), got shape {xq.shape}")
    d = xq.shape[1]
    xq = check.float_vectors(xq, d, "xq")
    xb = check.float_vectors(xb, d, "xb")
    k = check.positive_int(k, "k")
    nq, nb = xq.shape[0], xb.shape[0]
    D = np.empty((nq, k), dtype=np.float32)
    I = np.empty((nq, k), dtype=np.int64)
    if metric == swigfaiss.METRIC_L2:
        swigfaiss.knn_L2sqr(swig_ptr(xq), swig_ptr(xb), d, nq, nb, k, swig_ptr(D),
                            swig_ptr(I))
    elif metric == swigfaiss.METRIC_INNER_PRODUCT:
        swigfaiss.knn_inner_product(swig_ptr(xq), swig_ptr(xb), d, nq, nb, k, swig_ptr(D),
                                    swig_ptr(I))
    else:
        swigfaiss.knn_extra_metrics(swig_ptr(xq), swig_ptr(xb), d, nq, nb, int(metric),
                                    float(metric_arg), k, swig_ptr(D), swig_ptr(I))
    return D, I


def normalize_L2(x):
    """Scale each row of x to unit L2 norm, in place (zero rows stay zero). x must be a
    C-contiguous float32 array of shape (n, d) (or (d,) for one vector)."""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"normalize_L2 works in place on a numpy array, got "
                        f"{type(x).__name__}")
    if x.dtype != np.float32 or not x.flags.c_contiguous or not x.flags.writeable:
        raise TypeError(f"normalize_L2 works in place: x must be a writeable C-contiguous "
                        f"float32 array, got dtype {x.dtype}"
                        f"{'' if x.flags.c_contiguous else ' (not contiguous)'}")
    if x.ndim == 1:
        swigfaiss.fvec_renorm_L2(x.shape[0], 1, swig_ptr(x))
    elif x.ndim == 2:
        swigfaiss.fvec_renorm_L2(x.shape[1], x.shape[0], swig_ptr(x))
    else:
        raise ValueError(f"x must have shape (n, d), got shape {x.shape}")


class Kmeans:
    """k-means of d-dimensional vectors into k centroids, as Faiss's faiss.Kmeans.

    Keyword arguments set the fields of ClusteringParameters: niter (25), nredo, verbose,
    spherical, int_centroids, update_index, frozen_centroids, min_points_per_centroid,
    max_points_per_centroid, seed, decode_block_size, check_input_data_for_NaNs,
    use_kmeanspp. gpu (as Faiss): True or -1 runs the assignment step on every GPU, an
    integer n on the first n; where faiss.get_num_gpus() is 0 (CPU-only build, no
    device) True means 0, and clustering stays on the CPU. Only one GPU is used yet (see
    index_cpu_to_all_gpus).

    After train(): centroids (k, d) float32, obj (per-iteration objective), and
    iteration_stats (a list of dicts); index holds the centroids (IndexFlatL2, or
    IndexFlatIP when spherical).
    """

    def __init__(self, d, k, **kwargs):
        self.d = check.positive_int(d, "d")
        self.k = check.positive_int(k, "k")
        self.gpu = False
        self.cp = swigfaiss.ClusteringParameters()
        for name, value in kwargs.items():
            if name == "gpu":
                if value is True or value == -1:
                    value = swigfaiss.get_num_gpus()
                self.gpu = value
                continue
            if not isinstance(getattr(swigfaiss.ClusteringParameters, name, None), property):
                raise AttributeError(f"Kmeans: unknown parameter '{name}' (not a field of "
                                     f"ClusteringParameters)")
            setattr(self.cp, name, value)
        self.centroids = None
        self.index = None
        self.obj = None
        self.iteration_stats = None
        self._index_centroids = None

    def reset(self, k=None):
        """Forget the training (and change k if given)."""
        if k is not None:
            self.k = check.positive_int(k, "k")
        self.centroids = None
        self.index = None
        self.obj = None
        self.iteration_stats = None
        self._index_centroids = None

    def train(self, x, weights=None, init_centroids=None):
        """Cluster x, shape (n, d) (converted to float32). weights (n,) optional;
        init_centroids (k, d) optional starting centroids. Returns the final objective
        (0.0 when niter == 0)."""
        x = check.float_vectors(x, self.d)
        clus = swigfaiss.Clustering(self.d, self.k, self.cp)
        if init_centroids is not None:
            init = check.float_vectors(init_centroids, self.d, "init_centroids")
            if init.shape[0] != self.k:
                raise ValueError(f"init_centroids must have shape ({self.k}, {self.d}), "
                                 f"got shape {init.shape}")
            copy_array_to_vector(init.ravel(), clus.centroids)
        if self.cp.spherical:
            self.index = swigfaiss.IndexFlatIP(self.d)
        else:
            self.index = swigfaiss.IndexFlatL2(self.d)
        if self.gpu:
            from .gpu_wrappers import index_cpu_to_all_gpus
            self.index = index_cpu_to_all_gpus(self.index, ngpu=self.gpu)
        clus.train(x, self.index, weights)
        self.centroids = vector_to_array(clus.centroids).reshape(self.k, self.d)
        self._index_centroids = self.centroids.copy()
        stats = clus.iteration_stats
        stats = [stats.at(i) for i in range(stats.size())]
        self.obj = np.array([st.obj for st in stats])
        self.iteration_stats = [
            {"obj": st.obj, "time": st.time, "time_search": st.time_search,
             "imbalance_factor": st.imbalance_factor, "nsplit": st.nsplit}
            for st in stats
        ]
        return float(self.obj[-1]) if self.obj.size > 0 else 0.0

    def assign(self, x):
        """Nearest centroid of each row of x (n, d): returns D (n,) float32, I (n,)
        int64. Uses the current self.centroids (re-indexed if they were changed)."""
        if self.centroids is None:
            raise RuntimeError("Kmeans.assign: call train() first")
        x = check.float_vectors(x, self.d)
        if not np.array_equal(self.centroids, self._index_centroids):
            self.index.reset()
            self.index.add(self.centroids)
            self._index_centroids = np.array(self.centroids, dtype=np.float32, copy=True)
        D, I = self.index.search(x, 1)
        return D.ravel(), I.ravel()


def rand(n, seed=12345):
    """Uniform float32 values in [0, 1); n is a count or a shape."""
    res = np.empty(n, dtype=np.float32)
    swigfaiss.float_rand(swig_ptr(res), res.size, seed)
    return res


def randn(n, seed=12345):
    """Standard normal float32 values; n is a count or a shape."""
    res = np.empty(n, dtype=np.float32)
    swigfaiss.float_randn(swig_ptr(res), res.size, seed)
    return res


def randint(n, seed=12345, vmax=None):
    """Random int64 values in [0, vmax) (in [0, 2^63) when vmax is None)."""
    res = np.empty(n, dtype=np.int64)
    if vmax is None:
        swigfaiss.int64_rand(swig_ptr(res), res.size, seed)
    else:
        swigfaiss.int64_rand_max(swig_ptr(res), res.size, check.positive_int(vmax, "vmax"),
                                 seed)
    return res


lrand = randint


def get_compile_options():
    """Faiss-style summary of the build: every SIMD level is compiled in and dispatched
    at run time (DD), followed by the level in use, then GPU when the CUDA backend is
    built in, e.g. "OPTIMIZE DD AVX2" or "OPTIMIZE DD AVX2 GPU"."""
    level = swigfaiss.simd_level_name()
    options = "OPTIMIZE DD " + ("GENERIC" if level == "scalar" else level.upper())
    if hasattr(swigfaiss, "StandardGpuResources"):
        options += " GPU"
    return options
