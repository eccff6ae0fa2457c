// Hostile input: every truncation of small files of each type, and many random single-byte
// corruptions, must end in a FaissException or in a valid index (which can then be
// searched and saved) — never a crash, an out-of-bounds read or a huge allocation.

#include "io_test_utils.h"

#include <faiss/FaissException.h>
#include <faiss/index_io.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <random>

namespace faiss::test {
namespace {

// A reader that cannot tell how many bytes remain (as a pipe or a Python callback).
struct UnsizedReader : IOReader {
    const std::vector<uint8_t>& bytes;
    size_t rp = 0;
    explicit UnsizedReader(const std::vector<uint8_t>& b) : bytes(b) {}
    size_t operator()(void* p, size_t size, size_t n) override {
        const size_t k = std::min(n, (bytes.size() - rp) / size);
        if (k == 0) return 0;
        std::memcpy(p, bytes.data() + rp, k * size);
        rp += k * size;
        return k;
    }
};

class IndexIOFuzz : public SingleThreadedTest {};

// Corruptions per file: a few hundred by default (seconds); FAISS_IO_FUZZ_SCALE=k runs k
// times more with other seeds, for long runs under the sanitizers.
int fuzz_scale() {
    const char* env = std::getenv("FAISS_IO_FUZZ_SCALE");
    const int k = env ? std::atoi(env) : 1;
    return k > 0 ? k : 1;
}

// Use a loaded index the way a caller would; errors it reports are fine.
void exercise(const Index& index) {
    const size_t nq = 3, k = 4;
    const auto xq = queries_for(index.d, nq, 5);
    std::vector<float> dis(nq * k);
    std::vector<idx_t> lab(nq * k);
    try {
        index.search(idx_t(nq), xq.data(), idx_t(k), dis.data(), lab.data());
    } catch (const FaissException&) {
    }
    try {
        to_bytes(&index);
    } catch (const FaissException&) {
    }
}

TEST_F(IndexIOFuzz, EveryTruncationThrows) {
    for (const IndexCase& c : tiny_index_cases()) {
        SCOPED_TRACE(c.name);
        const std::vector<uint8_t> bytes = to_bytes(c.make().get());
        ASSERT_NO_THROW(from_bytes(bytes));
        for (size_t len = 0; len < bytes.size(); len++) {
            const std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + len);
            try {
                from_bytes(prefix);
                ADD_FAILURE() << "a file truncated to " << len << " of " << bytes.size()
                              << " bytes was accepted";
            } catch (const FaissException& e) {
                EXPECT_EQ(e.code(), ErrorCode::corrupt_data) << e.what();
            }
            UnsizedReader reader(prefix);
            EXPECT_THROW(delete read_index(&reader), FaissException);
        }
    }
}

TEST_F(IndexIOFuzz, RandomByteCorruptions) {
    std::mt19937_64 rng(12345 + uint64_t(fuzz_scale()));
    size_t loaded = 0, rejected = 0;
    for (const IndexCase& c : tiny_index_cases()) {
        SCOPED_TRACE(c.name);
        const std::vector<uint8_t> bytes = to_bytes(c.make().get());
        for (int trial = 0; trial < 600 * fuzz_scale(); trial++) {
            std::vector<uint8_t> bad = bytes;
            const size_t pos = rng() % bad.size();
            bad[pos] ^= uint8_t(1 + rng() % 255);
            std::unique_ptr<Index> index;
            try {
                index = from_bytes(bad);
            } catch (const FaissException& e) {
                rejected++;
                EXPECT_NE(e.code(), ErrorCode::internal) << e.what();
                continue;
            }
            loaded++;
            if (index) exercise(*index);
        }
    }
    // Both outcomes occur: float payloads accept any byte, structure bytes do not.
    EXPECT_GT(loaded, 0u);
    EXPECT_GT(rejected, 0u);
}

TEST_F(IndexIOFuzz, CorruptionsOfLargerFiles) {
    std::mt19937_64 rng(777 + uint64_t(fuzz_scale()));
    for (const auto& [name, index] : built_index_cases()) {
        SCOPED_TRACE(name);
        const std::vector<uint8_t> bytes = to_bytes(index.get());
        // Structure sits mostly in the first and last bytes; aim half the hits there.
        for (int trial = 0; trial < 150 * fuzz_scale(); trial++) {
            std::vector<uint8_t> bad = bytes;
            const size_t span = std::min<size_t>(bad.size(), 160);
            size_t pos = rng() % bad.size();
            if (trial % 2 == 0) pos = trial % 4 == 0 ? rng() % span : bad.size() - 1 - rng() % span;
            bad[pos] ^= uint8_t(1 + rng() % 255);
            std::unique_ptr<Index> index;
            try {
                index = from_bytes(bad);
            } catch (const FaissException& e) {
                EXPECT_NE(e.code(), ErrorCode::internal) << e.what();
                continue;
            }
            if (index) exercise(*index);
        }
    }
}

}  // namespace
}  // namespace faiss::test
