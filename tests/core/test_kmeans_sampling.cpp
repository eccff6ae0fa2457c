// k-means sampling follows Faiss's random permutation, so that for the same data and
// seed both libraries subsample and initialise from the same points.
#include "common/test_utils.h"

#include <faiss/Clustering.h>
#include <faiss/IndexFlat.h>
#include <faiss/internal/kmeans_steps.h>

#include <gtest/gtest.h>

#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace faiss::test {
namespace {

// Faiss's documented permutation: a full Fisher-Yates shuffle driven by a 32-bit
// Mersenne Twister seeded with the seed truncated to 32 bits.
std::vector<idx_t> faiss_permutation(size_t n, int64_t seed) {
    std::vector<idx_t> perm(n);
    std::iota(perm.begin(), perm.end(), idx_t(0));
    std::mt19937 mt(static_cast<unsigned int>(seed));
    for (size_t i = 0; i + 1 < n; i++) {
        std::swap(perm[i], perm[i + mt() % (n - i)]);
    }
    return perm;
}

TEST(KmeansSampling, RandomSampleIsThePrefixOfFaissPermutation) {
    // Dense (m >= n / 4) and sparse (hash map) branches; a seed past 2^32 and a negative
    // one keep only their low 32 bits.
    const std::vector<std::pair<idx_t, idx_t>> sizes = {
        {1000, 900}, {1000, 1000}, {100000, 300}, {7, 1}};
    const std::vector<int64_t> seeds = {1234, 1235, 1234 + 2 * 15486557LL, (1LL << 32) + 5, -3};
    for (auto [n, m] : sizes) {
        for (int64_t seed : seeds) {
            const std::vector<idx_t> got = internal::kmeans::random_sample(n, m, uint64_t(seed));
            const std::vector<idx_t> perm = faiss_permutation(size_t(n), seed);
            ASSERT_EQ(got.size(), size_t(m));
            EXPECT_TRUE(std::equal(got.begin(), got.end(), perm.begin()))
                << "n=" << n << " m=" << m << " seed=" << seed;
        }
    }
}

// With niter = 0 the centroids are the initial ones: centroid c is row
// sample[init[c]], sample = the first k * max_points_per_centroid draws of the
// permutation for `seed` (all rows when there are fewer), init = the permutation of
// the sample for seed + 1.
void expect_faiss_initialisation(size_t n, size_t d, size_t k, int max_ppc, int seed,
                                 size_t n_input) {
    const auto x = random_vectors(n, d, 91);
    Clustering clus{int(d), int(k)};
    clus.niter = 0;
    clus.seed = seed;
    clus.max_points_per_centroid = max_ppc;
    clus.centroids.assign(x.begin(), x.begin() + n_input * d);  // pre-set centroids
    IndexFlatL2 index{int(d)};
    testing::internal::CaptureStderr();
    clus.train(idx_t(n), x.data(), index);
    testing::internal::GetCapturedStderr();

    std::vector<idx_t> sample(n);
    std::iota(sample.begin(), sample.end(), idx_t(0));
    if (n > k * size_t(max_ppc)) {
        sample = faiss_permutation(n, seed);
        sample.resize(k * size_t(max_ppc));
    }
    const std::vector<idx_t> init = faiss_permutation(sample.size(), int64_t(seed) + 1);
    ASSERT_EQ(clus.centroids.size(), k * d);
    for (size_t c = n_input; c < k; c++) {
        const float* row = x.data() + size_t(sample[size_t(init[c])]) * d;
        EXPECT_TRUE(std::equal(row, row + d, clus.centroids.data() + c * d))
            << "centroid " << c << " n=" << n << " k=" << k << " seed=" << seed;
    }
}

TEST(KmeansSampling, InitialCentroidsAreFaissDraws) {
    expect_faiss_initialisation(5000, 3, 10, 20, 1234, 0);  // subsampled to 200
    expect_faiss_initialisation(5000, 3, 10, 20, 77, 4);    // and 4 given centroids
    expect_faiss_initialisation(600, 5, 12, 256, 1234, 0);  // no subsampling
}

}  // namespace
}  // namespace faiss::test
