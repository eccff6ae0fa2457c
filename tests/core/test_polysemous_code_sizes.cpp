// Polysemous (ST_polysemous) and Hamming (ST_HE) search of IndexPQ, and the polysemous
// filter of IndexIVFPQ, for every code size the Hamming kernels specialise (8, 16, 32,
// 64 bytes) and a generic one (4 bytes), at every SIMD level: IndexPQ results equal,
// bit for bit, a plain reference built from the same distance table (distance added in
// sub-quantizer order, codes at Hamming distance >= ht skipped, ties by id); IndexIVFPQ
// returns the same ids at every level (distances up to the rounding of each level's
// table kernels). Bad input: thresholds that pass nothing, NaN queries, k above ntotal.
#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexPQ.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"
#include "simd/simd_test_helpers.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

namespace {

using faiss::idx_t;
using faiss::IndexPQ;

constexpr size_t kD = 64, kNb = 1999, kNq = 12, kK = 7;

const std::vector<float>& base() {
    static const auto x = faiss::test::clustered_vectors(kNb, kD, 30, 17);
    return x;
}

const std::vector<float>& queries() {
    static const auto x = faiss::test::clustered_vectors(kNq, kD, 30, 18);
    return x;
}

std::unique_ptr<IndexPQ> trained_pq(size_t M) {
    auto index = std::make_unique<IndexPQ>(int(kD), M, 8);
    index->pq.cp.niter = 4;
    index->train(idx_t(kNb), base().data());
    index->add(idx_t(kNb), base().data());
    return index;
}

int ref_hamming(const uint8_t* a, const uint8_t* b, size_t n) {
    int h = 0;
    for (size_t i = 0; i < n; i++)
        for (int bit = 0; bit < 8; bit++)
            h += ((a[i] ^ b[i]) >> bit) & 1;
    return h;
}

struct Row {
    std::vector<float> D;
    std::vector<idx_t> I;
};

// Reference row of one query: scores from the index's own table (so equality is
// exact), selection by (score, id), padding (+inf, -1).
Row reference_row(const IndexPQ& index, const float* q, IndexPQ::Search_type_t type, int ht) {
    const auto& pq = index.pq;
    std::vector<float> tab(pq.M * 256);
    pq.compute_distance_table(q, tab.data());
    std::vector<uint8_t> qc(pq.code_size);
    pq.compute_code_from_distance_table(tab.data(), qc.data());
    std::vector<std::pair<float, idx_t>> all;
    for (idx_t i = 0; i < index.ntotal; i++) {
        const uint8_t* c = index.codes.data() + size_t(i) * index.code_size;
        const int h = ref_hamming(qc.data(), c, index.code_size);
        if (type == IndexPQ::ST_HE) {
            all.emplace_back(float(h), i);
            continue;
        }
        if (h >= ht) continue;
        float s = 0;
        for (size_t m = 0; m < pq.M; m++)
            s += tab[m * 256 + c[m]];
        if (!std::isnan(s)) all.emplace_back(s, i);
    }
    std::sort(all.begin(), all.end());
    Row r{std::vector<float>(kK, std::numeric_limits<float>::infinity()),
          std::vector<idx_t>(kK, -1)};
    for (size_t j = 0; j < kK && j < all.size(); j++) {
        r.D[j] = all[j].first;
        r.I[j] = all[j].second;
    }
    return r;
}

Row search(const IndexPQ& index, IndexPQ::Search_type_t type, int ht, const float* x, size_t n,
           size_t k = kK) {
    faiss::SearchParametersPQ sp;
    sp.search_type = type;
    sp.polysemous_ht = ht;
    Row r{std::vector<float>(n * k), std::vector<idx_t>(n * k)};
    index.search(idx_t(n), x, idx_t(k), r.D.data(), r.I.data(), &sp);
    return r;
}

// A threshold that lets roughly a third of the codes through for these queries.
int third_threshold(const IndexPQ& index) {
    std::vector<uint8_t> qc(index.code_size);
    std::vector<int> h;
    for (size_t q = 0; q < kNq; q++) {
        index.sa_encode(1, queries().data() + q * kD, qc.data());
        for (idx_t i = 0; i < index.ntotal; i += 7)
            h.push_back(ref_hamming(qc.data(), index.codes.data() + size_t(i) * index.code_size,
                                    index.code_size));
    }
    std::nth_element(h.begin(), h.begin() + long(h.size() / 3), h.end());
    return h[h.size() / 3];
}

TEST(PolysemousCodeSizes, IndexPQMatchesReferenceAtEveryLevel) {
    for (size_t M : {4, 8, 16, 32, 64}) {
        const auto index = trained_pq(M);
        const int third = third_threshold(*index);
        for (auto level : faiss::test::supported_simd_levels()) {
            faiss::test::SimdLevelGuard guard(level);
            for (int ht : {third, third + 5}) {
                const Row got = search(*index, IndexPQ::ST_polysemous, ht, queries().data(), kNq);
                for (size_t q = 0; q < kNq; q++) {
                    const Row want = reference_row(*index, queries().data() + q * kD,
                                                   IndexPQ::ST_polysemous, ht);
                    const auto b = got.D.begin() + long(q * kK);
                    const auto bi = got.I.begin() + long(q * kK);
                    ASSERT_EQ(std::vector<idx_t>(bi, bi + long(kK)), want.I)
                        << "M=" << M << " ht=" << ht << " q=" << q
                        << " level=" << faiss::simd_level_name(level);
                    ASSERT_EQ(std::vector<float>(b, b + long(kK)), want.D) << "M=" << M;
                }
            }
            const Row he = search(*index, IndexPQ::ST_HE, 0, queries().data(), kNq);
            for (size_t q = 0; q < kNq; q++) {
                const Row want =
                    reference_row(*index, queries().data() + q * kD, IndexPQ::ST_HE, 0);
                const auto b = he.D.begin() + long(q * kK);
                ASSERT_EQ(std::vector<float>(b, b + long(kK)), want.D)
                    << "ST_HE M=" << M << " level=" << faiss::simd_level_name(level);
            }
        }
    }
}

TEST(PolysemousCodeSizes, IndexIVFPQSameAtEveryLevel) {
    for (size_t M : {4, 8, 16, 32, 64}) {
        faiss::IndexFlatL2 q{int(kD)};
        faiss::IndexIVFPQ index(&q, kD, 4, M, 8);
        index.pq.cp.niter = 4;
        index.train(idx_t(kNb), base().data());
        index.add(idx_t(kNb), base().data());
        index.nprobe = 4;
        index.polysemous_ht = int(M * 8 / 2);
        Row first;
        size_t found = 0;
        for (auto level : faiss::test::supported_simd_levels()) {
            faiss::test::SimdLevelGuard guard(level);
            Row r{std::vector<float>(kNq * kK), std::vector<idx_t>(kNq * kK)};
            index.search(idx_t(kNq), queries().data(), idx_t(kK), r.D.data(), r.I.data());
            if (first.I.empty()) {
                first = r;
                found =
                    size_t(std::count_if(r.I.begin(), r.I.end(), [](idx_t i) { return i >= 0; }));
            }
            ASSERT_EQ(r.I, first.I) << "M=" << M << " level=" << faiss::simd_level_name(level);
            // The tables come from the level's distance kernels: equal up to rounding.
            for (size_t j = 0; j < r.D.size(); j++)
                ASSERT_NEAR(r.D[j], first.D[j], 1e-5 * (1 + std::fabs(first.D[j]))) << "M=" << M;
        }
        // The threshold keeps some results and drops others.
        EXPECT_GT(found, 0u) << "M=" << M;
    }
}

TEST(PolysemousCodeSizes, ThresholdsThatPassNothingOrEverything) {
    const auto index = trained_pq(16);
    const Row adc = search(*index, IndexPQ::ST_PQ, 0, queries().data(), kNq);
    // Every code passes at ht = 16 * 8 + 1: the plain ADC result.
    const Row all = search(*index, IndexPQ::ST_polysemous, 16 * 8 + 1, queries().data(), kNq);
    EXPECT_EQ(all.I, adc.I);
    // ht = 0 in the index (the parameter only overrides when > 0), or 1 with queries far
    // from every code: nothing passes, every row is padding.
    index->polysemous_ht = 0;
    for (int ht : {0, -3}) {
        const Row none = search(*index, IndexPQ::ST_polysemous, ht, queries().data(), kNq);
        for (size_t j = 0; j < none.I.size(); j++) {
            EXPECT_EQ(none.I[j], -1);
            EXPECT_EQ(none.D[j], std::numeric_limits<float>::infinity());
        }
    }
}

TEST(PolysemousCodeSizes, NanQueryAndLargeK) {
    for (size_t M : {8, 32}) {
        const auto index = trained_pq(M);
        std::vector<float> x(queries().begin(), queries().begin() + 2 * kD);
        x[kD + 3] = std::numeric_limits<float>::quiet_NaN();
        const Row r = search(*index, IndexPQ::ST_polysemous, int(M * 8 + 1), x.data(), 2);
        for (size_t j = kK; j < 2 * kK; j++)
            EXPECT_EQ(r.I[j], -1) << "a NaN query has no neighbours";
        EXPECT_GE(r.I[0], 0);
        // k above ntotal: all codes that pass, then padding.
        const size_t k = kNb + 5;
        const Row big = search(*index, IndexPQ::ST_polysemous, int(M * 8 + 1), x.data(), 1, k);
        EXPECT_GE(big.I[kNb - 1], 0);
        for (size_t j = kNb; j < k; j++)
            EXPECT_EQ(big.I[j], -1);
        const Row he = search(*index, IndexPQ::ST_HE, 0, x.data(), 1, k);
        EXPECT_GE(he.I[kNb - 1], 0);
        EXPECT_EQ(he.I[kNb], -1);
    }
}

}  // namespace
