#pragma once

// Launchers of the inverted-file kernels (gpu/kernels/IVFScanKernels.cu): the list scan
// of GpuIndexIVFFlat / GpuIndexIVFScalarQuantizer / GpuIndexIVFPQ and the small kernels
// around it. Every launcher queues its kernel on `stream` and throws FaissException
// (cuda_error) if the launch fails. Private.
//
// The scan writes, for each query row r and each of its nprobe probed lists p, the
// scores of the list's entries to out[r * out_ld + offsets[r * nprobe + p] + j]
// (j < length of the list): offsets are per-row prefix sums of the probed lists' lengths.
// A score is the negated distance for L2 and the inner product otherwise, so the
// k-selection of Kernels.h (run with l2 = false, key = -score) keeps the best entries.

#include <cuda_runtime.h>

#include <cstdint>

namespace faiss::gpu::kernels {

/// How the entries of the lists are encoded.
enum class IvfCodec {
    flat,  ///< d float32 (IndexIVFFlat)
    sq8,   ///< d bytes, per-dimension range (ScalarQuantizer QT_8bit)
    fp16,  ///< d IEEE halves (ScalarQuantizer QT_fp16)
    pq8,   ///< M bytes, 8-bit product-quantizer codes (IndexIVFPQ, nbits = 8)
};

/// Everything the scan reads; all pointers are device memory.
struct IvfScanArgs {
    IvfCodec codec = IvfCodec::flat;
    bool l2 = true;            ///< METRIC_L2 (else inner product)
    bool by_residual = false;  ///< entries encode x - centroid[list]
    int d = 0;
    int nprobe = 0;
    int rows = 0;                             ///< query rows of this launch
    const float* queries = nullptr;           ///< rows x d
    const int64_t* probes = nullptr;          ///< rows x nprobe list numbers (-1: skip)
    const int64_t* offsets = nullptr;         ///< rows x nprobe output offsets
    const void* const* list_codes = nullptr;  ///< nlist pointers
    const int* list_lengths = nullptr;        ///< nlist
    const float* centroids = nullptr;         ///< nlist x d (by_residual only)
    const float* sq_trained = nullptr;        ///< vmin[d], vdiff[d] (sq8)
    const float* pq_centroids = nullptr;      ///< M x 256 x dsub (pq8)
    int M = 0;                                ///< sub-quantizers (pq8)
    float* out = nullptr;                     ///< rows x out_ld scores
    int64_t out_ld = 0;
};

/// The probed list that holds candidate position pos of a row whose nprobe lists start
/// at offsets[0 .. nprobe) (non-decreasing, offsets[0] = 0, pos below the row's total):
/// the smallest p < nprobe - 1 with offsets[p + 1] > pos, else nprobe - 1. Such a p
/// always has a non-empty list (offsets[p] <= pos < offsets[p + 1]), so probes that
/// were skipped (list -1, length 0) are never returned. Shared by the result mapping
/// kernel and host tests.
__host__ __device__ inline int ivf_probe_of(const int64_t* offsets, int nprobe, int64_t pos) {
    int lo = 0, hi = nprobe - 1;
    while (lo < hi) {
        const int mid = (lo + hi) / 2;
        if (offsets[mid + 1] > pos) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return lo;
}

/// Largest d the flat / SQ scan keeps in shared memory (a larger d is refused by the
/// indexes before any launch).
constexpr int kIvfMaxDim = 8192;

/// Shared memory the PQ scan needs per block (bytes), for the host-side check.
size_t ivf_pq_shared_bytes(int d, int M);

/// Scores of every entry of every probed list (see the file comment).
void ivf_scan(const IvfScanArgs& a, cudaStream_t stream);

/// out[r * ld + j] = -inf for totals[r] <= j < ld, r < rows (the padding the
/// selection never takes).
void ivf_pad_rows(float* out, int64_t ld, const int64_t* totals, int rows, cudaStream_t stream);

/// Turns selected positions into ids: for r < rows, j < k, pos = positions[r * k + j]:
/// -1 stays -1 (distance +inf for L2, -inf otherwise); else the probed list p holding
/// pos (the smallest p whose next offset, offsets[r * nprobe + p + 1], is above pos;
/// the last p otherwise) gives labels = list_ids[probes[r * nprobe + p]][pos - offset]. scores
/// (rows x k, from the selection's finalize, i.e. the scan's scores) become distances: negated for
/// L2.
void ivf_map_results(const int64_t* positions, const float* scores, int rows, int k, int nprobe,
                     const int64_t* probes, const int64_t* offsets, const int64_t* const* list_ids,
                     bool l2, float* distances, int64_t* labels, cudaStream_t stream);

}  // namespace faiss::gpu::kernels
