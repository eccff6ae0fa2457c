// IO_FLAG_MMAP / IO_FLAG_MMAP_IFC: IVF lists mapped from the index file give the same
// results as lists read into memory, are read-only, survive the file being replaced,
// and need a real file.

#include "io_test_utils.h"

#include "common/test_utils.h"

#include <faiss/IndexIVF.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/clone_index.h>
#include <faiss/index_io.h>
#include <faiss/io/MappedInvertedLists.h>

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <string>

namespace faiss::test {
namespace {

std::string temp_path(const std::string& stem) {
    return ::testing::TempDir() + "faiss_io_mmap_" + stem + "_" + std::to_string(::getpid()) +
           ".index";
}

TEST(IndexIOMmap, MappedListsMatchLoadedOnes) {
    const std::string path = temp_path("ivf");
    size_t mapped_cases = 0;
    for (const auto& [name, index] : built_index_cases()) {
        if (!try_extract_index_ivf(const_cast<Index*>(index.get()))) continue;
        SCOPED_TRACE(name);
        write_index(index.get(), path.c_str());
        for (int flag : {IO_FLAG_MMAP, IO_FLAG_MMAP_IFC}) {
            std::unique_ptr<Index> mapped(read_index(path.c_str(), flag));
            const IndexIVF* ivf = try_extract_index_ivf(mapped.get());
            ASSERT_TRUE(ivf);
            if (!ivf->invlists) continue;
            EXPECT_TRUE(dynamic_cast<const MappedInvertedLists*>(ivf->invlists));
            if (index->is_trained) expect_same_search(*index, *mapped);
            EXPECT_EQ(to_bytes(index.get()), to_bytes(mapped.get()));
            mapped_cases++;
        }
    }
    EXPECT_GE(mapped_cases, 10u);
    std::remove(path.c_str());
}

TEST(IndexIOMmap, ReadOnlyCopyOnWriteAndCloneable) {
    const std::string path = temp_path("ro");
    for (const auto& [name, index] : built_index_cases()) {
        if (name != "IVFFlat") continue;
        write_index(index.get(), path.c_str());
        const auto x = queries_for(index->d, 3, 8);
        std::unique_ptr<Index> read_only(
            read_index(path.c_str(), IO_FLAG_MMAP | IO_FLAG_READ_ONLY));
        expect_code(
            ErrorCode::unsupported, [&] { read_only->add(3, x.data()); }, "IO_FLAG_READ_ONLY");
        expect_code(
            ErrorCode::unsupported, [&] { read_only->reset(); }, "IO_FLAG_READ_ONLY");
        expect_same_search(*index, *read_only);
        // Without IO_FLAG_READ_ONLY the first modification copies the lists into memory.
        std::unique_ptr<Index> cow(read_index(path.c_str(), IO_FLAG_MMAP));
        std::unique_ptr<Index> reference(clone_index(index.get()));
        cow->add(3, x.data());
        reference->add(3, x.data());
        expect_same_search(*reference, *cow);
        EXPECT_EQ(to_bytes(reference.get()), to_bytes(cow.get()));
        const auto* lists =
            dynamic_cast<const MappedInvertedLists*>(try_extract_index_ivf(cow.get())->invlists);
        ASSERT_TRUE(lists);
        EXPECT_TRUE(lists->in_memory && !lists->file);
        std::unique_ptr<Index> copy(clone_index(read_only.get()));
        copy->add(3, x.data());
        EXPECT_EQ(copy->ntotal, index->ntotal + 3);
        // Saving over the mapped file replaces it by rename: the mapping keeps working.
        write_index(copy.get(), path.c_str());
        expect_same_search(*index, *read_only);
        std::unique_ptr<Index> reread(read_index(path.c_str(), IO_FLAG_MMAP));
        EXPECT_EQ(reread->ntotal, index->ntotal + 3);
    }
    std::remove(path.c_str());
}

TEST(IndexIOMmap, ReadOnlyRefusesRetraining) {
    const std::string path = temp_path("retrain");
    size_t refused = 0;
    for (const auto& [name, index] : built_index_cases()) {
        // Only bare IVF indexes: a trained IndexPreTransform does not pass train() on.
        if (!index->is_trained || index->ntotal == 0) continue;
        if (!dynamic_cast<const IndexIVF*>(index.get())) continue;
        SCOPED_TRACE(name);
        write_index(index.get(), path.c_str());
        const auto x = queries_for(index->d, 300, 9);
        std::unique_ptr<Index> read_only(
            read_index(path.c_str(), IO_FLAG_MMAP | IO_FLAG_READ_ONLY));
        expect_code(
            ErrorCode::unsupported, [&] { read_only->train(300, x.data()); }, "IO_FLAG_READ_ONLY");
        // Refused before anything changed: searches still match the original.
        expect_same_search(*index, *read_only);
        refused++;
    }
    EXPECT_GE(refused, 3u);
    std::remove(path.c_str());
}

TEST(IndexIOMmap, NeedsAFile) {
    for (const auto& [name, index] : built_index_cases()) {
        if (name != "IVFPQ") continue;
        const auto bytes = to_bytes(index.get());
        expect_code(
            ErrorCode::invalid_argument, [&] { from_bytes(bytes, IO_FLAG_MMAP); }, "IO_FLAG_MMAP");
        // Flags that do not map leave buffers alone.
        EXPECT_NO_THROW(from_bytes(bytes, IO_FLAG_READ_ONLY));
    }
}

TEST(IndexIOMmap, TruncatedFileRejected) {
    const std::string path = temp_path("trunc");
    for (const auto& [name, index] : built_index_cases()) {
        if (name != "IVFSQ8") continue;
        auto bytes = to_bytes(index.get());
        bytes.resize(bytes.size() - 9);
        FILE* f = std::fopen(path.c_str(), "wb");
        ASSERT_TRUE(f);
        std::fwrite(bytes.data(), 1, bytes.size(), f);
        std::fclose(f);
        expect_code(ErrorCode::corrupt_data, [&] { read_index(path.c_str(), IO_FLAG_MMAP); });
    }
    std::remove(path.c_str());
}

}  // namespace
}  // namespace faiss::test
