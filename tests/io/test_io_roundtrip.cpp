// Every saveable index type: save -> load gives the same concrete class, the same search
// results bit for bit, and saving again gives the same bytes; through buffers, FILE* and
// file names; clone_index.

#include "io_test_utils.h"

#include "common/test_utils.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/VectorTransform.h>
#include <faiss/clone_index.h>
#include <faiss/index_io.h>

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <string>
#include <typeinfo>

namespace faiss::test {
namespace {

std::string temp_path(const std::string& stem) {
    return ::testing::TempDir() + "faiss_io_" + stem + "_" + std::to_string(::getpid()) + ".index";
}

TEST(IndexIO, RoundTripEveryType) {
    for (const auto& [name, index] : built_index_cases()) {
        SCOPED_TRACE(name);
        const std::vector<uint8_t> bytes = to_bytes(index.get());
        std::unique_ptr<Index> back = from_bytes(bytes);
        ASSERT_TRUE(back);
        EXPECT_EQ(typeid(*index), typeid(*back));
        EXPECT_EQ(index->metric_type, back->metric_type);
        EXPECT_EQ(index->is_trained, back->is_trained);
        EXPECT_EQ(bytes, to_bytes(back.get()));
        if (index->is_trained) expect_same_search(*index, *back);
    }
}

TEST(IndexIO, FileNameAndFilePointer) {
    const std::string path = temp_path("file");
    for (const auto& [name, index] : built_index_cases()) {
        SCOPED_TRACE(name);
        write_index(index.get(), path.c_str());
        std::unique_ptr<Index> back(read_index(path.c_str()));
        EXPECT_EQ(to_bytes(index.get()), to_bytes(back.get()));

        FILE* f = std::fopen(path.c_str(), "wb");
        ASSERT_TRUE(f);
        write_index(index.get(), f);
        write_index(index.get(), f);  // two records one after the other
        std::fclose(f);
        f = std::fopen(path.c_str(), "rb");
        ASSERT_TRUE(f);
        std::unique_ptr<Index> first(read_index(f));
        std::unique_ptr<Index> second(read_index(f));
        std::fclose(f);
        EXPECT_EQ(to_bytes(index.get()), to_bytes(first.get()));
        EXPECT_EQ(to_bytes(index.get()), to_bytes(second.get()));
    }
    std::remove(path.c_str());
}

TEST(IndexIO, CloneEveryType) {
    for (const auto& [name, index] : built_index_cases()) {
        SCOPED_TRACE(name);
        std::unique_ptr<Index> copy(clone_index(index.get()));
        EXPECT_EQ(typeid(*index), typeid(*copy));
        EXPECT_EQ(to_bytes(index.get()), to_bytes(copy.get()));
        if (index->is_trained) expect_same_search(*index, *copy);
    }
    expect_code(ErrorCode::invalid_argument, [] { clone_index(nullptr); });
}

TEST(IndexIO, CloneIsIndependent) {
    IndexFlatL2 index(4);
    const auto x = random_vectors(10, 4, 1);
    index.add(5, x.data());
    std::unique_ptr<Index> copy(clone_index(&index));
    index.add(5, x.data() + 20);
    EXPECT_EQ(copy->ntotal, 5);
    EXPECT_EQ(index.ntotal, 10);
}

TEST(IndexIO, NullRecord) {
    const std::vector<uint8_t> bytes = to_bytes(nullptr);
    EXPECT_EQ(bytes, std::vector<uint8_t>({'n', 'u', 'l', 'l'}));
    EXPECT_EQ(from_bytes(bytes), nullptr);
}

TEST(IndexIO, IVFPQPrecomputedTableRebuilt) {
    for (const auto& [name, index] : built_index_cases()) {
        if (name != "IVFPQ") continue;
        const auto& orig = dynamic_cast<const IndexIVFPQ&>(*index);
        auto back = from_bytes(to_bytes(index.get()));
        const auto& loaded = dynamic_cast<const IndexIVFPQ&>(*back);
        EXPECT_EQ(loaded.use_precomputed_table, orig.use_precomputed_table);
        EXPECT_EQ(loaded.precomputed_table, orig.precomputed_table);
        auto skipped = from_bytes(to_bytes(index.get()), IO_FLAG_SKIP_PRECOMPUTE_TABLE);
        EXPECT_TRUE(dynamic_cast<const IndexIVFPQ&>(*skipped).precomputed_table.empty());
        // Without the table the distances are summed in another order: same neighbours,
        // distances equal up to rounding.
        const size_t nq = 5, k = 4;
        const auto xq = queries_for(index->d, nq, 3);
        std::vector<float> d1(nq * k), d2(nq * k);
        std::vector<idx_t> l1(nq * k), l2(nq * k);
        index->search(nq, xq.data(), k, d1.data(), l1.data());
        skipped->search(nq, xq.data(), k, d2.data(), l2.data());
        EXPECT_EQ(l1, l2);
        for (size_t i = 0; i < d1.size(); i++)
            EXPECT_NEAR(d1[i], d2[i], 1e-4 * (1 + d1[i]));
    }
}

TEST(IndexIO, ProductQuantizerOnItsOwn) {
    ProductQuantizer pq(8, 2, 4);
    const auto x = random_vectors(64, 8, 3);
    pq.train(64, x.data());
    VectorIOWriter w;
    write_ProductQuantizer(&pq, &w);
    EXPECT_EQ(w.data.size(), 3 * 8 + 8 + pq.centroids.size() * 4);
    BufferIOReader r(w.data.data(), w.data.size());
    std::unique_ptr<ProductQuantizer> back(read_ProductQuantizer(&r));
    EXPECT_EQ(back->M, 2u);
    EXPECT_EQ(back->nbits, 4u);
    EXPECT_EQ(back->centroids, pq.centroids);

    const std::string path = temp_path("pq");
    write_ProductQuantizer(&pq, path.c_str());
    std::unique_ptr<ProductQuantizer> from_file(read_ProductQuantizer(path.c_str()));
    EXPECT_EQ(from_file->centroids, pq.centroids);
    std::remove(path.c_str());
}

TEST(IndexIO, VectorTransformOnItsOwn) {
    const auto x = random_vectors(200, 8, 4);
    std::vector<std::unique_ptr<VectorTransform>> vts;
    vts.emplace_back(new PCAMatrix(8, 4, -0.5f));
    vts.emplace_back(new RandomRotationMatrix(8, 6));
    vts.emplace_back(new CenteringTransform(8));
    vts.emplace_back(new NormalizationTransform(8));
    vts.emplace_back(new RemapDimensionsTransform(8, 10, false));
    for (auto& vt : vts) {
        vt->train(200, x.data());
        VectorIOWriter w;
        write_VectorTransform(vt.get(), &w);
        BufferIOReader r(w.data.data(), w.data.size());
        std::unique_ptr<VectorTransform> back(read_VectorTransform(&r));
        EXPECT_EQ(typeid(*back), typeid(*vt));
        std::vector<float> a(3 * size_t(vt->d_out)), b(a.size());
        vt->apply_noalloc(3, x.data(), a.data());
        back->apply_noalloc(3, x.data(), b.data());
        EXPECT_EQ(a, b);
        VectorIOWriter again;
        write_VectorTransform(back.get(), &again);
        EXPECT_EQ(w.data, again.data);
        // every truncation is rejected
        for (size_t len = 0; len < w.data.size(); len++) {
            BufferIOReader cut(w.data.data(), len);
            EXPECT_THROW(delete read_VectorTransform(&cut), FaissException);
        }
    }
}

}  // namespace
}  // namespace faiss::test
