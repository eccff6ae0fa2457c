// HNSW specifics: IO_FLAG_SKIP_STORAGE, removed vectors, hostile graphs.

#include "io_test_utils.h"

#include "common/test_utils.h"

#include <faiss/IDSelector.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/index_io.h>

#include <gtest/gtest.h>

#include <cstring>

namespace faiss::test {
namespace {

std::unique_ptr<IndexHNSWFlat> small_hnsw(size_t n) {
    auto index = std::make_unique<IndexHNSWFlat>(8, 4);
    const auto x = random_vectors(n, 8, 5);
    index->add(idx_t(n), x.data());
    return index;
}

TEST(IndexIOHNSW, SkipStorage) {
    auto index = small_hnsw(50);
    VectorIOWriter w;
    write_index(index.get(), &w, IO_FLAG_SKIP_STORAGE);
    const auto full = to_bytes(index.get());
    EXPECT_LT(w.data.size(), full.size());
    EXPECT_EQ(0, std::memcmp(w.data.data() + w.data.size() - 4, "null", 4));
    auto back = from_bytes(w.data);
    auto* hnsw = dynamic_cast<IndexHNSWFlat*>(back.get());
    ASSERT_TRUE(hnsw);
    EXPECT_EQ(hnsw->storage, nullptr);
    const auto xq = random_vectors(2, 8, 6);
    std::vector<float> dis(4);
    std::vector<idx_t> lab(4);
    EXPECT_THROW(hnsw->search(2, xq.data(), 2, dis.data(), lab.data()), FaissException);
    // The graph alone, then the storage put back: the same index again.
    auto storage = std::make_unique<IndexFlat>(8);
    const auto x = random_vectors(50, 8, 5);
    storage->add(50, x.data());
    hnsw->storage = storage.release();
    hnsw->own_fields = true;
    expect_same_search(*index, *hnsw);
}

TEST(IndexIOHNSW, QuantizerKeepsStorageUnderSkipStorage) {
    for (const auto& [name, index] : built_index_cases()) {
        if (name != "IVF_HNSWquantizer") continue;
        VectorIOWriter w;
        write_index(index.get(), &w, IO_FLAG_SKIP_STORAGE);
        EXPECT_EQ(w.data, to_bytes(index.get()));
        expect_same_search(*index, *from_bytes(w.data));
    }
}

TEST(IndexIOHNSW, RemovedVectorsNeedCompact) {
    auto index = small_hnsw(40);
    IDSelectorRange sel(3, 6);
    ASSERT_EQ(index->remove_ids(sel), 3u);
    expect_code(
        ErrorCode::unsupported, [&] { to_bytes(index.get()); }, "compact");
    index->compact();
    auto back = from_bytes(to_bytes(index.get()));
    EXPECT_EQ(back->ntotal, 37);
    expect_same_search(*index, *back);
}

TEST(IndexIOHNSW, HostileGraphsRejected) {
    auto index = small_hnsw(20);
    const auto bytes = to_bytes(index.get());
    // Offsets of the graph arrays: after tag (4) and header (33), assign_probas first.
    const HNSW& g = index->hnsw;
    size_t at = 4 + 33;
    at += 8 + 8 * g.assign_probas.size();
    at += 8 + 4 * g.cum_nneighbor_per_level.size();
    const size_t levels_at = at + 8;
    at += 8 + 4 * g.levels.size();
    at += 8 + 8 * g.offsets.size();
    const size_t neighbors_at = at + 8;
    at += 8 + 4 * g.neighbors.size();
    const size_t entry_at = at;

    auto with_int = [&](size_t pos, int32_t v) {
        auto b = bytes;
        std::memcpy(b.data() + pos, &v, 4);
        return b;
    };
    expect_code(
        ErrorCode::corrupt_data, [&] { from_bytes(with_int(neighbors_at, 20)); }, "neighbour");
    expect_code(
        ErrorCode::corrupt_data, [&] { from_bytes(with_int(neighbors_at + 4, -7)); }, "neighbour");
    expect_code(
        ErrorCode::corrupt_data, [&] { from_bytes(with_int(levels_at, 0)); }, "level");
    expect_code(
        ErrorCode::corrupt_data, [&] { from_bytes(with_int(levels_at, 99)); }, "level");
    expect_code(
        ErrorCode::corrupt_data, [&] { from_bytes(with_int(entry_at, 20)); }, "entry");
    expect_code(
        ErrorCode::corrupt_data, [&] { from_bytes(with_int(entry_at + 4, 7)); }, "max");
    EXPECT_NO_THROW(from_bytes(bytes));

    // A level-1 link to a node that lives on level 0 only.
    int upper = -1, lower = -1;
    for (size_t i = 0; i < g.levels.size(); i++) {
        if (g.levels[i] >= 2 && upper < 0) upper = int(i);
        if (g.levels[i] == 1 && lower < 0) lower = int(i);
    }
    ASSERT_GE(upper, 0);
    ASSERT_GE(lower, 0);
    const size_t slot = g.offsets[upper] + size_t(g.cum_nneighbor_per_level[1]);
    expect_code(
        ErrorCode::corrupt_data, [&] { from_bytes(with_int(neighbors_at + 4 * slot, lower)); },
        "level 1");
}

}  // namespace
}  // namespace faiss::test
