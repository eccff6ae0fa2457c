// The rest of Faiss's HNSW surface: the stopping rules of SearchParametersHNSW
// (check_relative_distance, bounded_queue), permute_entries, init_level0 with
// init_level_0_from_knngraph, shrink_level_0_neighbors, reorder_links,
// clear_neighbor_tables and keep_max_size_level0, with their bad input.
#include <faiss/FaissException.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"
#include "core/hnsw_test_helpers.h"

#include <algorithm>
#include <numeric>
#include <random>
#include <vector>

namespace faiss::test {
namespace {

constexpr size_t kD = 16, kNb = 5000, kNq = 100, kK = 10;

struct Data {
    std::vector<float> xb, xq;
    Data() { clustered_split(kNb, kNq, kD, 40, 71, xb, xq); }
};

const Data& data() {
    static const Data d;
    return d;
}

struct Result {
    std::vector<float> D;
    std::vector<idx_t> I;
};

Result run(const Index& index, const SearchParameters* p = nullptr, size_t nq = kNq) {
    Result r{std::vector<float>(nq * kK), std::vector<idx_t>(nq * kK)};
    index.search(idx_t(nq), data().xq.data(), idx_t(kK), r.D.data(), r.I.data(), p);
    return r;
}

// Distances are the exact L2 distances of the returned ids, in increasing order.
void expect_consistent(const Result& r) {
    const auto& xb = data().xb;
    const auto& xq = data().xq;
    for (size_t q = 0; q < kNq; q++) {
        for (size_t j = 0; j < kK; j++) {
            const idx_t id = r.I[q * kK + j];
            ASSERT_GE(id, 0);
            const double ref =
                reference_distance(xq.data() + q * kD, xb.data() + size_t(id) * kD, kD, METRIC_L2);
            EXPECT_NEAR(r.D[q * kK + j], ref, 1e-3 * (1 + ref));
            if (j > 0) EXPECT_LE(r.D[q * kK + j - 1], r.D[q * kK + j]);
        }
    }
}

std::unique_ptr<IndexHNSWFlat> build(int M = 16) {
    auto index = std::make_unique<IndexHNSWFlat>(int(kD), M);
    index->add(idx_t(kNb), data().xb.data());
    return index;
}

TEST(HNSWStoppingRules, DefaultsAndFieldsMatchParameters) {
    auto index = build();
    index->hnsw.efSearch = 32;
    SearchParametersHNSW p;
    p.efSearch = 32;
    EXPECT_TRUE(p.check_relative_distance);
    EXPECT_TRUE(p.bounded_queue);
    EXPECT_TRUE(index->hnsw.check_relative_distance);
    EXPECT_TRUE(index->hnsw.search_bounded_queue);
    EXPECT_EQ(run(*index).I, run(*index, &p).I);
    // With the relative test on, the queue bound cannot change what is expanded.
    p.bounded_queue = false;
    EXPECT_EQ(run(*index).I, run(*index, &p).I);

    for (bool bounded : {true, false}) {
        p.check_relative_distance = false;
        p.bounded_queue = bounded;
        index->hnsw.check_relative_distance = false;
        index->hnsw.search_bounded_queue = bounded;
        const Result by_params = run(*index, &p), by_fields = run(*index);
        EXPECT_EQ(by_params.I, by_fields.I) << "bounded " << bounded;
        EXPECT_EQ(by_params.I, run(*index, &p).I) << "deterministic";
        expect_consistent(by_params);
        index->hnsw.check_relative_distance = true;
        index->hnsw.search_bounded_queue = true;
    }
}

TEST(HNSWStoppingRules, FixedBudgetSearchStillFindsNeighbours) {
    auto index = build();
    for (bool bounded : {true, false}) {
        SearchParametersHNSW p;
        p.efSearch = 64;
        p.check_relative_distance = false;
        p.bounded_queue = bounded;
        const double r = recall_at_k(*index, data().xb, data().xq, kD, kK, METRIC_L2, &p);
        EXPECT_GE(r, 0.85) << "bounded " << bounded;
        // A budget of efSearch expansions: a tiny one finds less than a large one.
        p.efSearch = 10;
        const double small = recall_at_k(*index, data().xb, data().xq, kD, kK, METRIC_L2, &p);
        EXPECT_LT(small, r);
    }
}

TEST(IndexHNSW, PermuteEntriesRenumbersEverything) {
    auto index = build();
    const Result before = run(*index);
    std::vector<idx_t> perm(kNb);
    std::iota(perm.begin(), perm.end(), idx_t(0));
    std::shuffle(perm.begin(), perm.end(), std::mt19937(5));
    std::vector<idx_t> old_to_new(kNb);
    for (size_t i = 0; i < kNb; i++)
        old_to_new[size_t(perm[i])] = idx_t(i);
    const idx_t old_entry = index->hnsw.entry_point;
    index->permute_entries(perm.data());
    EXPECT_EQ(index->hnsw.entry_point, old_to_new[size_t(old_entry)]);
    const Result after = run(*index);
    for (size_t j = 0; j < before.I.size(); j++) {
        EXPECT_EQ(after.I[j], old_to_new[size_t(before.I[j])]);
        EXPECT_EQ(after.D[j], before.D[j]);
    }
    std::vector<float> v(kD);
    index->reconstruct(5, v.data());
    EXPECT_TRUE(std::equal(v.begin(), v.end(), data().xb.begin() + perm[5] * idx_t(kD)));
}

TEST(IndexHNSW, PermuteEntriesRejectsBadInputUnchanged) {
    auto index = build();
    const Result before = run(*index);
    std::vector<idx_t> dup(kNb);
    std::iota(dup.begin(), dup.end(), idx_t(0));
    dup[7] = 3;
    expect_code(
        ErrorCode::invalid_argument, [&] { index->permute_entries(dup.data()); }, "twice");
    dup[7] = idx_t(kNb);
    expect_code(
        ErrorCode::invalid_argument, [&] { index->permute_entries(dup.data()); }, "outside");
    expect_code(ErrorCode::invalid_argument, [&] { index->permute_entries(nullptr); });
    EXPECT_EQ(run(*index).I, before.I) << "a rejected permutation changes nothing";
}

TEST(IndexHNSW, InitLevel0FromKnnGraph) {
    IndexHNSWFlat index(int(kD), 16);
    index.init_level0 = false;
    index.add(idx_t(kNb), data().xb.data());
    size_t linked0 = 0;
    for (size_t i = 0; i < kNb; i++) {
        size_t b, e;
        index.hnsw.neighbor_range(idx_t(i), 0, &b, &e);
        if (index.hnsw.levels[i] == 1) {
            EXPECT_EQ(index.hnsw.neighbors[b], -1) << "level-0-only node " << i << " linked";
        } else if (index.hnsw.neighbors[b] >= 0) {
            linked0++;
        }
    }
    EXPECT_GT(linked0, 0u) << "upper-level nodes are linked on level 0 too";

    const int knn = 33;  // self + 32
    IndexFlat flat(static_cast<int>(kD));
    flat.add(idx_t(kNb), data().xb.data());
    std::vector<float> D(kNb * knn);
    std::vector<idx_t> I(kNb * knn);
    flat.search(idx_t(kNb), data().xb.data(), knn, D.data(), I.data());
    I[3] = -1;  // padding is skipped
    index.init_level_0_from_knngraph(knn, D.data(), I.data());
    for (size_t i = 0; i < kNb; i++) {
        size_t b, e;
        index.hnsw.neighbor_range(idx_t(i), 0, &b, &e);
        for (size_t j = b; j < e && index.hnsw.neighbors[j] >= 0; j++)
            EXPECT_NE(index.hnsw.neighbors[j], idx_t(i)) << "self link";
    }
    SearchParametersHNSW p;
    p.efSearch = 64;
    EXPECT_GE(recall_at_k(index, data().xb, data().xq, kD, kK, METRIC_L2, &p), 0.9);

    expect_code(ErrorCode::invalid_argument,
                [&] { index.init_level_0_from_knngraph(0, D.data(), I.data()); });
    expect_code(ErrorCode::invalid_argument,
                [&] { index.init_level_0_from_knngraph(knn, nullptr, I.data()); });
    expect_code(ErrorCode::invalid_argument,
                [&] { index.init_level_0_from_knngraph(knn, D.data(), nullptr); });
}

size_t longest_level0(const HNSW& h) {
    size_t longest = 0;
    for (size_t i = 0; i < h.size(); i++) {
        size_t b, e, n = 0;
        h.neighbor_range(idx_t(i), 0, &b, &e);
        while (b + n < e && h.neighbors[b + n] >= 0)
            n++;
        longest = std::max(longest, n);
    }
    return longest;
}

TEST(IndexHNSW, ShrinkAndReorderLevel0) {
    auto index = build();
    SearchParametersHNSW p;
    p.efSearch = 64;
    const double full = recall_at_k(*index, data().xb, data().xq, kD, kK, METRIC_L2, &p);

    // Reordering keeps each list's members and sorts them nearest first.
    std::vector<std::vector<int>> sets(kNb);
    for (size_t i = 0; i < kNb; i++) {
        size_t b, e;
        index->hnsw.neighbor_range(idx_t(i), 0, &b, &e);
        for (size_t j = b; j < e && index->hnsw.neighbors[j] >= 0; j++)
            sets[i].push_back(index->hnsw.neighbors[j]);
        std::sort(sets[i].begin(), sets[i].end());
    }
    index->reorder_links();
    for (size_t i = 0; i < kNb; i += 97) {
        size_t b, e;
        index->hnsw.neighbor_range(idx_t(i), 0, &b, &e);
        std::vector<int> now;
        double prev = -1;
        for (size_t j = b; j < e && index->hnsw.neighbors[j] >= 0; j++) {
            const int v = index->hnsw.neighbors[j];
            now.push_back(v);
            const double dv = reference_distance(data().xb.data() + i * kD,
                                                 data().xb.data() + size_t(v) * kD, kD, METRIC_L2);
            EXPECT_GE(dv, prev - 1e-4);
            prev = dv;
        }
        std::sort(now.begin(), now.end());
        EXPECT_EQ(now, sets[i]);
    }

    index->shrink_level_0_neighbors(8);
    EXPECT_LE(longest_level0(index->hnsw), 8u);
    const double shrunk = recall_at_k(*index, data().xb, data().xq, kD, kK, METRIC_L2, &p);
    EXPECT_GE(shrunk, 0.5);
    EXPECT_LE(shrunk, full);
    expect_code(ErrorCode::invalid_argument, [&] { index->shrink_level_0_neighbors(-1); });
}

TEST(HNSW, ClearNeighborTables) {
    auto index = build();
    index->hnsw.clear_neighbor_tables(0);
    EXPECT_EQ(longest_level0(index->hnsw), 0u);
    expect_code(ErrorCode::invalid_argument, [&] { index->hnsw.clear_neighbor_tables(-1); });
    expect_code(ErrorCode::invalid_argument, [&] { index->hnsw.clear_neighbor_tables(1000); });
}

TEST(IndexHNSW, KeepMaxSizeLevel0GivesFullerLists) {
    auto plain = build(8);
    IndexHNSWFlat dense(int(kD), 8);
    dense.keep_max_size_level0 = true;
    dense.add(idx_t(kNb), data().xb.data());
    auto total_links = [](const HNSW& h) {
        size_t n = 0;
        for (size_t i = 0; i < h.size(); i++) {
            size_t b, e;
            h.neighbor_range(idx_t(i), 0, &b, &e);
            for (size_t j = b; j < e && h.neighbors[j] >= 0; j++)
                n++;
        }
        return n;
    };
    EXPECT_GT(total_links(dense.hnsw), total_links(plain->hnsw));
    SearchParametersHNSW p;
    p.efSearch = 32;
    EXPECT_GE(recall_at_k(dense, data().xb, data().xq, kD, kK, METRIC_L2, &p),
              recall_at_k(*plain, data().xb, data().xq, kD, kK, METRIC_L2, &p) - 0.01);
}

}  // namespace
}  // namespace faiss::test
