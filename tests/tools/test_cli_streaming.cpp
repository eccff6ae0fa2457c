// faiss-cli build streams the base file: adding it to an IVF-PQ index never holds the file
// in memory, only one block at a time, so a base larger than memory can be indexed. The
// peak resident memory of a build from a 31 MB base is compared with the same build from a
// 30 times smaller base: the difference must stay far below the file size (it is the
// index's 16 bytes a vector of codes and ids). Also: the progress lines of every step.
#include "cli_test_util.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>

using namespace faiss_cli_test;

namespace {

/// An .fvecs file of n random rows, written row by row (never all in memory here either).
size_t write_random_fvecs(const std::string& path, size_t n, size_t d) {
    std::ofstream out(path, std::ios::binary);
    std::mt19937 rng(17);
    std::normal_distribution<float> normal;
    std::vector<float> row(d);
    const int32_t dim = int32_t(d);
    for (size_t i = 0; i < n; i++) {
        for (auto& v : row)
            v = normal(rng);
        out.write(reinterpret_cast<const char*>(&dim), 4);
        out.write(reinterpret_cast<const char*>(row.data()), std::streamsize(4 * d));
    }
    return n * (4 + 4 * d);
}

size_t count(const std::string& text, const std::string& needle) {
    size_t c = 0;
    for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1))
        c++;
    return c;
}

TEST(CliStreaming, BuildAddsTheBaseInBlocksWithBoundedMemory) {
    const std::string dir = make_temp_dir();
    const size_t d = 128, n_large = 60000, n_small = 2000;
    const size_t file_bytes = write_random_fvecs(dir + "/large.fvecs", n_large, d);
    write_random_fvecs(dir + "/small.fvecs", n_small, d);
    const std::string opts = " --factory IVF64,PQ8 --train-sample 2000 --block 3000 --threads 1";

    long rss_small = 0, rss_large = 0;
    CliRun small = run_cli_measured(
        "build --base " + dir + "/small.fvecs" + opts + " --output " + dir + "/small.index",
        rss_small);
    ASSERT_EQ(small.status, 0) << small.out << small.err;
    ::setenv("FAISS_CLI_PROGRESS_INTERVAL", "0", 1);  // a plain line at every step
    CliRun large = run_cli_measured(
        "build --base " + dir + "/large.fvecs" + opts + " --output " + dir + "/large.index",
        rss_large);
    ::unsetenv("FAISS_CLI_PROGRESS_INTERVAL");
    ASSERT_EQ(large.status, 0) << large.out << large.err;
    ASSERT_GT(rss_small, 0);
    const double growth_mb = double(rss_large - rss_small) / 1024;
    EXPECT_LT(growth_mb, double(file_bytes) / (1 << 20) / 4)
        << "peak memory grew by " << growth_mb << " MiB for a " << file_bytes / (1 << 20)
        << " MiB base: the base is not streamed";

    // Progress: adding in 20 blocks of 3000, each with percentage and ETA; writing with
    // percentage of the bytes; training with the library's progress (IVF, then PQ).
    EXPECT_GE(count(large.out, "adding 60000 vectors: "), 20u) << large.out.substr(0, 3000);
    EXPECT_NE(large.out.find("(60000 / 60000), "), std::string::npos);
    EXPECT_GE(count(large.out, "ETA "), 20u);
    EXPECT_NE(large.out.find("training: done in"), std::string::npos);
    EXPECT_NE(large.out.find("% (IndexIVF::train "), std::string::npos)
        << large.out.substr(0, 3000);
    EXPECT_GE(count(large.out, " MiB), "), 1u) << "no progress line while writing";
    EXPECT_NE(large.out.find("writing: done in"), std::string::npos);

    CliRun info = run_cli("info --index " + dir + "/large.index");
    ASSERT_EQ(info.status, 0) << info.err;
    EXPECT_NE(info.out.find("ntotal: 60000"), std::string::npos) << info.out;
}

}  // namespace
