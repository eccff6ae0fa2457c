// IndexFlat: raw float storage searched by the exact engine (knn_engine.cpp).
#include <faiss/IndexFlat.h>

#include <faiss/IDSelector.h>
#include <faiss/RangeSearchResult.h>
#include <faiss/internal/checks.h>
#include <faiss/internal/index_checks.h>
#include <faiss/internal/topk_search.h>
#include <faiss/utils/distances.h>

#include <cstring>
#include <limits>

namespace faiss {

namespace {

internal::ExactDatabase flat_database(const IndexFlat& index, const SearchParameters* params) {
    FAISS_REQUIRE(is_known_metric(index.metric_type), invalid_argument, "unknown metric type %d",
                  int(index.metric_type));
    internal::ExactDatabase db;
    db.d = size_t(index.d);
    db.nb = size_t(index.ntotal);
    db.xb = index.get_xb();
    db.metric = index.metric_type;
    db.metric_arg = index.metric_arg;
    db.sel = params ? params->sel : nullptr;
    if (const auto* l2 = dynamic_cast<const IndexFlatL2*>(&index)) {
        if (l2->cached_l2norms.size() == size_t(index.ntotal) && index.ntotal > 0) {
            db.norms = l2->cached_l2norms.data();
        }
    }
    return db;
}

float pair_distance(const float* x, const float* y, size_t d, MetricType metric, float arg) {
    switch (metric) {
        case METRIC_INNER_PRODUCT:
            return fvec_inner_product(x, y, d);
        case METRIC_L2:
            return fvec_L2sqr(x, y, d);
        case METRIC_L1:
            return fvec_L1(x, y, d);
        case METRIC_Linf:
            return fvec_Linf(x, y, d);
        case METRIC_Lp:
            return fvec_Lp(x, y, d, arg);
    }
    FAISS_THROW_CODE(internal, "unknown metric %d", int(metric));
}

}  // namespace

IndexFlat::IndexFlat(idx_t d, MetricType metric)
    : IndexFlatCodes(size_t(d < 0 ? 0 : d) * sizeof(float), d, metric) {}

IndexFlat::IndexFlat() : IndexFlat(0, METRIC_L2) {}

void IndexFlat::search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                       const SearchParameters* params) const {
    internal::check_search_outputs(*this, n, x, k, distances, labels);
    internal::exact_knn(flat_database(*this, params), size_t(n), x, size_t(k), distances, labels);
}

void IndexFlat::range_search(idx_t n, const float* x, float radius, RangeSearchResult* result,
                             const SearchParameters* params) const {
    internal::check_range_search(*this, n, x, result);
    internal::exact_range_search(flat_database(*this, params), size_t(n), x, radius, result);
}

void IndexFlat::reconstruct(idx_t key, float* recons) const {
    internal::check_key(*this, key);
    FAISS_REQUIRE(recons, invalid_argument, "recons is null");
    std::memcpy(recons, codes.data() + size_t(key) * code_size, code_size);
}

void IndexFlat::compute_distance_subset(idx_t n, const float* x, idx_t k, float* distances,
                                        const idx_t* labels) const {
    internal::check_search(*this, n, x, k);
    FAISS_REQUIRE(n == 0 || (distances && labels), invalid_argument, "distances or labels is null");
    FAISS_REQUIRE(is_known_metric(metric_type), invalid_argument, "unknown metric type %d",
                  int(metric_type));
    const size_t nk = size_t(n) * size_t(k);
    for (size_t i = 0; i < nk; i++) {
        FAISS_REQUIRE(labels[i] >= -1 && labels[i] < ntotal, invalid_argument,
                      "label %lld at position %zu is outside [-1, ntotal=%lld)",
                      (long long)labels[i], i, (long long)ntotal);
    }
    const float pad = is_similarity_metric(metric_type) ? -std::numeric_limits<float>::infinity()
                                                        : std::numeric_limits<float>::infinity();
    const float* xb = get_xb();
    const size_t dd = size_t(d);
#pragma omp parallel for if (nk * dd > (1 << 18))
    for (int64_t i = 0; i < int64_t(nk); i++) {
        const idx_t id = labels[i];
        distances[i] = id < 0 ? pad
                              : pair_distance(x + size_t(i) / size_t(k) * dd, xb + size_t(id) * dd,
                                              dd, metric_type, metric_arg);
    }
}

void IndexFlat::sa_encode(idx_t n, const float* x, uint8_t* bytes) const {
    internal::check_vectors(*this, n, x, "encoded");
    FAISS_REQUIRE(n == 0 || bytes, invalid_argument, "bytes is null");
    if (n > 0) std::memcpy(bytes, x, size_t(n) * code_size);
}

void IndexFlat::sa_decode(idx_t n, const uint8_t* bytes, float* x) const {
    FAISS_REQUIRE(n >= 0, invalid_argument, "number of codes must be >= 0, got %lld", (long long)n);
    FAISS_REQUIRE(n == 0 || (bytes && x), invalid_argument, "bytes or x is null");
    if (n > 0) std::memcpy(x, bytes, size_t(n) * code_size);
}

/*** IndexFlatL2 norm cache ***/

void IndexFlatL2::sync_l2norms() {
    cached_l2norms.resize(size_t(ntotal));
    // Read through the const view: this must not copy or refuse a mapped index.
    const float* xb = static_cast<const IndexFlat&>(*this).get_xb();
    fvec_norms_L2sqr(cached_l2norms.data(), xb, size_t(d), size_t(ntotal));
}

void IndexFlatL2::clear_l2norms() {
    cached_l2norms.clear();
    cached_l2norms.shrink_to_fit();
}

void IndexFlatL2::add(idx_t n, const float* x) {
    const bool synced = !cached_l2norms.empty() && cached_l2norms.size() == size_t(ntotal);
    IndexFlat::add(n, x);
    if (!synced) {
        clear_l2norms();
        return;
    }
    const size_t old = cached_l2norms.size();
    cached_l2norms.resize(size_t(ntotal));
    fvec_norms_L2sqr(cached_l2norms.data() + old, get_xb() + old * size_t(d), size_t(d),
                     size_t(ntotal) - old);
}

void IndexFlatL2::reset() {
    clear_l2norms();
    IndexFlat::reset();
}

size_t IndexFlatL2::remove_ids(const IDSelector& sel) {
    clear_l2norms();
    return IndexFlat::remove_ids(sel);
}

void IndexFlatL2::merge_from(Index& other, idx_t add_id) {
    clear_l2norms();
    IndexFlat::merge_from(other, add_id);
}

void IndexFlatL2::permute_entries(const idx_t* perm) {
    clear_l2norms();
    IndexFlat::permute_entries(perm);
}

}  // namespace faiss
