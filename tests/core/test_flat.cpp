// IndexFlat / IndexFlatL2 / IndexFlatIP / IndexFlatCodes: search against the reference,
// maintenance (remove_ids, merge_from, permute_entries, reset), reconstruction, the
// standalone codec, and argument checking.
#include "core/test_flat_check.h"

#include <faiss/IndexFlat.h>
#include <faiss/RangeSearchResult.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <numeric>

using faiss::idx_t;

namespace {

struct Result {
    std::vector<float> D;
    std::vector<idx_t> I;
};

Result search(const faiss::Index& index, const std::vector<float>& xq, size_t k,
              const faiss::SearchParameters* params = nullptr) {
    const size_t nq = xq.size() / size_t(index.d);
    Result r{std::vector<float>(nq * k), std::vector<idx_t>(nq * k)};
    index.search(idx_t(nq), xq.data(), idx_t(k), r.D.data(), r.I.data(), params);
    return r;
}

// A lossy codec (one byte per component, step 1/16) to exercise the generic
// decode-and-search path of IndexFlatCodes.
struct ByteCodecIndex : faiss::IndexFlatCodes {
    ByteCodecIndex(int d, faiss::MetricType m) : faiss::IndexFlatCodes(size_t(d), d, m) {}
    void sa_encode(idx_t n, const float* x, uint8_t* bytes) const override {
        for (size_t i = 0; i < size_t(n) * size_t(d); i++) {
            bytes[i] = uint8_t(std::lround(std::min(15.0f, std::max(0.0f, x[i] * 16.0f))));
        }
    }
    void sa_decode(idx_t n, const uint8_t* bytes, float* x) const override {
        for (size_t i = 0; i < size_t(n) * size_t(d); i++)
            x[i] = bytes[i] / 16.0f;
    }
};

}  // namespace

TEST(IndexFlat, SearchMatchesReferenceAllMetrics) {
    const size_t d = 19, nb = 700;
    auto xb = faiss::test::random_vectors(nb, d, 1);
    for (faiss::MetricType m : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT, faiss::METRIC_L1,
                                faiss::METRIC_Linf, faiss::METRIC_Lp}) {
        faiss::IndexFlat index(d, m);
        if (m == faiss::METRIC_Lp) index.metric_arg = 2.5f;
        index.add(300, xb.data());
        index.add(nb - 300, xb.data() + 300 * d);  // two adds concatenate
        ASSERT_EQ(index.ntotal, idx_t(nb));
        for (size_t nq : {size_t(1), size_t(50)}) {
            auto xq = faiss::test::random_vectors(nq, d, 2 + nq);
            Result r = search(index, xq, 8);
            SCOPED_TRACE(testing::Message() << "metric=" << int(m) << " nq=" << nq);
            faiss::test::expect_knn_matches(xq.data(), nq, xb.data(), nb, d, 8, m, r.D.data(),
                                            r.I.data(), index.metric_arg);
        }
    }
}

TEST(IndexFlat, SubclassesAndCachedNorms) {
    const size_t d = 32, nb = 3000, nq = 64;
    auto xb = faiss::test::clustered_vectors(nb, d, 10, 3);
    auto xq = faiss::test::clustered_vectors(nq, d, 10, 4);
    faiss::IndexFlatL2 l2(d);
    faiss::IndexFlatIP ip(d);
    EXPECT_EQ(l2.metric_type, faiss::METRIC_L2);
    EXPECT_EQ(ip.metric_type, faiss::METRIC_INNER_PRODUCT);
    EXPECT_EQ(l2.code_size, d * sizeof(float));
    l2.add(nb, xb.data());
    ip.add(nb, xb.data());
    Result plain = search(l2, xq, 10);
    l2.sync_l2norms();
    ASSERT_EQ(l2.cached_l2norms.size(), nb);
    Result cached = search(l2, xq, 10);
    EXPECT_EQ(plain.I, cached.I);
    l2.add(5, xq.data());  // keeps the cache in sync
    EXPECT_EQ(l2.cached_l2norms.size(), nb + 5);
    Result after = search(l2, xq, 1);
    for (size_t q = 0; q < 5; q++)
        EXPECT_EQ(after.I[q], idx_t(nb + q));
    faiss::test::ModuloSelector odd(2, 1);
    l2.remove_ids(odd);
    EXPECT_TRUE(l2.cached_l2norms.empty());
    Result r = search(ip, xq, 10);
    faiss::test::expect_knn_matches(xq.data(), nq, xb.data(), nb, d, 10,
                                    faiss::METRIC_INNER_PRODUCT, r.D.data(), r.I.data());
}

TEST(IndexFlat, EmptyIndexAndSmallIndexPad) {
    faiss::IndexFlatL2 l2(3);
    faiss::IndexFlatIP ip(3);
    auto xq = faiss::test::random_vectors(4, 3, 1);
    Result r = search(l2, xq, 2);
    for (size_t i = 0; i < r.I.size(); i++) {
        EXPECT_EQ(r.I[i], -1);
        EXPECT_EQ(r.D[i], std::numeric_limits<float>::infinity());
    }
    r = search(ip, xq, 2);
    for (size_t i = 0; i < r.I.size(); i++) {
        EXPECT_EQ(r.I[i], -1);
        EXPECT_EQ(r.D[i], -std::numeric_limits<float>::infinity());
    }
    auto xb = faiss::test::random_vectors(2, 3, 2);
    ip.add(2, xb.data());
    r = search(ip, xq, 5);
    for (size_t q = 0; q < 4; q++) {
        EXPECT_GE(r.I[q * 5 + 1], 0);
        EXPECT_GE(r.D[q * 5], r.D[q * 5 + 1]);  // best (largest) first
        for (size_t j = 2; j < 5; j++)
            EXPECT_EQ(r.I[q * 5 + j], -1);
    }
    l2.search(0, nullptr, 3, nullptr, nullptr);  // n = 0 is a no-op
}

TEST(IndexFlat, BadArgumentsThrow) {
    faiss::IndexFlatL2 index(4);
    auto x = faiss::test::random_vectors(10, 4, 1);
    index.add(10, x.data());
    std::vector<float> D(20);
    std::vector<idx_t> I(20);
    EXPECT_THROW(index.search(-1, x.data(), 2, D.data(), I.data()), faiss::FaissException);
    EXPECT_THROW(index.search(2, x.data(), 0, D.data(), I.data()), faiss::FaissException);
    EXPECT_THROW(index.search(2, x.data(), -3, D.data(), I.data()), faiss::FaissException);
    EXPECT_THROW(index.search(2, nullptr, 2, D.data(), I.data()), faiss::FaissException);
    EXPECT_THROW(index.search(2, x.data(), 2, nullptr, I.data()), faiss::FaissException);
    EXPECT_THROW(index.search(2, x.data(), 2, D.data(), nullptr), faiss::FaissException);
    EXPECT_THROW(index.add(-1, x.data()), faiss::FaissException);
    EXPECT_THROW(index.add(2, nullptr), faiss::FaissException);
    EXPECT_THROW(faiss::IndexFlat(-2), faiss::FaissException);
    EXPECT_THROW(faiss::IndexFlat(4, faiss::MetricType(9)), faiss::FaissException);
    float v[4];
    EXPECT_THROW(index.reconstruct(10, v), faiss::FaissException);
    EXPECT_THROW(index.reconstruct(-1, v), faiss::FaissException);
    EXPECT_THROW(index.reconstruct(0, nullptr), faiss::FaissException);
    std::vector<float> many(40);
    EXPECT_THROW(index.reconstruct_n(8, 3, many.data()), faiss::FaissException);
    EXPECT_THROW(index.reconstruct_n(-1, 2, many.data()), faiss::FaissException);
    EXPECT_THROW(index.sa_encode(-1, x.data(), nullptr), faiss::FaissException);
    idx_t bad_labels[2] = {0, 10};
    EXPECT_THROW(index.compute_distance_subset(1, x.data(), 2, D.data(), bad_labels),
                 faiss::FaissException);
    EXPECT_EQ(index.ntotal, 10);                // failed calls changed nothing
    index.metric_type = faiss::MetricType(77);  // a corrupted public field
    EXPECT_THROW(index.search(2, x.data(), 2, D.data(), I.data()), faiss::FaissException);
    idx_t labels[2] = {0, 1};
    EXPECT_THROW(index.compute_distance_subset(1, x.data(), 2, D.data(), labels),
                 faiss::FaissException);
}

TEST(IndexFlat, ReconstructAndCodecRoundTrip) {
    const size_t d = 7, nb = 20;
    auto xb = faiss::test::random_vectors(nb, d, 5);
    faiss::IndexFlatL2 index(d);
    index.add(nb, xb.data());
    std::vector<float> v(d);
    index.reconstruct(13, v.data());
    EXPECT_EQ(0, std::memcmp(v.data(), xb.data() + 13 * d, d * sizeof(float)));
    std::vector<float> span(5 * d);
    index.reconstruct_n(15, 5, span.data());
    EXPECT_EQ(0, std::memcmp(span.data(), xb.data() + 15 * d, 5 * d * sizeof(float)));
    EXPECT_EQ(0, std::memcmp(index.get_xb(), xb.data(), nb * d * sizeof(float)));
    EXPECT_EQ(index.sa_code_size(), d * sizeof(float));
    std::vector<uint8_t> codes(3 * index.sa_code_size());
    index.sa_encode(3, xb.data(), codes.data());
    std::vector<float> back(3 * d);
    index.sa_decode(3, codes.data(), back.data());
    EXPECT_EQ(0, std::memcmp(back.data(), xb.data(), back.size() * sizeof(float)));
    EXPECT_EQ(0, std::memcmp(codes.data(), xb.data(), codes.size()));
}

TEST(IndexFlat, RemoveIdsCompacts) {
    const size_t d = 5, nb = 30;
    auto xb = faiss::test::random_vectors(nb, d, 6);
    faiss::IndexFlatIP index(d);
    index.add(nb, xb.data());
    faiss::test::ModuloSelector every_third(3, 0);
    EXPECT_EQ(index.remove_ids(every_third), 10u);
    ASSERT_EQ(index.ntotal, 20);
    std::vector<float> v(d);
    for (idx_t i = 0; i < 20; i++) {
        const size_t old = size_t(i / 2 * 3 + 1 + i % 2);  // survivors 1,2,4,5,7,8...
        index.reconstruct(i, v.data());
        EXPECT_EQ(0, std::memcmp(v.data(), xb.data() + old * d, d * sizeof(float))) << i;
    }
    faiss::test::ModuloSelector none(1000, 999);
    EXPECT_EQ(index.remove_ids(none), 0u);
    faiss::test::ModuloSelector all(1, 0);
    EXPECT_EQ(index.remove_ids(all), 20u);
    EXPECT_EQ(index.ntotal, 0);
    EXPECT_TRUE(index.codes.empty());
}

TEST(IndexFlat, SelectorInSearch) {
    const size_t d = 16, nb = 4000;
    auto xb = faiss::test::random_vectors(nb, d, 8);
    faiss::IndexFlatL2 index(d);
    index.add(nb, xb.data());
    faiss::test::ModuloSelector sel(10, 7);
    faiss::SearchParameters params;
    params.sel = &sel;
    for (size_t nq : {size_t(1), size_t(30)}) {
        auto xq = faiss::test::random_vectors(nq, d, 9);
        Result r = search(index, xq, 12, &params);
        faiss::test::expect_knn_matches(xq.data(), nq, xb.data(), nb, d, 12, faiss::METRIC_L2,
                                        r.D.data(), r.I.data(), 0, &sel);
    }
    faiss::test::ModuloSelector rare(1000, 3);  // 4 members, k = 12: padding
    params.sel = &rare;
    auto xq = faiss::test::random_vectors(2, d, 10);
    Result r = search(index, xq, 12, &params);
    EXPECT_EQ(r.I[3], 3003);
    EXPECT_EQ(r.I[4], -1);
}

TEST(IndexFlat, MergeFromAndPermute) {
    const size_t d = 6;
    auto xa = faiss::test::random_vectors(10, d, 1);
    auto xb = faiss::test::random_vectors(7, d, 2);
    faiss::IndexFlatL2 a(d), b(d);
    a.add(10, xa.data());
    b.add(7, xb.data());
    a.merge_from(b);
    EXPECT_EQ(a.ntotal, 17);
    EXPECT_EQ(b.ntotal, 0);
    std::vector<float> v(d);
    a.reconstruct(12, v.data());
    EXPECT_EQ(0, std::memcmp(v.data(), xb.data() + 2 * d, d * sizeof(float)));
    faiss::IndexFlatIP ip(d);
    faiss::IndexFlatL2 other_d(d + 1);
    EXPECT_THROW(a.merge_from(ip), faiss::FaissException);
    EXPECT_THROW(a.merge_from(other_d), faiss::FaissException);
    EXPECT_THROW(a.merge_from(b, 5), faiss::FaissException);
    EXPECT_THROW(a.merge_from(a), faiss::FaissException);

    std::vector<idx_t> perm(17);
    std::iota(perm.rbegin(), perm.rend(), 0);  // reverse
    a.permute_entries(perm.data());
    a.reconstruct(4, v.data());
    EXPECT_EQ(0, std::memcmp(v.data(), xb.data() + 2 * d, d * sizeof(float)));
    perm[0] = perm[1];
    EXPECT_THROW(a.permute_entries(perm.data()), faiss::FaissException);
}

TEST(IndexFlat, ComputeDistanceSubset) {
    const size_t d = 11, nb = 50, nq = 3, k = 4;
    auto xb = faiss::test::random_vectors(nb, d, 3);
    auto xq = faiss::test::random_vectors(nq, d, 4);
    for (faiss::MetricType m : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT, faiss::METRIC_L1}) {
        faiss::IndexFlat index(d, m);
        index.add(nb, xb.data());
        std::vector<idx_t> labels = {3, 49, 0, -1, 7, 7, 20, 1, 2, 4, 8, 16};
        std::vector<float> D(nq * k);
        index.compute_distance_subset(nq, xq.data(), k, D.data(), labels.data());
        for (size_t i = 0; i < nq * k; i++) {
            if (labels[i] < 0) {
                EXPECT_TRUE(std::isinf(D[i]));
                continue;
            }
            double ref = faiss::test::reference_distance(xq.data() + i / k * d,
                                                         xb.data() + labels[i] * d, d, m);
            EXPECT_NEAR(D[i], ref, 1e-4);
        }
    }
}

TEST(IndexFlatCodes, GenericSearchDecodes) {
    const size_t d = 10, nb = 900;
    auto xb = faiss::test::random_vectors(nb, d, 12);
    for (faiss::MetricType m : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT}) {
        ByteCodecIndex codec(d, m);
        codec.add(nb, xb.data());
        std::vector<float> decoded(nb * d);
        codec.reconstruct_n(0, nb, decoded.data());
        EXPECT_NEAR(decoded[5], xb[5], 1.0 / 32 + 1e-6);
        faiss::test::ModuloSelector sel(2, 0);
        faiss::SearchParameters params;
        params.sel = &sel;
        for (size_t nq : {size_t(2), size_t(40)}) {
            auto xq = faiss::test::random_vectors(nq, d, 13);
            Result r = search(codec, xq, 6);
            faiss::test::expect_knn_matches(xq.data(), nq, decoded.data(), nb, d, 6, m, r.D.data(),
                                            r.I.data());
            Result f = search(codec, xq, 6, &params);
            faiss::test::expect_knn_matches(xq.data(), nq, decoded.data(), nb, d, 6, m, f.D.data(),
                                            f.I.data(), 0, &sel);
        }
        faiss::RangeSearchResult res(1);
        codec.range_search(1, xb.data(), m == faiss::METRIC_L2 ? 0.01f : 1e9f, &res);
        EXPECT_EQ(res.lims[1], m == faiss::METRIC_L2 ? 1u : 0u);
    }
    ByteCodecIndex codec(4, faiss::METRIC_L2);
    uint8_t raw[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    codec.add_sa_codes(2, raw);
    EXPECT_EQ(codec.ntotal, 2);
    idx_t ids[2] = {5, 6};
    EXPECT_THROW(codec.add_sa_codes(2, raw, ids), faiss::FaissException);
}
