#pragma once

// Copies of indexes between the CPU and GPUs, with Faiss's entry points:
//
//   faiss::gpu::StandardGpuResources res;
//   faiss::Index* gpu = faiss::gpu::index_cpu_to_gpu(&res, 0, cpu_index);
//   faiss::Index* back = faiss::gpu::index_gpu_to_cpu(gpu);
//
// Types that convert (anything else fails with an unsupported error naming the type):
//   IndexFlat, IndexFlatL2, IndexFlatIP (L2 or inner product)
//         <-> GpuIndexFlat, GpuIndexFlatL2, GpuIndexFlatIP (same metric; the copy back
//             is an IndexFlatL2 / IndexFlatIP)
//   IndexIVFFlat, IndexIVFScalarQuantizer (QT_8bit, QT_fp16), IndexIVFPQ (8-bit codes)
//         <-> GpuIndexIVFFlat, GpuIndexIVFScalarQuantizer, GpuIndexIVFPQ (centroids,
//             codec and lists copied as they are; the copy back has an IndexFlatL2 /
//             IndexFlatIP quantizer). Options used: indicesOptions (INDICES_64_BIT
//             only), useFloat16CoarseQuantizer, usePrecomputed, reserveVecs, verbose.
//   IndexIDMap, IndexIDMap2, IndexPreTransform around a convertible index
//         -> the same wrapper class, on the CPU, with the same ids / transform chain,
//            owning a converted copy of the inner index (own_fields set)
// A GpuIndexFlat given to index_cpu_to_gpu is copied to the requested device. A CPU
// index without any GPU part given to index_gpu_to_cpu is deep-copied (clone_index).
// The flat PQ and scalar-quantizer indexes, HNSW and refine indexes have no GPU version
// here yet.
//
// Every result is a new object owned by the caller; the source is never modified.
// Thread safety: the source index is only read, so it may be searched concurrently
// with a copy; the GPU resources object follows its own contract (GpuResources.h).
//
// As in Faiss, this header also brings in GpuIndex.h, GpuClonerOptions.h and
// clone_index.h, so code written against Faiss's include lines compiles unchanged.

#include <faiss/Index.h>
#include <faiss/clone_index.h>
#include <faiss/gpu/GpuClonerOptions.h>
#include <faiss/gpu/GpuIndex.h>
#include <faiss/gpu/GpuIndicesOptions.h>

#include <vector>

namespace faiss {
namespace gpu {

/// A copy of gpu_index with every GPU index inside it replaced by its CPU version.
/// @throws FaissException: invalid_argument for null; unsupported for a type that
/// neither converts nor clones; cuda_error if reading device memory fails.
faiss::Index* index_gpu_to_cpu(const faiss::Index* gpu_index);

/// A copy of index on GPU `device` (0 <= device < number of CUDA devices), using the
/// memory, streams and handles of provider (its resources are shared by the new index
/// and outlive the provider object). options: null for the defaults (see
/// GpuClonerOptions for the fields that matter).
/// @throws FaissException: invalid_argument for a null provider or index or a bad
/// device number; unsupported for a type without a GPU version, naming the type;
/// cuda_error when no CUDA device is present or the runtime fails; out_of_memory when
/// the device cannot hold the vectors.
faiss::Index* index_cpu_to_gpu(GpuResourcesProvider* provider, int device,
                               const faiss::Index* index,
                               const GpuClonerOptions* options = nullptr);

/// A copy of index on the GPUs devices[i], each with resources provider[i] (equal,
/// non-zero sizes). This library has no IndexShards / IndexReplicas yet, so exactly one
/// device is supported (the result is then index_cpu_to_gpu's); more fail with an
/// unsupported error. options: null for the defaults.
/// @throws FaissException: as index_cpu_to_gpu, plus invalid_argument for mismatched
/// or empty lists.
faiss::Index* index_cpu_to_gpu_multiple(std::vector<GpuResourcesProvider*>& provider,
                                        std::vector<int>& devices, const faiss::Index* index,
                                        const GpuMultipleClonerOptions* options = nullptr);

}  // namespace gpu
}  // namespace faiss
