#pragma once

// Fused "GEMM + selection" kernels of the exact search engine. Private: never installed.
//
// The engine packs groups of MR queries (k-major: qpack[(g * d + k) * MR + r]) and a
// block of database vectors in panels of NR (panel p: bpack[(p * d + k) * NR + c]).
// The kernel computes each MR x NR tile of dot products in registers (panel-major, so
// a database panel stays in L1 while the query groups stream from L2), turns it into
// scores
//     score = qbias[r] + bbias[c] + alpha * <q_r, b_c>,  raised to `floor` if below
// (L2: alpha = -2, biases = squared norms, floor = 0; inner product: alpha = -1,
// biases 0, floor = -inf) and only calls `offer` for a row that holds a score below
// thresholds[row]. A NaN bias therefore removes a column (padding, filtered-out id) and
// a -inf threshold removes a row, at no cost in the inner loop. `offer` may lower
// thresholds[row]; the kernel rereads it for every tile.
//
// Large d is cut into chunks (d then counts the components of the chunk): the tile
// sums are carried over in `partial` between chunks, and only the last chunk scores.

#include <cstddef>
#include <cstdint>

namespace faiss::internal {

struct FusedScanArgs {
    const float* qpack;  ///< ngroups x d x MR, k-major within a group
    const float* qbias;  ///< ngroups x MR
    const float* bpack;  ///< npanels x d x NR
    const float* bbias;  ///< npanels x NR
    size_t d;            ///< components in this chunk
    size_t ngroups;
    size_t npanels;
    float alpha;
    float floor;
    float* thresholds;  ///< ngroups x MR; a row is offered when a score is below
    /// Receives the NR scores of query row r (counted over all groups) of panel p.
    void (*offer)(void* ctx, size_t r, const float* scores, size_t panel);
    void* ctx;
    /// npanels x ngroups tiles of MR x NR running sums, used when d is chunked.
    float* partial;
    bool first_chunk;  ///< start the sums from zero (else from partial)
    bool last_chunk;   ///< score and offer (else store the sums in partial)
};

/// The transposed variant, for few queries against many long vectors: the database
/// rows are broadcast straight from their row-major storage (no packing, so the
/// database streams from memory once while the FMAs run) and the queries are packed in
/// panels of NR (qpack[(p * d + k) * NR + c]), optionally followed by one narrow panel
/// of NR / 2 (the tail of the queries, to waste fewer lanes). Rows past nb reuse the
/// last row and are dropped through a NaN bias.
struct FusedRowScanArgs {
    const float* xb;     ///< nb x d database rows of the block
    const float* bbias;  ///< nb
    size_t nb;
    const float* qpack;  ///< npanels x d x NR, then the narrow panel (d x NR / 2)
    const float* qbias;  ///< per query column
    size_t d;
    size_t npanels;    ///< full panels
    bool narrow_tail;  ///< a narrow panel follows the full ones
    float alpha;
    float floor;
    float* thresholds;  ///< per query column; reread after every offer
    /// Receives one candidate: query column q, database row j of the block.
    void (*offer)(void* ctx, size_t q, float score, size_t j);
    void* ctx;
};

/// Nearest database vector of each query (top-1), for many queries against a small
/// packed database block (k-means assignment, coarse quantization): MR query rows are
/// broadcast from their row-major storage against every panel of NR packed database
/// vectors (panel p: bpack[(p * d + k) * NR + c]); the running minimum per lane stays in
/// L1 and is reduced once per query and block. Scores as in FusedScanArgs; a score
/// replaces best[i] only when strictly below it, so ties keep the smaller id and NaN
/// never enters.
struct FusedNearestArgs {
    const float* xq;     ///< nq x d query rows
    const float* qbias;  ///< nq, or null for zeros
    size_t nq;
    const float* bpack;  ///< npanels x d x NR
    const float* bbias;  ///< npanels x NR
    size_t d;
    size_t npanels;
    float alpha;
    float floor;
    int64_t id0;       ///< id of column 0 of the block
    float* best;       ///< nq, in/out: best score so far (+inf before the first block)
    int64_t* best_id;  ///< nq, in/out: its id (-1 before the first block)
};

/// One ISA's kernels; mr == 0 means none at this level (the engine uses sgemm and the
/// distance kernels of faiss/utils/distances.h).
struct FusedScanKernels {
    size_t mr;
    size_t nr;
    void (*scan)(const FusedScanArgs& args);
    void (*scan_rows)(const FusedRowScanArgs& args);
    /// Direct path for very few queries: out[q * nb + j] = ||xq_q - xb_j||^2, or
    /// -<xq_q, xb_j> with inner_product, database rows visited in address order.
    void (*rows_scores)(const float* xq, size_t nq, const float* xb, size_t nb, size_t d,
                        bool inner_product, float* out);
    /// Top-1 of every query against one database block (see FusedNearestArgs).
    void (*nearest)(const FusedNearestArgs& args);
};

}  // namespace faiss::internal

namespace faiss::simd::avx2 {
extern const internal::FusedScanKernels fused_scan_kernels;
}
namespace faiss::simd::avx512 {
extern const internal::FusedScanKernels fused_scan_kernels;
}
