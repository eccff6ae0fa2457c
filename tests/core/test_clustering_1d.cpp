// Clustering1D: the exact optimum, checked against every partition on small inputs.
#include "clustering_test_helpers.h"
#include "common/test_utils.h"

#include <faiss/Clustering.h>
#include <faiss/FaissException.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace faiss::test {
namespace {

double segment_sse(const std::vector<double>& v, size_t i, size_t j) {
    double mean = 0;
    for (size_t t = i; t < j; t++)
        mean += v[t];
    mean /= double(j - i);
    double s = 0;
    for (size_t t = i; t < j; t++)
        s += (v[t] - mean) * (v[t] - mean);
    return s;
}

// Best contiguous split of sorted v into k groups, by trying all of them.
double brute_force_optimum(std::vector<double> v, size_t k) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    double best = std::numeric_limits<double>::infinity();
    std::vector<size_t> cut(k + 1);
    // Enumerate cut points 0 = c0 < c1 < ... < ck = n.
    std::vector<bool> choose(n - 1, false);
    std::fill(choose.end() - int(k - 1), choose.end(), true);
    do {
        size_t prev = 0;
        double s = 0;
        for (size_t p = 0; p < n - 1; p++) {
            if (choose[p]) {
                s += segment_sse(v, prev, p + 1);
                prev = p + 1;
            }
        }
        s += segment_sse(v, prev, n);
        best = std::min(best, s);
    } while (std::next_permutation(choose.begin(), choose.end()));
    return best;
}

TEST(Clustering1D, ExactOnSmallInputs) {
    std::mt19937 rng(5);
    std::normal_distribution<float> normal(0.0f, 3.0f);
    for (size_t n : {5u, 9u, 13u}) {
        for (size_t k : {1u, 2u, 3u, 4u}) {
            std::vector<float> x(n);
            for (auto& v : x)
                v = normal(rng);
            x[n / 2] = x[0];  // a duplicate
            Clustering1D clus{int(k)};
            clus.train_exact(idx_t(n), x.data());
            ASSERT_EQ(clus.centroids.size(), k);
            EXPECT_TRUE(std::is_sorted(clus.centroids.begin(), clus.centroids.end()));
            const double best = brute_force_optimum(std::vector<double>(x.begin(), x.end()), k);
            ASSERT_EQ(clus.iteration_stats.size(), 1u);
            EXPECT_NEAR(clus.iteration_stats[0].obj, best, 1e-5 * (1 + best))
                << "n=" << n << " k=" << k;
            // The centroids realise that objective.
            EXPECT_NEAR(reference_objective(1, n, k, x.data(), clus.centroids.data()), best,
                        1e-4 * (1 + best));
        }
    }
}

TEST(Clustering1D, NoWorseThanLloyd) {
    const size_t n = 3000, k = 16;
    auto x = random_vectors(n, 1, 9);
    for (size_t i = 0; i < n; i += 3)
        x[i] = x[i] * x[i] * 10;  // skewed
    Clustering1D exact{int(k)};
    exact.train_exact(idx_t(n), x.data());
    Clustering lloyd(1, int(k));
    lloyd.niter = 30;
    auto index = make_flat(1);
    lloyd.train(idx_t(n), x.data(), *index);
    const double e = reference_objective(1, n, k, x.data(), exact.centroids.data());
    const double l = reference_objective(1, n, k, x.data(), lloyd.centroids.data());
    EXPECT_LE(e, l * (1 + 1e-6));
    EXPECT_NEAR(exact.iteration_stats[0].obj, e, 1e-4 * e);
}

TEST(Clustering1D, BadInput) {
    EXPECT_THROW(Clustering1D(0), FaissException);
    Clustering1D clus(4);
    float x[3] = {1, 2, 3};
    EXPECT_THROW(clus.train_exact(3, x), FaissException);
    EXPECT_THROW(clus.train_exact(0, x), FaissException);
    EXPECT_THROW(clus.train_exact(4, nullptr), FaissException);
    float y[5] = {1, 2, std::numeric_limits<float>::quiet_NaN(), 4, 5};
    EXPECT_THROW(clus.train_exact(5, y), FaissException);
}

}  // namespace
}  // namespace faiss::test
