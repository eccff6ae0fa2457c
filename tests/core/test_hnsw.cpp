// IndexHNSWFlat / HNSW graph: layout invariants of the Faiss fields, recall on
// clustered data (L2 and inner product), single-thread determinism, per-call efSearch,
// padding, NaN queries, range search and bad input.
#include <faiss/DistanceComputer.h>
#include <faiss/FaissException.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/RangeSearchResult.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"
#include "core/hnsw_test_helpers.h"

#include <omp.h>

#include <cmath>
#include <limits>
#include <memory>
#include <set>
#include <thread>
#include <vector>

using faiss::idx_t;
using faiss::IndexHNSWFlat;
using faiss::test::expect_code;

namespace faiss::test {
namespace {

// Every Faiss-format invariant a reader validates (FAISS_FORMAT.md 11.2).
void expect_valid_layout(const HNSW& h, idx_t ntotal) {
    ASSERT_EQ(h.levels.size(), size_t(ntotal));
    ASSERT_EQ(h.offsets.size(), size_t(ntotal) + 1);
    EXPECT_EQ(h.offsets[0], 0u);
    const int nlev = int(h.cum_nneighbor_per_level.size()) - 1;
    int top = -1;
    for (idx_t i = 0; i < ntotal; i++) {
        const int lv = h.levels[size_t(i)];
        ASSERT_GE(lv, 1);
        ASSERT_LE(lv, nlev);
        top = std::max(top, lv - 1);
        ASSERT_EQ(h.offsets[size_t(i) + 1],
                  h.offsets[size_t(i)] + size_t(h.cum_nneighbor_per_level[size_t(lv)]));
        for (int l = 0; l < lv; l++) {
            size_t b, e;
            h.neighbor_range(i, l, &b, &e);
            bool ended = false;
            for (size_t j = b; j < e; j++) {
                const int v = h.neighbors[j];
                if (v < 0) {
                    ended = true;
                    continue;
                }
                ASSERT_FALSE(ended) << "valid neighbour after -1, node " << i;
                ASSERT_LT(v, ntotal);
                ASSERT_NE(v, i) << "self link";
                ASSERT_GE(h.levels[size_t(v)], l + 1) << "neighbour not on level " << l;
            }
        }
    }
    EXPECT_EQ(h.neighbors.size(), h.offsets.back());
    if (ntotal > 0) {
        ASSERT_GE(h.entry_point, 0);
        EXPECT_EQ(h.max_level, h.levels[size_t(h.entry_point)] - 1);
        EXPECT_EQ(h.max_level, top);
    }
}

TEST(HNSW, DefaultFieldsFollowFaiss) {
    HNSW h(32);
    EXPECT_EQ(h.efConstruction, 40);
    EXPECT_EQ(h.efSearch, 16);
    EXPECT_EQ(h.entry_point, -1);
    EXPECT_EQ(h.max_level, -1);
    ASSERT_EQ(h.offsets.size(), 1u);
    ASSERT_EQ(h.cum_nneighbor_per_level.size(), h.assign_probas.size() + 1);
    EXPECT_EQ(h.cum_nneighbor_per_level[0], 0);
    EXPECT_EQ(h.cum_nneighbor_per_level[1], 64);
    EXPECT_EQ(h.cum_nneighbor_per_level[2], 96);
    double sum = 0;
    const double mult = 1.0 / std::log(32.0);
    for (size_t l = 0; l < h.assign_probas.size(); l++) {
        const double expect = std::exp(-double(l) / mult) * (1 - std::exp(-1 / mult));
        EXPECT_NEAR(h.assign_probas[l], expect, 1e-5 * expect);
        EXPECT_GE(h.assign_probas[l], 1e-9);
        sum += h.assign_probas[l];
    }
    EXPECT_NEAR(sum, 1.0, 1e-6);
    expect_code(ErrorCode::invalid_argument, [] { HNSW bad(0); });
}

TEST(HNSW, LevelsFollowTheExponentialDistribution) {
    HNSW h(16);
    const size_t n = 200000;
    std::vector<size_t> count(h.assign_probas.size(), 0);
    for (size_t i = 0; i < n; i++)
        count[size_t(h.random_level())]++;
    for (size_t l = 0; l < 3; l++) {
        const double expect = h.assign_probas[l] * n;
        EXPECT_NEAR(double(count[l]), expect, 5 * std::sqrt(expect) + 1) << "level " << l;
    }
}

TEST(IndexHNSWFlat, RecallL2Clustered) {
    const size_t d = 32, nb = 20000, nq = 200;
    std::vector<float> xb, xq;
    clustered_split(nb, nq, d, 50, 1, xb, xq);
    IndexHNSWFlat index(int(d), 32);
    index.add(idx_t(nb), xb.data());
    expect_valid_layout(index.hnsw, index.ntotal);
    index.hnsw.efSearch = 64;
    const double r = recall_at_k(index, xb, xq, d, 10, METRIC_L2);
    EXPECT_GE(r, 0.95);
}

TEST(IndexHNSWFlat, RecallInnerProduct) {
    const size_t d = 24, nb = 8000, nq = 100;
    std::vector<float> xb, xq;
    clustered_split(nb, nq, d, 30, 3, xb, xq);
    IndexHNSWFlat index(int(d), 16, METRIC_INNER_PRODUCT);
    index.add(idx_t(nb), xb.data());
    index.hnsw.efSearch = 128;
    const double r = recall_at_k(index, xb, xq, d, 10, METRIC_INNER_PRODUCT);
    EXPECT_GE(r, 0.9);
    std::vector<float> D(10);
    std::vector<idx_t> I(10);
    index.search(1, xq.data(), 10, D.data(), I.data());
    for (int j = 0; j + 1 < 10; j++)
        EXPECT_GE(D[size_t(j)], D[size_t(j) + 1]) << "similarities must decrease";
}

TEST(IndexHNSWFlat, SingleThreadBuildIsDeterministic) {
    const size_t d = 16, nb = 3000;
    const auto xb = clustered_vectors(nb, d, 20, 5);
    const int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    IndexHNSWFlat a(int(d), 8), b(int(d), 8);
    a.add(idx_t(nb / 2), xb.data());
    a.add(idx_t(nb / 2), xb.data() + nb / 2 * d);
    b.add(idx_t(nb / 2), xb.data());
    b.add(idx_t(nb / 2), xb.data() + nb / 2 * d);
    omp_set_num_threads(saved);
    EXPECT_EQ(a.hnsw.levels, b.hnsw.levels);
    EXPECT_EQ(a.hnsw.neighbors, b.hnsw.neighbors);
    EXPECT_EQ(a.hnsw.entry_point, b.hnsw.entry_point);
}

TEST(IndexHNSWFlat, ParallelBuildIsValidAndAccurate) {
    const size_t d = 16, nb = 6000, nq = 100;
    std::vector<float> xb, xq;
    clustered_split(nb, nq, d, 20, 6, xb, xq);
    const int saved = omp_get_max_threads();
    omp_set_num_threads(4);
    IndexHNSWFlat index(int(d), 16);
    index.add(idx_t(nb), xb.data());
    omp_set_num_threads(saved);
    expect_valid_layout(index.hnsw, index.ntotal);
    index.hnsw.efSearch = 64;
    EXPECT_GE(recall_at_k(index, xb, xq, d, 10, METRIC_L2), 0.95);
}

TEST(IndexHNSWFlat, PerCallEfSearchMatchesField) {
    const size_t d = 16, nb = 4000, nq = 20, k = 5;
    std::vector<float> xb, xq;
    clustered_split(nb, nq, d, 20, 8, xb, xq);
    IndexHNSWFlat index(int(d), 16);
    index.add(idx_t(nb), xb.data());
    for (int ef : {1, 8, 50}) {
        index.hnsw.efSearch = ef;
        std::vector<float> D1(nq * k), D2(nq * k);
        std::vector<idx_t> I1(nq * k), I2(nq * k);
        index.search(idx_t(nq), xq.data(), idx_t(k), D1.data(), I1.data());
        index.hnsw.efSearch = 16;
        SearchParametersHNSW p;
        p.efSearch = ef;
        index.search(idx_t(nq), xq.data(), idx_t(k), D2.data(), I2.data(), &p);
        EXPECT_EQ(I1, I2) << "efSearch " << ef;
        EXPECT_EQ(D1, D2);
    }
    SearchParametersHNSW bad;
    bad.efSearch = 0;
    std::vector<float> D(k);
    std::vector<idx_t> I(k);
    expect_code(ErrorCode::invalid_argument,
                [&] { index.search(1, xq.data(), idx_t(k), D.data(), I.data(), &bad); });
}

TEST(IndexHNSWFlat, ConcurrentSearchesMatchSequential) {
    const size_t d = 16, nb = 4000, nq = 64, k = 5;
    std::vector<float> xb, xq;
    clustered_split(nb, nq, d, 20, 16, xb, xq);
    IndexHNSWFlat index(int(d), 16);
    index.add(idx_t(nb), xb.data());
    std::vector<idx_t> ref(nq * k);
    std::vector<float> Dref(nq * k);
    for (size_t i = 0; i < nq; i++)
        index.search(1, xq.data() + i * d, idx_t(k), Dref.data() + i * k, ref.data() + i * k);
    std::vector<std::vector<idx_t>> got(4, std::vector<idx_t>(nq * k));
    std::vector<std::thread> threads;
    for (size_t t = 0; t < got.size(); t++) {
        threads.emplace_back([&, t] {
            std::vector<float> D(k);
            for (size_t r = 0; r < 3; r++) {
                for (size_t i = 0; i < nq; i++) {
                    index.search(1, xq.data() + i * d, idx_t(k), D.data(), got[t].data() + i * k);
                }
            }
        });
    }
    for (auto& th : threads)
        th.join();
    for (const auto& g : got)
        EXPECT_EQ(g, ref);
}

TEST(IndexHNSWFlat, ExactDistancesAndPadding) {
    const size_t d = 8, nb = 5;
    const auto xb = random_vectors(nb, d, 10);
    IndexHNSWFlat index(int(d), 4);
    std::vector<float> D(8);
    std::vector<idx_t> I(8);
    index.search(1, xb.data(), 8, D.data(), I.data());  // empty index
    for (int j = 0; j < 8; j++) {
        EXPECT_EQ(I[size_t(j)], -1);
        EXPECT_EQ(D[size_t(j)], std::numeric_limits<float>::infinity());
    }
    index.add(idx_t(nb), xb.data());
    index.search(1, xb.data() + d, 8, D.data(), I.data());
    EXPECT_EQ(I[0], 1);
    EXPECT_EQ(D[0], 0.f);
    std::set<idx_t> seen(I.begin(), I.begin() + nb);
    EXPECT_EQ(seen.size(), nb) << "all 5 vectors returned";
    for (size_t j = 0; j < nb; j++) {
        EXPECT_NEAR(D[j], reference_distance(xb.data() + d, xb.data() + I[j] * d, d, METRIC_L2),
                    1e-5);
    }
    for (size_t j = nb; j < 8; j++) {
        EXPECT_EQ(I[j], -1);
        EXPECT_EQ(D[j], std::numeric_limits<float>::infinity());
    }
    std::vector<float> nanq(d, std::nanf(""));
    index.search(1, nanq.data(), 3, D.data(), I.data());
    for (int j = 0; j < 3; j++)
        EXPECT_EQ(I[size_t(j)], -1) << "a NaN query matches nothing";
}

TEST(IndexHNSWFlat, NaNVectorsAreNeverLinked) {
    const size_t d = 8, nb = 2000, nq = 20;
    std::vector<float> xb, xq;
    clustered_split(nb, nq, d, 10, 17, xb, xq);
    for (size_t j = 0; j < d; j++)
        xb[j] = std::nanf("");
    xb[5 * d + 3] = std::nanf("");
    IndexHNSWFlat index(int(d), 8);
    index.add(1, xb.data());  // alone in the graph: it would become the entry point
    EXPECT_EQ(index.hnsw.entry_point, -1);
    index.add(idx_t(nb - 1), xb.data() + d);
    EXPECT_NE(index.hnsw.entry_point, 0);
    index.hnsw.efSearch = 64;
    const double r = recall_at_k(index, xb, xq, d, 10, METRIC_L2);
    EXPECT_GE(r, 0.95);
    std::vector<float> D(nq * 10);
    std::vector<idx_t> I(nq * 10);
    index.search(idx_t(nq), xq.data(), 10, D.data(), I.data());
    for (idx_t id : I) {
        EXPECT_NE(id, 0);
        EXPECT_NE(id, 5);
    }
}

TEST(IndexHNSWFlat, RangeSearchFindsCloseVectors) {
    const size_t d = 16, nb = 5000, nq = 20;
    std::vector<float> xb, xq;
    clustered_split(nb, nq, d, 20, 11, xb, xq);
    IndexHNSWFlat index(int(d), 16);
    index.add(idx_t(nb), xb.data());
    index.hnsw.efSearch = 128;
    IndexFlat flat(static_cast<int>(d));
    flat.add(idx_t(nb), xb.data());
    // A radius that holds about 20 neighbours per query.
    std::vector<float> D(nq * 20);
    std::vector<idx_t> I(nq * 20);
    flat.search(idx_t(nq), xq.data(), 20, D.data(), I.data());
    float radius = 0;
    for (size_t i = 0; i < nq; i++)
        radius += D[i * 20 + 19] / nq;
    RangeSearchResult ref(nq), res(nq);
    flat.range_search(idx_t(nq), xq.data(), radius, &ref);
    index.range_search(idx_t(nq), xq.data(), radius, &res);
    size_t found = 0;
    for (size_t i = 0; i < nq; i++) {
        std::set<idx_t> truth(ref.labels + ref.lims[i], ref.labels + ref.lims[i + 1]);
        for (size_t j = res.lims[i]; j < res.lims[i + 1]; j++) {
            EXPECT_TRUE(truth.count(res.labels[j])) << "not within radius";
            EXPECT_LT(res.distances[j], radius);
            found++;
        }
    }
    EXPECT_GE(double(found), 0.95 * double(ref.lims[nq]));
}

TEST(IndexHNSWFlat, BadInput) {
    IndexHNSWFlat index(8, 16);
    const auto xb = random_vectors(10, 8, 13);
    std::vector<float> D(10);
    std::vector<idx_t> I(10);
    expect_code(ErrorCode::invalid_argument, [&] { index.add(-1, xb.data()); });
    expect_code(ErrorCode::invalid_argument, [&] { index.add(3, nullptr); });
    index.add(10, xb.data());
    expect_code(ErrorCode::invalid_argument,
                [&] { index.search(1, xb.data(), 0, D.data(), I.data()); });
    expect_code(ErrorCode::invalid_argument,
                [&] { index.search(1, nullptr, 1, D.data(), I.data()); });
    expect_code(ErrorCode::invalid_argument,
                [&] { index.search(1, xb.data(), 1, nullptr, I.data()); });
    expect_code(ErrorCode::invalid_argument, [&] { index.reconstruct(10, D.data()); });
    expect_code(ErrorCode::invalid_argument, [] { IndexHNSWFlat bad(8, 0); });
    expect_code(ErrorCode::invalid_argument, [] { IndexHNSWFlat bad(-1, 16); });
    expect_code(ErrorCode::invalid_argument, [] { faiss::IndexHNSW bad(nullptr, 16); });
    faiss::IndexHNSW no_storage(8, 16);
    expect_code(ErrorCode::invalid_argument, [&] { no_storage.add(1, xb.data()); });
}

TEST(IndexHNSWFlat, ReconstructAndReset) {
    const size_t d = 8, nb = 50;
    const auto xb = random_vectors(nb, d, 14);
    IndexHNSWFlat index(int(d), 8);
    index.add(idx_t(nb), xb.data());
    std::vector<float> v(d);
    index.reconstruct(7, v.data());
    for (size_t j = 0; j < d; j++)
        EXPECT_EQ(v[j], xb[7 * d + j]);
    index.reset();
    EXPECT_EQ(index.ntotal, 0);
    EXPECT_EQ(index.storage->ntotal, 0);
    EXPECT_EQ(index.hnsw.entry_point, -1);
    index.add(idx_t(nb), xb.data());
    expect_valid_layout(index.hnsw, index.ntotal);
}

TEST(DistanceComputer, FlatMatchesReference) {
    const size_t d = 20, nb = 30;
    const auto xb = random_vectors(nb, d, 15);
    for (MetricType m : {METRIC_L2, METRIC_INNER_PRODUCT, METRIC_L1}) {
        IndexFlat flat(int(d), m);
        flat.add(idx_t(nb), xb.data());
        std::unique_ptr<DistanceComputer> dc(flat.get_distance_computer());
        dc->set_query(xb.data());
        std::vector<idx_t> ids{3, 7, 0, 29, 11};
        std::vector<float> out(ids.size());
        dc->distances_by_ids(ids.size(), ids.data(), out.data());
        for (size_t j = 0; j < ids.size(); j++) {
            const double ref = reference_distance(xb.data(), xb.data() + ids[j] * d, d, m);
            EXPECT_NEAR(out[j], ref, 1e-4);
            EXPECT_NEAR((*dc)(ids[j]), ref, 1e-4);
        }
        EXPECT_NEAR(dc->symmetric_dis(2, 5),
                    reference_distance(xb.data() + 2 * d, xb.data() + 5 * d, d, m), 1e-4);
    }
}

}  // namespace
}  // namespace faiss::test
