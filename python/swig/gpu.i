// The CUDA backend (gpu/, namespace faiss::gpu), wrapped only when the library is built
// with FAISS_ENABLE_GPU=ON (SWIG then runs with -DGPU_WRAPPER): StandardGpuResources,
// GpuIndexFlat / GpuIndexFlatL2 / GpuIndexFlatIP with GpuIndexFlatConfig, the IVF
// indexes (GpuIndexIVF, GpuIndexIVFFlat, GpuIndexIVFScalarQuantizer, GpuIndexIVFPQ with
// their configs), train_clustering (k-means with the points on the device: pass x as
// faiss.swig_ptr of a C-contiguous float32 array), bfKnn with
// GpuDistanceParams, the cloner (index_cpu_to_gpu ...) and its options, get_num_gpus.
// The numpy methods of the GPU indexes come from the Index wrappers of
// faiss/class_wrappers.py (they are Index subclasses); knn_gpu and
// index_cpu_to_all_gpus are Python helpers in faiss/gpu_wrappers.py.
//
// Indexes returned by the cloner are owned by Python and seen as their most derived
// class (GpuIndexFlatL2 ...) through the Index* out-typemap of swig/indexes.i. A GPU
// index keeps its resources alive by itself (shared ownership in C++), so dropping the
// Python StandardGpuResources object early is safe.

%{
#include <faiss/gpu/GpuCloner.h>
#include <faiss/gpu/GpuClustering.h>
#include <faiss/gpu/GpuClonerOptions.h>
#include <faiss/gpu/GpuDistance.h>
#include <faiss/gpu/GpuIndex.h>
#include <faiss/gpu/GpuIndexFlat.h>
#include <faiss/gpu/GpuIndexIVF.h>
#include <faiss/gpu/GpuIndexIVFFlat.h>
#include <faiss/gpu/GpuIndexIVFPQ.h>
#include <faiss/gpu/GpuIndexIVFScalarQuantizer.h>
#include <faiss/gpu/GpuIndicesOptions.h>
#include <faiss/gpu/GpuResources.h>
#include <faiss/gpu/StandardGpuResources.h>
%}

// C++-only plumbing: shared_ptr handles, locks, raw allocation records.
%ignore faiss::gpu::GpuResourcesProvider::getResources;
%ignore faiss::gpu::StandardGpuResources::getResources;
%ignore faiss::gpu::GpuResourcesProviderFromInstance;
%ignore faiss::gpu::GpuIndex::getResources;
%ignore faiss::gpu::GpuResources::lockDevice;
%ignore faiss::gpu::GpuResources::allocMemoryHandle;
%ignore faiss::gpu::GpuMemoryReservation;
%ignore faiss::gpu::StandardGpuResources::getMemoryInfo;
%ignore faiss::gpu::StandardGpuResourcesImpl::getMemoryInfo;
// The constructors taking a std::shared_ptr<GpuResources> (Python passes a provider),
// with and without their defaulted config argument.
%define FAISS_PY_IGNORE_SHARED_CTOR(Class, ...)
%ignore faiss::gpu::Class::Class(std::shared_ptr<GpuResources>, __VA_ARGS__, GpuIndexFlatConfig);
%ignore faiss::gpu::Class::Class(std::shared_ptr<GpuResources>, __VA_ARGS__);
%enddef
FAISS_PY_IGNORE_SHARED_CTOR(GpuIndexFlat, const faiss::IndexFlat*)
FAISS_PY_IGNORE_SHARED_CTOR(GpuIndexFlat, int, faiss::MetricType)
FAISS_PY_IGNORE_SHARED_CTOR(GpuIndexFlatL2, faiss::IndexFlatL2*)
FAISS_PY_IGNORE_SHARED_CTOR(GpuIndexFlatL2, int)
FAISS_PY_IGNORE_SHARED_CTOR(GpuIndexFlatIP, faiss::IndexFlatIP*)
FAISS_PY_IGNORE_SHARED_CTOR(GpuIndexFlatIP, int)

%newobject faiss::gpu::index_cpu_to_gpu;
%newobject faiss::gpu::index_gpu_to_cpu;
%newobject faiss::gpu::index_cpu_to_gpu_multiple;

%template(GpuResourcesVector) std::vector<faiss::gpu::GpuResourcesProvider*>;

%include <faiss/gpu/GpuIndicesOptions.h>
%include <faiss/gpu/GpuResources.h>
%include <faiss/gpu/StandardGpuResources.h>
%include <faiss/gpu/GpuIndex.h>
%include <faiss/gpu/GpuIndexFlat.h>
%include <faiss/gpu/GpuIndexIVF.h>
%include <faiss/gpu/GpuIndexIVFFlat.h>
%include <faiss/gpu/GpuIndexIVFScalarQuantizer.h>
%include <faiss/gpu/GpuIndexIVFPQ.h>
%include <faiss/gpu/GpuDistance.h>
%include <faiss/gpu/GpuClonerOptions.h>
%include <faiss/gpu/GpuCloner.h>
%include <faiss/gpu/GpuClustering.h>
