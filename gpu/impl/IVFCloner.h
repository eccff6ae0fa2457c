#pragma once

// The IVF part of index_cpu_to_gpu / index_gpu_to_cpu (GpuCloner.cpp): IndexIVFFlat,
// IndexIVFScalarQuantizer and IndexIVFPQ <-> their GPU versions. Types are matched
// exactly (typeid), as in the rest of the cloner. Private.

#include <faiss/Index.h>
#include <faiss/gpu/GpuClonerOptions.h>

#include <memory>

namespace faiss::gpu {
class GpuResourcesProvider;
}  // namespace faiss::gpu

namespace faiss::gpu::detail {

/// The GPU copy of a CPU IVF index, or of a GPU IVF index on another device / with
/// other options (through a CPU copy); nullptr when index is none of these types.
/// @throws FaissException as the GPU IVF constructors (unsupported codec or metric ...).
std::unique_ptr<Index> ivf_cpu_to_gpu(GpuResourcesProvider* provider, int device,
                                      const Index& index, const GpuClonerOptions& options);

/// The CPU copy of a GPU IVF index; nullptr when index is not one.
std::unique_ptr<Index> ivf_gpu_to_cpu(const Index& index);

}  // namespace faiss::gpu::detail
