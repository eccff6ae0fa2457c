// ProductQuantizer: bit packing (Faiss layout), encode/decode, training quality,
// distance tables against double-precision references, bad input.
#include <faiss/FaissException.h>
#include <faiss/impl/ProductQuantizer.h>

#include "common/test_utils.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>

using faiss::ProductQuantizer;

namespace {

// Centroid j of sub-quantizer m is (j + 0.25 m, ..., j + 0.25 m): every centroid
// differs, and encoding x = centroid gives back exactly j.
ProductQuantizer make_grid_pq(size_t M, size_t nbits, size_t dsub) {
    ProductQuantizer pq(M * dsub, M, nbits);
    for (size_t m = 0; m < M; m++) {
        for (size_t j = 0; j < pq.ksub; j++) {
            for (size_t t = 0; t < dsub; t++)
                pq.get_centroids(m, j)[t] = float(j) + 0.25f * m;
        }
    }
    return pq;
}

uint64_t read_bits(const std::vector<uint8_t>& code, size_t pos, size_t nbits) {
    uint64_t v = 0;
    for (size_t b = 0; b < nbits; b++) {
        const size_t p = pos + b;
        v |= uint64_t((code[p / 8] >> (p % 8)) & 1) << b;
    }
    return v;
}

}  // namespace

TEST(ProductQuantizer, DerivedValues) {
    ProductQuantizer pq(12, 3, 5);
    EXPECT_EQ(pq.dsub, 4u);
    EXPECT_EQ(pq.ksub, 32u);
    EXPECT_EQ(pq.code_size, 2u);  // 15 bits
    EXPECT_EQ(pq.centroids.size(), 12u * 32u);
}

TEST(ProductQuantizer, KnownLayouts) {
    std::vector<uint8_t> code(3, 0);
    faiss::PQEncoderGeneric enc(code.data(), 12);
    enc.encode(0xABC);
    enc.encode(0x123);
    EXPECT_EQ(code, (std::vector<uint8_t>{0xBC, 0x3A, 0x12}));

    std::vector<uint8_t> c4(2, 0);
    faiss::PQEncoderGeneric e4(c4.data(), 4);
    for (uint64_t v : {1, 2, 3})
        e4.encode(v);
    EXPECT_EQ(c4, (std::vector<uint8_t>{0x21, 0x03}));  // low nibble first, high bits 0

    std::vector<uint8_t> c16(2, 0);
    faiss::PQEncoderGeneric e16(c16.data(), 16);
    e16.encode(0xBEEF);
    EXPECT_EQ(c16, (std::vector<uint8_t>{0xEF, 0xBE}));  // little-endian uint16
}

// Every nbits 1..16, several M (odd totals leave unused bits), sub-codes at the extremes
// (0, ksub - 1) and random: the stream matches an independent bit-by-bit reader, unused
// bits are zero, and the decoder returns the values.
TEST(ProductQuantizer, BitPackingRoundTrip) {
    std::mt19937_64 rng(7);
    for (size_t nbits = 1; nbits <= 16; nbits++) {
        const uint64_t ksub = uint64_t(1) << nbits;
        for (size_t M : {1, 2, 3, 5, 7, 8, 13}) {
            const size_t code_size = (M * nbits + 7) / 8;
            for (int trial = 0; trial < 6; trial++) {
                std::vector<uint64_t> vals(M);
                for (size_t m = 0; m < M; m++) {
                    vals[m] = trial == 0   ? ksub - 1
                              : trial == 1 ? 0
                                           : (trial == 2 ? (m % 2) * (ksub - 1) : rng() % ksub);
                }
                std::vector<uint8_t> code(code_size, 0);
                faiss::PQEncoderGeneric enc(code.data(), int(nbits));
                for (uint64_t v : vals)
                    enc.encode(v);
                faiss::PQDecoderGeneric dec(code.data(), int(nbits));
                for (size_t m = 0; m < M; m++) {
                    ASSERT_EQ(read_bits(code, m * nbits, nbits), vals[m]) << nbits << " " << M;
                    ASSERT_EQ(dec.decode(), vals[m]) << "nbits=" << nbits << " M=" << M;
                }
                for (size_t p = M * nbits; p < code_size * 8; p++) {
                    ASSERT_EQ((code[p / 8] >> (p % 8)) & 1, 0) << "unused bit set";
                }
            }
        }
    }
}

// Through the quantizer: x built from chosen centroids encodes to exactly those
// sub-codes (both the per-vector and the batched encoder) and decodes back to x.
TEST(ProductQuantizer, EncodeDecodeAllNbits) {
    std::mt19937_64 rng(3);
    // dsub = 2: per-vector encoder; dsub = 16 with n >= 32: the batched GEMM encoder
    // (nbits <= 8 there keeps the grid small enough for its float precision).
    for (size_t run = 0; run < 24; run++) {
        const size_t nbits = run < 16 ? run + 1 : run - 15;
        const size_t M = 3, dsub = run < 16 ? 2 : 16, n = 40;
        ProductQuantizer pq = make_grid_pq(M, nbits, dsub);
        std::vector<uint64_t> chosen(n * M);
        std::vector<float> x(n * pq.d);
        for (size_t i = 0; i < n; i++) {
            for (size_t m = 0; m < M; m++) {
                uint64_t j = i == 0 ? pq.ksub - 1 : i == 1 ? 0 : rng() % pq.ksub;
                chosen[i * M + m] = j;
                for (size_t t = 0; t < dsub; t++)
                    x[i * pq.d + m * dsub + t] = pq.get_centroids(m, j)[t];
            }
        }
        std::vector<uint8_t> codes(n * pq.code_size), one(pq.code_size);
        pq.compute_codes(x.data(), codes.data(), n);
        for (size_t i = 0; i < n; i++) {
            pq.compute_code(x.data() + i * pq.d, one.data());
            ASSERT_EQ(0, std::memcmp(one.data(), codes.data() + i * pq.code_size, pq.code_size));
            faiss::PQDecoderGeneric dec(codes.data() + i * pq.code_size, int(nbits));
            for (size_t m = 0; m < M; m++)
                ASSERT_EQ(dec.decode(), chosen[i * M + m]);
        }
        std::vector<float> y(n * pq.d);
        pq.decode(codes.data(), y.data(), n);
        EXPECT_EQ(x, y) << "nbits=" << nbits;
    }
}

// Training on clustered data: every sub-code is the nearest centroid, and the
// reconstruction error is a small fraction of the data's variance.
TEST(ProductQuantizer, TrainRoundTripError) {
    const size_t d = 32, n = 4000;
    auto x = faiss::test::clustered_vectors(n, d, 20, 11);
    ProductQuantizer pq(d, 8, 6);
    pq.cp.niter = 10;
    pq.train(n, x.data());
    std::vector<uint8_t> codes(n * pq.code_size);
    pq.compute_codes(x.data(), codes.data(), n);
    std::vector<float> y(n * d);
    pq.decode(codes.data(), y.data(), n);

    std::vector<double> mean(d, 0);
    for (size_t i = 0; i < n * d; i++)
        mean[i % d] += x[i] / double(n);
    double err = 0, var = 0;
    for (size_t i = 0; i < n * d; i++) {
        err += (double(x[i]) - y[i]) * (double(x[i]) - y[i]);
        var += (x[i] - mean[i % d]) * (x[i] - mean[i % d]);
    }
    // Measured 0.042 (64 centroids per 4-d sub-space, 20 clusters); 0.06 leaves room for
    // k-means variation while catching a broken encoder (a random code gives ~2).
    EXPECT_LT(err / var, 0.06);

    for (size_t i = 0; i < 200; i++) {
        faiss::PQDecoderGeneric dec(codes.data() + i * pq.code_size, 6);
        for (size_t m = 0; m < pq.M; m++) {
            const uint64_t c = dec.decode();
            const double dc = faiss::test::reference_distance(
                x.data() + i * d + m * 4, pq.get_centroids(m, c), 4, faiss::METRIC_L2);
            for (size_t j = 0; j < pq.ksub; j++) {
                ASSERT_LE(
                    dc, faiss::test::reference_distance(
                            x.data() + i * d + m * 4, pq.get_centroids(m, j), 4, faiss::METRIC_L2) +
                            1e-4);
            }
        }
    }
}

TEST(ProductQuantizer, TrainShared) {
    const size_t d = 8, n = 600;
    auto x = faiss::test::random_vectors(n, d, 5);
    ProductQuantizer pq(d, 4, 4);
    pq.train_type = ProductQuantizer::Train_shared;
    pq.cp.niter = 5;
    pq.train(n, x.data());
    for (size_t m = 1; m < 4; m++) {
        for (size_t i = 0; i < pq.ksub * pq.dsub; i++) {
            ASSERT_EQ(pq.get_centroids(m, 0)[i], pq.get_centroids(0, 0)[i]);
        }
    }
}

TEST(ProductQuantizer, DistanceTablesMatchReference) {
    const size_t d = 12, M = 4, nbits = 5, nx = 5;
    ProductQuantizer pq(d, M, nbits);
    auto c = faiss::test::random_vectors(pq.ksub * M, pq.dsub, 1);
    pq.centroids = c;
    auto x = faiss::test::random_vectors(nx, d, 2);
    std::vector<float> l2(nx * M * pq.ksub), ip(nx * M * pq.ksub), one(M * pq.ksub);
    pq.compute_distance_tables(nx, x.data(), l2.data());
    pq.compute_inner_prod_tables(nx, x.data(), ip.data());
    for (size_t i = 0; i < nx; i++) {
        pq.compute_distance_table(x.data() + i * d, one.data());
        for (size_t m = 0; m < M; m++) {
            for (size_t j = 0; j < pq.ksub; j++) {
                const float* sub = x.data() + i * d + m * pq.dsub;
                const size_t at = (i * M + m) * pq.ksub + j;
                double rl2 = faiss::test::reference_distance(sub, pq.get_centroids(m, j), pq.dsub,
                                                             faiss::METRIC_L2);
                double rip = faiss::test::reference_distance(sub, pq.get_centroids(m, j), pq.dsub,
                                                             faiss::METRIC_INNER_PRODUCT);
                ASSERT_NEAR(l2[at], rl2, 1e-5);
                ASSERT_NEAR(ip[at], rip, 1e-5);
                ASSERT_EQ(one[m * pq.ksub + j], l2[at]);
            }
        }
    }
    pq.compute_sdc_table();
    ASSERT_EQ(pq.sdc_table.size(), M * pq.ksub * pq.ksub);
    for (size_t m = 0; m < M; m++) {
        for (size_t a = 0; a < pq.ksub; a++) {
            for (size_t b = 0; b < pq.ksub; b++) {
                double r = faiss::test::reference_distance(
                    pq.get_centroids(m, a), pq.get_centroids(m, b), pq.dsub, faiss::METRIC_L2);
                ASSERT_NEAR(pq.sdc_table[(m * pq.ksub + a) * pq.ksub + b], r, 1e-5);
            }
        }
    }
}

TEST(ProductQuantizer, BadInput) {
    auto code_of = [](auto&& f) {
        try {
            f();
        } catch (const faiss::FaissException& e) {
            return std::make_pair(e.code(), std::string(e.what()));
        }
        return std::make_pair(faiss::ErrorCode::internal, std::string("no exception"));
    };
    EXPECT_EQ(code_of([] { ProductQuantizer(10, 3, 8); }).first,
              faiss::ErrorCode::invalid_argument);
    EXPECT_EQ(code_of([] { ProductQuantizer(8, 0, 8); }).first, faiss::ErrorCode::invalid_argument);
    EXPECT_EQ(code_of([] { ProductQuantizer(8, 2, 0); }).first, faiss::ErrorCode::invalid_argument);
    EXPECT_EQ(code_of([] { ProductQuantizer(8, 2, 17); }).first,
              faiss::ErrorCode::invalid_argument);

    ProductQuantizer pq(8, 2, 8);
    auto x = faiss::test::random_vectors(100, 8, 1);
    auto r = code_of([&] { pq.train(100, x.data()); });
    EXPECT_EQ(r.first, faiss::ErrorCode::invalid_argument);
    EXPECT_NE(r.second.find("256"), std::string::npos) << r.second;
    EXPECT_NE(r.second.find("n=100"), std::string::npos) << r.second;
    EXPECT_EQ(code_of([&] { pq.train(300, nullptr); }).first, faiss::ErrorCode::invalid_argument);

    ProductQuantizer small(8, 2, 2);
    x[3] = std::nanf("");
    EXPECT_EQ(code_of([&] { small.train(100, x.data()); }).first,
              faiss::ErrorCode::invalid_argument);
    small.train_type = ProductQuantizer::Train_hypercube;
    EXPECT_EQ(code_of([&] { small.train(100, x.data()); }).first, faiss::ErrorCode::unsupported);
}
