#pragma once

// Helpers shared by the C++ tests: seeded data and naive double-precision references.

#include <faiss/Index.h>
#include <faiss/MetricType.h>

#include <faiss/FaissException.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace faiss::test {

/// n x d floats uniform in [0, 1), deterministic for a seed (independent of the library).
std::vector<float> random_vectors(size_t n, size_t d, uint64_t seed);

/// n x d floats with a few clusters, so neighbours are meaningful.
std::vector<float> clustered_vectors(size_t n, size_t d, size_t nclusters, uint64_t seed);

/// Distance between two vectors in double precision for any supported metric.
double reference_distance(const float* x, const float* y, size_t d, MetricType metric,
                          float metric_arg = 0);

/// Exact k-NN by brute force in double precision. Output nq x k, padded like Faiss.
/// Ties are broken by smaller id.
void reference_knn(const float* xq, size_t nq, const float* xb, size_t nb, size_t d, size_t k,
                   MetricType metric, std::vector<double>& distances, std::vector<idx_t>& labels,
                   float metric_arg = 0);

/// Expects call() to throw a FaissException with the given code and, when needle is
/// given, a message containing it (GoogleTest failure otherwise).
void expect_code(ErrorCode code, const std::function<void()>& call, const char* needle = nullptr);

/// Sum over the nq rows of how many of the k labels of a row appear among the k labels of
/// the same row of truth (both nq x k): divide by nq * k for the mean recall@k overlap.
size_t count_overlap(const idx_t* labels, const idx_t* truth, size_t nq, size_t k);

}  // namespace faiss::test
