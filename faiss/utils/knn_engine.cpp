// The brute-force engine (see faiss/internal/topk_search.h for the two paths).
//
// A search is cut into tiles (query range x database range); each tile is processed by
// one thread from start to end, so threads never synchronise inside the hot loop and
// each keeps its GEMM buffer in its own cache. Tiles that share queries (database split)
// keep separate partial results, merged once at the end.
#include <faiss/internal/topk_search.h>

#include <faiss/IDSelector.h>
#include <faiss/RangeSearchResult.h>
#include <faiss/internal/blas.h>
#include <faiss/internal/omp_exceptions.h>
#include <faiss/internal/topk.h>
#include <faiss/utils/distances.h>

#include <omp.h>

#include <algorithm>
#include <vector>

namespace faiss::internal {

namespace {

// GEMM blocks: the score buffer (query block x database block) stays in L2.
constexpr size_t kGemmQueryBlock = 128;
constexpr size_t kGemmDbBlock = 1024;
// Queries kept hot while the database streams past (bytes of query vectors).
constexpr size_t kQuerySuperBytes = size_t(4) << 20;
// Direct path: database chunk kept in cache while every query of the tile visits it.
constexpr size_t kDirectChunkBytes = size_t(128) << 10;
// Below this many multiply-adds a thread team costs more than it saves.
constexpr double kParallelMinWork = double(1 << 20);

struct Tile {
    size_t q0, q1, b0, b1;
    size_t part;  // which partial result the tile writes (database split index)
};

struct Plan {
    bool gemm = false;
    size_t nthreads = 1;
    size_t parts = 1;  // > 1 when the database is split across threads
    std::vector<Tile> tiles;
};

bool is_gemm_metric(MetricType m) {
    return m == METRIC_L2 || m == METRIC_INNER_PRODUCT;
}

Plan make_plan(const ExactDatabase& db, size_t nq) {
    Plan plan;
    plan.gemm = nq >= kBlasMinQueries && db.d > 0 && is_gemm_metric(db.metric);
    size_t nt = omp_in_parallel() ? 1 : size_t(std::max(1, omp_get_max_threads()));
    double work = double(nq) * double(db.nb) * double(std::max<size_t>(db.d, 1));
    if (work < kParallelMinWork) nt = 1;
    plan.nthreads = nt;
    const size_t min_queries_per_thread = plan.gemm ? kGemmQueryBlock : 32;
    if (nt > 1 && nq >= nt * min_queries_per_thread) {
        for (size_t p = 0; p < nt; p++) {
            plan.tiles.push_back({nq * p / nt, nq * (p + 1) / nt, 0, db.nb, 0});
        }
    } else {
        size_t parts = std::max<size_t>(1, std::min(nt, db.nb / 256));
        plan.parts = parts;
        for (size_t p = 0; p < parts; p++) {
            plan.tiles.push_back({0, nq, db.nb * p / parts, db.nb * (p + 1) / parts, p});
        }
    }
    plan.nthreads = std::min(plan.nthreads, plan.tiles.size());
    return plan;
}

// Runs fn(i) for i < n on up to nthreads threads; exceptions are rethrown once.
template <class F>
void parallel_for(size_t n, size_t nthreads, F&& fn) {
    if (nthreads <= 1 || n <= 1) {
        for (size_t i = 0; i < n; i++)
            fn(i);
        return;
    }
    ExceptionCollector errors;
#pragma omp parallel for schedule(dynamic, 1) num_threads(int(nthreads))
    for (int64_t i = 0; i < int64_t(n); i++) {
        errors.run([&] { fn(size_t(i)); });
    }
    errors.rethrow();
}

std::vector<uint8_t> selector_mask(const ExactDatabase& db, size_t nthreads) {
    std::vector<uint8_t> mask;
    if (!db.sel) return mask;
    mask.resize(db.nb);
    constexpr size_t kSpan = 16384;
    parallel_for((db.nb + kSpan - 1) / kSpan, db.nb > 4 * kSpan ? nthreads : 1, [&](size_t c) {
        for (size_t i = c * kSpan; i < std::min(db.nb, (c + 1) * kSpan); i++) {
            mask[i] = db.sel->is_member(db.id_base + int64_t(i)) ? 1 : 0;
        }
    });
    return mask;
}

// Database vectors [b0, b0 + n): a pointer into xb, or decoded into scratch.
const float* database_block(const ExactDatabase& db, size_t b0, size_t n,
                            std::vector<float>& scratch) {
    if (db.xb) return db.xb + b0 * db.d;
    scratch.resize(n * db.d);
    db.decode_block(b0, n, scratch.data());
    return scratch.data();
}

/*** result sinks: where the score rows go ***/

struct KnnSink {
    size_t k;
    float* out_scores;
    int64_t* out_ids;
    std::vector<std::vector<float>> extra_scores;  // parts 1 .. parts-1
    std::vector<std::vector<int64_t>> extra_ids;

    KnnSink(size_t nq, size_t k, size_t parts, float* scores, int64_t* ids)
        : k(k), out_scores(scores), out_ids(ids) {
        topk_heap_init(nq * k, out_scores, out_ids);
        for (size_t p = 1; p < parts; p++) {
            extra_scores.emplace_back(nq * k);
            extra_ids.emplace_back(nq * k);
            topk_heap_init(nq * k, extra_scores.back().data(), extra_ids.back().data());
        }
    }

    void offer(size_t part, size_t q, const float* row, size_t n, int64_t id0) {
        float* hs = part == 0 ? out_scores : extra_scores[part - 1].data();
        int64_t* hi = part == 0 ? out_ids : extra_ids[part - 1].data();
        hs += q * k;
        hi += q * k;
        if (k == 1) {
            top1_offer_block(hs, hi, row, n, id0);
        } else {
            topk_offer_block(k, hs, hi, row, n, id0);
        }
    }

    // Merge the partial heaps into part 0, sort, restore the sign of similarities.
    void finish(size_t q, bool negate) {
        float* hs = out_scores + q * k;
        int64_t* hi = out_ids + q * k;
        for (size_t p = 0; p < extra_scores.size(); p++) {
            const float* ps = extra_scores[p].data() + q * k;
            const int64_t* pi = extra_ids[p].data() + q * k;
            for (size_t j = 0; j < k; j++)
                topk_heap_offer(k, hs, hi, ps[j], pi[j]);
        }
        topk_heap_sort(k, hs, hi);
        if (negate) negate_block(hs, k);
    }
};

using HitList = std::vector<std::pair<int64_t, float>>;

struct RangeSink {
    float threshold;
    std::vector<std::vector<HitList>> hits;  // [part][query]

    RangeSink(size_t nq, size_t parts, float threshold)
        : threshold(threshold), hits(parts, std::vector<HitList>(nq)) {}

    void offer(size_t part, size_t q, const float* row, size_t n, int64_t id0) {
        range_collect_block(row, n, id0, threshold, hits[part][q]);
    }

    void finish(size_t q, bool negate) {
        HitList& all = hits[0][q];
        for (size_t p = 1; p < hits.size(); p++) {
            all.insert(all.end(), hits[p][q].begin(), hits[p][q].end());
            HitList().swap(hits[p][q]);
        }
        if (negate) {
            for (auto& h : all)
                h.second = -h.second;
        }
    }
};

/*** tile processors ***/

struct Context {
    const ExactDatabase& db;
    const float* xq;
    const float* qnorms;  // L2 GEMM path only
    const uint8_t* mask;  // empty selector -> null
};

template <class Sink>
void gemm_tile(const Context& ctx, const Tile& t, Sink& sink) {
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
            const float* yb = database_block(db, b0, nb, scratch);
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
        case METRIC_L1:
            for (size_t j = 0; j < n; j++)
                row[j] = fvec_L1(q, yb + j * d, d);
            break;
        case METRIC_Linf:
            for (size_t j = 0; j < n; j++)
                row[j] = fvec_Linf(q, yb + j * d, d);
            break;
        case METRIC_Lp:
            for (size_t j = 0; j < n; j++)
                row[j] = fvec_Lp(q, yb + j * d, d, db.metric_arg);
            break;
    }
}

template <class Sink>
void direct_tile(const Context& ctx, const Tile& t, Sink& sink) {
    const ExactDatabase& db = ctx.db;
    const size_t d = db.d;
    const size_t chunk =
        std::clamp<size_t>(kDirectChunkBytes / (std::max<size_t>(d, 1) * sizeof(float)), 16, 4096);
    std::vector<float> row(chunk);
    std::vector<float> scratch;
    for (size_t b0 = t.b0; b0 < t.b1; b0 += chunk) {
        const size_t nb = std::min(chunk, t.b1 - b0);
        const float* yb = database_block(db, b0, nb, scratch);
        for (size_t q = t.q0; q < t.q1; q++) {
            direct_row(db, ctx.xq + q * d, yb, nb, row.data());
            if (ctx.mask) mask_block(row.data(), nb, ctx.mask + b0);
            sink.offer(t.part, q, row.data(), nb, db.id_base + int64_t(b0));
        }
    }
}

template <class Sink>
void run_plan(const ExactDatabase& db, size_t nq, const float* xq, const Plan& plan, Sink& sink) {
    std::vector<uint8_t> mask = selector_mask(db, plan.nthreads);
    std::vector<float> qnorms;
    if (plan.gemm && db.metric == METRIC_L2) {
        qnorms.resize(nq);
        constexpr size_t kSpan = 4096;
        parallel_for((nq + kSpan - 1) / kSpan, plan.nthreads, [&](size_t c) {
            size_t i0 = c * kSpan, n = std::min(nq, i0 + kSpan) - i0;
            fvec_norms_L2sqr(qnorms.data() + i0, xq + i0 * db.d, db.d, n);
        });
    }
    Context ctx{db, xq, qnorms.data(), mask.empty() ? nullptr : mask.data()};
    parallel_for(plan.tiles.size(), plan.nthreads, [&](size_t i) {
        if (plan.gemm) {
            gemm_tile(ctx, plan.tiles[i], sink);
        } else {
            direct_tile(ctx, plan.tiles[i], sink);
        }
    });
    const bool negate = db.metric == METRIC_INNER_PRODUCT;
    constexpr size_t kSpan = 1024;
    const size_t finish_threads = nq > 4 * kSpan ? plan.nthreads : 1;
    parallel_for((nq + kSpan - 1) / kSpan, finish_threads, [&](size_t c) {
        for (size_t q = c * kSpan; q < std::min(nq, (c + 1) * kSpan); q++)
            sink.finish(q, negate);
    });
}

}  // namespace

void exact_knn(const ExactDatabase& db, size_t nq, const float* xq, size_t k, float* distances,
               int64_t* labels) {
    if (nq == 0 || k == 0) return;
    Plan plan = make_plan(db, nq);
    KnnSink sink(nq, k, plan.parts, distances, labels);
    if (db.nb > 0) {
        run_plan(db, nq, xq, plan, sink);
    } else {
        const bool negate = db.metric == METRIC_INNER_PRODUCT;
        for (size_t q = 0; q < nq; q++)
            sink.finish(q, negate);
    }
}

void exact_range_search(const ExactDatabase& db, size_t nq, const float* xq, float radius,
                        RangeSearchResult* result) {
    const bool similarity = db.metric == METRIC_INNER_PRODUCT;
    Plan plan = make_plan(db, nq);
    RangeSink sink(nq, plan.parts, similarity ? -radius : radius);
    if (nq > 0 && db.nb > 0) run_plan(db, nq, xq, plan, sink);
    result->set_results(sink.hits[0]);
}

}  // namespace faiss::internal
