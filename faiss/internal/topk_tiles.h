#pragma once

// Building blocks of the exact search engine (topk_search.h), shared by its source
// files. Private: never installed.
//
// A search is cut into tiles (query range x database range); one thread processes a
// tile from start to end and sends rows of "smaller is better" scores to a sink.

#include <faiss/internal/topk_search.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace faiss::internal {

/// Where score rows go: per-query top-k heaps or range hit lists. Tiles that share
/// queries write different parts, so no two threads touch the same state.
struct ResultSink {
    virtual ~ResultSink() = default;
    /// Offer row[j], id id0 + j, j < n, for query q; ids arrive in increasing order
    /// within a part.
    virtual void offer(size_t part, size_t q, const float* row, size_t n, int64_t id0) = 0;
    /// Scores at or above this can no longer enter the result of query q.
    virtual float threshold(size_t part, size_t q) const = 0;
};

struct Tile {
    size_t q0, q1, b0, b1;
    size_t part;  ///< which partial result the tile writes
};

struct TileContext {
    const ExactDatabase& db;
    const float* xq;
    const float* qnorms;  ///< ||xq_i||^2 for L2 on the GEMM paths, else null
    const uint8_t* mask;  ///< selector membership per database position, or null
};

/// Database vectors [b0, b0 + n): a pointer into db.xb, or decoded into scratch
/// (resized as needed).
const float* tile_database_block(const ExactDatabase& db, size_t b0, size_t n,
                                 std::vector<float>& scratch);

/// GEMM path with OpenBLAS: sgemm per (query block, database block), then the rows.
void sgemm_tile(const TileContext& ctx, const Tile& t, ResultSink& sink);

/// GEMM path with the fused register-blocked kernel of the current SIMD level.
/// Returns false (and does nothing) when the level has none.
bool fused_tile(const TileContext& ctx, const Tile& t, ResultSink& sink);

/// Top-1 of queries [0, nq) of ctx against the whole database with the current level's
/// fused kernel, on up to nthreads threads: best (nq scores, smaller is better; +inf when
/// no vector qualifies) and best_id (nq ids, -1 when none). ctx.qnorms is required for
/// L2. Returns false (and does nothing) when the level has no kernel, the metric is not
/// L2 or inner product, the database is empty or too large to pack whole.
bool fused_nearest(const TileContext& ctx, size_t nq, size_t nthreads, float* best,
                   int64_t* best_id);

/// True when fused_tile can run at the current SIMD level.
bool fused_kernel_available();

/// out[q * nb + j] = score of query q against row j (squared L2, or negated inner
/// product), with the current level's fused kernel; false when it has none.
bool fused_rows_scores(const float* xq, size_t nq, const float* xb, size_t nb, size_t d,
                       bool inner_product, float* out);

/// Direct path: batched distance kernels per query over database chunks.
void direct_tile(const TileContext& ctx, const Tile& t, ResultSink& sink);

}  // namespace faiss::internal
