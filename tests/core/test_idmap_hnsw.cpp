// IndexIDMap / IndexIDMap2 over IndexHNSW, whose remove_ids keeps the slots of removed
// vectors: removal through the id map compacts the graph so positions and ids stay in
// step, later adds get their own ids, and adds over a graph with free slots are refused
// before anything changes.
#include <faiss/FaissException.h>
#include <faiss/IDSelector.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>

#include <gtest/gtest.h>

#include "common/test_utils.h"

#include <set>
#include <vector>

using faiss::idx_t;

namespace {

constexpr size_t kDim = 16;
constexpr size_t kNb = 2000;

std::vector<idx_t> scattered_ids(size_t n, idx_t base) {
    std::vector<idx_t> ids(n);
    for (size_t i = 0; i < n; i++)
        ids[i] = base + idx_t(i) * 7919;
    return ids;
}

TEST(IDMapHNSW, RemoveKeepsIdsInStepAndNeverReturnsRemoved) {
    const std::vector<float> xb = faiss::test::clustered_vectors(kNb, kDim, 20, 1);
    const std::vector<float> xq = faiss::test::clustered_vectors(50, kDim, 20, 2);
    const std::vector<idx_t> ids = scattered_ids(kNb, 1000);
    faiss::IndexHNSWFlat hnsw(int(kDim), 16);
    faiss::IndexIDMap2 index(&hnsw);
    index.add_with_ids(idx_t(kNb), xb.data(), ids.data());

    // Remove every third vector (by external id).
    std::vector<idx_t> doomed;
    std::vector<float> kept_x;
    std::vector<idx_t> kept_ids;
    for (size_t i = 0; i < kNb; i++) {
        if (i % 3 == 0) {
            doomed.push_back(ids[i]);
        } else {
            kept_ids.push_back(ids[i]);
            kept_x.insert(kept_x.end(), xb.begin() + i * kDim, xb.begin() + (i + 1) * kDim);
        }
    }
    faiss::IDSelectorBatch sel(doomed.size(), doomed.data());
    EXPECT_EQ(index.remove_ids(sel), doomed.size());
    EXPECT_EQ(index.ntotal, idx_t(kept_ids.size()));
    EXPECT_EQ(hnsw.ntotal, idx_t(kept_ids.size()));
    EXPECT_EQ(hnsw.hnsw.n_deleted(), 0u);

    // Reconstruction by id returns each kept vector.
    std::vector<float> rec(kDim);
    for (size_t j = 0; j < kept_ids.size(); j += 97) {
        index.reconstruct(kept_ids[j], rec.data());
        for (size_t c = 0; c < kDim; c++)
            ASSERT_EQ(rec[c], kept_x[j * kDim + c]);
    }
    EXPECT_THROW(index.reconstruct(doomed[0], rec.data()), faiss::FaissException);

    // Search: no removed id, and high recall against exact search on the kept vectors.
    const size_t k = 10, nq = 50;
    hnsw.hnsw.efSearch = 128;
    std::vector<float> D(nq * k);
    std::vector<idx_t> I(nq * k);
    index.search(idx_t(nq), xq.data(), idx_t(k), D.data(), I.data());
    const std::set<idx_t> removed(doomed.begin(), doomed.end());
    for (idx_t label : I)
        EXPECT_EQ(removed.count(label), 0u) << label;
    std::vector<double> refD;
    std::vector<idx_t> refI;
    faiss::test::reference_knn(xq.data(), nq, kept_x.data(), kept_ids.size(), kDim, k,
                               faiss::METRIC_L2, refD, refI);
    for (idx_t& r : refI)
        r = kept_ids[size_t(r)];
    const size_t hits = faiss::test::count_overlap(I.data(), refI.data(), nq, k);
    EXPECT_GE(double(hits) / double(nq * k), 0.95);

    // New vectors added afterwards are found under their own ids.
    const std::vector<idx_t> new_ids = scattered_ids(20, 5);
    std::vector<float> new_x(xq.begin(), xq.begin() + 20 * kDim);
    index.add_with_ids(20, new_x.data(), new_ids.data());
    index.search(20, new_x.data(), 1, D.data(), I.data());
    for (size_t i = 0; i < 20; i++)
        EXPECT_EQ(I[i], new_ids[i]);
}

TEST(IDMapHNSW, AddOverFreeSlotsIsRefusedBeforeAnyChange) {
    const std::vector<float> xb = faiss::test::random_vectors(200, kDim, 3);
    const std::vector<idx_t> ids = scattered_ids(200, 1);
    faiss::IndexHNSWFlat hnsw(int(kDim), 8);
    faiss::IndexIDMap index(&hnsw);
    index.add_with_ids(100, xb.data(), ids.data());
    faiss::IDSelectorRange inner_range(0, 10);
    hnsw.remove_ids(inner_range);  // directly on the graph: 10 free slots
    faiss::test::expect_code(faiss::ErrorCode::unsupported, [&] {
        index.add_with_ids(100, xb.data() + 100 * kDim, ids.data() + 100);
    });
    EXPECT_EQ(hnsw.ntotal, 100);
    EXPECT_EQ(index.ntotal, 100);
    EXPECT_EQ(index.id_map.size(), 100u);
}

}  // namespace
