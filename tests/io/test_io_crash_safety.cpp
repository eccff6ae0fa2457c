// Saving over an existing index is crash-safe: a child process killed at a random moment
// while saving leaves the file with either the old or the new content, readable.

#include "io_test_utils.h"

#include "common/test_utils.h"

#include <faiss/IndexFlat.h>
#include <faiss/index_io.h>

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>

namespace faiss::test {
namespace {

std::vector<uint8_t> file_bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

TEST(IndexIOCrashSafety, KilledWhileSaving) {
    const std::string dir = ::testing::TempDir();
    const std::string path = dir + "faiss_io_crash_" + std::to_string(::getpid()) + ".index";
    IndexFlatL2 old_index(16);
    const auto xo = random_vectors(100, 16, 1);
    old_index.add(100, xo.data());
    // Several MB, so that a save takes long enough to be interrupted.
    IndexFlatL2 new_index(64);
    const auto xn = random_vectors(40000, 64, 2);
    new_index.add(40000, xn.data());
    const std::vector<uint8_t> old_bytes = to_bytes(&old_index);
    const std::vector<uint8_t> new_bytes = to_bytes(&new_index);

    std::mt19937 rng(5);
    int saw_old = 0, saw_new = 0;
    for (int round = 0; round < 8; round++) {
        write_index(&old_index, path.c_str());
        const pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            for (;;)
                write_index(&new_index, path.c_str());
        }
        ::usleep(1000 + rng() % 30000);
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
        const std::vector<uint8_t> now = file_bytes(path);
        const bool is_old = now == old_bytes, is_new = now == new_bytes;
        EXPECT_TRUE(is_old || is_new) << "round " << round << ": " << now.size() << " bytes";
        saw_old += is_old;
        saw_new += is_new;
        std::unique_ptr<Index> back(read_index(path.c_str()));
        EXPECT_TRUE(back->ntotal == 100 || back->ntotal == 40000);
    }
    std::remove(path.c_str());
    // Temporary files of killed saves are left behind: remove them.
    const std::string cleanup = "rm -f '" + path + "'.tmp.*";
    EXPECT_EQ(std::system(cleanup.c_str()), 0);
    RecordProperty("rounds_old", saw_old);
    RecordProperty("rounds_new", saw_new);
}

}  // namespace
}  // namespace faiss::test
