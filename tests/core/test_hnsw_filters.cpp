// HNSW beyond the plain flat search: the 50k acceptance recall, filtered search (exact
// switch), SQ / PQ storage, HNSW as an IVF coarse quantizer, removal with neighbour
// repair, slot reuse and compaction.
#include <faiss/FaissException.h>
#include <faiss/IDSelector.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVFFlat.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"
#include "core/hnsw_test_helpers.h"

#include <algorithm>
#include <random>
#include <set>
#include <vector>

using faiss::idx_t;
using faiss::IndexHNSWFlat;
using faiss::test::expect_code;

namespace faiss::test {
namespace {

TEST(IndexHNSWFlat, Recall50kAtEf64) {
    const size_t d = 32, nb = 50000, nq = 200;
    std::vector<float> xb, xq;
    clustered_split(nb, nq, d, 100, 21, xb, xq);
    IndexHNSWFlat index(int(d), 32);
    index.add(idx_t(nb), xb.data());
    SearchParametersHNSW p;
    p.efSearch = 64;
    EXPECT_GE(recall_at_k(index, xb, xq, d, 10, METRIC_L2, &p), 0.95);
}

// The ids of a seeded random subset holding `fraction` of n.
std::vector<idx_t> random_subset(size_t n, double fraction, uint64_t seed) {
    std::vector<idx_t> all(n);
    for (size_t i = 0; i < n; i++)
        all[i] = idx_t(i);
    std::mt19937_64 rng(seed);
    std::shuffle(all.begin(), all.end(), rng);
    all.resize(std::max<size_t>(1, size_t(double(n) * fraction)));
    std::sort(all.begin(), all.end());
    return all;
}

TEST(IndexHNSWFlat, FilteredSearchReturnsAllowedNeighbours) {
    const size_t d = 16, nb = 20000, nq = 50, k = 10;
    std::vector<float> xb, xq;
    clustered_split(nb, nq, d, 50, 22, xb, xq);
    IndexHNSWFlat index(int(d), 16);
    index.add(idx_t(nb), xb.data());
    IndexFlat flat(static_cast<int>(d));
    flat.add(idx_t(nb), xb.data());
    for (double fraction : {0.5, 0.05, 0.001}) {
        const std::vector<idx_t> allowed = random_subset(nb, fraction, 23);
        IDSelectorBatch sel(allowed.size(), allowed.data());
        SearchParametersHNSW p;
        p.sel = &sel;
        p.efSearch = 64;
        std::vector<float> D(nq * k), Dr(nq * k);
        std::vector<idx_t> I(nq * k), Ir(nq * k);
        index.search(idx_t(nq), xq.data(), idx_t(k), D.data(), I.data(), &p);
        flat.search(idx_t(nq), xq.data(), idx_t(k), Dr.data(), Ir.data(), &p);
        const std::set<idx_t> ok(allowed.begin(), allowed.end());
        size_t hits = 0;
        for (size_t i = 0; i < nq; i++) {
            size_t valid = 0;
            const std::set<idx_t> truth(Ir.begin() + i * k, Ir.begin() + (i + 1) * k);
            for (size_t j = 0; j < k; j++) {
                const idx_t id = I[i * k + j];
                if (id < 0) continue;
                valid++;
                EXPECT_TRUE(ok.count(id)) << "id " << id << " does not pass the filter";
                hits += truth.count(id);
            }
            EXPECT_EQ(valid, std::min(k, allowed.size())) << "fraction " << fraction;
        }
        const double recall = double(hits) / double(nq * std::min(k, allowed.size()));
        if (fraction < 0.1) {
            // Selective filters are answered by the exact scan: the same neighbours.
            EXPECT_EQ(I, Ir) << "fraction " << fraction;
        } else {
            EXPECT_GE(recall, 0.95) << "fraction " << fraction;
        }
    }
}

TEST(IndexHNSWFlat, FilterForcedOntoGraphStillReturnsK) {
    const size_t d = 16, nb = 5000, k = 5;
    std::vector<float> xb, xq;
    clustered_split(nb, 10, d, 20, 24, xb, xq);
    IndexHNSWFlat index(int(d), 16);
    index.add(idx_t(nb), xb.data());
    index.filtered_exact_threshold = 0;  // never chosen up front: only the fallback
    IDSelectorRange sel(100, 107);
    SearchParametersHNSW p;
    p.sel = &sel;
    std::vector<float> D(10 * k);
    std::vector<idx_t> I(10 * k);
    index.search(10, xq.data(), idx_t(k), D.data(), I.data(), &p);
    for (idx_t id : I) {
        EXPECT_GE(id, 100);
        EXPECT_LT(id, 107);
    }
}

TEST(IndexHNSWSQ, RecallAgainstItsStorage) {
    const size_t d = 16, nb = 3000, nq = 50;
    std::vector<float> xb, xq;
    clustered_split(nb, nq, d, 20, 25, xb, xq);
    for (MetricType m : {METRIC_L2, METRIC_INNER_PRODUCT}) {
        IndexHNSWSQ index(int(d), ScalarQuantizer::QT_8bit, 16, m);
        EXPECT_FALSE(index.is_trained);
        expect_code(ErrorCode::not_trained, [&] { index.add(idx_t(nb), xb.data()); });
        index.train(idx_t(nb), xb.data());
        index.add(idx_t(nb), xb.data());
        index.hnsw.efSearch = 64;
        std::vector<float> D(nq * 10), Dr(nq * 10);
        std::vector<idx_t> I(nq * 10), Ir(nq * 10);
        index.search(idx_t(nq), xq.data(), 10, D.data(), I.data());
        index.storage->search(idx_t(nq), xq.data(), 10, Dr.data(), Ir.data());
        const size_t hits = faiss::test::count_overlap(I.data(), Ir.data(), nq, 10);
        EXPECT_GE(double(hits) / double(nq * 10), 0.9) << metric_name(m);
        // Distances are the storage's (decoded-vector) distances.
        EXPECT_NEAR(D[0], Dr[0], 1e-3 * std::abs(Dr[0]) + 1e-4);
    }
}

TEST(IndexHNSWPQ, RecallAgainstItsStorage) {
    const size_t d = 16, nb = 3000, nq = 50;
    std::vector<float> xb, xq;
    clustered_split(nb, nq, d, 20, 26, xb, xq);
    IndexHNSWPQ index(int(d), 8, 16, 4);
    expect_code(ErrorCode::not_trained, [&] { index.add(idx_t(nb), xb.data()); });
    index.train(idx_t(nb), xb.data());
    index.add(idx_t(nb), xb.data());
    index.hnsw.efSearch = 64;
    std::vector<float> D(nq * 10), Dr(nq * 10);
    std::vector<idx_t> I(nq * 10), Ir(nq * 10);
    index.search(idx_t(nq), xq.data(), 10, D.data(), I.data());
    index.storage->search(idx_t(nq), xq.data(), 10, Dr.data(), Ir.data());
    const size_t hits = faiss::test::count_overlap(I.data(), Ir.data(), nq, 10);
    EXPECT_GE(double(hits) / double(nq * 10), 0.85);
    expect_code(ErrorCode::invalid_argument, [] { IndexHNSWPQ bad(16, 5, 16); });
}

TEST(IndexHNSWFlat, WorksAsIVFQuantizer) {
    const size_t d = 16, nb = 8000, nq = 50, nlist = 64;
    std::vector<float> xb, xq;
    clustered_split(nb, nq, d, 30, 27, xb, xq);
    IndexHNSWFlat quantizer(int(d), 16);
    IndexIVFFlat ivf(&quantizer, d, nlist);
    ivf.quantizer_trains_alone = 2;  // k-means on a flat index, centroids into HNSW
    ivf.train(idx_t(nb), xb.data());
    EXPECT_EQ(quantizer.ntotal, idx_t(nlist));
    ivf.add(idx_t(nb), xb.data());
    ivf.nprobe = 8;
    EXPECT_GE(recall_at_k(ivf, xb, xq, d, 10, METRIC_L2), 0.9);
    // The quantizer's assignment matches an exact search over the same centroids.
    IndexFlat cent(static_cast<int>(d));
    std::vector<float> c(nlist * d);
    quantizer.reconstruct_n(0, idx_t(nlist), c.data());
    cent.add(idx_t(nlist), c.data());
    quantizer.hnsw.efSearch = int(nlist);
    std::vector<idx_t> a(nq), b(nq);
    quantizer.assign(idx_t(nq), xq.data(), a.data());
    cent.assign(idx_t(nq), xq.data(), b.data());
    EXPECT_EQ(a, b);
}

constexpr int kEf = 32;

TEST(IndexHNSWFlat, RemoveRepairsReusesAndCompacts) {
    const size_t d = 16, nb = 20000, nq = 200, k = 10;
    std::vector<float> xb, xq;
    clustered_split(nb, nq, d, 50, 28, xb, xq);
    IndexHNSWFlat index(int(d), 16);
    index.add(idx_t(nb), xb.data());
    const std::vector<idx_t> removed = random_subset(nb, 0.3, 29);
    IDSelectorBatch gone(removed.size(), removed.data());
    EXPECT_EQ(index.remove_ids(gone), removed.size());
    EXPECT_EQ(index.remove_ids(gone), 0u) << "removing twice removes nothing";
    EXPECT_EQ(index.ntotal, idx_t(nb));
    EXPECT_FALSE(index.hnsw.is_deleted(index.hnsw.entry_point));
    expect_code(ErrorCode::invalid_argument, [&] {
        std::vector<float> v(d);
        index.reconstruct(removed[0], v.data());
    });

    // The live vectors, renumbered, make the fresh index to compare with.
    std::vector<float> live;
    const std::set<idx_t> dead(removed.begin(), removed.end());
    for (size_t i = 0; i < nb; i++) {
        if (!dead.count(idx_t(i)))
            live.insert(live.end(), xb.begin() + i * d, xb.begin() + (i + 1) * d);
    }
    IndexHNSWFlat fresh(int(d), 16);
    fresh.add(idx_t(live.size() / d), live.data());
    SearchParametersHNSW p;
    p.efSearch = kEf;
    const double r_fresh = recall_at_k(fresh, live, xq, d, k, METRIC_L2, &p);

    IDSelectorNot alive(&gone);
    SearchParametersHNSW pd;
    pd.efSearch = kEf;
    std::vector<float> D(nq * k), Dr(nq * k);
    std::vector<idx_t> I(nq * k), Ir(nq * k);
    index.search(idx_t(nq), xq.data(), idx_t(k), D.data(), I.data(), &pd);
    IndexFlat flat(static_cast<int>(d));
    flat.add(idx_t(nb), xb.data());
    SearchParameters fp;
    fp.sel = &alive;
    flat.search(idx_t(nq), xq.data(), idx_t(k), Dr.data(), Ir.data(), &fp);
    size_t hits = 0;
    for (size_t i = 0; i < nq; i++) {
        std::set<idx_t> truth(Ir.begin() + i * k, Ir.begin() + (i + 1) * k);
        for (size_t j = 0; j < k; j++) {
            EXPECT_FALSE(dead.count(I[i * k + j])) << "removed id returned";
            hits += truth.count(I[i * k + j]);
        }
    }
    const double r_removed = double(hits) / double(nq * k);
    EXPECT_GE(r_removed, r_fresh - 0.02) << "fresh " << r_fresh;

    // Freed slots are filled first, lowest ids first.
    const size_t nnew = 100;
    const std::vector<float> extra = random_vectors(nnew, d, 30);
    index.add(idx_t(nnew), extra.data());
    EXPECT_EQ(index.ntotal, idx_t(nb));
    EXPECT_EQ(index.hnsw.n_deleted(), removed.size() - nnew);
    std::vector<float> D1(1);
    std::vector<idx_t> I1(1);
    index.search(1, extra.data() + 7 * d, 1, D1.data(), I1.data());
    EXPECT_EQ(I1[0], removed[7]);
    EXPECT_EQ(D1[0], 0.f);

    // Compaction renumbers without changing what a search finds.
    index.search(idx_t(nq), xq.data(), idx_t(k), D.data(), I.data(), &pd);
    std::vector<idx_t> old_to_new(nb);
    EXPECT_EQ(index.compact(old_to_new.data()), removed.size() - nnew);
    EXPECT_EQ(index.ntotal, idx_t(nb - removed.size() + nnew));
    EXPECT_EQ(index.hnsw.n_deleted(), 0u);
    std::vector<float> D2(nq * k);
    std::vector<idx_t> I2(nq * k);
    index.search(idx_t(nq), xq.data(), idx_t(k), D2.data(), I2.data(), &pd);
    for (size_t j = 0; j < nq * k; j++) {
        EXPECT_EQ(I2[j], I[j] < 0 ? -1 : old_to_new[size_t(I[j])]);
        EXPECT_EQ(D2[j], D[j]);
    }
}

TEST(IndexHNSWFlat, RemoveEverythingThenAdd) {
    const size_t d = 8, nb = 300;
    const auto xb = random_vectors(nb, d, 31);
    IndexHNSWFlat index(int(d), 8);
    index.add(idx_t(nb), xb.data());
    IDSelectorAll all;
    EXPECT_EQ(index.remove_ids(all), nb);
    EXPECT_EQ(index.hnsw.entry_point, -1);
    std::vector<float> D(3);
    std::vector<idx_t> I(3);
    index.search(1, xb.data(), 3, D.data(), I.data());
    EXPECT_EQ(I[0], -1);
    index.add(10, xb.data());
    index.search(1, xb.data() + 4 * d, 3, D.data(), I.data());
    EXPECT_EQ(I[0], 4);
}

}  // namespace
}  // namespace faiss::test
