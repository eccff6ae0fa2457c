// Kmeans (the C++ counterpart of faiss.Kmeans), kmeans_clustering and train_encoded.
#include "clustering_test_helpers.h"
#include "common/test_utils.h"

#include <faiss/Clustering.h>
#include <faiss/FaissException.h>
#include <faiss/IndexFlat.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

namespace faiss::test {
namespace {

TEST(Kmeans, TrainReturnsFinalObjectiveAndAssigns) {
    const int d = 10, k = 12;
    const size_t n = 2000;
    auto x = random_vectors(n, d, 31);
    Kmeans km(d, k, /*niter=*/8, /*verbose=*/false, /*seed=*/77);
    const float obj = km.train(idx_t(n), x.data());
    ASSERT_EQ(km.obj.size(), 8u);
    ASSERT_EQ(km.iteration_stats.size(), 8u);
    EXPECT_EQ(obj, km.obj.back());
    ASSERT_EQ(km.centroids.size(), size_t(k) * d);
    ASSERT_NE(km.index, nullptr);
    EXPECT_EQ(km.index->ntotal, k);
    EXPECT_EQ(km.index->metric_type, METRIC_L2);

    std::vector<float> D(n);
    std::vector<idx_t> I(n);
    km.assign(idx_t(n), x.data(), D.data(), I.data());
    std::vector<double> rd;
    std::vector<idx_t> ri;
    reference_knn(x.data(), n, km.centroids.data(), k, d, 1, METRIC_L2, rd, ri);
    size_t same = 0;
    for (size_t i = 0; i < n; i++) {
        same += I[i] == ri[i];
        EXPECT_NEAR(D[i], rd[i], 1e-4 * (1 + rd[i]));
    }
    EXPECT_GE(same, n - 2);  // float ties aside
}

TEST(Kmeans, ParametersAndSpherical) {
    const int d = 6, k = 8;
    const size_t n = 1000;
    auto x = random_vectors(n, d, 32);
    ClusteringParameters cp;
    cp.niter = 5;
    cp.spherical = true;
    cp.nredo = 2;
    Kmeans km(d, k, cp);
    km.train(idx_t(n), x.data());
    EXPECT_EQ(km.index->metric_type, METRIC_INNER_PRODUCT);
    for (int c = 0; c < k; c++) {
        double norm = 0;
        for (int j = 0; j < d; j++)
            norm += std::pow(double(km.centroids[c * d + j]), 2);
        EXPECT_NEAR(norm, 1.0, 1e-5);
    }
}

TEST(Kmeans, InitCentroidsAndWeights) {
    const int d = 4, k = 5;
    const size_t n = 600;
    auto x = random_vectors(n, d, 33);
    std::vector<float> w(n, 1.0f);
    for (size_t i = 0; i < n; i += 5)
        w[i] = 3.0f;
    std::vector<float> init(x.begin(), x.begin() + k * d);
    Kmeans km(d, k, 6);
    km.train(idx_t(n), x.data(), w.data(), init.data());
    auto ref = reference_lloyd(d, n, k, x.data(), w.data(), init, 6);
    for (size_t i = 0; i < init.size(); i++)
        EXPECT_NEAR(km.centroids[i], ref.centroids[i], 1e-4);
    EXPECT_NEAR(km.obj.back(), ref.obj.back(), 1e-5 * ref.obj.back());
}

TEST(Kmeans, Errors) {
    EXPECT_THROW(Kmeans(0, 4), FaissException);
    EXPECT_THROW(Kmeans(4, 0), FaissException);
    Kmeans km(4, 3);
    float x[8] = {};
    float D[2];
    idx_t I[2];
    try {
        km.assign(2, x, D, I);
        ADD_FAILURE() << "assign before train";
    } catch (const FaissException& e) {
        EXPECT_EQ(e.code(), ErrorCode::not_trained);
    }
    EXPECT_THROW(km.train(2, x), FaissException);  // n < k
}

TEST(KmeansClustering, MatchesClusteringWithFlatL2) {
    const size_t d = 8, n = 1500, k = 10;
    auto x = random_vectors(n, d, 34);
    std::vector<float> cent(k * d);
    const float obj = kmeans_clustering(d, n, k, x.data(), cent.data());
    Clustering clus{int(d), int(k)};
    IndexFlatL2 index(d);
    clus.train(idx_t(n), x.data(), index);
    EXPECT_EQ(cent, clus.centroids);
    EXPECT_EQ(obj, clus.iteration_stats.back().obj);
    EXPECT_EQ(clus.iteration_stats.size(), 25u);
    EXPECT_THROW(kmeans_clustering(d, n, 0, x.data(), cent.data()), FaissException);
    EXPECT_THROW(kmeans_clustering(d, 5, k, x.data(), cent.data()), FaissException);
    EXPECT_THROW(kmeans_clustering(d, n, k, x.data(), nullptr), FaissException);
}

TEST(Clustering, TrainEncodedEqualsTrainOnDecoded) {
    const size_t d = 8, n = 900, k = 9;
    auto x = random_vectors(n, d, 35);
    IndexFlatL2 codec(d);  // codes are the raw floats
    std::vector<uint8_t> codes(n * codec.sa_code_size());
    codec.sa_encode(idx_t(n), x.data(), codes.data());
    Clustering a{int(d), int(k)}, b{int(d), int(k)};
    a.niter = b.niter = 5;
    a.decode_block_size = 100;  // several blocks
    IndexFlatL2 ia(d), ib(d);
    a.train_encoded(idx_t(n), codes.data(), &codec, ia);
    b.train(idx_t(n), x.data(), ib);
    EXPECT_EQ(a.centroids, b.centroids);
}

}  // namespace
}  // namespace faiss::test
