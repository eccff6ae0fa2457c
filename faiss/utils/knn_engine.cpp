// The exact search engine (see faiss/internal/topk_search.h): plans the tiles, owns the
// result sinks, runs the tiles on the OpenMP threads and merges partial results.
//
// Each tile is processed by one thread from start to end, so threads never synchronise
// inside the hot loop and each keeps its buffers in its own cache. Tiles that share
// queries (database split) keep separate partial results, merged once at the end.
#include <faiss/internal/topk_search.h>

#include <faiss/IDSelector.h>
#include <faiss/RangeSearchResult.h>
#include <faiss/internal/omp_exceptions.h>
#include <faiss/internal/topk.h>
#include <faiss/internal/topk_tiles.h>
#include <faiss/utils/distances.h>

#include <omp.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <vector>

namespace faiss::internal {

namespace {

// Below this many multiply-adds a thread team costs more than it saves.
constexpr double kParallelMinWork = double(1 << 20);
// A GEMM-path thread needs this many queries before splitting by queries pays off.
constexpr size_t kGemmQueriesPerThread = 128;
// Same for the direct path (whose tiles re-read the database per query range).
constexpr size_t kDirectQueriesPerThread = 32;
// Smallest database range worth a tile of its own.
constexpr size_t kMinDbPart = 256;
// Tiles per thread when the work allows (dynamic scheduling evens out the threads).
constexpr size_t kTilesPerThread = 4;
// Queries per tile below which splitting further costs more packing than it saves.
constexpr size_t kQueriesPerTile = 2048;
// From this k on, reservoirs (append, then cut back to k) beat heaps.
constexpr size_t kReservoirMinK = 128;
// Memory allowed for the reservoirs of one search; beyond it, heaps.
constexpr size_t kReservoirBytes = size_t(256) << 20;
// Memory allowed for the partial results of database parts.
constexpr size_t kPartialResultBytes = size_t(64) << 20;
// From this many queries on, top-1 searches take the fused top-1 kernel, which packs
// the database once per call; with fewer, the tile engine's rows mode (no database
// packing) was as fast or faster (measured at d = 32 .. 384, nb = 256 .. 8192).
constexpr size_t kNearestMinQueries = 512;

struct Plan {
    bool gemm = false;
    size_t nthreads = 1;
    size_t parts = 1;  // > 1 when the database is split across threads
    std::vector<Tile> tiles;
};

// Tiles are several per thread and handed out dynamically, so that a thread that is
// descheduled (loaded machine) or slower does not hold the others up at the end.
Plan make_plan(const ExactDatabase& db, size_t nq, size_t k) {
    Plan plan;
    const size_t min_queries = fused_kernel_available() ? kFusedMinQueries : kBlasMinQueries;
    plan.gemm = nq >= min_queries && db.d > 0 &&
                (db.metric == METRIC_L2 || db.metric == METRIC_INNER_PRODUCT);
    size_t nt = omp_in_parallel() ? 1 : size_t(std::max(1, omp_get_max_threads()));
    const double work = double(nq) * double(db.nb) * double(std::max<size_t>(db.d, 1));
    if (work < kParallelMinWork) nt = 1;
    const size_t per_thread = plan.gemm ? kGemmQueriesPerThread : kDirectQueriesPerThread;
    if (nt > 1 && nq >= nt * per_thread) {
        // Each query tile packs the whole database once: keep tiles large.
        const size_t ntiles = std::max(nt, std::min(kTilesPerThread * nt, nq / kQueriesPerTile));
        for (size_t p = 0; p < ntiles; p++) {
            plan.tiles.push_back({nq * p / ntiles, nq * (p + 1) / ntiles, 0, db.nb, 0});
        }
    } else {
        // Every database part holds nq x k partial results until the merge.
        const size_t part_bytes = std::max<size_t>(1, nq * k * (sizeof(float) + sizeof(int64_t)));
        const size_t max_parts = std::max<size_t>(nt, kPartialResultBytes / part_bytes);
        size_t parts =
            nt == 1 ? 1 : std::min({kTilesPerThread * nt, max_parts, db.nb / kMinDbPart});
        parts = std::max<size_t>(1, parts);
        plan.parts = parts;
        for (size_t p = 0; p < parts; p++) {
            plan.tiles.push_back({0, nq, db.nb * p / parts, db.nb * (p + 1) / parts, p});
        }
    }
    plan.nthreads = std::min(nt, plan.tiles.size());
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

// Runs fn(i0, i1) over [0, n) in spans of `span`, in parallel when n is large.
template <class F>
void parallel_spans(size_t n, size_t span, size_t nthreads, F&& fn) {
    const size_t nspans = (n + span - 1) / span;
    parallel_for(nspans, nspans > 4 ? nthreads : 1,
                 [&](size_t c) { fn(c * span, std::min(n, (c + 1) * span)); });
}

std::vector<uint8_t> selector_mask(const ExactDatabase& db, size_t nthreads) {
    std::vector<uint8_t> mask;
    if (!db.sel) return mask;
    mask.resize(db.nb);
    parallel_spans(db.nb, 16384, nthreads, [&](size_t i0, size_t i1) {
        for (size_t i = i0; i < i1; i++) {
            mask[i] = db.sel->is_member(db.id_base + int64_t(i)) ? 1 : 0;
        }
    });
    return mask;
}

/*** result sinks ***/

struct KnnSink : ResultSink {
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

    float* heap_scores(size_t part, size_t q) const {
        return (part == 0 ? out_scores : const_cast<float*>(extra_scores[part - 1].data())) + q * k;
    }
    int64_t* heap_ids(size_t part, size_t q) const {
        return (part == 0 ? out_ids : const_cast<int64_t*>(extra_ids[part - 1].data())) + q * k;
    }

    void offer(size_t part, size_t q, const float* row, size_t n, int64_t id0) override {
        if (k == 1) {
            top1_offer_block(heap_scores(part, q), heap_ids(part, q), row, n, id0);
        } else {
            topk_offer_block(k, heap_scores(part, q), heap_ids(part, q), row, n, id0);
        }
    }

    float threshold(size_t part, size_t q) const override { return heap_scores(part, q)[0]; }

    // Merge the partial heaps into part 0, sort, restore the sign of similarities.
    void finish(size_t q, bool negate) {
        float* hs = heap_scores(0, q);
        int64_t* hi = heap_ids(0, q);
        for (size_t p = 1; p <= extra_scores.size(); p++) {
            const float* ps = heap_scores(p, q);
            const int64_t* pi = heap_ids(p, q);
            for (size_t j = 0; j < k; j++)
                topk_heap_offer(k, hs, hi, ps[j], pi[j]);
        }
        topk_heap_sort(k, hs, hi);
        if (negate) negate_block(hs, k);
    }
};

// Large k: one reservoir of 2k candidates per (part, query) instead of a heap.
struct ReservoirSink : ResultSink {
    size_t k, nq, parts;
    float* out_scores;
    int64_t* out_ids;
    std::unique_ptr<TopKCandidate[]> buf;  // [part][query][2k], uninitialised
    std::vector<size_t> sizes;             // [part][query]
    std::vector<float> limits;             // [part][query]

    ReservoirSink(size_t nq, size_t k, size_t parts, float* scores, int64_t* ids)
        : k(k),
          nq(nq),
          parts(parts),
          out_scores(scores),
          out_ids(ids),
          buf(new TopKCandidate[parts * nq * 2 * k]),
          sizes(parts * nq, 0),
          limits(parts * nq, std::numeric_limits<float>::infinity()) {}

    static size_t bytes(size_t nq, size_t k, size_t parts) {
        return parts * nq * 2 * k * sizeof(TopKCandidate);
    }

    void offer(size_t part, size_t q, const float* row, size_t n, int64_t id0) override {
        const size_t i = part * nq + q;
        reservoir_offer_block(k, buf.get() + i * 2 * k, &sizes[i], &limits[i], row, n, id0);
    }

    float threshold(size_t part, size_t q) const override { return limits[part * nq + q]; }

    void finish(size_t q, bool negate) {
        float* hs = out_scores + q * k;
        int64_t* hi = out_ids + q * k;
        if (parts == 1) {
            reservoir_finish(k, buf.get() + q * 2 * k, sizes[q], hs, hi);
        } else {
            std::vector<TopKCandidate> all;
            for (size_t p = 0; p < parts; p++) {
                const TopKCandidate* b = buf.get() + (p * nq + q) * 2 * k;
                all.insert(all.end(), b, b + sizes[p * nq + q]);
            }
            reservoir_finish(k, all.data(), all.size(), hs, hi);
        }
        if (negate) negate_block(hs, k);
    }
};

using HitList = std::vector<std::pair<int64_t, float>>;

struct RangeSink : ResultSink {
    float limit;
    std::vector<std::vector<HitList>> hits;  // [part][query]

    RangeSink(size_t nq, size_t parts, float limit)
        : limit(limit), hits(parts, std::vector<HitList>(nq)) {}

    void offer(size_t part, size_t q, const float* row, size_t n, int64_t id0) override {
        range_collect_block(row, n, id0, limit, hits[part][q]);
    }

    float threshold(size_t, size_t) const override { return limit; }

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

template <class Sink>
void run_plan(const ExactDatabase& db, size_t nq, const float* xq, const Plan& plan, Sink& sink) {
    std::vector<uint8_t> mask = selector_mask(db, plan.nthreads);
    std::vector<float> qnorms;
    if (plan.gemm && db.metric == METRIC_L2) {
        qnorms.resize(nq);
        parallel_spans(nq, 4096, plan.nthreads, [&](size_t i0, size_t i1) {
            fvec_norms_L2sqr(qnorms.data() + i0, xq + i0 * db.d, db.d, i1 - i0);
        });
    }
    const TileContext ctx{db, xq, qnorms.data(), mask.empty() ? nullptr : mask.data()};
    parallel_for(plan.tiles.size(), plan.nthreads, [&](size_t i) {
        const Tile& t = plan.tiles[i];
        if (!plan.gemm) {
            direct_tile(ctx, t, sink);
        } else if (!fused_tile(ctx, t, sink)) {
            sgemm_tile(ctx, t, sink);
        }
    });
    const bool negate = db.metric == METRIC_INNER_PRODUCT;
    parallel_spans(nq, 1024, plan.nthreads, [&](size_t q0, size_t q1) {
        for (size_t q = q0; q < q1; q++)
            sink.finish(q, negate);
    });
}

// Threads for a search of nq queries (one when the work does not pay for a team).
size_t search_threads(const ExactDatabase& db, size_t nq) {
    if (omp_in_parallel()) return 1;
    const double work = double(nq) * double(db.nb) * double(std::max<size_t>(db.d, 1));
    return work < kParallelMinWork ? 1 : size_t(std::max(1, omp_get_max_threads()));
}

// The top-1 kernel path; false when it does not apply.
bool fused_nearest_search(const ExactDatabase& db, size_t nq, const float* xq, const float* qnorms,
                          float* distances, int64_t* labels) {
    const bool l2 = db.metric == METRIC_L2;
    if (nq < kNearestMinQueries || db.nb == 0 || db.d == 0 || !fused_kernel_available() ||
        (!l2 && db.metric != METRIC_INNER_PRODUCT)) {
        return false;
    }
    const size_t nt = search_threads(db, nq);
    std::vector<uint8_t> mask = selector_mask(db, nt);
    std::vector<float> own_norms;
    if (l2 && !qnorms) {
        own_norms.resize(nq);
        parallel_spans(nq, 4096, nt, [&](size_t i0, size_t i1) {
            fvec_norms_L2sqr(own_norms.data() + i0, xq + i0 * db.d, db.d, i1 - i0);
        });
        qnorms = own_norms.data();
    }
    const TileContext ctx{db, xq, l2 ? qnorms : nullptr, mask.empty() ? nullptr : mask.data()};
    if (!fused_nearest(ctx, nq, nt, distances, labels)) return false;
    if (!l2) negate_block(distances, nq);
    return true;
}

void exact_knn_plan(const ExactDatabase& db, size_t nq, const float* xq, size_t k, float* distances,
                    int64_t* labels) {
    const Plan plan = make_plan(db, nq, k);
    const bool negate = db.metric == METRIC_INNER_PRODUCT;
    if (k >= kReservoirMinK && db.nb > 2 * k &&
        ReservoirSink::bytes(nq, k, plan.parts) <= kReservoirBytes) {
        ReservoirSink sink(nq, k, plan.parts, distances, labels);
        run_plan(db, nq, xq, plan, sink);
        return;
    }
    KnnSink sink(nq, k, plan.parts, distances, labels);
    if (db.nb > 0) {
        run_plan(db, nq, xq, plan, sink);
    } else {
        for (size_t q = 0; q < nq; q++)
            sink.finish(q, negate);
    }
}

}  // namespace

void exact_nearest(const ExactDatabase& db, size_t nq, const float* xq, const float* qnorms,
                   float* distances, int64_t* labels) {
    if (nq == 0) return;
    if (fused_nearest_search(db, nq, xq, qnorms, distances, labels)) return;
    exact_knn_plan(db, nq, xq, 1, distances, labels);
}

void exact_knn(const ExactDatabase& db, size_t nq, const float* xq, size_t k, float* distances,
               int64_t* labels) {
    if (nq == 0 || k == 0) return;
    if (k == 1 && fused_nearest_search(db, nq, xq, nullptr, distances, labels)) return;
    exact_knn_plan(db, nq, xq, k, distances, labels);
}

void exact_range_search(const ExactDatabase& db, size_t nq, const float* xq, float radius,
                        RangeSearchResult* result) {
    const bool similarity = db.metric == METRIC_INNER_PRODUCT;
    const Plan plan = make_plan(db, nq, 0);
    RangeSink sink(nq, plan.parts, similarity ? -radius : radius);
    if (nq > 0 && db.nb > 0) run_plan(db, nq, xq, plan, sink);
    result->set_results(sink.hits[0]);
}

}  // namespace faiss::internal
