// Product-quantizer kernels at every SIMD level the host supports: the ADC scans are
// bit-identical to a plain reference sum (same order of additions), the encoder's
// nearest-centroid kernel agrees with a double reference, and IndexPQ gives
// the same results whatever the level.
#include <faiss/IndexPQ.h>
#include <faiss/simd/dispatch.h>
#include <faiss/simd/pq_dispatch.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"
#include "simd_test_helpers.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace {

using faiss::idx_t;
using faiss::test::SimdLevelGuard;
using faiss::test::supported_simd_levels;

// Codes stored with a stride larger than the sub-code bytes (as IndexFlatCodes never
// does, but the kernels take code_size separately) and counts not multiple of 4.
TEST(PQKernels, AdcScansExactAtEveryLevel) {
    std::mt19937 rng(5);
    for (size_t nbits : {4, 8}) {
        const size_t ksub = size_t(1) << nbits;
        for (size_t M : {1, 3, 8, 16, 17}) {
            const size_t cs = (M * nbits + 7) / 8 + 1, n = 37;
            auto tab = faiss::test::random_vectors(M * ksub, 1, 9);
            std::vector<uint8_t> codes(n * cs);
            for (auto& c : codes)
                c = uint8_t(rng());
            std::vector<float> expect(n);
            for (size_t i = 0; i < n; i++) {
                float s = 0;
                for (size_t m = 0; m < M; m++) {
                    const uint8_t b = nbits == 8 ? codes[i * cs + m] : codes[i * cs + m / 2];
                    const size_t sub = nbits == 8 ? b : (m % 2 ? b >> 4 : b & 15);
                    s += tab[m * ksub + sub];
                }
                expect[i] = s;
            }
            for (auto level : supported_simd_levels()) {
                SimdLevelGuard guard(level);
                const auto& k = faiss::simd::pq_kernels();
                std::vector<float> out(n);
                (nbits == 8 ? k.adc_scan_u8 : k.adc_scan_u4)(out.data(), tab.data(), codes.data(),
                                                             M, cs, n);
                ASSERT_EQ(out, expect) << "nbits=" << nbits << " M=" << M
                                       << " level=" << faiss::simd_level_name(level);
            }
        }
    }
}

// The returned centroid is a nearest one within the float rounding bound; exact
// duplicates resolve to the first; NaN input gives 0. ksub values straddle the block
// sizes of every level (16 .. 64 centroids per block).
TEST(PQKernels, L2ArgminAtEveryLevel) {
    for (size_t dsub : {1, 2, 3, 8, 17}) {
        for (size_t ksub : {2, 16, 33, 64, 100, 256}) {
            auto ct = faiss::test::random_vectors(dsub * ksub, 1, 3 + ksub);
            auto xs = faiss::test::random_vectors(dsub, 1, 4 + dsub);
            std::vector<double> ref(ksub, 0.0);
            double best = 1e300, mag = 0;
            for (size_t j = 0; j < ksub; j++) {
                for (size_t t = 0; t < dsub; t++) {
                    const double diff = double(xs[t]) - ct[t * ksub + j];
                    ref[j] += diff * diff;
                }
                best = std::min(best, ref[j]);
                mag = std::max(mag, ref[j]);
            }
            for (auto level : supported_simd_levels()) {
                SimdLevelGuard guard(level);
                const auto& k = faiss::simd::pq_kernels();
                const size_t j = k.l2_transposed_argmin(xs.data(), ct.data(), dsub, ksub);
                ASSERT_LT(j, ksub);
                ASSERT_LE(ref[j], best + 2 * faiss::test::float_sum_tolerance(dsub, mag))
                    << "dsub=" << dsub << " ksub=" << ksub;
                // Centroid ksub-1 copied to 0 and 1 (when they differ): the first wins.
                auto dup = ct;
                for (size_t t = 0; t < dsub; t++) {
                    dup[t * ksub + 1] = dup[t * ksub] = dup[t * ksub + ksub - 1] = xs[t];
                }
                ASSERT_EQ(k.l2_transposed_argmin(xs.data(), dup.data(), dsub, ksub), 0u);
                std::vector<float> nanx(dsub, std::nanf(""));
                ASSERT_EQ(k.l2_transposed_argmin(nanx.data(), ct.data(), dsub, ksub), 0u);
            }
        }
    }
}

// The batched kernel with a row stride: same centroid as the single-point kernel at
// every level, distance within the float bound of the double reference.
TEST(PQKernels, L2NearestBatchAtEveryLevel) {
    for (size_t dsub : {1, 4, 8, 12, 16, 17}) {
        for (size_t ksub : {16, 100, 256}) {
            const size_t n = 23, ldx = dsub + 3;
            auto ct = faiss::test::random_vectors(dsub * ksub, 1, 7 + ksub);
            auto xs = faiss::test::random_vectors(n * ldx, 1, 8 + dsub);
            for (auto level : supported_simd_levels()) {
                SimdLevelGuard guard(level);
                const auto& k = faiss::simd::pq_kernels();
                std::vector<int64_t> labels(n);
                std::vector<float> dis(n);
                k.l2_transposed_nearest(xs.data(), n, ldx, ct.data(), dsub, ksub, labels.data(),
                                        dis.data());
                for (size_t i = 0; i < n; i++) {
                    const float* x = xs.data() + i * ldx;
                    ASSERT_EQ(size_t(labels[i]), k.l2_transposed_argmin(x, ct.data(), dsub, ksub));
                    double ref = 0, mag = 0;
                    for (size_t t = 0; t < dsub; t++) {
                        const double diff = double(x[t]) - ct[t * ksub + size_t(labels[i])];
                        ref += diff * diff;
                        mag += diff * diff;
                    }
                    ASSERT_NEAR(dis[i], ref, 2 * faiss::test::float_sum_tolerance(dsub, mag))
                        << "dsub=" << dsub << " ksub=" << ksub;
                }
            }
        }
    }
}

// Tables from transposed centroids against double references, every level, both kinds,
// ksub values with and without a partial block.
TEST(PQKernels, TransposedTablesAtEveryLevel) {
    for (size_t dsub : {1, 4, 12, 16}) {
        for (size_t ksub : {16, 100, 256}) {
            const size_t M = 3;
            auto ct = faiss::test::random_vectors(M * dsub * ksub, 1, 11 + ksub);
            auto x = faiss::test::random_vectors(M * dsub, 1, 12 + dsub);
            for (bool l2 : {false, true}) {
                std::vector<double> ref(M * ksub, 0.0), mag(M * ksub, 0.0);
                for (size_t m = 0; m < M; m++) {
                    for (size_t j = 0; j < ksub; j++) {
                        for (size_t t = 0; t < dsub; t++) {
                            const double c = ct[(m * dsub + t) * ksub + j], xv = x[m * dsub + t];
                            const double term = l2 ? (xv - c) * (xv - c) : xv * c;
                            ref[m * ksub + j] += term;
                            mag[m * ksub + j] += std::abs(term);
                        }
                    }
                }
                for (auto level : supported_simd_levels()) {
                    SimdLevelGuard guard(level);
                    std::vector<float> tab(M * ksub);
                    faiss::simd::pq_kernels().transposed_tables(x.data(), ct.data(), M, dsub, ksub,
                                                                l2, tab.data());
                    for (size_t i = 0; i < M * ksub; i++) {
                        ASSERT_NEAR(tab[i], ref[i],
                                    2 * faiss::test::float_sum_tolerance(dsub, mag[i]))
                            << "dsub=" << dsub << " ksub=" << ksub << " l2=" << l2;
                    }
                }
            }
        }
    }
}

TEST(PQKernels, IndexPQSameResultsAtEveryLevel) {
    const size_t d = 16, nb = 600, nq = 8, k = 5;
    auto xb = faiss::test::clustered_vectors(nb, d, 10, 2);
    auto xq = faiss::test::clustered_vectors(nq, d, 10, 3);
    for (size_t nbits : {4, 8}) {
        faiss::IndexPQ index(int(d), 8, nbits);
        index.pq.cp.niter = 3;
        index.train(idx_t(nb), xb.data());
        std::vector<float> D0, D(nq * k);
        std::vector<idx_t> I0, I(nq * k);
        std::vector<uint8_t> codes0;
        for (auto level : supported_simd_levels()) {
            SimdLevelGuard guard(level);
            index.reset();
            index.add(idx_t(nb), xb.data());
            index.search(idx_t(nq), xq.data(), idx_t(k), D.data(), I.data());
            if (D0.empty()) {
                D0 = D;
                I0 = I;
                codes0 = index.codes;
                continue;
            }
            const char* name = faiss::simd_level_name(level);
            // Encoder distances round differently per level (FMA), which could flip only
            // a near-tie between centroids; this seeded data has none. The query tables
            // round differently too, hence the tolerance on distances.
            EXPECT_EQ(index.codes, codes0) << name;
            EXPECT_EQ(I, I0) << name;
            for (size_t i = 0; i < D.size(); i++) {
                ASSERT_NEAR(D[i], D0[i], 1e-5 * D0[i]) << name;
            }
        }
    }
}

}  // namespace

namespace {

// First position of the smallest entry (NaN skipped); a row with nothing below +inf
// gives its first +inf entry, or 0 when all NaN.
uint32_t ref_row_argmin(const float* row, size_t ksub) {
    size_t best = ksub;
    for (size_t j = 0; j < ksub; j++) {
        if (std::isnan(row[j])) continue;
        if (best == ksub || row[j] < row[best]) best = j;
    }
    return best == ksub ? 0 : uint32_t(best);
}

// Rows with ties (values drawn from a few levels), NaN, +-inf and +-0, for widths the
// column loop takes (multiples of 16) and others.
TEST(PQKernels, TableArgminsAtEveryLevel) {
    std::mt19937 rng(11);
    const float inf = std::numeric_limits<float>::infinity();
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (size_t ksub : {1, 4, 16, 17, 32, 256, 1024}) {
        const size_t nrows = 40;
        std::vector<float> tab(nrows * ksub);
        for (size_t r = 0; r < nrows; r++) {
            float* row = tab.data() + r * ksub;
            for (size_t j = 0; j < ksub; j++) {
                const unsigned kind = rng() % 16;
                row[j] = kind == 0 ? nan : kind == 1 ? inf : kind == 2 ? -0.0f : float(rng() % 9);
            }
            if (r == 1) std::fill(row, row + ksub, nan);
            if (r == 2) std::fill(row, row + ksub, inf);
            if (r == 3) {
                std::fill(row, row + ksub, nan);
                row[ksub - 1] = inf;
            }
            if (r == 4) row[ksub - 1] = -inf;
        }
        std::vector<uint32_t> expect(nrows);
        for (size_t r = 0; r < nrows; r++)
            expect[r] = ref_row_argmin(tab.data() + r * ksub, ksub);
        for (auto level : supported_simd_levels()) {
            SimdLevelGuard guard(level);
            std::vector<uint32_t> out(nrows);
            faiss::simd::pq_kernels().table_argmins(tab.data(), nrows, ksub, out.data());
            ASSERT_EQ(out, expect) << "ksub=" << ksub << " level=" << faiss::simd_level_name(level);
        }
    }
}

}  // namespace
