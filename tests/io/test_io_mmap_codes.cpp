// IO_FLAG_MMAP / IO_FLAG_MMAP_IFC on flat-code and HNSW indexes: IndexFlatCodes::codes
// and the HNSW arrays are views of the file (not copies), give bit-identical results at
// every SIMD level, refuse modification with IO_FLAG_READ_ONLY (and change nothing),
// are copied into memory by the first modification otherwise, never write to the file,
// and clone into owning copies that outlive the mapping.

#include "io_test_utils.h"

#include "common/test_utils.h"

#include <faiss/IDSelector.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexPQ.h>
#include <faiss/IndexScalarQuantizer.h>
#include <faiss/clone_index.h>
#include <faiss/index_io.h>
#include <faiss/simd/simd_level.h>

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

namespace faiss::test {
namespace {

const int kReadOnly = IO_FLAG_MMAP | IO_FLAG_READ_ONLY;

// The format leaves arrays at unaligned offsets (IndexFlat floats at 1 mod 4), and the
// search kernels read mapped floats / int32 neighbours with plain typed loads, which
// x86-64 and AArch64 perform but UndefinedBehaviorSanitizer reports. The sanitizer build
// (scripts/run_tests.sh, ASan + UBSan together) therefore checks loading, the
// modification rules and the bytes of every case, and searches only the cases whose
// mapped arrays are read bytewise.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitizerBuild = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
constexpr bool kSanitizerBuild = true;
#else
constexpr bool kSanitizerBuild = false;
#endif
#else
constexpr bool kSanitizerBuild = false;
#endif

// Whether searching a mapped copy of this case stays within aligned loads: PQ codes and
// 8 / 6 / 4-bit SQ codes are bytes; floats, fp16 / bf16 and HNSW graphs are not.
bool searchable_when_mapped(const std::string& name) {
    if (!kSanitizerBuild) return true;
    static const std::set<std::string> bytewise = {"PQ8", "PQ4_IP", "SQ0", "SQ1", "SQ2",
                                                   "SQ3", "SQ5",    "SQ6", "SQ8", "FlatEmpty"};
    return bytewise.count(name) > 0;
}

std::string temp_path(const std::string& stem) {
    return ::testing::TempDir() + "faiss_mmap_codes_" + stem + "_" + std::to_string(::getpid()) +
           ".index";
}

std::vector<uint8_t> file_bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

// The flat-code storage of an index (itself, or the storage of an HNSW / IDMap).
const IndexFlatCodes* codes_of(const Index* index) {
    if (auto* h = dynamic_cast<const IndexHNSW*>(index)) return codes_of(h->storage);
    if (auto* m = dynamic_cast<const IndexIDMap*>(index)) return codes_of(m->index);
    return dynamic_cast<const IndexFlatCodes*>(index);
}

const std::set<std::string> kMappedCases = {
    "FlatL2", "FlatIP", "FlatL1",   "FlatEmpty", "PQ8",         "PQ4_IP", "IDMap2",
    "SQ0",    "SQ1",    "SQ2",      "SQ3",       "SQ4",         "SQ5",    "SQ6",
    "SQ7",    "SQ8",    "HNSWFlat", "HNSWSQ",    "HNSWFlat_IP", "HNSWPQ", "HNSWFlat_empty"};

// Batches small and large enough for the per-query kernels and the blocked GEMM path.
void expect_same_everywhere(const Index& a, const Index& b) {
    const SimdLevel saved = get_simd_level();
    for (int level = 0; level <= int(max_supported_simd_level()); level++) {
        SCOPED_TRACE(simd_level_name(SimdLevel(level)));
        set_simd_level(SimdLevel(level));
        expect_same_search(a, b, 1, 5);
        expect_same_search(a, b, 64, 10);
    }
    set_simd_level(saved);
    std::vector<float> ra(size_t(a.d)), rb(size_t(a.d));
    if (a.ntotal > 0 && !dynamic_cast<const IndexIDMap*>(&a)) {
        a.reconstruct(a.ntotal - 1, ra.data());
        b.reconstruct(b.ntotal - 1, rb.data());
        EXPECT_EQ(ra, rb);
    }
}

TEST(IndexIOMmapCodes, MappedArraysAreViewsWithIdenticalResults) {
    const std::string path = temp_path("views");
    size_t checked = 0, cases = 0;
    for (const auto& [name, index] : built_index_cases()) {
        if (!kMappedCases.count(name)) continue;
        SCOPED_TRACE(name);
        cases++;
        write_index(index.get(), path.c_str());
        const auto saved = file_bytes(path);
        for (int flags : {IO_FLAG_MMAP, IO_FLAG_MMAP_IFC, kReadOnly}) {
            std::unique_ptr<Index> mapped(read_index(path.c_str(), flags));
            const IndexFlatCodes* codes = codes_of(mapped.get());
            ASSERT_TRUE(codes);
            EXPECT_FALSE(codes->codes.is_owned());
            EXPECT_EQ(codes->codes.is_read_only(), (flags & IO_FLAG_READ_ONLY) != 0);
            if (auto* h = dynamic_cast<const IndexHNSW*>(mapped.get())) {
                EXPECT_FALSE(h->hnsw.neighbors.is_owned());
                EXPECT_FALSE(h->hnsw.offsets.is_owned());
                EXPECT_FALSE(h->hnsw.levels.is_owned());
            }
            if (index->is_trained && searchable_when_mapped(name)) {
                expect_same_everywhere(*index, *mapped);
            }
            EXPECT_EQ(to_bytes(index.get()), to_bytes(mapped.get()));
            checked++;
        }
        EXPECT_EQ(saved, file_bytes(path));
    }
    EXPECT_EQ(cases, kMappedCases.size());
    EXPECT_EQ(checked, 3 * cases);
    std::remove(path.c_str());
}

// Each modification of a read-only mapped index throws unsupported, names the flag and
// leaves the index as it was.
void expect_refused(Index& mapped, const Index& original, bool search,
                    const std::function<void()>& call) {
    expect_code(ErrorCode::unsupported, call, "IO_FLAG_READ_ONLY");
    EXPECT_EQ(mapped.ntotal, original.ntotal);
    EXPECT_EQ(to_bytes(&original), to_bytes(&mapped));
    if (search) expect_same_search(original, mapped);
}

TEST(IndexIOMmapCodes, ReadOnlyRefusesModification) {
    const std::string path = temp_path("ro");
    for (const auto& [name, index] : built_index_cases()) {
        if (name != "FlatL2" && name != "SQ4" && name != "PQ8" && name != "HNSWFlat" &&
            name != "HNSWPQ" && name != "IDMap2") {
            continue;
        }
        SCOPED_TRACE(name);
        write_index(index.get(), path.c_str());
        std::unique_ptr<Index> mapped(read_index(path.c_str(), kReadOnly));
        std::unique_ptr<Index> other(read_index(path.c_str(), kReadOnly));
        const bool search = searchable_when_mapped(name);
        const auto x = queries_for(index->d, 4, 3);
        const std::vector<idx_t> ids = {900001, 900002, 900003, 900004};
        const bool idmap = name == "IDMap2";
        IDSelectorRange first_ten(idmap ? 1000 : 0, idmap ? 1100 : 10);
        if (idmap) {
            expect_refused(*mapped, *index, search,
                           [&] { mapped->add_with_ids(4, x.data(), ids.data()); });
        } else {
            expect_refused(*mapped, *index, search, [&] { mapped->add(4, x.data()); });
        }
        expect_refused(*mapped, *index, search, [&] { mapped->reset(); });
        if (!dynamic_cast<IndexHNSW*>(mapped.get())) {
            expect_refused(*mapped, *index, search, [&] { mapped->remove_ids(first_ten); });
        }
        if (!dynamic_cast<IndexHNSW*>(mapped.get()) && !idmap) {
            expect_refused(*mapped, *index, search, [&] { mapped->merge_from(*other); });
        }
        if (name == "SQ4" || name == "PQ8") {
            const auto xt = queries_for(index->d, 300, 5);
            expect_refused(*mapped, *index, search, [&] { mapped->train(300, xt.data()); });
        }
        // An in-memory index cannot absorb a read-only mapped one either: merge_from
        // empties its argument.
        if (name == "FlatL2") {
            std::unique_ptr<Index> copy(clone_index(index.get()));
            expect_code(
                ErrorCode::unsupported, [&] { copy->merge_from(*mapped); }, "merge_from");
            EXPECT_EQ(copy->ntotal, index->ntotal);
        }
    }
    std::remove(path.c_str());
}

TEST(IndexIOMmapCodes, CopyOnWriteWithoutReadOnly) {
    const std::string path = temp_path("cow");
    for (const auto& [name, index] : built_index_cases()) {
        if (name != "FlatIP" && name != "SQ2" && name != "PQ8" && name != "HNSWFlat" &&
            name != "HNSWSQ") {
            continue;
        }
        SCOPED_TRACE(name);
        write_index(index.get(), path.c_str());
        const auto saved = file_bytes(path);
        std::unique_ptr<Index> mapped(read_index(path.c_str(), IO_FLAG_MMAP));
        std::unique_ptr<Index> reference(clone_index(index.get()));
        const auto x = queries_for(index->d, 20, 4);
        mapped->add(20, x.data());
        reference->add(20, x.data());
        EXPECT_TRUE(codes_of(mapped.get())->codes.is_owned());
        if (auto* h = dynamic_cast<const IndexHNSW*>(mapped.get())) {
            EXPECT_TRUE(h->hnsw.neighbors.is_owned());
            EXPECT_TRUE(h->hnsw.levels.is_owned());
        }
        expect_same_search(*reference, *mapped);
        EXPECT_EQ(to_bytes(reference.get()), to_bytes(mapped.get()));
        mapped->reset();
        EXPECT_EQ(mapped->ntotal, 0);
        mapped.reset();
        EXPECT_EQ(saved, file_bytes(path));
        std::unique_ptr<Index> again(read_index(path.c_str()));
        expect_same_search(*index, *again);
    }
    std::remove(path.c_str());
}

// Parallel graph repairs reach levels / offsets / neighbors through a non-const HNSW;
// every array of a copy-on-write graph must be copied before the threads start (two
// threads copying one view at once crashed).
TEST(IndexIOMmapCodes, CopyOnWriteGraphEditsDetachEveryArrayFirst) {
    const std::string path = temp_path("cow_edit");
    for (const auto& [name, index] : built_index_cases()) {
        if (name != "HNSWFlat" && name != "HNSWSQ") continue;
        SCOPED_TRACE(name);
        write_index(index.get(), path.c_str());
        std::unique_ptr<Index> mapped(read_index(path.c_str(), IO_FLAG_MMAP));
        std::unique_ptr<Index> reference(clone_index(index.get()));
        auto* h = dynamic_cast<IndexHNSW*>(mapped.get());
        ASSERT_NE(h, nullptr);
        ASSERT_FALSE(h->hnsw.offsets.is_owned());
        IDSelectorRange doomed(0, index->ntotal / 3);
        EXPECT_EQ(mapped->remove_ids(doomed), reference->remove_ids(doomed));
        EXPECT_TRUE(h->hnsw.levels.is_owned());
        EXPECT_TRUE(h->hnsw.offsets.is_owned());
        EXPECT_TRUE(h->hnsw.neighbors.is_owned());
        expect_same_search(*reference, *mapped);
    }
    std::remove(path.c_str());
}

TEST(IndexIOMmapCodes, ClonesOwnAndOutliveTheMapping) {
    const std::string path = temp_path("clone");
    for (const auto& [name, index] : built_index_cases()) {
        if (name != "FlatL2" && name != "SQ8" && name != "PQ4_IP" && name != "HNSWFlat") continue;
        SCOPED_TRACE(name);
        write_index(index.get(), path.c_str());
        std::unique_ptr<Index> mapped(read_index(path.c_str(), kReadOnly));
        std::unique_ptr<Index> copy(clone_index(mapped.get()));
        EXPECT_TRUE(codes_of(copy.get())->codes.is_owned());
        if (auto* h = dynamic_cast<const IndexHNSW*>(copy.get())) {
            EXPECT_TRUE(h->hnsw.neighbors.is_owned());
        }
        // The original keeps working after cloning; the clone after the original is gone
        // and the file replaced.
        if (searchable_when_mapped(name)) expect_same_search(*index, *mapped);
        EXPECT_EQ(to_bytes(index.get()), to_bytes(mapped.get()));
        mapped.reset();
        std::remove(path.c_str());
        expect_same_search(*index, *copy);
        const auto x = queries_for(index->d, 3, 6);
        copy->add(3, x.data());
        EXPECT_EQ(copy->ntotal, index->ntotal + 3);
    }
}

TEST(IndexIOMmapCodes, MappingOutlivesReplacedFile) {
    const std::string path = temp_path("replace");
    for (const auto& [name, index] : built_index_cases()) {
        if (name != "HNSWSQ") continue;
        write_index(index.get(), path.c_str());
        std::unique_ptr<Index> mapped(read_index(path.c_str(), kReadOnly));
        IndexFlatL2 other(index->d);
        write_index(&other, path.c_str());
        if (searchable_when_mapped(name)) expect_same_search(*index, *mapped);
        EXPECT_EQ(to_bytes(index.get()), to_bytes(mapped.get()));
    }
    std::remove(path.c_str());
}

TEST(IndexIOMmapCodes, NeedsARegularFile) {
    for (const auto& [name, index] : built_index_cases()) {
        if (name != "FlatL2" && name != "HNSWPQ") continue;
        const auto bytes = to_bytes(index.get());
        expect_code(
            ErrorCode::invalid_argument, [&] { from_bytes(bytes, IO_FLAG_MMAP_IFC); },
            "IO_FLAG_MMAP");
    }
}

}  // namespace
}  // namespace faiss::test
