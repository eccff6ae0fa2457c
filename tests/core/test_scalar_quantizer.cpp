// ScalarQuantizer and IndexScalarQuantizer: Faiss byte layouts, encode/decode error
// bounds, code-domain distances against decode-then-compute at every SIMD level, index
// search against brute force over the decoded vectors, recall, and bad input.
#include "common/test_utils.h"
#include "simd/simd_test_helpers.h"

#include <faiss/FaissException.h>
#include <faiss/IDSelector.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexScalarQuantizer.h>
#include <faiss/RangeSearchResult.h>
#include <faiss/impl/ScalarQuantizer.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

using faiss::idx_t;
using faiss::ScalarQuantizer;
using QT = faiss::ScalarQuantizer::QuantizerType;

namespace {

const QT kAllTypes[] = {ScalarQuantizer::QT_8bit,
                        ScalarQuantizer::QT_4bit,
                        ScalarQuantizer::QT_8bit_uniform,
                        ScalarQuantizer::QT_4bit_uniform,
                        ScalarQuantizer::QT_fp16,
                        ScalarQuantizer::QT_8bit_direct,
                        ScalarQuantizer::QT_6bit,
                        ScalarQuantizer::QT_bf16,
                        ScalarQuantizer::QT_8bit_direct_signed};

bool is_direct(QT t) {
    return t == ScalarQuantizer::QT_8bit_direct || t == ScalarQuantizer::QT_8bit_direct_signed;
}

// Data each type can represent: integers in the byte range for the direct types.
std::vector<float> data_for(QT t, size_t n, size_t d, uint64_t seed) {
    std::vector<float> x = faiss::test::random_vectors(n, d, seed);
    if (is_direct(t)) {
        const float shift = t == ScalarQuantizer::QT_8bit_direct_signed ? 128.f : 0.f;
        for (float& v : x)
            v = std::floor(v * 256.f) - shift;
    }
    return x;
}

ScalarQuantizer trained_sq(QT t, size_t d, const std::vector<float>& x) {
    ScalarQuantizer sq(d, t);
    sq.train(x.size() / d, x.data());
    return sq;
}

// Largest decode error allowed for component j (see the header's formulas: truncation
// then the (q + 0.5) midpoint gives at most half a step).
double error_bound(const ScalarQuantizer& sq, size_t j, float x) {
    const double eps = 1e-6;
    switch (sq.qtype) {
        case ScalarQuantizer::QT_8bit:
            return 0.5 * sq.trained[sq.d + j] / 255 + eps;
        case ScalarQuantizer::QT_4bit:
            return 0.5 * sq.trained[sq.d + j] / 15 + eps;
        case ScalarQuantizer::QT_6bit:
            return 0.5 * sq.trained[sq.d + j] / 63 + eps;
        case ScalarQuantizer::QT_8bit_uniform:
            return 0.5 * sq.trained[1] / 255 + eps;
        case ScalarQuantizer::QT_4bit_uniform:
            return 0.5 * sq.trained[1] / 15 + eps;
        case ScalarQuantizer::QT_fp16:
            return std::fabs(x) * std::ldexp(1.0, -11) + std::ldexp(1.0, -24);
        case ScalarQuantizer::QT_bf16:
            return std::fabs(x) * std::ldexp(1.0, -8);
        default:
            return 0;  // direct types are exact on integers in range
    }
}

TEST(ScalarQuantizer, CodeSizesAndTrainedLayout) {
    const size_t d = 13;
    const size_t sizes[] = {13, 7, 13, 7, 26, 13, 10, 26, 13};
    const size_t trained[] = {26, 26, 2, 2, 0, 0, 26, 0, 0};
    for (size_t i = 0; i < 9; i++) {
        ScalarQuantizer sq(d, kAllTypes[i]);
        EXPECT_EQ(int(kAllTypes[i]), int(i));
        EXPECT_EQ(sq.code_size, sizes[i]) << "qtype " << i;
        std::vector<float> x = data_for(kAllTypes[i], 50, d, 3);
        sq.train(50, x.data());
        EXPECT_EQ(sq.trained.size(), trained[i]) << "qtype " << i;
    }
    // RS_minmax: vmin = per-dimension minimum, vdiff = max - min.
    std::vector<float> x = {0.f, -1.f, 2.f, 3.f, 1.f, 0.f};
    ScalarQuantizer sq(2, ScalarQuantizer::QT_8bit);
    sq.train(3, x.data());
    EXPECT_EQ(sq.trained, (std::vector<float>{0.f, -1.f, 2.f, 4.f}));
    ScalarQuantizer squ(2, ScalarQuantizer::QT_8bit_uniform);
    squ.train(3, x.data());
    EXPECT_EQ(squ.trained, (std::vector<float>{-1.f, 4.f}));
}

TEST(ScalarQuantizer, FaissByteLayouts) {
    // Range [0, 1] on every dimension.
    std::vector<float> train = {0, 0, 0, 0, 1, 1, 1, 1};
    const std::vector<float> x = {0.5f, 1.0f, 0.2f, 0.99f};
    ScalarQuantizer s8(4, ScalarQuantizer::QT_8bit);
    s8.train(2, train.data());
    uint8_t c8[4];
    s8.compute_codes(x.data(), c8, 1);
    EXPECT_EQ(std::vector<int>(c8, c8 + 4), (std::vector<int>{127, 255, 51, 252}));

    ScalarQuantizer s4(4, ScalarQuantizer::QT_4bit);
    s4.train(2, train.data());
    uint8_t c4[2];
    s4.compute_codes(x.data(), c4, 1);  // 7, 15, 3, 14: low nibble = even component
    EXPECT_EQ(c4[0], 7 | (15 << 4));
    EXPECT_EQ(c4[1], 3 | (14 << 4));

    ScalarQuantizer s6(4, ScalarQuantizer::QT_6bit);
    s6.train(2, train.data());
    uint8_t c6[3];
    s6.compute_codes(x.data(), c6, 1);  // 31, 63, 12, 62 as an LSB-first bit stream
    const uint32_t stream = 31u | (63u << 6) | (12u << 12) | (62u << 18);
    EXPECT_EQ(c6[0], stream & 0xff);
    EXPECT_EQ(c6[1], (stream >> 8) & 0xff);
    EXPECT_EQ(c6[2], (stream >> 16) & 0xff);

    // bf16 rounds half up on the bit pattern (1 + 2^-8 is a tie), fp16 is IEEE half.
    ScalarQuantizer sb(1, ScalarQuantizer::QT_bf16), sh(1, ScalarQuantizer::QT_fp16);
    const float tie = 1.00390625f;
    uint16_t b, h;
    sb.compute_codes(&tie, reinterpret_cast<uint8_t*>(&b), 1);
    EXPECT_EQ(b, 0x3f81);
    const float one = 1.f;
    sh.compute_codes(&one, reinterpret_cast<uint8_t*>(&h), 1);
    EXPECT_EQ(h, 0x3c00);
    // fp16 ties go away from zero as in faiss-cpu (round-to-nearest-even would keep
    // the even 0x3c00 / 0xbc00 / 0x0000).
    const float ties[3] = {1.f + std::ldexp(1.f, -11), -1.f - std::ldexp(1.f, -11),
                           std::ldexp(1.f, -25)};
    const uint16_t expected[3] = {0x3c01, 0xbc01, 0x0001};
    for (int i = 0; i < 3; i++) {
        sh.compute_codes(&ties[i], reinterpret_cast<uint8_t*>(&h), 1);
        EXPECT_EQ(h, expected[i]) << "tie " << i;
    }

    ScalarQuantizer sd(2, ScalarQuantizer::QT_8bit_direct_signed);
    const float xs[2] = {-128.f, 127.f};
    uint8_t cd[2];
    sd.compute_codes(xs, cd, 1);
    EXPECT_EQ(cd[0], 0);
    EXPECT_EQ(cd[1], 255);
}

TEST(ScalarQuantizer, RoundTripErrorBound) {
    const size_t d = 19, n = 300;
    for (QT t : kAllTypes) {
        std::vector<float> x = data_for(t, n, d, 11);
        ScalarQuantizer sq = trained_sq(t, d, x);
        std::vector<uint8_t> codes(n * sq.code_size);
        std::vector<float> y(n * d);
        sq.compute_codes(x.data(), codes.data(), n);
        sq.decode(codes.data(), y.data(), n);
        for (size_t i = 0; i < n * d; i++) {
            ASSERT_LE(std::fabs(double(x[i]) - y[i]), error_bound(sq, i % d, x[i]))
                << "qtype " << int(t) << " element " << i;
        }
    }
}

TEST(ScalarQuantizer, RangeStats) {
    const size_t d = 4, n = 1000;
    std::vector<float> x = faiss::test::random_vectors(n, d, 5);
    ScalarQuantizer sq(d, ScalarQuantizer::QT_8bit);
    sq.rangestat = ScalarQuantizer::RS_meanstd;
    sq.rangestat_arg = 2;
    sq.train(n, x.data());
    // uniform [0, 1): mean 0.5, std 1 / sqrt(12) ~ 0.2887
    for (size_t j = 0; j < d; j++) {
        EXPECT_NEAR(sq.trained[j], 0.5 - 2 * 0.2887, 0.03);
        EXPECT_NEAR(sq.trained[d + j], 4 * 0.2887, 0.05);
    }
    sq.rangestat = ScalarQuantizer::RS_quantiles;
    sq.rangestat_arg = 0.1f;
    sq.train(n, x.data());
    for (size_t j = 0; j < d; j++) {
        EXPECT_NEAR(sq.trained[j], 0.1, 0.04);
        EXPECT_NEAR(sq.trained[d + j], 0.8, 0.06);
    }
    sq.rangestat = ScalarQuantizer::RS_minmax;
    sq.rangestat_arg = 0.5f;  // widen by half the range on each side
    sq.train(n, x.data());
    EXPECT_NEAR(sq.trained[d], 2.0, 0.01);
}

// RS_minmax and RS_meanstd are computed in one row-major pass; they must equal, to the
// bit, the per-column statistics (extremes, double sums in row order).
TEST(ScalarQuantizer, OnePassRangesEqualPerColumnStatistics) {
    const size_t d = 7, n = 513;
    std::vector<float> x = faiss::test::random_vectors(n, d, 9);
    for (auto rs : {ScalarQuantizer::RS_minmax, ScalarQuantizer::RS_meanstd}) {
        for (float arg : {0.0f, 0.3f}) {
            for (auto qtype : {ScalarQuantizer::QT_8bit, ScalarQuantizer::QT_8bit_uniform}) {
                ScalarQuantizer sq(d, qtype);
                sq.rangestat = rs;
                sq.rangestat_arg = arg;
                sq.train(n, x.data());
                const bool uniform = qtype == ScalarQuantizer::QT_8bit_uniform;
                const size_t ncols = uniform ? 1 : d, nvals = uniform ? n * d : n;
                for (size_t j = 0; j < ncols; j++) {
                    std::vector<float> col(nvals);
                    for (size_t i = 0; i < nvals; i++)
                        col[i] = uniform ? x[i] : x[i * d + j];
                    float lo, hi;
                    if (rs == ScalarQuantizer::RS_minmax) {
                        auto mm = std::minmax_element(col.begin(), col.end());
                        const float widen = (*mm.second - *mm.first) * arg;
                        lo = arg != 0 ? *mm.first - widen : *mm.first;
                        hi = arg != 0 ? *mm.second + widen : *mm.second;
                    } else {
                        double s1 = 0, s2 = 0;
                        for (float v : col)
                            s1 += v, s2 += double(v) * v;
                        const double mean = s1 / double(nvals);
                        const double var = s2 / double(nvals) - mean * mean;
                        const double sd = var <= 0 ? 1.0 : std::sqrt(var);
                        lo = float(mean - sd * arg);
                        hi = float(mean + sd * arg);
                    }
                    EXPECT_EQ(sq.trained[j], lo) << "rs " << int(rs) << " column " << j;
                    EXPECT_EQ(sq.trained[ncols + j], hi - lo)
                        << "rs " << int(rs) << " column " << j;
                }
            }
        }
    }
}

// Code-domain distances agree with distances to the decoded vectors.
TEST(ScalarQuantizer, CodeDistancesMatchDecodedAtEveryLevel) {
    const size_t n = 37;
    for (faiss::SimdLevel level : faiss::test::supported_simd_levels()) {
        faiss::test::SimdLevelGuard guard(level);
        for (size_t d : {1, 7, 16, 33, 128}) {
            for (QT t : kAllTypes) {
                std::vector<float> x = data_for(t, n, d, 21 + d);
                std::vector<float> q = data_for(t, 3, d, 99 + d);
                ScalarQuantizer sq = trained_sq(t, d, x);
                std::vector<uint8_t> codes(n * sq.code_size);
                std::vector<float> y(n * d), out(n);
                sq.compute_codes(x.data(), codes.data(), n);
                sq.decode(codes.data(), y.data(), n);
                for (faiss::MetricType m : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT}) {
                    for (size_t qi = 0; qi < 3; qi++) {
                        const float* xq = q.data() + qi * d;
                        sq.compute_distances(m, xq, codes.data(), n, out.data());
                        for (size_t i = 0; i < n; i++) {
                            const float* yi = y.data() + i * d;
                            double ref = faiss::test::reference_distance(xq, yi, d, m);
                            double mag = 0;
                            for (size_t j = 0; j < d; j++) {
                                mag += m == faiss::METRIC_L2
                                           ? (double(xq[j]) - yi[j]) * (xq[j] - yi[j])
                                           : std::fabs(double(xq[j]) * yi[j]);
                                mag += std::fabs(double(xq[j])) * 1e-2;
                            }
                            ASSERT_NEAR(out[i], ref, 2e-5 * (mag + 1))
                                << faiss::simd_level_name(level) << " d=" << d << " qtype "
                                << int(t) << " metric " << int(m) << " code " << i;
                        }
                    }
                }
            }
        }
    }
}

// Checks an index result row against distances recomputed on the decoded vectors.
void check_against_decoded(const faiss::IndexScalarQuantizer& index, const float* xq, size_t nq,
                           size_t k, const std::vector<float>& D, const std::vector<idx_t>& I) {
    std::vector<float> decoded(size_t(index.ntotal) * index.d);
    index.reconstruct_n(0, index.ntotal, decoded.data());
    std::vector<double> rd;
    std::vector<idx_t> ri;
    faiss::test::reference_knn(xq, nq, decoded.data(), size_t(index.ntotal), size_t(index.d), k,
                               index.metric_type, rd, ri);
    size_t same = 0;
    for (size_t q = 0; q < nq; q++) {
        for (size_t r = 0; r < k; r++) {
            const size_t e = q * k + r;
            ASSERT_GE(I[e], 0);
            const double mine = faiss::test::reference_distance(
                xq + q * index.d, decoded.data() + size_t(I[e]) * index.d, size_t(index.d),
                index.metric_type);
            const double tol = 1e-4 * (1 + std::fabs(rd[e]));
            ASSERT_NEAR(D[e], mine, tol) << "query " << q << " rank " << r;
            ASSERT_NEAR(D[e], rd[e], tol) << "query " << q << " rank " << r;
            same += I[e] == ri[e];
        }
    }
    EXPECT_GE(same, nq * k * 95 / 100);
}

TEST(IndexScalarQuantizer, SearchEqualsBruteForceOverDecoded) {
    const size_t d = 24, nb = 1500, nq = 12, k = 10;
    for (faiss::MetricType m : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT}) {
        for (QT t : kAllTypes) {
            std::vector<float> xb = data_for(t, nb, d, 7), xq = data_for(t, nq, d, 8);
            faiss::IndexScalarQuantizer index(int(d), t, m);
            EXPECT_EQ(index.is_trained, index.sq.trained_size() == 0);
            index.train(idx_t(nb), xb.data());
            index.add(idx_t(nb), xb.data());
            std::vector<float> D(nq * k);
            std::vector<idx_t> I(nq * k);
            index.search(idx_t(nq), xq.data(), idx_t(k), D.data(), I.data());
            SCOPED_TRACE("qtype " + std::to_string(int(t)) + " metric " + std::to_string(m));
            check_against_decoded(index, xq.data(), nq, k, D, I);
        }
    }
}

TEST(IndexScalarQuantizer, SingleQueryDatabaseSplitMatchesBatch) {
    const size_t d = 8, nb = 70000, k = 5;
    std::vector<float> xb = faiss::test::random_vectors(nb, d, 31);
    std::vector<float> xq = faiss::test::random_vectors(1, d, 32);
    faiss::IndexScalarQuantizer index(int(d), ScalarQuantizer::QT_8bit);
    index.train(idx_t(nb), xb.data());
    index.add(idx_t(nb), xb.data());
    std::vector<float> q2(xq);
    q2.insert(q2.end(), xq.begin(), xq.end());
    std::vector<float> D1(k), D2(2 * k);
    std::vector<idx_t> I1(k), I2(2 * k);
    index.search(1, xq.data(), idx_t(k), D1.data(), I1.data());
    index.search(2, q2.data(), idx_t(k), D2.data(), I2.data());
    for (size_t r = 0; r < k; r++) {
        EXPECT_EQ(I1[r], I2[r]);
        EXPECT_EQ(I1[r], I2[k + r]);
        EXPECT_EQ(D1[r], D2[r]);
    }
    index.search(1, xq.data(), 1, D1.data(), I1.data());
    EXPECT_EQ(I1[0], I2[0]);
}

double recall_at_k(QT t, size_t nb, size_t nq, size_t d, size_t k) {
    std::vector<float> xb = faiss::test::clustered_vectors(nb, d, 20, 41);
    std::vector<float> xq = faiss::test::clustered_vectors(nq, d, 20, 42);
    faiss::IndexFlat exact{idx_t(d)};
    exact.add(idx_t(nb), xb.data());
    faiss::IndexScalarQuantizer index(int(d), t);
    index.train(idx_t(nb), xb.data());
    index.add(idx_t(nb), xb.data());
    std::vector<float> De(nq * k), Ds(nq * k);
    std::vector<idx_t> Ie(nq * k), Is(nq * k);
    exact.search(idx_t(nq), xq.data(), idx_t(k), De.data(), Ie.data());
    index.search(idx_t(nq), xq.data(), idx_t(k), Ds.data(), Is.data());
    const size_t hits = faiss::test::count_overlap(Is.data(), Ie.data(), nq, k);
    return double(hits) / double(nq * k);
}

// Measured on this data: SQ8 0.968, SQfp16 1.000 (4-bit: 0.63).
TEST(IndexScalarQuantizer, RecallOnClusteredData) {
    EXPECT_GE(recall_at_k(ScalarQuantizer::QT_8bit, 5000, 50, 32, 10), 0.90);
    EXPECT_GE(recall_at_k(ScalarQuantizer::QT_fp16, 5000, 50, 32, 10), 0.99);
}

TEST(IndexScalarQuantizer, SelectorRangeSearchAndCodec) {
    const size_t d = 16, nb = 600, nq = 5, k = 8;
    std::vector<float> xb = faiss::test::random_vectors(nb, d, 51);
    std::vector<float> xq = faiss::test::random_vectors(nq, d, 52);
    faiss::IndexScalarQuantizer index(int(d), ScalarQuantizer::QT_4bit);
    index.train(idx_t(nb), xb.data());
    index.add(idx_t(nb), xb.data());

    faiss::IDSelectorRange sel(100, 200);
    faiss::SearchParameters params;
    params.sel = &sel;
    std::vector<float> D(nq * k);
    std::vector<idx_t> I(nq * k);
    index.search(idx_t(nq), xq.data(), idx_t(k), D.data(), I.data(), &params);
    for (idx_t id : I) {
        EXPECT_GE(id, 100);
        EXPECT_LT(id, 200);
    }

    // Range search returns exactly the codes under the radius (by the kNN distances).
    std::vector<float> Dall(nq * nb);
    std::vector<idx_t> Iall(nq * nb);
    index.search(idx_t(nq), xq.data(), idx_t(nb), Dall.data(), Iall.data());
    const float radius = Dall[20];  // between the 20th and 21st distance of query 0
    faiss::RangeSearchResult res(nq);
    index.range_search(idx_t(nq), xq.data(), radius, &res);
    for (size_t q = 0; q < nq; q++) {
        size_t expected = 0;
        while (expected < nb && Dall[q * nb + expected] < radius)
            expected++;
        EXPECT_EQ(res.lims[q + 1] - res.lims[q], expected) << "query " << q;
    }

    // sa_encode / sa_decode are the quantizer's codec; reconstruct decodes stored codes.
    std::vector<uint8_t> codes(index.code_size), ref(index.code_size);
    index.sa_encode(1, xb.data() + 5 * d, codes.data());
    index.sq.compute_codes(xb.data() + 5 * d, ref.data(), 1);
    EXPECT_EQ(codes, ref);
    EXPECT_EQ(0,
              std::memcmp(codes.data(), index.codes.data() + 5 * index.code_size, index.code_size));
    std::vector<float> r1(d), r2(d);
    index.reconstruct(5, r1.data());
    index.sa_decode(1, codes.data(), r2.data());
    EXPECT_EQ(r1, r2);

    // Fewer results than k: padding.
    faiss::IndexScalarQuantizer small(int(d), ScalarQuantizer::QT_fp16,
                                      faiss::METRIC_INNER_PRODUCT);
    small.add(2, xb.data());
    index.search(1, xq.data(), 1, D.data(), I.data());
    small.search(1, xq.data(), 4, D.data(), I.data());
    EXPECT_EQ(I[2], -1);
    EXPECT_EQ(D[3], -std::numeric_limits<float>::infinity());
}

TEST(IndexScalarQuantizer, MergeNeedsTheSameQuantizer) {
    const size_t d = 6;
    std::vector<float> x = faiss::test::random_vectors(40, d, 71);
    std::vector<float> y = faiss::test::random_vectors(40, d, 72);
    faiss::IndexScalarQuantizer a(int(d), ScalarQuantizer::QT_8bit);
    faiss::IndexScalarQuantizer b(int(d), ScalarQuantizer::QT_8bit);
    faiss::IndexScalarQuantizer c(int(d), ScalarQuantizer::QT_8bit);
    a.train(40, x.data());
    b.train(40, x.data());
    c.train(40, y.data());
    a.add(40, x.data());
    b.add(40, y.data());
    c.add(40, y.data());
    EXPECT_THROW(a.merge_from(c), faiss::FaissException);
    a.merge_from(b);
    EXPECT_EQ(a.ntotal, 80);
    EXPECT_EQ(b.ntotal, 0);
    std::vector<float> r(d), e(d);
    a.reconstruct(45, r.data());
    a.sa_decode(1, a.codes.data() + 45 * a.code_size, e.data());
    EXPECT_EQ(r, e);
}

template <class F>
void expect_code(faiss::ErrorCode code, F&& f) {
    try {
        f();
        ADD_FAILURE() << "no exception";
    } catch (const faiss::FaissException& e) {
        EXPECT_EQ(int(e.code()), int(code)) << e.what();
    }
}

TEST(IndexScalarQuantizer, BadInput) {
    using faiss::ErrorCode;
    const size_t d = 8;
    std::vector<float> x = faiss::test::random_vectors(10, d, 61);
    float D[4];
    idx_t I[4];
    faiss::IndexScalarQuantizer index(int(d), ScalarQuantizer::QT_8bit);
    expect_code(ErrorCode::not_trained, [&] { index.add(10, x.data()); });
    expect_code(ErrorCode::not_trained, [&] { index.search(1, x.data(), 1, D, I); });
    expect_code(ErrorCode::not_trained, [&] {
        uint8_t c[d];
        index.sa_encode(1, x.data(), c);
    });
    expect_code(ErrorCode::invalid_argument, [&] { index.train(0, x.data()); });
    expect_code(ErrorCode::invalid_argument, [&] { index.train(10, nullptr); });
    std::vector<float> bad(x);
    bad[13] = std::nanf("");
    expect_code(ErrorCode::invalid_argument, [&] { index.train(10, bad.data()); });
    bad[13] = std::numeric_limits<float>::infinity();
    expect_code(ErrorCode::invalid_argument, [&] { index.train(10, bad.data()); });
    EXPECT_FALSE(index.is_trained);
    index.train(10, x.data());
    index.add(10, x.data());
    expect_code(ErrorCode::invalid_argument, [&] { index.search(1, x.data(), 0, D, I); });
    expect_code(ErrorCode::invalid_argument, [&] { index.search(-1, x.data(), 1, D, I); });
    expect_code(ErrorCode::invalid_argument, [&] { index.search(1, nullptr, 1, D, I); });
    expect_code(ErrorCode::invalid_argument, [&] { index.reconstruct(10, D); });

    expect_code(ErrorCode::invalid_argument,
                [&] { faiss::IndexScalarQuantizer bad_qt(int(d), QT(42)); });
    expect_code(ErrorCode::unsupported, [&] { ScalarQuantizer sq(d, QT(9)); });
    expect_code(ErrorCode::unsupported,
                [&] { faiss::IndexScalarQuantizer l1(int(d), QT(0), faiss::METRIC_L1); });
    ScalarQuantizer sq(d, ScalarQuantizer::QT_8bit);
    sq.rangestat = ScalarQuantizer::RS_optim;
    expect_code(ErrorCode::unsupported, [&] { sq.train(10, x.data()); });
    sq.rangestat = ScalarQuantizer::RangeStat(7);
    expect_code(ErrorCode::invalid_argument, [&] { sq.train(10, x.data()); });

    // NaN components of added vectors encode as code 0 and never crash a search.
    faiss::IndexScalarQuantizer f16(int(d), ScalarQuantizer::QT_fp16);
    std::vector<float> nanq(d, std::nanf(""));
    f16.add(10, x.data());
    f16.search(1, nanq.data(), 2, D, I);
    EXPECT_EQ(I[0], -1);
    index.add(1, nanq.data());
    EXPECT_EQ(index.ntotal, 11);
}

}  // namespace
