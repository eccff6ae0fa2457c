"""GPU helpers with Faiss's names: get_num_gpus, index_cpu_to_all_gpus,
index_cpu_to_gpus_list, index_cpu_to_gpu_multiple_py and knn_gpu (brute-force k-NN of
numpy arrays on one GPU, no torch needed).

The GPU classes themselves (StandardGpuResources, GpuIndexFlatL2 ...) and index_cpu_to_gpu
/ index_gpu_to_cpu come from the SWIG module when the library was built with
FAISS_ENABLE_GPU=ON. In a CPU-only build they are absent, as in faiss-cpu
(hasattr(faiss, "StandardGpuResources") is False; reaching one raises an AttributeError
that says why), get_num_gpus() returns 0 and the helpers below raise RuntimeError.
"""

import numpy as np

from . import _validation as check
from . import swigfaiss
from .swigfaiss import swig_ptr

#: Whether the package was built with the CUDA backend.
HAVE_GPU = hasattr(swigfaiss, "StandardGpuResources")

#: Names the package has only when built with the CUDA backend.
GPU_ONLY_NAMES = frozenset((
    "StandardGpuResources", "StandardGpuResourcesImpl", "GpuResources",
    "GpuResourcesProvider", "GpuResourcesVector", "GpuIndex", "GpuIndexConfig",
    "GpuIndexFlat", "GpuIndexFlatL2", "GpuIndexFlatIP", "GpuIndexFlatConfig",
    "GpuIndexIVF", "GpuIndexIVFConfig", "GpuIndexIVFFlat", "GpuIndexIVFFlatConfig",
    "GpuIndexIVFScalarQuantizer", "GpuIndexIVFScalarQuantizerConfig", "GpuIndexIVFPQ",
    "GpuIndexIVFPQConfig", "train_clustering",
    "GpuClonerOptions", "GpuMultipleClonerOptions", "GpuDistanceParams", "bfKnn",
    "index_cpu_to_gpu", "index_gpu_to_cpu", "index_cpu_to_gpu_multiple",
    "isGpuIndex", "isGpuIndexImplemented",
))

_NO_GPU = ("this faiss package was built without GPU support (FAISS_ENABLE_GPU=OFF); "
           "faiss.get_num_gpus() is 0")


def _require_gpu_build(what):
    if not HAVE_GPU:
        raise RuntimeError(f"faiss.{what}: {_NO_GPU}")


def missing_gpu_name(name):
    """The AttributeError for a GPU-only name reached in a CPU-only build."""
    return AttributeError(f"module 'faiss' has no attribute '{name}': {_NO_GPU}")


def get_num_gpus():
    """Number of CUDA devices this process can use (0 without any, or in a CPU-only
    build)."""
    return swigfaiss.get_num_gpus()


def index_cpu_to_gpu_multiple_py(resources, index, co=None, gpus=None):
    """Copy index to the GPUs gpus (default: 0 .. len(resources) - 1), resources[i]
    serving gpus[i]. co: GpuMultipleClonerOptions or None. This library copies to one
    GPU at a time (no IndexShards / IndexReplicas yet): more than one GPU raises."""
    _require_gpu_build("index_cpu_to_gpu_multiple_py")
    resources = list(resources)
    gpus = list(range(len(resources)) if gpus is None else gpus)
    if len(gpus) != len(resources):
        raise ValueError(f"{len(resources)} resources for {len(gpus)} GPUs")
    vres = swigfaiss.GpuResourcesVector()
    vdev = swigfaiss.Int32Vector()
    for res, gpu in zip(resources, gpus):
        vres.push_back(res)
        vdev.push_back(check.integer(gpu, "gpu"))
    return swigfaiss.index_cpu_to_gpu_multiple(vres, vdev, index, co)


def index_cpu_to_gpus_list(index, co=None, gpus=None, ngpu=-1):
    """Copy index to the GPUs listed in gpus, or to the first ngpu GPUs, or (neither
    given) to all of them; one StandardGpuResources is made per GPU."""
    _require_gpu_build("index_cpu_to_gpus_list")
    if gpus is None:
        gpus = range(get_num_gpus() if ngpu == -1 else ngpu)
    gpus = list(gpus)
    if not gpus:
        raise RuntimeError(f"faiss.index_cpu_to_gpus_list: no GPU to copy to "
                           f"(faiss.get_num_gpus() is {get_num_gpus()})")
    resources = [swigfaiss.StandardGpuResources() for _ in gpus]
    return index_cpu_to_gpu_multiple_py(resources, index, co, gpus)


def index_cpu_to_all_gpus(index, co=None, ngpu=-1):
    """Copy index to every GPU (or the first ngpu). See index_cpu_to_gpus_list."""
    _require_gpu_build("index_cpu_to_all_gpus")
    return index_cpu_to_gpus_list(index, co=co, gpus=None, ngpu=ngpu)


def _distance_input(x, name):
    """A 2-D float32 / float16 array as (array, row_major, DistanceDataType): C- or
    Fortran-ordered arrays are passed as they are (a Fortran one as its transpose, with
    row_major False), anything else is made C-contiguous float32."""
    x = check.as_array(x, name)
    if x.ndim != 2:
        raise ValueError(f"{name} must have shape (n, d), got shape {x.shape}")
    if x.dtype == np.float16:
        kind = swigfaiss.DistanceDataType_F16
    elif x.dtype == np.float32:
        kind = swigfaiss.DistanceDataType_F32
    elif x.dtype.kind in "fiub":
        return np.ascontiguousarray(x, dtype=np.float32), True, swigfaiss.DistanceDataType_F32
    else:
        raise TypeError(f"{name} must hold float32 or float16 values, got dtype {x.dtype}")
    if x.flags.c_contiguous:
        return x, True, kind
    if x.flags.f_contiguous:
        return x.T, False, kind
    return np.ascontiguousarray(x), True, kind


def knn_gpu(res, xq, xb, k, D=None, I=None, metric=swigfaiss.METRIC_L2, device=-1,
            use_cuvs=False, vectorsMemoryLimit=0, queriesMemoryLimit=0):
    """Exact k nearest neighbours of the queries xq (nq, d) among xb (nb, d) on one GPU,
    without an index (bfKnn). res: StandardGpuResources. xq, xb: float32 or float16
    arrays, row- or column-major. Returns D (nq, k) float32 and I (nq, k) int64 (or the
    int32 I given), as index.search. device -1: the current CUDA device.
    vectorsMemoryLimit / queriesMemoryLimit (bytes, 0 = automatic) cap the device memory
    given to a piece of xb / xq (bfKnn_tiling); by default the library tiles by its
    temporary-memory budget. use_cuvs must be False (this library has no cuVS path)."""
    _require_gpu_build("knn_gpu")
    xq, xq_row_major, xq_type = _distance_input(xq, "xq")
    xb, xb_row_major, xb_type = _distance_input(xb, "xb")
    nq, d = xq.shape if xq_row_major else xq.shape[::-1]
    nb, d2 = xb.shape if xb_row_major else xb.shape[::-1]
    if d2 != d:
        raise ValueError(f"xb must have shape (nb, {d}) like xq, got (nb, {d2})")
    k = check.positive_int(k, "k")
    if use_cuvs:
        raise RuntimeError("faiss.knn_gpu: use_cuvs=True is not supported: this library "
                           "has no cuVS path")
    D = check.output(D, (nq, k), np.float32, "D")
    if I is not None and isinstance(I, np.ndarray) and I.dtype == np.int32:
        I = check.output(I, (nq, k), np.int32, "I")
        indices_type = swigfaiss.IndicesDataType_I32
    else:
        I = check.output(I, (nq, k), np.int64, "I")
        indices_type = swigfaiss.IndicesDataType_I64

    args = swigfaiss.GpuDistanceParams()
    args.metric = metric
    args.k = k
    args.dims = d
    args.vectors = swig_ptr(xb)
    args.vectorsRowMajor = xb_row_major
    args.vectorType = xb_type
    args.numVectors = nb
    args.queries = swig_ptr(xq)
    args.queriesRowMajor = xq_row_major
    args.queryType = xq_type
    args.numQueries = nq
    args.outDistances = swig_ptr(D)
    args.outIndices = swig_ptr(I)
    args.outIndicesType = indices_type
    args.device = check.integer(device, "device")
    vectors_limit = check.integer(vectorsMemoryLimit, "vectorsMemoryLimit")
    queries_limit = check.integer(queriesMemoryLimit, "queriesMemoryLimit")
    if vectors_limit < 0 or queries_limit < 0:
        raise ValueError(f"memory limits must be >= 0, got {vectors_limit} and "
                         f"{queries_limit}")
    # The inputs stay referenced by this frame until the call returns, and it returns
    # once the results are in D and I (host memory): no stream synchronisation needed.
    if vectors_limit > 0 or queries_limit > 0:
        swigfaiss.bfKnn_tiling(res, args, vectors_limit, queries_limit)
    else:
        swigfaiss.bfKnn(res, args)
    return D, I
