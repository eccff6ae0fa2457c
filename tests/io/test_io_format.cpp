// Exact bytes of the format (FAISS_FORMAT.md worked examples), rejected input, errors of
// the file layer.

#include "io_test_utils.h"

#include "common/test_utils.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/index_io.h>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

namespace faiss::test {
namespace {

template <class T>
void put(std::vector<uint8_t>& b, T v) {
    const auto* p = reinterpret_cast<const uint8_t*>(&v);
    b.insert(b.end(), p, p + sizeof(T));
}

void put_tag(std::vector<uint8_t>& b, const char* t) {
    b.insert(b.end(), t, t + 4);
}

void put_header(std::vector<uint8_t>& b, int32_t d, int64_t ntotal, int32_t metric) {
    put<int32_t>(b, d);
    put<int64_t>(b, ntotal);
    put<int64_t>(b, 1 << 20);
    put<int64_t>(b, 1 << 20);
    put<uint8_t>(b, 1);
    put<int32_t>(b, metric);
}

TEST(IndexIOFormat, FlatWorkedExample) {
    IndexFlatL2 index(2);
    const float v[2] = {1.0f, 2.0f};
    index.add(1, v);
    std::vector<uint8_t> expected;
    put_tag(expected, "IxF2");
    put_header(expected, 2, 1, 1);
    put<uint64_t>(expected, 2);
    put<float>(expected, 1.0f);
    put<float>(expected, 2.0f);
    ASSERT_EQ(expected.size(), 53u);
    EXPECT_EQ(to_bytes(&index), expected);

    IndexFlatIP empty(8);
    EXPECT_EQ(to_bytes(&empty).size(), 45u);
}

TEST(IndexIOFormat, IVFFlatWorkedExample) {
    // d = 2, nlist = 2, three vectors: list 0 holds ids 0 and 2, list 1 holds id 1.
    auto* q = new IndexFlatL2(2);
    const float centroids[4] = {0, 0, 10, 10};
    q->add(2, centroids);
    IndexIVFFlat index(q, 2, 2);
    index.own_fields = true;
    const float x[6] = {0.5f, 0, 9, 9, 0, 0.5f};
    index.add(3, x);
    const std::vector<uint8_t> bytes = to_bytes(&index);
    ASSERT_EQ(bytes.size(), 219u);
    EXPECT_EQ(0, std::memcmp(bytes.data(), "IwFl", 4));
    // invlists record starts after tag 4 + header 33 + nlist/nprobe 16 + quantizer 61 +
    // direct map 9 bytes.
    const size_t il = 4 + 33 + 16 + 61 + 9;
    EXPECT_EQ(0, std::memcmp(bytes.data() + il, "ilar", 4));
    EXPECT_EQ(0, std::memcmp(bytes.data() + il + 20, "full", 4));
}

TEST(IndexIOFormat, MetricArgOnlyAboveL2) {
    IndexFlat lp(3, METRIC_Lp);
    lp.metric_arg = 1.5f;
    const auto bytes = to_bytes(&lp);
    EXPECT_EQ(0, std::memcmp(bytes.data(), "IxFl", 4));
    EXPECT_EQ(bytes.size(), 4u + 37 + 8);
    auto back = from_bytes(bytes);
    EXPECT_EQ(back->metric_arg, 1.5f);
    EXPECT_EQ(typeid(*back), typeid(IndexFlat));
}

TEST(IndexIOFormat, RejectsBadBool) {
    IndexFlatL2 index(2);
    auto bytes = to_bytes(&index);
    bytes[4 + 28] = 2;  // is_trained
    expect_code(
        ErrorCode::corrupt_data, [&] { from_bytes(bytes); }, "is_trained");
}

TEST(IndexIOFormat, ErrorsNameFieldAndOffset) {
    IndexFlatL2 index(2);
    const float v[2] = {1, 2};
    index.add(1, v);
    auto bytes = to_bytes(&index);
    bytes.resize(bytes.size() - 3);
    expect_code(
        ErrorCode::corrupt_data, [&] { from_bytes(bytes); }, "byte offset 37");
    expect_code(
        ErrorCode::corrupt_data, [&] { from_bytes(bytes); }, "IndexFlat.codes");

    std::vector<uint8_t> unknown = {'I', 'x', 'Q', 'Q', 0, 0};
    expect_code(
        ErrorCode::corrupt_data, [&] { from_bytes(unknown); }, "not recognized");
    std::vector<uint8_t> huge;
    put_tag(huge, "IxF2");
    put_header(huge, 4, int64_t(1) << 40, 1);
    put<uint64_t>(huge, uint64_t(1) << 42);
    expect_code(
        ErrorCode::corrupt_data, [&] { from_bytes(huge); }, "limit");
}

TEST(IndexIOFormat, UnsupportedFaissTypes) {
    std::vector<uint8_t> hnsw = {'I', 'H', 'N', 'f'};
    put_header(hnsw, 4, 0, 1);
    EXPECT_THROW(from_bytes(hnsw), FaissException);
    std::vector<uint8_t> legacy = {'I', 'v', 'F', 'L'};
    expect_code(
        ErrorCode::unsupported, [&] { from_bytes(legacy); }, "legacy");
    std::vector<uint8_t> canberra = {'I', 'x', 'F', 'l'};
    put_header(canberra, 4, 0, 20);
    expect_code(
        ErrorCode::unsupported, [&] { from_bytes(canberra); }, "metric");
}

TEST(IndexIOFormat, NestingLimit) {
    // IDMap inside IDMap inside ... deeper than any real file.
    std::vector<uint8_t> bytes;
    for (int i = 0; i < 60; i++) {
        put_tag(bytes, "IxMp");
        put_header(bytes, 4, 0, 1);
    }
    expect_code(
        ErrorCode::corrupt_data, [&] { from_bytes(bytes); }, "nested");
}

TEST(IndexIOFormat, FileErrors) {
    expect_code(
        ErrorCode::io_error, [] { read_index("/nonexistent/dir/x.index"); }, "could not open");
    IndexFlatL2 index(2);
    expect_code(ErrorCode::io_error, [&] { write_index(&index, "/nonexistent/dir/x.index"); });
    expect_code(ErrorCode::invalid_argument, [] { read_index(static_cast<const char*>(nullptr)); });
    expect_code(ErrorCode::invalid_argument,
                [&] { write_index(&index, static_cast<IOWriter*>(nullptr)); });
}

struct NotSaveable : IndexFlatL2 {
    NotSaveable() : IndexFlatL2(2) {}
};

TEST(IndexIOFormat, UnsupportedTypeLeavesFileAlone) {
    const std::string path =
        ::testing::TempDir() + "faiss_io_unsupported_" + std::to_string(::getpid()) + ".index";
    IndexFlatL2 index(2);
    write_index(&index, path.c_str());
    NotSaveable other;
    expect_code(
        ErrorCode::unsupported, [&] { write_index(&other, path.c_str()); },
        "don't know how to serialize");
    std::unique_ptr<Index> back(read_index(path.c_str()));
    EXPECT_EQ(typeid(*back), typeid(IndexFlatL2));
    std::remove(path.c_str());
}

TEST(IndexIOFormat, SaveKeepsPermissions) {
    const std::string path =
        ::testing::TempDir() + "faiss_io_mode_" + std::to_string(::getpid()) + ".index";
    IndexFlatL2 index(2);
    write_index(&index, path.c_str());
    ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
    write_index(&index, path.c_str());
    struct stat st;
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0640u);
    std::remove(path.c_str());
}

TEST(IndexIOFormat, SaveThroughSymlinkAndToDevices) {
    const std::string dir = ::testing::TempDir();
    const std::string target = dir + "faiss_io_target_" + std::to_string(::getpid()) + ".index";
    const std::string link = dir + "faiss_io_link_" + std::to_string(::getpid()) + ".index";
    IndexFlatL2 index(2);
    write_index(&index, target.c_str());
    ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
    const float v[2] = {1, 2};
    index.add(1, v);
    write_index(&index, link.c_str());
    struct stat st;
    ASSERT_EQ(::lstat(link.c_str(), &st), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode));
    std::unique_ptr<Index> back(read_index(target.c_str()));
    EXPECT_EQ(back->ntotal, 1);
    write_index(&index, "/dev/null");
    std::remove(link.c_str());
    std::remove(target.c_str());
}

TEST(IndexIOFormat, UnknownSizeStreamGrowsWithData) {
    // A reader that cannot tell its size: a lying count must fail at the end of the data,
    // not allocate the declared size.
    struct Pipe : IOReader {
        std::vector<uint8_t> bytes;
        size_t rp = 0;
        size_t operator()(void* p, size_t size, size_t n) override {
            const size_t k = std::min(n, (bytes.size() - rp) / size);
            if (k == 0) return 0;
            std::memcpy(p, bytes.data() + rp, k * size);
            rp += k * size;
            return k;
        }
    } pipe;
    put_tag(pipe.bytes, "IxF2");
    put_header(pipe.bytes, 1024, int64_t(1) << 26, 1);
    put<uint64_t>(pipe.bytes, uint64_t(1) << 36);  // 256 GiB declared
    pipe.bytes.resize(pipe.bytes.size() + 100);
    expect_code(
        ErrorCode::corrupt_data, [&] { read_index(&pipe); }, "end of data");
}

}  // namespace
}  // namespace faiss::test
