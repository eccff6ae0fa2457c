// GEMM path with the fused kernel (faiss/internal/topk_fused.h): blocking, packing of
// query groups and database panels, column biases (norms, NaN for padding and
// filtered-out ids), and the callback that forwards candidate rows to the sink.
//
// Blocking: a database micro-panel (chunk of d x NR floats, about 16 KB) stays in L1
// while all query groups of the block (about 256 KB) stream from L2. d beyond about
// 4096 / NR components is cut into chunks whose partial sums are carried in memory.
#include <faiss/internal/topk_fused.h>
#include <faiss/internal/topk_tiles.h>
#include <faiss/simd/dispatch.h>
#include <faiss/utils/distances.h>

#include <algorithm>
#include <cstdint>
#include <limits>

namespace faiss::internal {

namespace {

constexpr size_t kPanelBytes = size_t(16) << 10;
constexpr size_t kQueryBlockBytes = size_t(256) << 10;
constexpr size_t kDbBlockBytes = size_t(512) << 10;
constexpr size_t kPartialBytes = size_t(512) << 10;
// Up to this many queries per tile, the transposed kernel (no database packing) wins.
constexpr size_t kRowsModeMaxQueries = 256;

const FusedScanKernels& current_kernels() {
    static const FusedScanKernels none = {0, 0, nullptr, nullptr, nullptr};
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
void pack_rows(const float* x, size_t n, size_t d, size_t k0, size_t kc, size_t m, float* out) {
    for (size_t g = 0; g * m < n; g++) {
        float* dst = out + g * m * kc;
        for (size_t r = 0; r < m; r++) {
            const size_t i = g * m + r;
            if (i < n) {
                const float* src = x + i * d + k0;
                for (size_t k = 0; k < kc; k++)
                    dst[k * m + r] = src[k];
            } else {
                for (size_t k = 0; k < kc; k++)
                    dst[k * m + r] = 0.0f;
            }
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

}  // namespace

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
        return true;
    }
    const ExactDatabase& db = ctx.db;
    const size_t d = db.d, mr = kernels.mr, nr = kernels.nr;
    const bool l2 = db.metric == METRIC_L2;
    const float inf = std::numeric_limits<float>::infinity();
    const Blocking bk = make_blocking(d, mr, nr, t.q1 - t.q0);
    const size_t db_pad = std::min(bk.db_block, round_up(t.b1 - t.b0, nr));

    std::vector<float> qpack(bk.q_block * d), qbias(bk.q_block), thresholds(bk.q_block);
    std::vector<float> bpack(db_pad * bk.kc), bbias(db_pad), scratch;
    std::vector<float> partial(bk.nchunks > 1 ? bk.q_block * db_pad : 0);

    OfferContext oc{&sink, t.part, 0, 0, 0, nr, thresholds.data()};
    FusedScanArgs args{};
    args.alpha = l2 ? -2.0f : -1.0f;
    args.floor = l2 ? 0.0f : -inf;
    args.qbias = qbias.data();
    args.bpack = bpack.data();
    args.bbias = bbias.data();
    args.thresholds = thresholds.data();
    args.offer = offer_row;
    args.ctx = &oc;
    args.partial = partial.empty() ? nullptr : partial.data();

    size_t packed_b0 = SIZE_MAX;
    for (size_t qs = t.q0; qs < t.q1; qs += bk.q_block) {
        const size_t nq = std::min(bk.q_block, t.q1 - qs), nq_pad = round_up(nq, mr);
        for (size_t k0 = 0; k0 < d; k0 += bk.kc) {
            pack_rows(ctx.xq + qs * d, nq, d, k0, std::min(bk.kc, d - k0), mr,
                      qpack.data() + nq_pad * k0);
        }
        for (size_t i = 0; i < nq_pad; i++)
            qbias[i] = l2 && i < nq ? ctx.qnorms[qs + i] : 0.0f;
        oc.q0 = qs;
        args.ngroups = nq_pad / mr;
        for (size_t b0 = t.b0; b0 < t.b1; b0 += bk.db_block) {
            const size_t nb = std::min(bk.db_block, t.b1 - b0);
            // A database that fits one block (k-means centroids) is packed only once.
            const bool reuse = packed_b0 == b0 && bk.nchunks == 1;
            const float* yb = reuse ? nullptr : tile_database_block(db, b0, nb, scratch);
            if (!reuse) block_biases(ctx, yb, b0, nb, round_up(nb, nr), bbias.data());
            for (size_t i = 0; i < nq_pad; i++) {
                thresholds[i] = i < nq ? sink.threshold(t.part, qs + i) : -inf;
            }
            oc.id0 = db.id_base + int64_t(b0);
            oc.nb = nb;
            args.npanels = (nb + nr - 1) / nr;
            for (size_t k0 = 0; k0 < d; k0 += bk.kc) {
                const size_t kc = std::min(bk.kc, d - k0);
                if (!reuse) pack_rows(yb, nb, d, k0, kc, nr, bpack.data());
                args.d = kc;
                args.qpack = qpack.data() + nq_pad * k0;
                args.first_chunk = k0 == 0;
                args.last_chunk = k0 + kc >= d;
                kernels.scan(args);
            }
            packed_b0 = b0;
        }
    }
    return true;
}

}  // namespace faiss::internal
