// Exact 1-D k-means. Sorted values split into k contiguous groups (an optimal 1-D
// clustering always has this form); cost(i, j) is the squared error of values [i, j)
// around their mean, from prefix sums. D_m(j) = min_i D_{m-1}(i) + cost(i, j), and the
// best i is non-decreasing in j (the cost satisfies the quadrangle inequality), so each
// layer is solved by divide and conquer over j (Gronlund et al., "Fast exact k-means,
// k-medians and Bregman divergence clustering in 1D", 2017).
#include <faiss/Clustering.h>

#include <faiss/internal/checks.h>
#include <faiss/internal/kmeans_steps.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <vector>

namespace faiss {

namespace {

struct Layers {
    std::vector<double> s1, s2;  // prefix sums of values and squares, n + 1

    double cost(size_t i, size_t j) const {
        const double a = s1[j] - s1[i];
        return std::max(0.0, s2[j] - s2[i] - a * a / double(j - i));
    }

    // cur[j] and arg[j] for j in [jlo, jhi], the best split searched in [ilo, ihi].
    void solve(const std::vector<double>& prev, std::vector<double>& cur, int32_t* arg, size_t jlo,
               size_t jhi, size_t ilo, size_t ihi) const {
        while (jlo <= jhi) {
            const size_t mid = jlo + (jhi - jlo) / 2;
            double best = std::numeric_limits<double>::infinity();
            size_t best_i = ilo;
            for (size_t i = ilo; i <= std::min(ihi, mid - 1); i++) {
                const double v = prev[i] + cost(i, mid);
                if (v < best) {
                    best = v;
                    best_i = i;
                }
            }
            cur[mid] = best;
            arg[mid] = int32_t(best_i);
            if (mid > jlo) solve(prev, cur, arg, jlo, mid - 1, ilo, best_i);
            jlo = mid + 1;  // right half as a loop: recursion depth stays O(log n)
            ilo = best_i;
        }
    }
};

}  // namespace

Clustering1D::Clustering1D(int k) : Clustering(1, k) {}

Clustering1D::Clustering1D(int k, const ClusteringParameters& cp) : Clustering(1, k, cp) {}

void Clustering1D::train_exact(idx_t n, const float* x) {
    const auto t0 = std::chrono::steady_clock::now();
    FAISS_REQUIRE(k > 0, invalid_argument, "number of centroids k must be > 0, got %zu", k);
    FAISS_REQUIRE(n > 0, invalid_argument, "number of training points must be > 0, got %lld",
                  (long long)n);
    FAISS_REQUIRE(x != nullptr, invalid_argument, "training vectors pointer is null");
    FAISS_REQUIRE(size_t(n) >= k, invalid_argument,
                  "number of training points (%lld) should be at least as large as the "
                  "number of clusters (%zu)",
                  (long long)n, k);
    FAISS_REQUIRE(size_t(n) < size_t(std::numeric_limits<int32_t>::max()), invalid_argument,
                  "too many points for Clustering1D: %lld", (long long)n);
    std::vector<float> sample, unused;
    const idx_t m =
        internal::kmeans::subsample_for_training(1, k, n, x, nullptr, max_points_per_centroid,
                                                 min_points_per_centroid, seed, sample, unused);
    std::vector<float> v = sample.empty() ? std::vector<float>(x, x + n) : std::move(sample);
    if (check_input_data_for_NaNs) internal::kmeans::check_finite(size_t(m), 1, v.data());
    std::sort(v.begin(), v.end());

    const size_t np = size_t(m);
    Layers L;
    L.s1.assign(np + 1, 0.0);
    L.s2.assign(np + 1, 0.0);
    for (size_t i = 0; i < np; i++) {
        L.s1[i + 1] = L.s1[i] + v[i];
        L.s2[i + 1] = L.s2[i] + double(v[i]) * v[i];
    }
    std::vector<double> prev(np + 1), cur(np + 1, 0.0);
    for (size_t j = 1; j <= np; j++)
        prev[j] = L.cost(0, j);
    std::vector<int32_t> arg(k > 1 ? (k - 1) * (np + 1) : 0, 0);
    for (size_t layer = 1; layer < k; layer++) {
        // Layer `layer` puts layer + 1 groups into [0, j), so j >= layer + 1, i >= layer.
        L.solve(prev, cur, arg.data() + (layer - 1) * (np + 1), layer + 1, np, layer, np - 1);
        std::swap(prev, cur);
    }
    centroids.assign(k, 0.0f);
    size_t j = np;
    double sum_sq = 0;
    for (size_t layer = k; layer-- > 0;) {
        const size_t i = layer > 0 ? size_t(arg[(layer - 1) * (np + 1) + j]) : 0;
        centroids[layer] = float((L.s1[j] - L.s1[i]) / double(j - i));
        sum_sq += double(j - i) * double(j - i);
        j = i;
    }
    const double imbalance = sum_sq * double(k) / (double(np) * double(np));
    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    iteration_stats.assign(1, ClusteringIterationStats{float(prev[np]), t, 0.0, imbalance, 0});
}

}  // namespace faiss
