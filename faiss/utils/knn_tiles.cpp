// Tile processors of the exact search engine that rely on library kernels: the
// OpenBLAS GEMM path and the direct path (see faiss/internal/topk_tiles.h).
#include <faiss/internal/blas.h>
#include <faiss/internal/topk.h>
#include <faiss/internal/topk_tiles.h>
#include <faiss/simd/dispatch.h>
#include <faiss/utils/distances.h>

#include <algorithm>

namespace faiss::internal {

namespace {

// GEMM blocks: the score buffer (query block x database block, 512 KB) stays in L2.
constexpr size_t kGemmQueryBlock = 128;
constexpr size_t kGemmDbBlock = 1024;
// Queries kept hot while the database streams past (bytes of query vectors).
constexpr size_t kQuerySuperBytes = size_t(4) << 20;
// Direct path: database chunk kept in cache while every query of the tile visits it.
constexpr size_t kDirectChunkBytes = size_t(128) << 10;
// Queries scored together against a chunk (bounds the score buffer).
constexpr size_t kDirectQueryBatch = 32;

// One query against a chunk of vectors, as "smaller is better" scores.
void direct_row(const ExactDatabase& db, const float* q, const float* yb, size_t n, float* row) {
    const size_t d = db.d;
    switch (db.metric) {
        case METRIC_L2:
            fvec_L2sqr_ny(row, q, yb, d, n);
            break;
        case METRIC_INNER_PRODUCT:
            fvec_inner_products_ny(row, q, yb, d, n);
            negate_block(row, n);
            break;
        // The other metrics use the batched kernels: one dispatch per chunk, not per row.
        case METRIC_L1:
            simd::distance_kernels().L1_ny(row, q, yb, d, n);
            break;
        case METRIC_Linf:
            simd::distance_kernels().Linf_ny(row, q, yb, d, n);
            break;
        case METRIC_Lp:
            simd::distance_kernels().Lp_ny(row, q, yb, d, n, db.metric_arg);
            break;
    }
}

}  // namespace

const float* tile_database_block(const ExactDatabase& db, size_t b0, size_t n,
                                 std::vector<float>& scratch) {
    if (db.xb) return db.xb + b0 * db.d;
    scratch.resize(n * db.d);
    db.decode_block(b0, n, scratch.data());
    return scratch.data();
}

void sgemm_tile(const TileContext& ctx, const Tile& t, ResultSink& sink) {
    const ExactDatabase& db = ctx.db;
    const size_t d = db.d;
    const bool l2 = db.metric == METRIC_L2;
    const float alpha = l2 ? -2.0f : -1.0f;
    const float beta = 0.0f;
    const int di = int(d);
    std::vector<float> scores(kGemmQueryBlock * kGemmDbBlock);
    std::vector<float> bnorms(kGemmDbBlock);
    std::vector<float> scratch;
    const size_t super = std::max(kGemmQueryBlock, kQuerySuperBytes / (d * sizeof(float)) /
                                                       kGemmQueryBlock * kGemmQueryBlock);
    for (size_t qs = t.q0; qs < t.q1; qs += super) {
        const size_t qs_end = std::min(t.q1, qs + super);
        for (size_t b0 = t.b0; b0 < t.b1; b0 += kGemmDbBlock) {
            const size_t nb = std::min(kGemmDbBlock, t.b1 - b0);
            const float* yb = tile_database_block(db, b0, nb, scratch);
            const float* bn = nullptr;
            if (l2) {
                if (db.norms) {
                    bn = db.norms + b0;
                } else {
                    fvec_norms_L2sqr(bnorms.data(), yb, d, nb);
                    bn = bnorms.data();
                }
            }
            for (size_t q0 = qs; q0 < qs_end; q0 += kGemmQueryBlock) {
                const size_t nqb = std::min(kGemmQueryBlock, qs_end - q0);
                const int m = int(nb), n = int(nqb);
                sgemm_("T", "N", &m, &n, &di, &alpha, yb, &di, ctx.xq + q0 * d, &di, &beta,
                       scores.data(), &m);
                for (size_t i = 0; i < nqb; i++) {
                    float* row = scores.data() + i * nb;
                    if (l2) l2_from_dot_block(row, nb, ctx.qnorms[q0 + i], bn);
                    if (ctx.mask) mask_block(row, nb, ctx.mask + b0);
                    sink.offer(t.part, q0 + i, row, nb, db.id_base + int64_t(b0));
                }
            }
        }
    }
}

void direct_tile(const TileContext& ctx, const Tile& t, ResultSink& sink) {
    const ExactDatabase& db = ctx.db;
    const size_t d = db.d;
    const size_t chunk =
        std::clamp<size_t>(kDirectChunkBytes / (std::max<size_t>(d, 1) * sizeof(float)), 16, 4096);
    const bool gemm_metric = db.metric == METRIC_L2 || db.metric == METRIC_INNER_PRODUCT;
    std::vector<float> rows(chunk * std::min(kDirectQueryBatch, t.q1 - t.q0));
    std::vector<float> scratch;
    for (size_t b0 = t.b0; b0 < t.b1; b0 += chunk) {
        const size_t nb = std::min(chunk, t.b1 - b0);
        const float* yb = tile_database_block(db, b0, nb, scratch);
        const int64_t id0 = db.id_base + int64_t(b0);
        for (size_t q0 = t.q0; q0 < t.q1; q0 += kDirectQueryBatch) {
            const size_t nq = std::min(kDirectQueryBatch, t.q1 - q0);
            const bool fused =
                gemm_metric && fused_rows_scores(ctx.xq + q0 * d, nq, yb, nb, d,
                                                 db.metric == METRIC_INNER_PRODUCT, rows.data());
            for (size_t i = 0; i < nq; i++) {
                float* row = rows.data() + i * nb;
                if (!fused) direct_row(db, ctx.xq + (q0 + i) * d, yb, nb, row);
                if (ctx.mask) mask_block(row, nb, ctx.mask + b0);
                sink.offer(t.part, q0 + i, row, nb, id0);
            }
        }
    }
}

}  // namespace faiss::internal
