// GEMM path with the fused kernel (faiss/internal/topk_fused.h): blocking, packing of
// query groups and database panels, column biases (norms, NaN for padding and
// filtered-out ids), and the callback that forwards candidate rows to the sink; and the
// top-1 path (fused_nearest: the database packed once, query rows read in place).
//
// Blocking: a database micro-panel (chunk of d x NR floats, about 16 KB) stays in L1
// while all query groups of the block (about 256 KB) stream from L2. d beyond about
// 4096 / NR components is cut into chunks whose partial sums are carried in memory.
#include <faiss/internal/topk_fused.h>
#include <faiss/internal/topk_tiles.h>
#include <faiss/simd/dispatch.h>
#include <faiss/utils/distances.h>

#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

namespace faiss::internal {

namespace {

constexpr size_t kPanelBytes = size_t(16) << 10;
constexpr size_t kQueryBlockBytes = size_t(256) << 10;
constexpr size_t kDbBlockBytes = size_t(512) << 10;
constexpr size_t kPartialBytes = size_t(512) << 10;
// Largest packed database (floats) kept whole across query blocks: 4 MB.
constexpr size_t kPackOnceMaxFloats = size_t(1) << 20;
// Up to this many queries per tile, the transposed kernel (no database packing) wins.
constexpr size_t kRowsModeMaxQueries = 256;
// Top-1 path: database block kept in L2 while query rows stream past it.
constexpr size_t kNearestBlockBytes = size_t(512) << 10;
// Top-1 path: query rows per task (their rows stay in L2 across database blocks).
constexpr size_t kNearestSpanRows = 128;

const FusedScanKernels& current_kernels() {
    static const FusedScanKernels none = {0, 0, nullptr, nullptr, nullptr, nullptr};
    return simd::for_current_level(none, simd::avx2::fused_scan_kernels,
                                   simd::avx512::fused_scan_kernels);
}

size_t round_up(size_t n, size_t m) {
    return (n + m - 1) / m * m;
}

struct OfferContext {
    ResultSink* sink;
    size_t part;
    size_t q0;    // first query of the block
    int64_t id0;  // id of the first vector of the database block
    size_t nb;    // vectors in the database block
    size_t nr;    // panel width
    float* thresholds;
};

void offer_row(void* c, size_t r, const float* scores, size_t panel) {
    auto* o = static_cast<OfferContext*>(c);
    const size_t j0 = panel * o->nr;
    o->sink->offer(o->part, o->q0 + r, scores, std::min(o->nr, o->nb - j0), o->id0 + int64_t(j0));
    o->thresholds[r] = o->sink->threshold(o->part, o->q0 + r);
}

// Components [k0, k0 + kc) of n rows of x (row length d) in groups of m rows,
// k-major within a group, zero rows past n: out[(g * kc + k) * m + r].
// Four rows are moved together, as 4 x 4 blocks: each source row then yields four
// contiguous floats per step and each destination step writes four contiguous floats,
// which compilers turn into vector shuffles (twice as fast as element by element).
void pack_rows(const float* x, size_t n, size_t d, size_t k0, size_t kc, size_t m, float* out) {
    for (size_t g = 0; g * m < n; g++) {
        float* dst = out + g * m * kc;
        const size_t rows = std::min(m, n - g * m);
        const size_t kc4 = kc / 4 * 4;
        size_t r = 0;
        for (; r + 4 <= rows; r += 4) {
            const float* s0 = x + (g * m + r) * d + k0;
            const float* s[4] = {s0, s0 + d, s0 + 2 * d, s0 + 3 * d};
            for (size_t k = 0; k < kc4; k += 4) {
                float t[4][4];
                for (size_t u = 0; u < 4; u++) {
                    for (size_t v = 0; v < 4; v++)
                        t[u][v] = s[v][k + u];
                }
                for (size_t u = 0; u < 4; u++)
                    std::memcpy(dst + (k + u) * m + r, t[u], sizeof(t[u]));
            }
            for (size_t k = kc4; k < kc; k++) {
                for (size_t v = 0; v < 4; v++)
                    dst[k * m + r + v] = s[v][k];
            }
        }
        for (; r < m; r++) {
            const float* src = r < rows ? x + (g * m + r) * d + k0 : nullptr;
            for (size_t k = 0; k < kc; k++)
                dst[k * m + r] = src ? src[k] : 0.0f;
        }
    }
}

// Chunking of d and block sizes for one tile.
struct Blocking {
    size_t nchunks, kc;  // kc: components per chunk (the last may have fewer)
    size_t q_block, db_block;
};

Blocking make_blocking(size_t d, size_t mr, size_t nr, size_t tile_nq) {
    Blocking b;
    const size_t kc_target = kPanelBytes / (nr * sizeof(float));
    b.nchunks = std::max<size_t>(1, (d + kc_target / 2) / kc_target);
    b.kc = (d + b.nchunks - 1) / b.nchunks;
    const size_t row_bytes = b.kc * sizeof(float);
    b.q_block =
        std::min(round_up(tile_nq, mr), std::max(mr, kQueryBlockBytes / row_bytes / mr * mr));
    b.db_block = std::max(nr, kDbBlockBytes / row_bytes / nr * nr);
    if (b.nchunks > 1) {
        const size_t partial_cols = kPartialBytes / (b.q_block * sizeof(float));
        b.db_block = std::max(nr, std::min(b.db_block, partial_cols / nr * nr));
    }
    return b;
}

// Column biases of a database block: norms (L2) or 0, NaN past nb and where filtered.
void block_biases(const TileContext& ctx, const float* yb, size_t b0, size_t nb, size_t padded,
                  float* bias) {
    const ExactDatabase& db = ctx.db;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    if (db.metric != METRIC_L2) {
        std::fill(bias, bias + nb, 0.0f);
    } else if (db.norms) {
        std::copy(db.norms + b0, db.norms + b0 + nb, bias);
    } else {
        fvec_norms_L2sqr(bias, yb, db.d, nb);
    }
    std::fill(bias + nb, bias + padded, nan);
    if (ctx.mask) {
        for (size_t j = 0; j < nb; j++) {
            if (!ctx.mask[b0 + j]) bias[j] = nan;
        }
    }
}

struct RowOfferContext {
    ResultSink* sink;
    size_t part;
    size_t q0;    // first query of the tile
    int64_t id0;  // id of the first vector of the database block
    float* thresholds;
};

void offer_one(void* c, size_t q, float score, size_t j) {
    auto* o = static_cast<RowOfferContext*>(c);
    o->sink->offer(o->part, o->q0 + q, &score, 1, o->id0 + int64_t(j));
    o->thresholds[q] = o->sink->threshold(o->part, o->q0 + q);
}

// Few queries: the database rows are read in place (see FusedRowScanArgs).
void fused_rows_tile(const FusedScanKernels& kernels, const TileContext& ctx, const Tile& t,
                     ResultSink& sink) {
    const ExactDatabase& db = ctx.db;
    const size_t d = db.d, nr = kernels.nr, nq = t.q1 - t.q0;
    // Full panels of nr queries; a remainder of at most nr / 2 gets a narrow panel.
    size_t nfull = nq / nr;
    const size_t rest = nq - nfull * nr;
    const bool narrow = rest > 0 && rest <= nr / 2;
    if (rest > 0 && !narrow) nfull++;
    const size_t nq_pad = nfull * nr + (narrow ? nr / 2 : 0);
    const bool l2 = db.metric == METRIC_L2;
    const float inf = std::numeric_limits<float>::infinity();
    const size_t db_block = std::max<size_t>(64, kDbBlockBytes / (d * sizeof(float)));

    std::vector<float> qpack(nq_pad * d), qbias(nq_pad), thresholds(nq_pad);
    std::vector<float> bbias(std::min(db_block, t.b1 - t.b0)), scratch;
    const float* xq = ctx.xq + t.q0 * d;
    const size_t in_full = std::min(nq, nfull * nr);
    pack_rows(xq, in_full, d, 0, d, nr, qpack.data());
    if (narrow)
        pack_rows(xq + in_full * d, nq - in_full, d, 0, d, nr / 2, qpack.data() + nfull * nr * d);
    for (size_t i = 0; i < nq_pad; i++)
        qbias[i] = l2 && i < nq ? ctx.qnorms[t.q0 + i] : 0.0f;

    RowOfferContext oc{&sink, t.part, t.q0, 0, thresholds.data()};
    FusedRowScanArgs args{};
    args.bbias = bbias.data();
    args.qpack = qpack.data();
    args.qbias = qbias.data();
    args.d = d;
    args.npanels = nfull;
    args.narrow_tail = narrow;
    args.alpha = l2 ? -2.0f : -1.0f;
    args.floor = l2 ? 0.0f : -inf;
    args.thresholds = thresholds.data();
    args.offer = offer_one;
    args.ctx = &oc;
    for (size_t b0 = t.b0; b0 < t.b1; b0 += db_block) {
        const size_t nb = std::min(db_block, t.b1 - b0);
        const float* yb = tile_database_block(db, b0, nb, scratch);
        block_biases(ctx, yb, b0, nb, nb, bbias.data());
        for (size_t i = 0; i < nq_pad; i++) {
            thresholds[i] = i < nq ? sink.threshold(t.part, t.q0 + i) : -inf;
        }
        oc.id0 = db.id_base + int64_t(b0);
        args.xb = yb;
        args.nb = nb;
        kernels.scan_rows(args);
    }
}

// Queries [qs, qs + nq) packed chunk by chunk (chunk c at qpack + nq_pad * k0), with
// their biases.
void pack_query_block(const TileContext& ctx, const Blocking& bk, size_t mr, size_t qs, size_t nq,
                      float* qpack, float* qbias) {
    const size_t d = ctx.db.d, nq_pad = round_up(nq, mr);
    for (size_t k0 = 0; k0 < d; k0 += bk.kc) {
        pack_rows(ctx.xq + qs * d, nq, d, k0, std::min(bk.kc, d - k0), mr, qpack + nq_pad * k0);
    }
    const bool l2 = ctx.db.metric == METRIC_L2;
    for (size_t i = 0; i < nq_pad; i++)
        qbias[i] = l2 && i < nq ? ctx.qnorms[qs + i] : 0.0f;
}

// Many queries: query groups and database panels both packed (see FusedScanArgs).
void fused_packed_tile(const FusedScanKernels& kernels, const TileContext& ctx, const Tile& t,
                       ResultSink& sink) {
    const ExactDatabase& db = ctx.db;
    const size_t d = db.d, mr = kernels.mr, nr = kernels.nr;
    const bool l2 = db.metric == METRIC_L2;
    const float inf = std::numeric_limits<float>::infinity();
    const Blocking bk = make_blocking(d, mr, nr, t.q1 - t.q0);
    const size_t db_pad = std::min(bk.db_block, round_up(t.b1 - t.b0, nr));
    // A small database (k-means centroids, a coarse quantizer) is packed once for all
    // query blocks, every block and chunk of d kept; a larger one block by block.
    const size_t all_pad = round_up(t.b1 - t.b0, nr);
    const bool pack_once = all_pad * d <= kPackOnceMaxFloats;

    std::vector<float> qpack(bk.q_block * d), qbias(bk.q_block), thresholds(bk.q_block);
    std::vector<float> bpack(pack_once ? all_pad * d : db_pad * bk.kc);
    std::vector<float> bbias(pack_once ? all_pad : db_pad), scratch;
    std::vector<float> partial(bk.nchunks > 1 ? bk.q_block * db_pad : 0);

    OfferContext oc{&sink, t.part, 0, 0, 0, nr, thresholds.data()};
    FusedScanArgs args{};
    args.alpha = l2 ? -2.0f : -1.0f;
    args.floor = l2 ? 0.0f : -inf;
    args.qbias = qbias.data();
    args.thresholds = thresholds.data();
    args.offer = offer_row;
    args.ctx = &oc;
    args.partial = partial.empty() ? nullptr : partial.data();

    for (size_t qs = t.q0; qs < t.q1; qs += bk.q_block) {
        const size_t nq = std::min(bk.q_block, t.q1 - qs), nq_pad = round_up(nq, mr);
        pack_query_block(ctx, bk, mr, qs, nq, qpack.data(), qbias.data());
        oc.q0 = qs;
        args.ngroups = nq_pad / mr;
        const bool reuse = pack_once && qs > t.q0;
        for (size_t b0 = t.b0; b0 < t.b1; b0 += bk.db_block) {
            const size_t nb = std::min(bk.db_block, t.b1 - b0), nb_pad = round_up(nb, nr);
            // Blocks before this one hold db_block (a multiple of nr) rows each.
            float* bias = bbias.data() + (pack_once ? b0 - t.b0 : 0);
            float* block_pack = bpack.data() + (pack_once ? (b0 - t.b0) * d : 0);
            const float* yb = reuse ? nullptr : tile_database_block(db, b0, nb, scratch);
            if (!reuse) block_biases(ctx, yb, b0, nb, nb_pad, bias);
            for (size_t i = 0; i < nq_pad; i++) {
                thresholds[i] = i < nq ? sink.threshold(t.part, qs + i) : -inf;
            }
            oc.id0 = db.id_base + int64_t(b0);
            oc.nb = nb;
            args.bbias = bias;
            args.npanels = nb_pad / nr;
            for (size_t k0 = 0; k0 < d; k0 += bk.kc) {
                const size_t kc = std::min(bk.kc, d - k0);
                float* bp = block_pack + (pack_once ? nb_pad * k0 : 0);
                if (!reuse) pack_rows(yb, nb, d, k0, kc, nr, bp);
                args.bpack = bp;
                args.d = kc;
                args.qpack = qpack.data() + nq_pad * k0;
                args.first_chunk = k0 == 0;
                args.last_chunk = k0 + kc >= d;
                kernels.scan(args);
            }
        }
    }
}

// Queries [q0, q1) against every block of the packed database (top-1 path).
void nearest_span(const FusedScanKernels& kernels, const TileContext& ctx, const float* bpack,
                  const float* bbias, size_t block, size_t q0, size_t q1, float* best,
                  int64_t* best_id) {
    const ExactDatabase& db = ctx.db;
    const size_t d = db.d, nr = kernels.nr;
    const bool l2 = db.metric == METRIC_L2;
    FusedNearestArgs args{};
    args.xq = ctx.xq + q0 * d;
    args.qbias = l2 ? ctx.qnorms + q0 : nullptr;
    args.nq = q1 - q0;
    args.d = d;
    args.alpha = l2 ? -2.0f : -1.0f;
    args.floor = l2 ? 0.0f : -std::numeric_limits<float>::infinity();
    args.best = best + q0;
    args.best_id = best_id + q0;
    for (size_t b0 = 0; b0 < db.nb; b0 += block) {
        const size_t nb = std::min(block, db.nb - b0);
        args.bpack = bpack + b0 * d;
        args.bbias = bbias + b0;
        args.npanels = round_up(nb, nr) / nr;
        args.id0 = db.id_base + int64_t(b0);
        kernels.nearest(args);
    }
}

}  // namespace

bool fused_nearest(const TileContext& ctx, size_t nq, size_t nthreads, float* best,
                   int64_t* best_id) {
    const FusedScanKernels& kernels = current_kernels();
    const ExactDatabase& db = ctx.db;
    if (kernels.mr == 0 || db.nb == 0) return false;
    if (db.metric != METRIC_L2 && db.metric != METRIC_INNER_PRODUCT) return false;
    const size_t d = db.d, nr = kernels.nr, mr = kernels.mr;
    const size_t all_pad = round_up(db.nb, nr);
    // Larger databases: the packing and the L2 misses cost what the heap path loses
    // (measured 1.0-1.1x of it at nb = 16k-64k, d = 64-384).
    if (all_pad * d > kPackOnceMaxFloats) return false;
    // Blocks hold a multiple of nr vectors, so block b0 starts at bpack + b0 * d.
    const size_t block = std::max(nr, kNearestBlockBytes / (d * sizeof(float)) / nr * nr);
    std::vector<float> bpack(all_pad * d), bbias(all_pad), scratch;
    for (size_t b0 = 0; b0 < db.nb; b0 += block) {
        const size_t nb = std::min(block, db.nb - b0);
        const float* yb = tile_database_block(db, b0, nb, scratch);
        block_biases(ctx, yb, b0, nb, round_up(nb, nr), bbias.data() + b0);
        pack_rows(yb, nb, d, 0, d, nr, bpack.data() + b0 * d);
    }
    std::fill(best, best + nq, std::numeric_limits<float>::infinity());
    std::fill(best_id, best_id + nq, int64_t(-1));
    const size_t span = std::max<size_t>(1, kNearestSpanRows / mr) * mr;
    const int64_t nspans = int64_t((nq + span - 1) / span);
    // The kernels neither allocate nor throw: no exception can leave the region.
#pragma omp parallel for schedule(dynamic, 1) \
    num_threads(int(nthreads)) if (nthreads > 1 && nspans > 1)
    for (int64_t s = 0; s < nspans; s++) {
        const size_t q0 = size_t(s) * span;
        nearest_span(kernels, ctx, bpack.data(), bbias.data(), block, q0, std::min(nq, q0 + span),
                     best, best_id);
    }
    return true;
}

bool fused_kernel_available() {
    return current_kernels().mr > 0;
}

bool fused_rows_scores(const float* xq, size_t nq, const float* xb, size_t nb, size_t d,
                       bool inner_product, float* out) {
    const FusedScanKernels& kernels = current_kernels();
    if (kernels.mr == 0) return false;
    kernels.rows_scores(xq, nq, xb, nb, d, inner_product, out);
    return true;
}

bool fused_tile(const TileContext& ctx, const Tile& t, ResultSink& sink) {
    const FusedScanKernels& kernels = current_kernels();
    if (kernels.mr == 0) return false;
    if (t.q1 - t.q0 <= kRowsModeMaxQueries) {
        fused_rows_tile(kernels, ctx, t, sink);
    } else {
        fused_packed_tile(kernels, ctx, t, sink);
    }
    return true;
}

}  // namespace faiss::internal
