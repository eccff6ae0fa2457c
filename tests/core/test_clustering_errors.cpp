// Clustering: every bad input gives a FaissException with the right code, never a crash.
#include "clustering_test_helpers.h"
#include "common/test_utils.h"

#include <faiss/Clustering.h>
#include <faiss/FaissException.h>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace faiss::test {
namespace {

template <class F>
void expect_error(F&& f, ErrorCode code, const std::string& fragment) {
    try {
        f();
        ADD_FAILURE() << "no exception, expected one mentioning '" << fragment << "'";
    } catch (const FaissException& e) {
        EXPECT_EQ(e.code(), code) << e.what();
        EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
}

constexpr auto bad = ErrorCode::invalid_argument;

TEST(ClusteringErrors, BadSizes) {
    expect_error([] { Clustering c(4, 0); }, bad, "k must be > 0");
    expect_error([] { Clustering c(4, -3); }, bad, "k must be > 0");
    expect_error([] { Clustering c(0, 5); }, bad, "d must be > 0");

    auto x = random_vectors(50, 4, 1);
    auto index = make_flat(4);
    Clustering clus(4, 10);
    expect_error([&] { clus.train(0, x.data(), *index); }, bad, "must be > 0, got 0");
    expect_error([&] { clus.train(-5, x.data(), *index); }, bad, "must be > 0, got -5");
    expect_error([&] { clus.train(9, x.data(), *index); }, bad, "at least as large");
    expect_error([&] { clus.train(50, nullptr, *index); }, bad, "null");
    auto index8 = make_flat(8);
    expect_error([&] { clus.train(50, x.data(), *index8); }, bad, "does not match");
    clus.k = 0;
    expect_error([&] { clus.train(50, x.data(), *index); }, bad, "must be > 0");
}

TEST(ClusteringErrors, BadParameters) {
    auto x = random_vectors(50, 4, 2);
    auto index = make_flat(4);
    {
        Clustering clus(4, 5);
        clus.nredo = 0;
        expect_error([&] { clus.train(50, x.data(), *index); }, bad, "nredo");
    }
    {
        Clustering clus(4, 5);
        clus.niter = -1;
        expect_error([&] { clus.train(50, x.data(), *index); }, bad, "niter");
    }
    {
        Clustering clus(4, 5);
        clus.max_points_per_centroid = 0;
        expect_error([&] { clus.train(50, x.data(), *index); }, bad, "max_points_per_centroid");
    }
    {
        Clustering clus(4, 5);
        clus.centroids.assign(6, 0.0f);  // not a multiple of d
        expect_error([&] { clus.train(50, x.data(), *index); }, bad, "pre-filled centroids");
        clus.centroids.assign(6 * 4, 0.0f);  // more than k
        expect_error([&] { clus.train(50, x.data(), *index); }, bad, "pre-filled centroids");
    }
}

TEST(ClusteringErrors, NonFiniteData) {
    auto index = make_flat(4);
    for (float v : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                    -std::numeric_limits<float>::infinity()}) {
        auto x = random_vectors(60, 4, 3);
        x[37 * 4 + 2] = v;
        Clustering clus(4, 5);
        clus.niter = 2;
        expect_error([&] { clus.train(60, x.data(), *index); }, bad, "vector 37 component 2");
    }
}

TEST(ClusteringErrors, BadWeights) {
    auto x = random_vectors(60, 4, 4);
    auto index = make_flat(4);
    std::vector<float> w(60, 1.0f);
    Clustering clus(4, 5);
    w[7] = -1;
    expect_error([&] { clus.train(60, x.data(), *index, w.data()); }, bad, "weight 7");
    w[7] = std::numeric_limits<float>::quiet_NaN();
    expect_error([&] { clus.train(60, x.data(), *index, w.data()); }, bad, "weight 7");
}

TEST(ClusteringErrors, IndexThatLosesPoints) {
    auto x = random_vectors(60, 4, 5);
    RecordingIndex index(make_flat(4));
    index.forced_label = -1;
    Clustering clus(4, 5);
    expect_error([&] { clus.train(60, x.data(), index); }, ErrorCode::unsupported, "label -1");
    index.forced_label = 5;
    expect_error([&] { clus.train(60, x.data(), index); }, ErrorCode::unsupported, "label 5");
}

TEST(ClusteringErrors, TrainEncodedChecks) {
    auto index = make_flat(4);
    Clustering clus(4, 5);
    uint8_t codes[16] = {};
    expect_error([&] { clus.train_encoded(4, codes, nullptr, *index); }, bad, "codec is null");
    auto codec = make_flat(8);
    expect_error([&] { clus.train_encoded(4, codes, codec.get(), *index); }, bad,
                 "codec dimension");
}

}  // namespace
}  // namespace faiss::test
