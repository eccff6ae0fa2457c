// IndexIVFPQ: with nprobe = nlist the results equal brute-force search over the decoded
// vectors; recall at small nprobe on clustered data; precomputed tables on / off;
// by_residual = false; removal, direct maps, selectors, range search, merging, the
// standalone codec and bad input.
#include <faiss/FaissException.h>
#include <faiss/IDSelector.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/RangeSearchResult.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"

#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

using faiss::idx_t;
using faiss::IndexFlat;
using faiss::IndexIVFPQ;

using faiss::test::expect_code;

namespace {

constexpr size_t kD = 16;
constexpr size_t kNlist = 8;

struct Options {
    faiss::MetricType metric = faiss::METRIC_L2;
    size_t M = 4;
    size_t nbits = 6;
    bool by_residual = true;
    size_t nb = 1500;
};

/// A trained, filled IVFPQ over clustered data with its own flat quantizer.
struct Fixture {
    Options o;
    std::vector<float> xb, xq;
    size_t nq = 20;
    std::unique_ptr<IndexFlat> quantizer;
    std::unique_ptr<IndexIVFPQ> index;

    explicit Fixture(Options opt, bool fill = true) : o(opt) {
        xb = faiss::test::clustered_vectors(o.nb, kD, 20, 11);
        xq = faiss::test::clustered_vectors(nq, kD, 20, 12);
        quantizer = std::make_unique<IndexFlat>(kD, o.metric);
        index = std::make_unique<IndexIVFPQ>(quantizer.get(), kD, kNlist, o.M, o.nbits, o.metric);
        index->by_residual = o.by_residual;
        index->pq.cp.niter = 8;
        index->pq.cp.min_points_per_centroid = 1;  // small test sets: no warnings
        index->cp.min_points_per_centroid = 1;
        index->train(idx_t(o.nb), xb.data());
        if (fill) index->add(idx_t(o.nb), xb.data());
    }

    std::vector<float> decoded() const {
        std::vector<float> v(size_t(index->ntotal) * kD);
        index->reconstruct_n(0, index->ntotal, v.data());
        return v;
    }

    void search(size_t k, std::vector<float>& d, std::vector<idx_t>& l,
                const faiss::SearchParameters* p = nullptr) const {
        d.resize(nq * k);
        l.resize(nq * k);
        index->search(idx_t(nq), xq.data(), idx_t(k), d.data(), l.data(), p);
    }
};

/// Distances equal within rounding; labels equal except between near-tied neighbours.
void expect_close_results(const std::vector<float>& d1, const std::vector<idx_t>& l1,
                          const std::vector<double>& d2, const std::vector<idx_t>& l2) {
    ASSERT_EQ(l1.size(), l2.size());
    for (size_t i = 0; i < l1.size(); i++) {
        EXPECT_NEAR(d1[i], d2[i], 1e-3 * (1 + std::fabs(d2[i]))) << i;
        if (l1[i] != l2[i]) {
            EXPECT_NEAR(d1[i], d2[i], 1e-4 * (1 + std::fabs(d2[i]))) << "label mismatch at " << i;
        }
    }
}

void check_full_probe(const Fixture& f, size_t k) {
    f.index->nprobe = kNlist;
    std::vector<float> d;
    std::vector<idx_t> l;
    f.search(k, d, l);
    std::vector<float> dec = f.decoded();
    std::vector<double> rd;
    std::vector<idx_t> rl;
    faiss::test::reference_knn(f.xq.data(), f.nq, dec.data(), size_t(f.index->ntotal), kD, k,
                               f.o.metric, rd, rl);
    expect_close_results(d, l, rd, rl);
}

}  // namespace

TEST(IndexIVFPQ, FullProbeEqualsDecodedBruteForce) {
    for (auto metric : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT}) {
        for (size_t nbits : {8, 6, 4}) {
            Options o;
            o.metric = metric;
            o.nbits = nbits;
            Fixture f(o);
            EXPECT_EQ(f.index->code_size, (4 * nbits + 7) / 8);
            EXPECT_EQ(f.index->use_precomputed_table, metric == faiss::METRIC_L2 ? 1 : 0);
            check_full_probe(f, 10);
        }
    }
}

TEST(IndexIVFPQ, ByResidualFalse) {
    for (auto metric : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT}) {
        Options o;
        o.metric = metric;
        o.by_residual = false;
        Fixture f(o);
        EXPECT_TRUE(f.index->precomputed_table.empty());
        check_full_probe(f, 8);
    }
}

TEST(IndexIVFPQ, RecallAtSmallNprobe) {
    const size_t nb = 6000, nq = 100, d = 32, k = 10, nlist = 32;
    auto xb = faiss::test::clustered_vectors(nb, d, 50, 21);
    auto xq = faiss::test::clustered_vectors(nq, d, 50, 22);
    IndexFlat quantizer(d);
    IndexIVFPQ index(&quantizer, d, nlist, 16, 6);
    index.pq.cp.niter = 10;
    index.train(idx_t(nb), xb.data());
    index.add(idx_t(nb), xb.data());
    index.nprobe = 4;
    std::vector<float> dist(nq * k);
    std::vector<idx_t> lab(nq * k);
    index.search(idx_t(nq), xq.data(), idx_t(k), dist.data(), lab.data());
    std::vector<double> rd;
    std::vector<idx_t> rl;
    faiss::test::reference_knn(xq.data(), nq, xb.data(), nb, d, k, faiss::METRIC_L2, rd, rl);
    size_t hits = 0;
    for (size_t i = 0; i < nq; i++) {
        std::set<idx_t> truth(rl.begin() + i * k, rl.begin() + (i + 1) * k);
        for (size_t j = 0; j < k; j++)
            hits += truth.count(lab[i * k + j]);
        for (size_t j = 1; j < k; j++)
            EXPECT_LE(dist[i * k + j - 1], dist[i * k + j]);
    }
    const double recall = double(hits) / double(nq * k);
    std::printf("IVFPQ recall@10 = %.3f\n", recall);
    EXPECT_GT(recall, 0.55) << "recall@10, nprobe 4 of 32, M=16 x 6 bits, d=32";
}

TEST(IndexIVFPQ, PrecomputedTableOnOffAgree) {
    Options o;
    o.nbits = 8;
    Fixture f(o);
    ASSERT_EQ(f.index->use_precomputed_table, 1);
    ASSERT_EQ(f.index->precomputed_table.size(), kNlist * 4 * 256);
    f.index->nprobe = 3;
    std::vector<float> d1, d2, d3;
    std::vector<idx_t> l1, l2, l3;
    f.search(10, d1, l1);
    f.index->use_precomputed_table = -1;
    f.index->precompute_table();
    EXPECT_TRUE(f.index->precomputed_table.empty());
    f.search(10, d2, l2);
    // lists scanned by decoding every code (scan_table_threshold above every list size)
    f.index->scan_table_threshold = f.o.nb + 1;
    f.search(10, d3, l3);
    std::vector<double> d2d(d2.begin(), d2.end()), d3d(d3.begin(), d3.end());
    expect_close_results(d1, l1, d2d, l2);
    expect_close_results(d1, l1, d3d, l3);
}

TEST(IndexIVFPQ, ReconstructAndStandaloneCodec) {
    Fixture f(Options{});
    std::vector<float> dec = f.decoded();
    f.index->make_direct_map();
    std::vector<float> v(kD);
    for (idx_t id = 0; id < idx_t(f.o.nb); id += 97) {
        f.index->reconstruct(id, v.data());
        for (size_t j = 0; j < kD; j++)
            EXPECT_EQ(v[j], dec[id * kD + j]);
    }
    // sa_encode / sa_decode give the stored reconstructions: list byte + PQ code
    const size_t n = 50;
    EXPECT_EQ(f.index->sa_code_size(), 1 + f.index->code_size);
    std::vector<uint8_t> codes(n * f.index->sa_code_size());
    std::vector<float> back(n * kD);
    f.index->sa_encode(idx_t(n), f.xb.data(), codes.data());
    f.index->sa_decode(idx_t(n), codes.data(), back.data());
    for (size_t i = 0; i < n * kD; i++)
        EXPECT_EQ(back[i], dec[i]);
    // decoded vectors are close to the originals
    double err = 0, norm = 0;
    for (size_t i = 0; i < n * kD; i++) {
        err += (back[i] - f.xb[i]) * (back[i] - f.xb[i]);
        norm += f.xb[i] * f.xb[i];
    }
    EXPECT_LT(err, 0.1 * norm);
    codes[0] = uint8_t(kNlist);  // a list number that does not exist
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { f.index->sa_decode(1, codes.data(), back.data()); });
}

TEST(IndexIVFPQ, SelectorsAndRemoveIds) {
    Fixture f(Options{});
    f.index->nprobe = kNlist;
    std::vector<float> dec = f.decoded();
    faiss::IDSelectorRange sel(100, 400);
    faiss::SearchParametersIVF params;
    params.sel = &sel;
    params.nprobe = kNlist;
    std::vector<float> d;
    std::vector<idx_t> l;
    f.search(10, d, l, &params);
    std::vector<double> rd;
    std::vector<idx_t> rl;
    faiss::test::reference_knn(f.xq.data(), f.nq, dec.data() + 100 * kD, 300, kD, 10,
                               faiss::METRIC_L2, rd, rl);
    for (auto& id : rl)
        id += 100;
    expect_close_results(d, l, rd, rl);

    EXPECT_EQ(f.index->remove_ids(sel), 300u);
    EXPECT_EQ(f.index->ntotal, idx_t(f.o.nb - 300));
    f.search(10, d, l);
    for (idx_t id : l)
        EXPECT_TRUE(id >= 0 && (id < 100 || id >= 400)) << id;
}

TEST(IndexIVFPQ, RangeSearchMatchesDecodedBruteForce) {
    for (auto metric : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT}) {
        Options o;
        o.metric = metric;
        Fixture f(o);
        f.index->nprobe = kNlist;
        std::vector<float> dec = f.decoded();
        std::vector<float> d;
        std::vector<idx_t> l;
        f.search(30, d, l);
        const float radius = d[29];
        faiss::RangeSearchResult res(f.nq);
        f.index->range_search(idx_t(f.nq), f.xq.data(), radius, &res);
        size_t total = 0;
        for (size_t i = 0; i < f.nq; i++) {
            std::set<idx_t> got(res.labels + res.lims[i], res.labels + res.lims[i + 1]);
            total += got.size();
            for (size_t j = 0; j < f.o.nb; j++) {
                double ref = faiss::test::reference_distance(f.xq.data() + i * kD,
                                                             dec.data() + j * kD, kD, metric);
                const double margin = 1e-3 * (1 + std::fabs(radius));
                const bool in = metric == faiss::METRIC_L2 ? ref < radius : ref > radius;
                if (std::fabs(ref - radius) < margin) continue;  // too close to call
                EXPECT_EQ(got.count(idx_t(j)), in ? 1u : 0u) << "query " << i << " id " << j;
            }
        }
        EXPECT_GT(total, 0u);
    }
}

TEST(IndexIVFPQ, MergeFrom) {
    Fixture a(Options{}, false);
    IndexFlat q2(kD);
    IndexIVFPQ b(&q2, kD, kNlist, 4, 6);
    b.quantizer->add(idx_t(kNlist), a.quantizer->get_xb());
    b.pq = a.index->pq;
    b.is_trained = true;
    b.precompute_table();
    const size_t half = a.o.nb / 2;
    a.index->add(idx_t(half), a.xb.data());
    b.add(idx_t(a.o.nb - half), a.xb.data() + half * kD);
    a.index->merge_from(b, idx_t(half));
    EXPECT_EQ(a.index->ntotal, idx_t(a.o.nb));
    EXPECT_EQ(b.ntotal, 0);
    check_full_probe(a, 5);

    IndexIVFPQ c(&q2, kD, kNlist, 4, 6);
    c.is_trained = true;  // same shape, different (untrained) codebooks
    expect_code(
        faiss::ErrorCode::invalid_argument, [&] { a.index->merge_from(c); }, "product quantizers");
}

TEST(IndexIVFPQ, BadInput) {
    IndexFlat q(kD);
    expect_code(
        faiss::ErrorCode::invalid_argument, [&] { IndexIVFPQ(&q, kD, kNlist, 5, 8); }, "divide");
    expect_code(
        faiss::ErrorCode::invalid_argument, [&] { IndexIVFPQ(&q, kD, kNlist, 4, 0); }, "nbits");
    expect_code(
        faiss::ErrorCode::invalid_argument, [&] { IndexIVFPQ(&q, kD, kNlist, 4, 17); }, "nbits");
    expect_code(faiss::ErrorCode::invalid_argument, [&] { IndexIVFPQ(&q, kD, kNlist, 0, 8); });
    expect_code(faiss::ErrorCode::invalid_argument, [&] { IndexIVFPQ(nullptr, kD, kNlist, 4, 8); });
    expect_code(faiss::ErrorCode::unsupported,
                [&] { IndexIVFPQ(&q, kD, kNlist, 4, 8, faiss::METRIC_L1); });

    IndexIVFPQ index(&q, kD, kNlist, 4, 8);
    auto x = faiss::test::random_vectors(300, kD, 5);
    expect_code(faiss::ErrorCode::not_trained, [&] { index.add(10, x.data()); });
    expect_code(
        faiss::ErrorCode::invalid_argument, [&] { index.train(100, x.data()); }, "at least 256");
    index.pq.cp.niter = 4;
    index.train(300, x.data());
    index.add(300, x.data());
    std::vector<float> d(10);
    std::vector<idx_t> l(10);
    expect_code(faiss::ErrorCode::invalid_argument,
                [&] { index.search(1, x.data(), 0, d.data(), l.data()); });
    index.polysemous_ht = 10;  // the filter needs METRIC_L2
    index.metric_type = faiss::METRIC_INNER_PRODUCT;
    expect_code(
        faiss::ErrorCode::unsupported, [&] { index.search(1, x.data(), 10, d.data(), l.data()); },
        "polysemous");
    index.metric_type = faiss::METRIC_L2;
    index.polysemous_ht = 0;
    index.use_precomputed_table = 2;
    expect_code(faiss::ErrorCode::unsupported, [&] { index.precompute_table(); });
    index.use_precomputed_table = 1;
    index.search(1, x.data(), 10, d.data(), l.data());
    EXPECT_GE(l[0], 0);
    // fewer stored vectors than k: padding
    index.reset();
    index.add(3, x.data());
    index.nprobe = kNlist;
    index.search(1, x.data(), 10, d.data(), l.data());
    EXPECT_EQ(l[3], -1);
    EXPECT_TRUE(std::isinf(d[3]));
}
