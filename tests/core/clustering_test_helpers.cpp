#include "clustering_test_helpers.h"

#include "common/test_utils.h"

#include <faiss/IndexFlat.h>
#include <faiss/internal/kmeans_steps.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

namespace faiss::test {

RecordingIndex::RecordingIndex(std::unique_ptr<Index> inner_index)
    : Index(inner_index->d, inner_index->metric_type), inner(std::move(inner_index)) {
    is_trained = inner->is_trained;
}

void RecordingIndex::train(idx_t n, const float* x) {
    n_train++;
    inner->train(n, x);
    is_trained = inner->is_trained;
}

void RecordingIndex::add(idx_t n, const float* x) {
    n_add++;
    inner->add(n, x);
    ntotal = inner->ntotal;
}

void RecordingIndex::search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                            const SearchParameters* params) const {
    inner->search(n, x, k, distances, labels, params);
    if (forced_label >= -1 && n > 0) labels[0] = forced_label;
    search_sizes.push_back(n);
    double sum = 0;
    for (idx_t i = 0; i < n * k; i++)
        sum += distances[i];
    search_dis_sums.push_back(sum);
}

void RecordingIndex::reset() {
    n_reset++;
    inner->reset();
    ntotal = 0;
}

namespace {

double sq_dist(const float* a, const float* b, size_t d) {
    double s = 0;
    for (size_t j = 0; j < d; j++) {
        const double t = double(a[j]) - double(b[j]);
        s += t * t;
    }
    return s;
}

void means_of(size_t d, size_t n, size_t k, const float* x, const float* w,
              const std::vector<idx_t>& assign, const std::vector<size_t>& clusters,
              std::vector<float>& centroids) {
    for (size_t c : clusters) {
        std::vector<double> acc(d, 0.0);
        double wsum = 0;
        for (size_t i = 0; i < n; i++) {
            const double wi = w ? w[i] : 1.0;
            if (size_t(assign[i]) != c || wi <= 0) continue;
            for (size_t j = 0; j < d; j++)
                acc[j] += wi * x[i * d + j];
            wsum += wi;
        }
        if (wsum == 0) continue;
        for (size_t j = 0; j < d; j++)
            centroids[c * d + j] = float(acc[j] / wsum);
    }
}

}  // namespace

LloydReference reference_lloyd(size_t d, size_t n, size_t k, const float* x, const float* w,
                               const std::vector<float>& init, int niter, int seed) {
    LloydReference ref;
    std::vector<float> cent = init;
    std::vector<idx_t> assign(n);
    std::vector<double> dis(n);
    std::vector<size_t> all(k);
    std::iota(all.begin(), all.end(), size_t(0));
    for (int it = 0; it < niter; it++) {
        double obj = 0;
        std::vector<idx_t> count(k, 0);
        for (size_t i = 0; i < n; i++) {
            dis[i] = std::numeric_limits<double>::infinity();
            for (size_t c = 0; c < k; c++) {
                const double dc = sq_dist(x + i * d, cent.data() + c * d, d);
                if (dc < dis[i]) {
                    dis[i] = dc;
                    assign[i] = idx_t(c);
                }
            }
            const double wi = w ? w[i] : 1.0;
            obj += wi * dis[i];
            if (wi > 0) count[assign[i]]++;
        }
        ref.obj.push_back(obj);
        means_of(d, n, k, x, w, assign, all, cent);

        // Empty clusters, in id order, split a donor drawn by member count beyond one:
        // the same draws as the library (its generator, its seed per iteration).
        internal::kmeans::Rng rng((uint64_t(int64_t(seed)) * 0x9E3779B97F4A7C15ULL) ^ uint64_t(it));
        int nsplit = 0;
        for (size_t e = 0; e < k; e++) {
            if (count[e] != 0) continue;
            uint64_t spare = 0;
            for (size_t c = 0; c < k; c++)
                spare += count[c] > 1 ? uint64_t(count[c] - 1) : 0;
            if (spare == 0) break;
            uint64_t r = rng.below(spare);
            size_t donor = 0;
            while (count[donor] <= 1 || r >= uint64_t(count[donor] - 1)) {
                if (count[donor] > 1) r -= uint64_t(count[donor] - 1);
                donor++;
            }
            double sumsq = 0;
            for (size_t j = 0; j < d; j++)
                sumsq += double(cent[donor * d + j]) * double(cent[donor * d + j]);
            const float step = float(std::sqrt(sumsq / double(d))) / 1024.0f + 1e-12f;
            for (size_t j = 0; j < d; j++) {
                const float delta = rng.below(2) ? step : -step;
                cent[e * d + j] = cent[donor * d + j] + delta;
                cent[donor * d + j] -= delta;
            }
            count[e] = count[donor] / 2;
            count[donor] -= count[e];
            nsplit++;
        }
        ref.nsplit.push_back(nsplit);
    }
    ref.centroids = cent;
    return ref;
}

double reference_objective(size_t d, size_t n, size_t k, const float* x, const float* centroids,
                           const float* w) {
    double obj = 0;
    for (size_t i = 0; i < n; i++) {
        double best = std::numeric_limits<double>::infinity();
        for (size_t c = 0; c < k; c++)
            best = std::min(best, sq_dist(x + i * d, centroids + c * d, d));
        obj += (w ? w[i] : 1.0) * best;
    }
    return obj;
}

std::unique_ptr<Index> make_flat(int d, MetricType metric) {
    if (metric == METRIC_INNER_PRODUCT) return std::make_unique<IndexFlatIP>(d);
    return std::make_unique<IndexFlatL2>(d);
}

}  // namespace faiss::test
