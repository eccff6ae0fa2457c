// The fuzzer's seed corpus (tests/fuzz/corpus: tiny files of every type, ours and some
// written by faiss-cpu) replayed in the test suite, so that the sanitizer build of CI
// reads them too: each file loads, searches, saves back to the same bytes, and every
// truncation of it is refused.

#include "io_test_utils.h"

#include <faiss/FaissException.h>
#include <faiss/VectorTransform.h>
#include <faiss/index_io.h>
#include <faiss/quantizers/ProductQuantizer.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace faiss::test {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> corpus_files(const std::string& prefix) {
    std::vector<fs::path> out;
    for (const auto& entry : fs::directory_iterator(FAISS_FUZZ_CORPUS_DIR)) {
        if (entry.path().filename().string().rfind(prefix, 0) == 0) out.push_back(entry.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<uint8_t> file_bytes(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

class FuzzCorpus : public SingleThreadedTest {};

TEST_F(FuzzCorpus, IndexFilesLoadSearchAndSaveTheSameBytes) {
    size_t n = 0;
    for (const std::string prefix : {"idx_", "faisscpu_"}) {
        for (const fs::path& p : corpus_files(prefix)) {
            SCOPED_TRACE(p.filename().string());
            const std::vector<uint8_t> bytes = file_bytes(p);
            std::unique_ptr<Index> index;
            ASSERT_NO_THROW(index = from_bytes(bytes));
            n++;
            if (!index) continue;  // the "null" record
            const auto xq = queries_for(index->d, 2, 3);
            std::vector<float> dis(2 * 3);
            std::vector<idx_t> lab(2 * 3);
            if (index->is_trained) {
                EXPECT_NO_THROW(index->search(2, xq.data(), 3, dis.data(), lab.data()));
            }
            // Ours save back byte for byte; Faiss's too (no hash-ordered direct map here).
            EXPECT_EQ(to_bytes(index.get()), bytes);
            for (size_t len = 0; len < bytes.size(); len++) {
                const std::vector<uint8_t> prefix_bytes(bytes.begin(), bytes.begin() + len);
                EXPECT_THROW(from_bytes(prefix_bytes), FaissException) << "truncated to " << len;
            }
        }
    }
    EXPECT_GE(n, 40u);  // the corpus holds every type
}

TEST_F(FuzzCorpus, TransformAndQuantizerRecordsLoad) {
    size_t n = 0;
    for (const fs::path& p : corpus_files("vt_")) {
        SCOPED_TRACE(p.filename().string());
        std::unique_ptr<VectorTransform> vt;
        ASSERT_NO_THROW(vt.reset(read_VectorTransform(p.c_str())));
        VectorIOWriter w;
        write_VectorTransform(vt.get(), &w);
        EXPECT_EQ(w.data, file_bytes(p));
        n++;
    }
    for (const fs::path& p : corpus_files("pq_")) {
        SCOPED_TRACE(p.filename().string());
        std::unique_ptr<ProductQuantizer> pq;
        ASSERT_NO_THROW(pq.reset(read_ProductQuantizer(p.c_str())));
        VectorIOWriter w;
        write_ProductQuantizer(pq.get(), &w);
        EXPECT_EQ(w.data, file_bytes(p));
        n++;
    }
    EXPECT_GE(n, 9u);
}

}  // namespace
}  // namespace faiss::test
