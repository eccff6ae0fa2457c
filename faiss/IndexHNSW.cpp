// IndexHNSW: the Index API over an HNSW graph and a storage index.
#include <faiss/IndexHNSW.h>

#include <faiss/DistanceComputer.h>
#include <faiss/IDSelector.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexPQ.h>
#include <faiss/IndexScalarQuantizer.h>
#include <faiss/RangeSearchResult.h>
#include <faiss/internal/checks.h>
#include <faiss/internal/hnsw_impl.h>
#include <faiss/internal/index_checks.h>
#include <faiss/internal/omp_exceptions.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <numeric>

namespace faiss {

namespace {

// How one filtered or unfiltered query is answered.
struct QueryPlan {
    internal::LayerSearch opt;  // ef, sel, stopping rule, graph budget
    bool exact;                 // scan the allowed ids, skip the graph
};

QueryPlan make_plan(const IndexHNSW& index, const SearchParameters* params, size_t k) {
    QueryPlan plan{internal::query_options(index.hnsw, params, k), false};
    internal::LayerSearch& opt = plan.opt;
    if (opt.sel) {
        const double frac = internal::estimate_selectivity(*opt.sel, index.ntotal);
        const double nt = double(index.ntotal);
        // Costs in distance computations (measured, see benchs/RESULTS.md): the graph
        // walk expands about ef / frac nodes of ~nb_neighbors(0) links; the exact scan
        // asks the selector about every id (~3% of a distance) and scores the allowed.
        const double graph_cost =
            double(opt.ef) * index.hnsw.nb_neighbors(0) / std::max(frac, 1e-9);
        const double exact_cost = nt * (0.03 + frac);
        if (index.filtered_exact_threshold >= 0) {
            plan.exact = frac < double(index.filtered_exact_threshold);
        } else {
            plan.exact = graph_cost > exact_cost;
        }
        // A walk that costs more than the scan would have gives up and scans.
        opt.max_distances = std::max<size_t>(size_t(exact_cost), 16 * opt.ef);
    }
    return plan;
}

}  // namespace

IndexHNSW::IndexHNSW(int d, int M, MetricType metric) : Index(d, metric), hnsw(M) {
    hnsw.is_similarity = is_similarity_metric(metric);
}

IndexHNSW::IndexHNSW(Index* storage_in, int M)
    : Index(storage_in ? storage_in->d : 0, storage_in ? storage_in->metric_type : METRIC_L2),
      hnsw(M),
      storage(storage_in) {
    FAISS_REQUIRE(storage_in, invalid_argument, "HNSW storage is null");
    FAISS_REQUIRE(storage_in->ntotal == 0, invalid_argument,
                  "HNSW storage must be empty, it holds %lld vectors",
                  (long long)storage_in->ntotal);
    metric_arg = storage_in->metric_arg;
    is_trained = storage_in->is_trained;
    hnsw.is_similarity = is_similarity_metric(metric_type);
}

IndexHNSW::~IndexHNSW() {
    if (own_fields) delete storage;
}

void IndexHNSW::check_storage() const {
    FAISS_REQUIRE(storage, invalid_argument, "IndexHNSW has no storage index");
    FAISS_REQUIRE(storage->ntotal == ntotal && idx_t(hnsw.size()) == ntotal, corrupt_data,
                  "IndexHNSW out of sync: ntotal=%lld, storage %lld, graph %zu", (long long)ntotal,
                  (long long)storage->ntotal, hnsw.size());
}

void IndexHNSW::train(idx_t n, const float* x) {
    internal::check_vectors(*this, n, x, "training");
    check_storage();
    storage->train(n, x);
    is_trained = storage->is_trained;
}

void IndexHNSW::add(idx_t n, const float* x) {
    internal::check_add(*this, n, x);
    check_storage();
    if (n == 0) return;
    auto* codes = dynamic_cast<IndexFlatCodes*>(storage);
    const size_t reuse = codes ? std::min(size_t(n), hnsw.free_slots.size()) : 0;
    const size_t fresh = size_t(n) - reuse;
    FAISS_REQUIRE(size_t(ntotal) + fresh <= size_t(INT_MAX), invalid_argument,
                  "HNSW holds at most %d vectors; %lld + %zu is too many", INT_MAX,
                  (long long)ntotal, fresh);
    const size_t d_ = size_t(d);
    std::vector<HNSW::storage_idx_t> ids{};
    ids.resize(size_t(n));
    if (reuse) {
        std::copy(hnsw.free_slots.begin(), hnsw.free_slots.begin() + reuse, ids.begin());
        for (size_t j = 0; j < reuse; j++) {
            codes->sa_encode(1, x + j * d_,
                             codes->codes.data() + size_t(ids[j]) * codes->code_size);
        }
    }
    const idx_t n0 = ntotal;
    storage->add(idx_t(fresh), x + reuse * d_);
    hnsw.prepare_level_tab(fresh);
    std::iota(ids.begin() + reuse, ids.end(), HNSW::storage_idx_t(n0));
    for (size_t j = 0; j < reuse; j++)
        hnsw.deleted[size_t(ids[j])] = 0;
    hnsw.free_slots.erase(hnsw.free_slots.begin(), hnsw.free_slots.begin() + reuse);
    ntotal = storage->ntotal;
    // Before linking: the build's own searches read the same arrays at random.
    advise_memory();
    if (!init_level0) {
        // Only the vectors of the upper levels are linked now (with their vectors).
        std::vector<float> upper_x;
        size_t m = 0;
        for (size_t j = 0; j < ids.size(); j++) {
            if (hnsw.levels[size_t(ids[j])] <= 1) continue;
            ids[m++] = ids[j];
            upper_x.insert(upper_x.end(), x + j * d_, x + (j + 1) * d_);
        }
        ids.resize(m);
        hnsw.add_nodes(*storage, m, ids.data(), upper_x.data(), verbose, keep_max_size_level0);
        return;
    }
    hnsw.add_nodes(*storage, size_t(n), ids.data(), x, verbose, keep_max_size_level0);
}

void IndexHNSW::search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                       const SearchParameters* params) const {
    internal::check_search_outputs(*this, n, x, k, distances, labels);
    check_storage();
    const QueryPlan plan = make_plan(*this, params, size_t(k));
    const idx_t live = ntotal - idx_t(hnsw.n_deleted());
    auto one_query = [&](DistanceComputer& dc, idx_t i) {
        float* D = distances + i * k;
        idx_t* I = labels + i * k;
        dc.set_query(x + i * d);
        if (!plan.exact) {
            bool complete = true;
            const size_t found = internal::hnsw_knn(hnsw, dc, size_t(k), D, I, plan.opt, &complete);
            // Without a filter the graph misses vectors only when disconnected; with
            // one, the allowed ids may be too sparse for the walk.
            if (complete && (found == size_t(k) || (!plan.opt.sel && idx_t(found) >= live))) {
                return;
            }
        }
        internal::exact_knn_by_ids(hnsw, dc, ntotal, plan.opt.sel, size_t(k), D, I);
    };
    if (n == 1) {
        std::unique_ptr<DistanceComputer> dc(storage->get_distance_computer());
        one_query(*dc, 0);
        return;
    }
    internal::ExceptionCollector errors;
#pragma omp parallel
    {
        std::unique_ptr<DistanceComputer> dc;
        errors.run([&] { dc.reset(storage->get_distance_computer()); });
#pragma omp for schedule(dynamic, 4)
        for (idx_t i = 0; i < n; i++) {
            if (dc) errors.run([&] { one_query(*dc, i); });
        }
    }
    errors.rethrow();
}

void IndexHNSW::range_search(idx_t n, const float* x, float radius, RangeSearchResult* result,
                             const SearchParameters* params) const {
    internal::check_range_search(*this, n, x, result);
    check_storage();
    const QueryPlan plan = make_plan(*this, params, 1);
    std::vector<std::vector<std::pair<idx_t, float>>> hits;
    hits.resize(size_t(n));
    internal::ExceptionCollector errors;
#pragma omp parallel if (n > 1)
    {
        std::unique_ptr<DistanceComputer> dc;
        errors.run([&] { dc.reset(storage->get_distance_computer()); });
#pragma omp for schedule(dynamic, 4)
        for (idx_t i = 0; i < n; i++) {
            if (!dc) continue;
            errors.run([&] {
                dc->set_query(x + i * d);
                if (plan.exact) {
                    internal::exact_range_by_ids(hnsw, *dc, ntotal, plan.opt.sel, radius,
                                                 hits[size_t(i)]);
                } else {
                    SearchParametersHNSW p;
                    p.efSearch = int(plan.opt.ef);
                    p.sel = plan.opt.sel;
                    p.check_relative_distance = plan.opt.relative_stop;
                    p.bounded_queue = plan.opt.bounded;
                    hnsw.range_search(*dc, radius, hits[size_t(i)], &p);
                }
            });
        }
    }
    errors.rethrow();
    result->set_results(hits);
}

void IndexHNSW::reconstruct(idx_t key, float* recons) const {
    check_storage();
    internal::check_key(*this, key);
    FAISS_REQUIRE(!hnsw.is_deleted(key), invalid_argument, "id %lld was removed", (long long)key);
    storage->reconstruct(key, recons);
}

void IndexHNSW::reset() {
    hnsw.reset();
    if (storage) storage->reset();
    ntotal = 0;
}

DistanceComputer* IndexHNSW::get_distance_computer() const {
    check_storage();
    return storage->get_distance_computer();
}

size_t IndexHNSW::remove_ids(const IDSelector& sel) {
    check_storage();
    std::vector<HNSW::storage_idx_t> ids;
    for (idx_t i = 0; i < ntotal; i++) {
        if (!hnsw.is_deleted(i) && sel.is_member(i)) ids.push_back(HNSW::storage_idx_t(i));
    }
    return hnsw.remove_nodes(*storage, ids.size(), ids.data());
}

size_t IndexHNSW::compact(idx_t* old_to_new) {
    check_storage();
    const size_t dropped = hnsw.n_deleted();
    std::vector<idx_t> map;
    if (dropped) {
        FAISS_REQUIRE(dynamic_cast<IndexFlatCodes*>(storage), unsupported,
                      "compact needs an IndexFlatCodes storage (IndexFlat, SQ or PQ)");
        std::vector<idx_t> gone(hnsw.free_slots.begin(), hnsw.free_slots.end());
        IDSelectorBatch sel(gone.size(), gone.data());
        storage->remove_ids(sel);  // keeps the order of the remaining vectors
        internal::compact_graph(hnsw, map);
        ntotal = storage->ntotal;
    } else {
        map.resize(size_t(ntotal));
        std::iota(map.begin(), map.end(), idx_t(0));
    }
    if (old_to_new) std::copy(map.begin(), map.end(), old_to_new);
    return dropped;
}

void IndexHNSW::advise_memory() {
    const auto* codes = dynamic_cast<const IndexFlatCodes*>(storage);
    const void* data[2] = {hnsw.neighbors.data(), codes ? codes->codes.data() : nullptr};
    const size_t bytes[2] = {hnsw.neighbors.size() * sizeof(HNSW::storage_idx_t),
                             codes ? codes->codes.size() : 0};
    for (int a = 0; a < 2; a++) {
        if (data[a] == advised_data_[a] && bytes[a] < advised_bytes_[a] + advised_bytes_[a] / 8) {
            continue;
        }
        internal::advise_huge_pages(data[a], bytes[a]);
        advised_data_[a] = data[a];
        advised_bytes_[a] = bytes[a];
    }
}

void IndexHNSW::permute_entries(const idx_t* perm) {
    check_storage();
    FAISS_REQUIRE(ntotal == 0 || perm, invalid_argument, "permutation is null for ntotal=%lld",
                  (long long)ntotal);
    auto* codes = dynamic_cast<IndexFlatCodes*>(storage);
    FAISS_REQUIRE(codes, unsupported,
                  "permute_entries needs an IndexFlatCodes storage (IndexFlat, SQ or PQ)");
    // The graph checks perm before changing anything; the storage then follows.
    hnsw.permute_entries(perm);
    codes->permute_entries(perm);
}

void IndexHNSW::init_level_0_from_knngraph(int k, const float* D, const idx_t* I) {
    check_storage();
    FAISS_REQUIRE(k > 0, invalid_argument, "k must be > 0, got %d", k);
    FAISS_REQUIRE(ntotal == 0 || (D && I), invalid_argument, "D or I is null");
    internal::init_level0_from_knn(hnsw, *storage, size_t(k), D, I);
}

void IndexHNSW::shrink_level_0_neighbors(int size) {
    check_storage();
    FAISS_REQUIRE(size >= 0, invalid_argument, "size must be >= 0, got %d", size);
    internal::shrink_level0(hnsw, *storage, size_t(size));
}

void IndexHNSW::reorder_links() {
    check_storage();
    internal::reorder_level0(hnsw, *storage);
}

IndexHNSWFlat::IndexHNSWFlat() : IndexHNSW(0, 32, METRIC_L2) {}

IndexHNSWFlat::IndexHNSWFlat(int d, int M, MetricType metric) : IndexHNSW(d, M, metric) {
    storage = new IndexFlat(d, metric);
    own_fields = true;
    is_trained = true;
}

IndexHNSWSQ::IndexHNSWSQ() : IndexHNSW(0, 32, METRIC_L2) {}

IndexHNSWSQ::IndexHNSWSQ(int d, ScalarQuantizer::QuantizerType qtype, int M, MetricType metric)
    : IndexHNSW(d, M, metric) {
    storage = new IndexScalarQuantizer(d, qtype, metric);
    own_fields = true;
    is_trained = storage->is_trained;
}

IndexHNSWPQ::IndexHNSWPQ() : IndexHNSW(0, 32, METRIC_L2) {}

IndexHNSWPQ::IndexHNSWPQ(int d, int pq_m, int M, int pq_nbits, MetricType metric)
    : IndexHNSW(d, M, metric) {
    FAISS_REQUIRE(pq_m > 0 && pq_nbits > 0, invalid_argument,
                  "pq_m and pq_nbits must be > 0, got %d and %d", pq_m, pq_nbits);
    storage = new IndexPQ(d, size_t(pq_m), size_t(pq_nbits), metric);
    own_fields = true;
    is_trained = false;
}

}  // namespace faiss
