#pragma once

// Options of index_cpu_to_gpu / index_cpu_to_gpu_multiple (<faiss/gpu/GpuCloner.h>),
// with Faiss's names, types and defaults, so option-setting code written for Faiss
// compiles and runs unchanged. Which fields have an effect depends on the index types
// this library has on the GPU (today the flat ones, see GpuCloner.h); each field says.
//
// Thread safety: plain data; read by the cloner, never modified by it.

#include <faiss/gpu/GpuIndicesOptions.h>

namespace faiss {
namespace gpu {

/// How to copy a CPU index to one GPU.
struct GpuClonerOptions {
    /// Storage of ids of the GPU IVF indexes: only INDICES_64_BIT is supported (the
    /// copy of an IVF index fails with unsupported otherwise); GpuIndexFlat stores none.
    IndicesOptions indicesOptions = INDICES_64_BIT;

    /// Float16 coarse quantizer of a GPU IVF index (GpuIndexIVFConfig::flatConfig).
    bool useFloat16CoarseQuantizer = false;

    /// Store the vectors of a GpuIndexFlat as float16 (GpuIndexFlatConfig::useFloat16):
    /// half the device memory, distances computed from the rounded vectors.
    bool useFloat16 = false;

    /// Precomputed tables of a GPU IVFPQ index (GpuIndexIVFPQConfig::usePrecomputedTables,
    /// recorded; the GPU scan builds its tables on the fly either way).
    bool usePrecomputed = false;

    /// Vectors to reserve in the device inverted lists of a GPU IVF copy.
    long reserveVecs = 0;

    /// GpuIndexFlat only (GpuIndexFlatConfig::storeTransposed, deprecated in Faiss):
    /// must stay false, GpuIndexFlat refuses true.
    bool storeTransposed = false;

    /// Copied to the verbose field of every GPU index made.
    bool verbose = false;

    /// Dispatch to NVIDIA cuVS (GpuIndexConfig::use_cuvs). This library has no cuVS
    /// path: must stay false, GPU indexes refuse true.
    bool use_cuvs = false;

    /// Let the coarse quantizer of an IVF index stay on the CPU when it has no GPU
    /// version. The GPU IVF copies always hold the centroids in a GPU flat quantizer
    /// (read from any CPU quantizer with reconstruct): no effect.
    bool allowCpuCoarseQuantizer = false;
};

/// How to copy a CPU index to several GPUs.
struct GpuMultipleClonerOptions : public GpuClonerOptions {
    /// Split the vectors across the GPUs (true) rather than replicate the whole index on
    /// each (false). Copying to more than one GPU is not supported yet (this library has
    /// no IndexShards / IndexReplicas), so only one device may be given: no effect.
    bool shard = false;

    /// How an IVF index is split when sharding (Faiss's copy_subset_to type): no effect.
    int shard_type = 1;

    /// Shard only the inverted lists, with one common quantizer: no effect.
    bool common_ivf_quantizer = false;
};

}  // namespace gpu
}  // namespace faiss
