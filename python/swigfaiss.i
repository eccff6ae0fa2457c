// SWIG interface of the library: generates the module faiss.swigfaiss (swigfaiss.py and
// _swigfaiss.so). The Python package (python/faiss/) imports it and adds the numpy-facing
// methods (class_wrappers.py) on top of the raw pointer API wrapped here.
//
// Layout:
//   swig/runtime.i     GIL release and C++ exception translation for every call
//   swig/arrays.i      swig_ptr / rev_swig_ptr, std::vector proxies (Float32Vector ...)
//   swig/indexes.i     Index, SearchParameters, selectors, flat and id-map indexes,
//                      polymorphic return of Index pointers
//   swig/clustering.i  ClusteringParameters, Clustering, Clustering1D, and the
//                      quantizers holding them (ProductQuantizer, IndexPQ)
//   swig/utils.i       distances, random, fp16/bf16, SIMD level, OpenMP threads,
//                      the 16-bit input entry points of python_support.h
//   swig/index_io.i    write_index / read_index, IOReader / IOWriter, clone_index
//   swig/autotune.i    index_factory, reverse_index_factory, ParameterSpace
//   swig/progress.i    set_progress_callback: progress reports to a Python callable
//   swig/gpu.i         the CUDA backend, with -DGPU_WRAPPER (FAISS_ENABLE_GPU=ON) only;
//                      get_num_gpus() exists in every build (0 without the backend)
//
// Adding an index type: %include its header in swig/indexes.i (one line); the Python
// package attaches the numpy methods to every Index subclass it finds.

%module(package = "faiss", directors = "0") swigfaiss

%begin %{
// Accept numpy integers (and other objects with __index__) wherever C++ takes an
// integer, e.g. index.reconstruct_c(I[0, 0], ...) or faiss.IndexFlatL2(x.shape[1]).
#define SWIG_PYTHON_CAST_MODE
%}

#pragma SWIG nowarn=302,312,314,315,325,362,389,401,503,509,516

%{
#define SWIG_FILE_WITH_INIT
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

#include <faiss/Clustering.h>
#include <faiss/FaissException.h>
#include <faiss/IDSelector.h>
#include <faiss/Index.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexFlatCodes.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexPQ.h>
#include <faiss/PolysemousTraining.h>
#include <faiss/MetricType.h>
#include <faiss/RangeSearchResult.h>
#include <faiss/quantizers/ProductQuantizer.h>
#include <faiss/simd/simd_level.h>
#include <faiss/utils/distances.h>
#include <faiss/utils/fp16.h>
#include <faiss/utils/random.h>
#include <faiss/utils/utils.h>

#include "swig/python_support.h"

#include <omp.h>
%}

%init %{
    // numpy's C API table; import_array returns NULL from module init on failure.
    import_array();
%}

%include <stdint.i>
%include <typemaps.i>

%include "swig/runtime.i"
%include "swig/arrays.i"
%include "swig/indexes.i"
%include "swig/clustering.i"
%include "swig/utils.i"
%include "swig/index_io.i"
%include "swig/autotune.i"
%include "swig/progress.i"

#ifdef GPU_WRAPPER
%include "swig/gpu.i"
%{
#include <faiss/gpu/utils/DeviceUtils.h>
%}
%inline %{
/// Number of CUDA devices this process can use (0 when there is none).
int get_num_gpus() { return faiss::gpu::getNumDevices(); }
/// Block until every CUDA device is idle.
void gpu_sync_all_devices() { faiss::gpu::synchronizeAllDevices(); }
%}
#else
%inline %{
/// Number of CUDA devices this process can use: always 0, this build has no GPU backend.
int get_num_gpus() { return 0; }
/// Nothing to wait for: this build has no GPU backend (as faiss-cpu).
void gpu_sync_all_devices() {}
%}
#endif
