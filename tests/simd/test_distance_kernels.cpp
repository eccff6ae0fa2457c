// Float32 distance kernels at every SIMD level the host supports: agreement with a
// double-precision reference and with the scalar level, every d from 1 to 70 plus
// the block-size boundaries, unaligned pointers, NaN propagation, and that the public
// functions really go through the dispatched table.
#include <faiss/FaissException.h>
#include <faiss/simd/dispatch.h>
#include <faiss/utils/distances.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"
#include "simd_test_helpers.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

namespace {

using faiss::SimdLevel;
using faiss::test::float_sum_tolerance;
using faiss::test::random_vectors;
using faiss::test::SimdLevelGuard;
using faiss::test::supported_simd_levels;

std::vector<size_t> test_dims() {
    std::vector<size_t> dims;
    for (size_t d = 1; d <= 70; d++)
        dims.push_back(d);
    for (size_t d : {127, 128, 129, 255, 256, 257, 4096})
        dims.push_back(d);
    return dims;
}

// Values in [-1, 1) so inner products see cancellation.
std::vector<float> signed_vectors(size_t n, size_t d, uint64_t seed) {
    std::vector<float> v = random_vectors(n, d, seed);
    for (float& f : v)
        f = 2 * f - 1;
    return v;
}

// Copy into a buffer shifted by one float so no row is 16-byte aligned.
struct Misaligned {
    explicit Misaligned(const std::vector<float>& v) : buf(v.size() + 1) {
        std::memcpy(buf.data() + 1, v.data(), v.size() * sizeof(float));
    }
    const float* data() const { return buf.data() + 1; }
    std::vector<float> buf;
};

// Sum of |term| for the tolerance of each metric (the terms Linf and Lp accumulate
// are all non-negative, so the value itself bounds them).
double magnitude(const float* x, const float* y, size_t d, faiss::MetricType metric, float p) {
    if (metric != faiss::METRIC_INNER_PRODUCT) {
        return faiss::test::reference_distance(x, y, d, metric, p);
    }
    double m = 0;
    for (size_t j = 0; j < d; j++)
        m += std::fabs(double(x[j]) * y[j]);
    return m;
}

float pair_distance(faiss::MetricType metric, const float* x, const float* y, size_t d, float p) {
    switch (metric) {
        case faiss::METRIC_L2:
            return faiss::fvec_L2sqr(x, y, d);
        case faiss::METRIC_INNER_PRODUCT:
            return faiss::fvec_inner_product(x, y, d);
        case faiss::METRIC_L1:
            return faiss::fvec_L1(x, y, d);
        case faiss::METRIC_Linf:
            return faiss::fvec_Linf(x, y, d);
        default:
            return faiss::fvec_Lp(x, y, d, p);
    }
}

struct MetricCase {
    faiss::MetricType metric;
    float p;
};

const MetricCase kPairMetrics[] = {
    {faiss::METRIC_L2, 0}, {faiss::METRIC_INNER_PRODUCT, 0},
    {faiss::METRIC_L1, 0}, {faiss::METRIC_Linf, 0},
    {faiss::METRIC_Lp, 3}, {faiss::METRIC_Lp, 0.5},
    {faiss::METRIC_Lp, 1}, {faiss::METRIC_Lp, 2},
};

TEST(DistanceKernels, PairsMatchDoubleReferenceAtEveryLevel) {
    for (SimdLevel level : supported_simd_levels()) {
        SimdLevelGuard guard(level);
        for (size_t d : test_dims()) {
            Misaligned x(signed_vectors(1, d, 1000 + d));
            Misaligned y(signed_vectors(1, d, 2000 + d));
            for (const MetricCase& mc : kPairMetrics) {
                double want =
                    faiss::test::reference_distance(x.data(), y.data(), d, mc.metric, mc.p);
                double tol =
                    float_sum_tolerance(d, magnitude(x.data(), y.data(), d, mc.metric, mc.p));
                if (mc.metric == faiss::METRIC_Lp) tol *= 2;  // powf's own rounding
                float got = pair_distance(mc.metric, x.data(), y.data(), d, mc.p);
                ASSERT_NEAR(got, want, tol) << faiss::simd_level_name(level) << " d=" << d
                                            << " metric=" << mc.metric << " p=" << mc.p;
            }
            double norm =
                faiss::test::reference_distance(x.data(), x.data(), d, faiss::METRIC_INNER_PRODUCT);
            ASSERT_NEAR(faiss::fvec_norm_L2sqr(x.data(), d), norm, float_sum_tolerance(d, norm))
                << faiss::simd_level_name(level) << " d=" << d;
        }
    }
}

TEST(DistanceKernels, ZeroDimensionGivesZero) {
    float x = 1, y = 2, out[3] = {-1, -1, -1};
    for (SimdLevel level : supported_simd_levels()) {
        SimdLevelGuard guard(level);
        EXPECT_EQ(faiss::fvec_L2sqr(&x, &y, 0), 0);
        EXPECT_EQ(faiss::fvec_inner_product(&x, &y, 0), 0);
        EXPECT_EQ(faiss::fvec_Linf(&x, &y, 0), 0);
        faiss::fvec_L2sqr_ny(out, &x, &y, 0, 3);
        EXPECT_EQ(out[2], 0);
    }
}

// One query against ny rows, for both batched kernels, compared with the double
// reference and (bit-for-bit not required) with the scalar level.
void check_ny(SimdLevel level, size_t d, size_t ny) {
    Misaligned x(signed_vectors(1, d, 3000 + d));
    Misaligned y(signed_vectors(ny, d, 4000 + d + 7 * ny));
    std::vector<float> l2(ny), ip(ny), l2_scalar(ny), ip_scalar(ny);
    {
        SimdLevelGuard guard(SimdLevel::scalar);
        faiss::fvec_L2sqr_ny(l2_scalar.data(), x.data(), y.data(), d, ny);
        faiss::fvec_inner_products_ny(ip_scalar.data(), x.data(), y.data(), d, ny);
    }
    SimdLevelGuard guard(level);
    faiss::fvec_L2sqr_ny(l2.data(), x.data(), y.data(), d, ny);
    faiss::fvec_inner_products_ny(ip.data(), x.data(), y.data(), d, ny);
    for (size_t i = 0; i < ny; i++) {
        const float* yi = y.data() + i * d;
        double want_l2 = faiss::test::reference_distance(x.data(), yi, d, faiss::METRIC_L2);
        double want_ip =
            faiss::test::reference_distance(x.data(), yi, d, faiss::METRIC_INNER_PRODUCT);
        double tol_l2 = float_sum_tolerance(d, want_l2);
        double tol_ip =
            float_sum_tolerance(d, magnitude(x.data(), yi, d, faiss::METRIC_INNER_PRODUCT, 0));
        ASSERT_NEAR(l2[i], want_l2, tol_l2)
            << faiss::simd_level_name(level) << " d=" << d << " ny=" << ny << " i=" << i;
        ASSERT_NEAR(ip[i], want_ip, tol_ip)
            << faiss::simd_level_name(level) << " d=" << d << " ny=" << ny << " i=" << i;
        ASSERT_NEAR(l2[i], l2_scalar[i], 2 * tol_l2);
        ASSERT_NEAR(ip[i], ip_scalar[i], 2 * tol_ip);
    }
}

TEST(DistanceKernels, OneQueryManyRowsAtEveryLevel) {
    const size_t nys[] = {1, 2, 3, 4, 5, 7, 8, 9, 13};
    for (SimdLevel level : supported_simd_levels()) {
        for (size_t d : test_dims()) {
            for (size_t ny : nys) {
                if (d == 4096 && ny > 5) continue;  // keeps the test fast
                check_ny(level, d, ny);
                if (HasFatalFailure()) return;
            }
        }
    }
}

TEST(DistanceKernels, ManyVectorsAtEveryLevel) {
    for (SimdLevel level : supported_simd_levels()) {
        SimdLevelGuard guard(level);
        for (size_t d : {1, 3, 4, 15, 16, 17, 33, 100, 128, 129}) {
            const size_t nx = 11;
            std::vector<float> x = signed_vectors(nx, d, 5000 + d);
            for (size_t j = 0; j < d; j++)
                x[2 * d + j] = 0;  // row 2 is all zero
            std::vector<float> norms2(nx), norms(nx), unit = x;
            faiss::fvec_norms_L2sqr(norms2.data(), x.data(), d, nx);
            faiss::fvec_norms_L2(norms.data(), x.data(), d, nx);
            faiss::fvec_renorm_L2(d, nx, unit.data());
            for (size_t i = 0; i < nx; i++) {
                const float* xi = x.data() + i * d;
                double n2 = faiss::test::reference_distance(xi, xi, d, faiss::METRIC_INNER_PRODUCT);
                ASSERT_NEAR(norms2[i], n2, float_sum_tolerance(d, n2));
                ASSERT_NEAR(norms[i], std::sqrt(n2), float_sum_tolerance(d, std::sqrt(n2)));
                for (size_t j = 0; j < d; j++) {
                    double want = n2 > 0 ? xi[j] / std::sqrt(n2) : 0.0;
                    ASSERT_NEAR(unit[i * d + j], want, float_sum_tolerance(d, 1.0))
                        << faiss::simd_level_name(level) << " d=" << d << " row " << i;
                }
            }
        }
    }
}

TEST(DistanceKernels, NormalizeL2IsRenormWithPythonArgumentOrder) {
    const size_t n = 6, d = 37;
    std::vector<float> a = signed_vectors(n, d, 77), b = a;
    faiss::normalize_L2(n, d, a.data());
    faiss::fvec_renorm_L2(d, n, b.data());
    EXPECT_EQ(a, b);
}

TEST(DistanceKernels, MaddAtEveryLevel) {
    for (SimdLevel level : supported_simd_levels()) {
        SimdLevelGuard guard(level);
        for (size_t n : {0, 1, 5, 16, 31, 64, 100, 1000}) {
            std::vector<float> a = signed_vectors(1, n + 1, 10 + n);
            std::vector<float> b = signed_vectors(1, n + 1, 20 + n);
            std::vector<float> c(n + 1, 42.0f);
            const float bf = -1.75f;
            faiss::fvec_madd(n, a.data(), bf, b.data(), c.data());
            for (size_t i = 0; i < n; i++) {
                double want = double(a[i]) + double(bf) * b[i];
                ASSERT_NEAR(c[i], want, 3e-7 * (std::fabs(a[i]) + std::fabs(bf * b[i])));
            }
            EXPECT_EQ(c[n], 42.0f) << "wrote past n=" << n;
        }
    }
}

TEST(DistanceKernels, NaNComponentGivesNaNAtEveryLevel) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (SimdLevel level : supported_simd_levels()) {
        SimdLevelGuard guard(level);
        for (size_t d : {1, 5, 16, 19, 64, 100, 129}) {
            std::vector<float> x = signed_vectors(1, d, 1), y = signed_vectors(5, d, 2);
            for (size_t pos : {size_t(0), d / 2, d - 1}) {
                std::vector<float> yn = y;
                yn[3 * d + pos] = nan;  // row 3 of 5: inside a block of 4
                for (const MetricCase& mc : kPairMetrics) {
                    float got = pair_distance(mc.metric, x.data(), yn.data() + 3 * d, d, mc.p);
                    EXPECT_TRUE(std::isnan(got)) << faiss::simd_level_name(level) << " metric "
                                                 << mc.metric << " d=" << d << " pos=" << pos;
                }
                std::vector<float> out(5);
                faiss::fvec_L2sqr_ny(out.data(), x.data(), yn.data(), d, 5);
                EXPECT_TRUE(std::isnan(out[3]));
                EXPECT_FALSE(std::isnan(out[2]));
                const faiss::simd::DistanceKernels& k = faiss::simd::distance_kernels();
                k.Linf_ny(out.data(), x.data(), yn.data(), d, 5);
                EXPECT_TRUE(std::isnan(out[3])) << "Linf_ny d=" << d << " pos=" << pos;
                EXPECT_FALSE(std::isnan(out[0]));
            }
        }
    }
}

// The batched metrics and the gather form of the table, which the k-NN and graph code
// call directly.
TEST(DistanceKernels, TableBatchedFormsMatchPairs) {
    const size_t n = 9;
    for (SimdLevel level : supported_simd_levels()) {
        SimdLevelGuard guard(level);
        const faiss::simd::DistanceKernels& k = faiss::simd::distance_kernels();
        for (size_t d : {2, 8, 23, 128}) {
            std::vector<float> x = signed_vectors(1, d, 3), y = signed_vectors(n, d, 4);
            std::vector<float> out(n);
            // same sums in another order: within twice the float summation error
            auto tol = [&](const float* yi, faiss::MetricType metric, float p) {
                return 2 * float_sum_tolerance(d, magnitude(x.data(), yi, d, metric, p));
            };
            k.L1_ny(out.data(), x.data(), y.data(), d, n);
            for (size_t i = 0; i < n; i++) {
                const float* yi = y.data() + i * d;
                EXPECT_NEAR(out[i], k.L1(x.data(), yi, d), tol(yi, faiss::METRIC_L1, 0));
            }
            k.Lp_ny(out.data(), x.data(), y.data(), d, n, 1.5f);
            for (size_t i = 0; i < n; i++) {
                const float* yi = y.data() + i * d;
                EXPECT_NEAR(out[i], k.Lp(x.data(), yi, d, 1.5f), tol(yi, faiss::METRIC_Lp, 1.5f));
            }
            const int64_t ids[] = {8, 0, -1, 3, 3, 7, -1, 1, 2};
            std::vector<float> l2(n), ip(n);
            k.L2sqr_by_idx(l2.data(), x.data(), y.data(), ids, d, n);
            k.inner_products_by_idx(ip.data(), x.data(), y.data(), ids, d, n);
            for (size_t i = 0; i < n; i++) {
                if (ids[i] < 0) {
                    EXPECT_EQ(l2[i], std::numeric_limits<float>::infinity());
                    EXPECT_EQ(ip[i], -std::numeric_limits<float>::infinity());
                    continue;
                }
                const float* yi = y.data() + ids[i] * d;
                EXPECT_NEAR(l2[i], k.L2sqr(x.data(), yi, d), tol(yi, faiss::METRIC_L2, 0));
                EXPECT_NEAR(ip[i], k.inner_product(x.data(), yi, d),
                            tol(yi, faiss::METRIC_INNER_PRODUCT, 0));
            }
        }
    }
}

// The public functions must give exactly what the current level's table gives.
TEST(DistanceKernels, PublicFunctionsUseTheSelectedTable) {
    const faiss::simd::DistanceKernels* tables[] = {&faiss::simd::scalar::distance_kernels,
                                                    &faiss::simd::avx2::distance_kernels,
                                                    &faiss::simd::avx512::distance_kernels};
    const size_t d = 45, ny = 10;
    std::vector<float> x = signed_vectors(1, d, 5), y = signed_vectors(ny, d, 6);
    for (SimdLevel level : supported_simd_levels()) {
        SimdLevelGuard guard(level);
        const faiss::simd::DistanceKernels& k = *tables[static_cast<int>(level)];
        EXPECT_EQ(&faiss::simd::distance_kernels(), &k);
        std::vector<float> pub(ny), direct(ny);
        faiss::fvec_L2sqr_ny(pub.data(), x.data(), y.data(), d, ny);
        k.L2sqr_ny(direct.data(), x.data(), y.data(), d, ny);
        EXPECT_EQ(pub, direct);
        faiss::fvec_inner_products_ny(pub.data(), x.data(), y.data(), d, ny);
        k.inner_products_ny(direct.data(), x.data(), y.data(), d, ny);
        EXPECT_EQ(pub, direct);
        EXPECT_EQ(faiss::fvec_L2sqr(x.data(), y.data(), d), k.L2sqr(x.data(), y.data(), d));
        EXPECT_EQ(faiss::fvec_L1(x.data(), y.data(), d), k.L1(x.data(), y.data(), d));
    }
}

TEST(DistanceKernels, ParallelNormsMatchSerial) {
    // large enough to take the OpenMP path of the many-vector functions
    const size_t d = 256, nx = 5000;
    std::vector<float> x = signed_vectors(nx, d, 9), unit = x;
    std::vector<float> norms(nx), serial(nx);
    faiss::fvec_norms_L2sqr(norms.data(), x.data(), d, nx);
    faiss::simd::distance_kernels().norms_L2sqr(serial.data(), x.data(), d, nx);
    EXPECT_EQ(norms, serial);
    faiss::fvec_renorm_L2(d, nx, unit.data());
    for (size_t i = 0; i < nx; i += 499) {
        EXPECT_NEAR(faiss::fvec_norm_L2sqr(unit.data() + i * d, d), 1.0, 1e-5);
    }
}

TEST(DistanceKernels, BatchedFunctionsRejectNullPointers) {
    float x[4] = {}, out[2];
    EXPECT_THROW(faiss::fvec_L2sqr_ny(nullptr, x, x, 4, 1), faiss::FaissException);
    EXPECT_THROW(faiss::fvec_inner_products_ny(out, nullptr, x, 4, 1), faiss::FaissException);
    EXPECT_THROW(faiss::fvec_norms_L2sqr(out, nullptr, 4, 2), faiss::FaissException);
    EXPECT_NO_THROW(faiss::fvec_L2sqr_ny(nullptr, nullptr, nullptr, 4, 0));
}

}  // namespace
