#include "common/test_utils.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <set>
#include <string>

namespace faiss::test {

std::vector<float> random_vectors(size_t n, size_t d, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    std::vector<float> x(n * d);
    for (auto& v : x)
        v = uniform(rng);
    return x;
}

std::vector<float> clustered_vectors(size_t n, size_t d, size_t nclusters, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> centers(nclusters * d);
    for (auto& v : centers)
        v = 4.0f * normal(rng);
    std::vector<float> x(n * d);
    for (size_t i = 0; i < n; i++) {
        size_t c = rng() % nclusters;
        for (size_t j = 0; j < d; j++)
            x[i * d + j] = centers[c * d + j] + normal(rng);
    }
    return x;
}

double reference_distance(const float* x, const float* y, size_t d, MetricType metric,
                          float metric_arg) {
    double acc = 0;
    for (size_t j = 0; j < d; j++) {
        double a = x[j], b = y[j];
        switch (metric) {
            case METRIC_INNER_PRODUCT:
                acc += a * b;
                break;
            case METRIC_L2:
                acc += (a - b) * (a - b);
                break;
            case METRIC_L1:
                acc += std::fabs(a - b);
                break;
            case METRIC_Linf:
                acc = std::max(acc, std::fabs(a - b));
                break;
            case METRIC_Lp:
                acc += std::pow(std::fabs(a - b), double(metric_arg));
                break;
        }
    }
    return acc;
}

void reference_knn(const float* xq, size_t nq, const float* xb, size_t nb, size_t d, size_t k,
                   MetricType metric, std::vector<double>& distances, std::vector<idx_t>& labels,
                   float metric_arg) {
    const bool similarity = is_similarity_metric(metric);
    distances.assign(nq * k, similarity ? -std::numeric_limits<double>::infinity()
                                        : std::numeric_limits<double>::infinity());
    labels.assign(nq * k, -1);
    std::vector<double> dis(nb);
    std::vector<idx_t> order(nb);
    for (size_t q = 0; q < nq; q++) {
        for (size_t i = 0; i < nb; i++) {
            dis[i] = reference_distance(xq + q * d, xb + i * d, d, metric, metric_arg);
        }
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](idx_t a, idx_t b) {
            return similarity ? dis[a] > dis[b] : dis[a] < dis[b];
        });
        for (size_t j = 0; j < std::min(k, nb); j++) {
            labels[q * k + j] = order[j];
            distances[q * k + j] = dis[order[j]];
        }
    }
}

void expect_code(ErrorCode code, const std::function<void()>& call, const char* needle) {
    try {
        call();
        ADD_FAILURE() << "no exception";
    } catch (const FaissException& e) {
        EXPECT_EQ(e.code(), code) << e.what();
        if (needle) EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
}

size_t count_overlap(const idx_t* labels, const idx_t* truth, size_t nq, size_t k) {
    size_t hits = 0;
    for (size_t i = 0; i < nq; i++) {
        const std::set<idx_t> row(truth + i * k, truth + (i + 1) * k);
        for (size_t j = 0; j < k; j++)
            hits += row.count(labels[i * k + j]);
    }
    return hits;
}

}  // namespace faiss::test
