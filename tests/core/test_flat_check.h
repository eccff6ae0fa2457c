#pragma once

// Checks shared by the Flat / knn / range tests: compare a search result against the
// double-precision brute force of tests/common, tolerating float rounding and near-ties.

#include "common/test_utils.h"

#include <faiss/FaissException.h>
#include <faiss/IDSelector.h>
#include <faiss/MetricType.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <vector>

namespace faiss::test {

/// Accepts ids in [lo, hi) with (id % modulo) == rest; counts its calls.
struct ModuloSelector : IDSelector {
    int64_t modulo, rest;
    explicit ModuloSelector(int64_t modulo, int64_t rest = 0) : modulo(modulo), rest(rest) {}
    bool is_member(idx_t id) const override { return id % modulo == rest; }
};

inline double distance_tolerance(double ref) {
    return 2e-4 * std::max(1.0, std::fabs(ref));
}

/// D, I (nq x k) must equal reference_knn up to float rounding; a different label is
/// accepted when its exact distance ties with the reference one within tolerance.
inline void expect_knn_matches(const float* xq, size_t nq, const float* xb, size_t nb, size_t d,
                               size_t k, MetricType metric, const float* D, const idx_t* I,
                               float metric_arg = 0, const IDSelector* sel = nullptr) {
    std::vector<float> sub;
    std::vector<idx_t> sub_ids;
    for (size_t i = 0; i < nb; i++) {
        if (sel && !sel->is_member(idx_t(i))) continue;
        sub.insert(sub.end(), xb + i * d, xb + (i + 1) * d);
        sub_ids.push_back(idx_t(i));
    }
    std::vector<double> rd;
    std::vector<idx_t> ri;
    reference_knn(xq, nq, sub.data(), sub_ids.size(), d, k, metric, rd, ri, metric_arg);
    const bool sim = is_similarity_metric(metric);
    const float pad =
        sim ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity();
    for (size_t q = 0; q < nq; q++) {
        std::set<idx_t> seen;
        for (size_t j = 0; j < k; j++) {
            const size_t at = q * k + j;
            if (ri[at] < 0) {
                ASSERT_EQ(I[at], -1) << "q=" << q << " j=" << j;
                ASSERT_EQ(D[at], pad) << "q=" << q << " j=" << j;
                continue;
            }
            const idx_t want = sub_ids[size_t(ri[at])];
            ASSERT_GE(I[at], 0) << "q=" << q << " j=" << j;
            ASSERT_LT(I[at], idx_t(nb));
            ASSERT_TRUE(seen.insert(I[at]).second) << "duplicate label " << I[at];
            const double tol = distance_tolerance(rd[at]);
            ASSERT_NEAR(D[at], rd[at], tol) << "q=" << q << " j=" << j;
            if (I[at] != want) {
                double got =
                    reference_distance(xq + q * d, xb + size_t(I[at]) * d, d, metric, metric_arg);
                ASSERT_NEAR(got, rd[at], 2 * tol)
                    << "q=" << q << " j=" << j << " label " << I[at] << " vs " << want;
            }
            if (sel) ASSERT_TRUE(sel->is_member(I[at]));
        }
    }
}

}  // namespace faiss::test
