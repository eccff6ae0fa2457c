// Default implementations of the Index base class: the operations that can be
// expressed through others (assign via search, residuals via reconstruct ...), and
// clear "unsupported" errors for the rest.
#include <faiss/Index.h>

#include <faiss/FaissException.h>
#include <faiss/internal/checks.h>
#include <faiss/internal/index_checks.h>

#include <cstring>
#include <limits>
#include <memory>
#include <vector>

namespace faiss {

Index::Index(idx_t d, MetricType metric)
        : d(int(d)),
          ntotal(0),
          verbose(false),
          is_trained(true),
          metric_type(metric),
          metric_arg(0) {
    FAISS_REQUIRE(d >= 0 && d <= std::numeric_limits<int>::max(), invalid_argument,
                  "dimension must be >= 0, got %lld", (long long)d);
    FAISS_REQUIRE(is_known_metric(metric), invalid_argument, "unknown metric type %d",
                  int(metric));
}

Index::~Index() = default;

void Index::train(idx_t n, const float* x) {
    internal::check_vectors(*this, n, x, "training");
}

void Index::add_with_ids(idx_t, const float*, const idx_t*) {
    FAISS_THROW_CODE(unsupported,
                     "add_with_ids is not supported by this index type; wrap it in an "
                     "IndexIDMap to attach your own ids");
}

void Index::range_search(idx_t, const float*, float, RangeSearchResult*,
                         const SearchParameters*) const {
    FAISS_THROW_CODE(unsupported, "range_search is not supported by this index type");
}

void Index::assign(idx_t n, const float* x, idx_t* labels, idx_t k) const {
    internal::check_search(*this, n, x, k);
    FAISS_REQUIRE(n == 0 || labels, invalid_argument, "labels is null");
    std::vector<float> distances(size_t(n) * size_t(k));
    search(n, x, k, distances.data(), labels);
}

size_t Index::remove_ids(const IDSelector&) {
    FAISS_THROW_CODE(unsupported, "remove_ids is not supported by this index type");
}

void Index::reconstruct(idx_t, float*) const {
    FAISS_THROW_CODE(unsupported, "reconstruct is not supported by this index type");
}

void Index::reconstruct_batch(idx_t n, const idx_t* keys, float* recons) const {
    FAISS_REQUIRE(n >= 0, invalid_argument, "n must be >= 0, got %lld", (long long)n);
    FAISS_REQUIRE(n == 0 || (keys && recons), invalid_argument, "keys or recons is null");
    for (idx_t i = 0; i < n; i++) {
        reconstruct(keys[i], recons + size_t(i) * size_t(d));
    }
}

void Index::reconstruct_n(idx_t i0, idx_t ni, float* recons) const {
    FAISS_REQUIRE(ni >= 0 && i0 >= 0 && i0 + ni <= ntotal, invalid_argument,
                  "range [%lld, %lld) is outside [0, ntotal=%lld)", (long long)i0,
                  (long long)(i0 + ni), (long long)ntotal);
    FAISS_REQUIRE(ni == 0 || recons, invalid_argument, "recons is null");
    for (idx_t i = 0; i < ni; i++) {
        reconstruct(i0 + i, recons + size_t(i) * size_t(d));
    }
}

void Index::search_and_reconstruct(idx_t n, const float* x, idx_t k, float* distances,
                                   idx_t* labels, float* recons,
                                   const SearchParameters* params) const {
    internal::check_search(*this, n, x, k);
    FAISS_REQUIRE(n == 0 || (distances && labels && recons), invalid_argument,
                  "distances, labels or recons is null");
    search(n, x, k, distances, labels, params);
    const size_t dd = size_t(d);
    for (size_t i = 0; i < size_t(n) * size_t(k); i++) {
        float* out = recons + i * dd;
        if (labels[i] < 0) {
            std::fill(out, out + dd, std::numeric_limits<float>::quiet_NaN());
        } else {
            reconstruct(labels[i], out);
        }
    }
}

void Index::compute_residual(const float* x, float* residual, idx_t key) const {
    FAISS_REQUIRE(x && residual, invalid_argument, "x or residual is null");
    reconstruct(key, residual);
    for (int j = 0; j < d; j++) residual[j] = x[j] - residual[j];
}

void Index::compute_residual_n(idx_t n, const float* xs, float* residuals,
                               const idx_t* keys) const {
    FAISS_REQUIRE(n >= 0, invalid_argument, "n must be >= 0, got %lld", (long long)n);
    FAISS_REQUIRE(n == 0 || (xs && residuals && keys), invalid_argument,
                  "xs, residuals or keys is null");
    for (idx_t i = 0; i < n; i++) {
        compute_residual(xs + size_t(i) * d, residuals + size_t(i) * d, keys[i]);
    }
}

size_t Index::sa_code_size() const {
    FAISS_THROW_CODE(unsupported, "standalone codec is not supported by this index type");
}

void Index::sa_encode(idx_t, const float*, uint8_t*) const {
    FAISS_THROW_CODE(unsupported, "standalone codec is not supported by this index type");
}

void Index::sa_decode(idx_t, const uint8_t*, float*) const {
    FAISS_THROW_CODE(unsupported, "standalone codec is not supported by this index type");
}

void Index::merge_from(Index&, idx_t) {
    FAISS_THROW_CODE(unsupported, "merge_from is not supported by this index type");
}

void Index::check_compatible_for_merge(const Index&) const {
    FAISS_THROW_CODE(unsupported, "merge_from is not supported by this index type");
}

}  // namespace faiss
