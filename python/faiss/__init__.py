"""Vector similarity search, with the Python API of Faiss.

    import faiss
    index = faiss.IndexFlatL2(d)
    index.add(xb)
    D, I = index.search(xq, k)

The C++ classes come from the SWIG module faiss.swigfaiss; this package adds the
numpy-facing methods (class_wrappers) and module helpers (extra_wrappers, gpu_wrappers).
Every C++ call releases the GIL; C++ errors raise RuntimeError with the C++ message.
The GPU classes (StandardGpuResources, GpuIndexFlatL2 ...) exist only in a build with the
CUDA backend, as in Faiss; get_num_gpus() exists in every build.
"""

from .swigfaiss import *  # noqa: F401,F403
from . import swigfaiss
from .swigfaiss import swig_ptr, rev_swig_ptr  # noqa: F401

from . import class_wrappers
from . import io_wrappers
from .array_conversions import (  # noqa: F401
    copy_array_to_vector,
    vector_float_to_array,
    vector_to_array,
)
from .io_wrappers import (  # noqa: F401
    PyCallbackIOReader,
    PyCallbackIOWriter,
    clone_index,
    deserialize_index,
    read_index,
    read_ProductQuantizer,
    read_VectorTransform,
    serialize_index,
    write_index,
    write_ProductQuantizer,
    write_VectorTransform,
)
from . import gpu_wrappers
from .gpu_wrappers import (  # noqa: F401
    get_num_gpus,
    index_cpu_to_all_gpus,
    index_cpu_to_gpu_multiple_py,
    index_cpu_to_gpus_list,
    knn_gpu,
)
from .extra_wrappers import (  # noqa: F401
    Kmeans,
    get_compile_options,
    knn,
    lrand,
    normalize_L2,
    rand,
    randint,
    randn,
)

__version__ = swigfaiss.FAISS_VERSION_STRING

class_wrappers.install()
io_wrappers.install_pickling()

# IndexRefineSearchParameters under the SearchParameters<Kind> naming of the other indexes.
SearchParametersRefine = swigfaiss.IndexRefineSearchParameters

# Older Faiss names of the vector proxies.
FloatVector = swigfaiss.Float32Vector
DoubleVector = swigfaiss.Float64Vector
ByteVector = swigfaiss.UInt8Vector
IntVector = swigfaiss.Int32Vector
LongVector = swigfaiss.Int64Vector
Uint64Vector = swigfaiss.UInt64Vector

# Client of `faiss-cli serve` (standard library only): faiss.serve_client.connect(url).
from . import serve_client  # noqa: E402
from .serve_client import ServeClient, ServeError  # noqa: E402,F401


def __getattr__(name):
    # A GPU name in a CPU-only build: absent, as in faiss-cpu (hasattr stays False), but
    # the error says why.
    if name in gpu_wrappers.GPU_ONLY_NAMES and not gpu_wrappers.HAVE_GPU:
        raise gpu_wrappers.missing_gpu_name(name)
    raise AttributeError(f"module 'faiss' has no attribute '{name}'")
