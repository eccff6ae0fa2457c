// DistributedClustering against single-process faiss::Clustering on the whole set.
#include "mpi_test_utils.h"

#include <common/test_utils.h>
#include <faiss/Clustering.h>
#include <faiss/IndexFlat.h>
#include <faiss/mpi/DistributedClustering.h>

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace {

using faiss::idx_t;

struct Result {
    std::vector<float> centroids;
    std::vector<faiss::ClusteringIterationStats> stats;
};

Result single(const std::vector<float>& x, size_t d, int k, const faiss::ClusteringParameters& cp,
              const std::vector<float>* w = nullptr) {
    faiss::Clustering c(int(d), k, cp);
    faiss::IndexFlatL2 index(static_cast<int>(d));
    c.train(idx_t(x.size() / d), x.data(), index, w ? w->data() : nullptr);
    return {c.centroids, c.iteration_stats};
}

Result distributed(const std::vector<float>& x_local, size_t d, int k,
                   const faiss::ClusteringParameters& cp,
                   const std::vector<float>* w_local = nullptr) {
    faiss::mpi::DistributedClustering c(MPI_COMM_WORLD, int(d), k, cp);
    faiss::IndexFlatL2 index(static_cast<int>(d));
    c.train(idx_t(x_local.size() / d), x_local.data(), index, w_local ? w_local->data() : nullptr);
    EXPECT_EQ(index.ntotal, k);
    return {c.centroids, c.iteration_stats};
}

/// Same centroids up to float summation order, same per-iteration splits and objective.
void expect_same(const Result& a, const Result& b, float tol = 1e-5f) {
    ASSERT_EQ(a.centroids.size(), b.centroids.size());
    double worst = 0;
    for (size_t i = 0; i < a.centroids.size(); i++) {
        const double scale = std::max(1.0, double(std::fabs(a.centroids[i])));
        worst = std::max(worst, std::fabs(double(a.centroids[i]) - double(b.centroids[i])) / scale);
    }
    EXPECT_LE(worst, tol);
    ASSERT_EQ(a.stats.size(), b.stats.size());
    for (size_t i = 0; i < a.stats.size(); i++) {
        EXPECT_EQ(a.stats[i].nsplit, b.stats[i].nsplit) << "iteration " << i;
        EXPECT_NEAR(a.stats[i].obj, b.stats[i].obj, 1e-5 * std::fabs(a.stats[i].obj) + 1e-6)
            << "iteration " << i;
        EXPECT_NEAR(a.stats[i].imbalance_factor, b.stats[i].imbalance_factor, 1e-9);
    }
}

TEST(DistributedKmeans, EqualsSingleProcess) {
    const size_t d = 16, n = 3000;
    const std::vector<float> x = faiss::test::clustered_vectors(n, d, 25, 11);
    faiss::ClusteringParameters cp;
    cp.niter = 12;
    cp.seed = 77;
    expect_same(single(x, d, 20, cp), distributed(mpi_test::my_rows(x, d), d, 20, cp));
}

TEST(DistributedKmeans, SubsampledSetIsTheSameDraw) {
    const size_t d = 8, n = 4000;
    const std::vector<float> x = faiss::test::clustered_vectors(n, d, 12, 5);
    faiss::ClusteringParameters cp;
    cp.niter = 8;
    cp.max_points_per_centroid = 40;  // 10 * 40 = 400 of 4000 points
    expect_same(single(x, d, 10, cp), distributed(mpi_test::my_rows(x, d), d, 10, cp));
}

TEST(DistributedKmeans, EmptyClustersSplitAlike) {
    // 6 distinct points, each repeated: 16 centroids leave clusters empty every iteration.
    const size_t d = 4;
    const std::vector<float> base = faiss::test::random_vectors(6, d, 3);
    std::vector<float> x;
    for (int rep = 0; rep < 40; rep++)
        x.insert(x.end(), base.begin(), base.end());
    faiss::ClusteringParameters cp;
    cp.niter = 6;
    cp.min_points_per_centroid = 1;
    const Result a = single(x, d, 16, cp), b = distributed(mpi_test::my_rows(x, d), d, 16, cp);
    ASSERT_FALSE(a.stats.empty());
    EXPECT_GT(a.stats[0].nsplit, 0);
    expect_same(a, b);
}

TEST(DistributedKmeans, UnevenPartsWeightsAndRedo) {
    const size_t d = 8, n = 1500;
    const std::vector<float> x = faiss::test::clustered_vectors(n, d, 10, 21);
    std::vector<float> w(n);
    for (size_t i = 0; i < n; i++)
        w[i] = float(1 + i % 3);
    // Everything on the last rank, nothing elsewhere.
    const bool last = mpi_test::rank() == mpi_test::size() - 1;
    const std::vector<float> xl = last ? x : std::vector<float>();
    const std::vector<float> wl = last ? w : std::vector<float>();
    faiss::ClusteringParameters cp;
    cp.niter = 5;
    cp.nredo = 2;
    cp.spherical = true;
    expect_same(single(x, d, 12, cp, &w), distributed(xl, d, 12, cp, &wl));
}

TEST(DistributedKmeans, PrefilledFrozenCentroidsAndInnerProduct) {
    const size_t d = 8, n = 1200;
    const int k = 10;
    const std::vector<float> x = faiss::test::clustered_vectors(n, d, 10, 31);
    const std::vector<float> prefill(x.begin(), x.begin() + 3 * d);
    faiss::ClusteringParameters cp;
    cp.niter = 6;
    cp.frozen_centroids = true;
    cp.spherical = true;
    faiss::Clustering c1(int(d), k, cp);
    c1.centroids = prefill;
    faiss::IndexFlatIP i1(static_cast<int>(d));
    c1.train(idx_t(n), x.data(), i1);
    faiss::mpi::DistributedClustering c2(MPI_COMM_WORLD, int(d), k, cp);
    c2.centroids = prefill;
    faiss::IndexFlatIP i2(static_cast<int>(d));
    const std::vector<float> mine = mpi_test::my_rows(x, d);
    c2.train(idx_t(mine.size() / d), mine.data(), i2);
    expect_same({c1.centroids, c1.iteration_stats}, {c2.centroids, c2.iteration_stats});
}

TEST(DistributedKmeans, FailureOnOneRankIsReportedByAll) {
    const size_t d = 4;
    std::vector<float> x = mpi_test::my_rows(faiss::test::random_vectors(400, d, 9), d);
    if (mpi_test::rank() == mpi_test::size() - 1) x[1] = NAN;
    faiss::mpi::DistributedClustering c(MPI_COMM_WORLD, int(d), 8);
    faiss::IndexFlatL2 index(static_cast<int>(d));
    const std::string who = "rank " + std::to_string(mpi_test::size() - 1) + " of ";
    try {
        c.train(idx_t(x.size() / d), x.data(), index);
        ADD_FAILURE() << "NaN training data accepted";
    } catch (const faiss::FaissException& e) {
        EXPECT_EQ(e.code(), faiss::ErrorCode::invalid_argument);
        EXPECT_NE(e.message().find(who), std::string::npos) << e.message();
        EXPECT_NE(e.message().find("NaN"), std::string::npos) << e.message();
    }
}

TEST(DistributedKmeans, KmeansPlusPlusIsUnsupported) {
    const size_t d = 4;
    const std::vector<float> x = mpi_test::my_rows(faiss::test::random_vectors(400, d, 9), d);
    faiss::ClusteringParameters cp;
    cp.use_kmeanspp = true;
    faiss::mpi::DistributedClustering c(MPI_COMM_WORLD, int(d), 8, cp);
    faiss::IndexFlatL2 index(static_cast<int>(d));
    faiss::test::expect_code(
        faiss::ErrorCode::unsupported, [&] { c.train(idx_t(x.size() / d), x.data(), index); },
        "kmeanspp");
}

TEST(DistributedKmeans, SettingsMustAgree) {
    const size_t d = 4;
    const std::vector<float> x = mpi_test::my_rows(faiss::test::random_vectors(400, d, 9), d);
    faiss::ClusteringParameters cp;
    cp.niter = mpi_test::size() > 1 && mpi_test::rank() == 1 ? 3 : 4;
    faiss::mpi::DistributedClustering c(MPI_COMM_WORLD, int(d), 8, cp);
    faiss::IndexFlatL2 index(static_cast<int>(d));
    if (mpi_test::size() == 1) {
        c.train(idx_t(x.size() / d), x.data(), index);
        return;
    }
    faiss::test::expect_code(
        faiss::ErrorCode::invalid_argument, [&] { c.train(idx_t(x.size() / d), x.data(), index); },
        "niter");
}

}  // namespace
