// Two processes that map the same index file share its pages: each child maps a 4 MiB
// IndexFlat with IO_FLAG_MMAP | IO_FLAG_READ_ONLY and touches every page; the parent
// then reads the children's /proc/<pid>/smaps entry for the file: resident, shared and
// clean (Shared_Clean counts pages mapped by more than one process), with nothing
// private or dirty, i.e. one copy in the page cache, not one per process.

#include "common/test_utils.h"

#include <faiss/IndexFlat.h>
#include <faiss/index_io.h>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace faiss::test {
namespace {

// The kB fields of the smaps entries that map path, summed.
std::map<std::string, long> mapping_kb(pid_t pid, const std::string& path) {
    std::ifstream smaps("/proc/" + std::to_string(pid) + "/smaps");
    std::map<std::string, long> kb;
    std::string line;
    bool inside = false;
    while (std::getline(smaps, line)) {
        std::istringstream words(line);
        std::string first, second;
        words >> first >> second;
        if (first.find('-') != std::string::npos && first.back() != ':') {
            // "start-end perms offset dev inode [path]"
            std::string offset, dev, inode, name;
            words >> offset >> dev >> inode >> name;
            inside = name == path;
        } else if (inside && !first.empty() && first.back() == ':') {
            kb[first.substr(0, first.size() - 1)] += std::atol(second.c_str());
        }
    }
    return kb;
}

// Child: map, touch every page bytewise, report, wait for the parent to look.
[[noreturn]] void child(const std::string& path, int ready_fd, int go_fd) {
    int status = 1;
    try {
        std::unique_ptr<Index> index(read_index(path.c_str(), IO_FLAG_MMAP | IO_FLAG_READ_ONLY));
        const auto& codes = static_cast<const IndexFlat&>(*index).codes;
        unsigned sum = 0;
        for (size_t i = 0; i < codes.size(); i += 512)
            sum += codes.data()[i];
        const char ok = codes.is_owned() ? 'o' : char('a' + sum % 2);
        if (::write(ready_fd, &ok, 1) == 1) {
            char go;
            status = ::read(go_fd, &go, 1) == 1 ? 0 : 2;
        }
    } catch (...) {
        status = 3;
    }
    std::_Exit(status);
}

TEST(IndexIOMmapSharing, TwoProcessesShareThePages) {
    if (::access("/proc/self/smaps", R_OK) != 0) GTEST_SKIP() << "no /proc/<pid>/smaps";
    std::string path =
        ::testing::TempDir() + "faiss_mmap_shared_" + std::to_string(::getpid()) + ".index";
    {
        IndexFlatL2 index(64);
        const auto x = random_vectors(16384, 64, 5);  // 4 MiB of floats
        index.add(16384, x.data());
        write_index(&index, path.c_str());
    }
    char real[PATH_MAX];
    ASSERT_TRUE(::realpath(path.c_str(), real));
    const std::string mapped_name(real);
    struct stat st;
    ASSERT_EQ(::stat(real, &st), 0);
    const long file_kb = long(st.st_size / 1024);

    pid_t pids[2];
    int ready[2][2], go[2][2];
    for (int c = 0; c < 2; c++) {
        ASSERT_EQ(::pipe(ready[c]), 0);
        ASSERT_EQ(::pipe(go[c]), 0);
        std::fflush(nullptr);
        pids[c] = ::fork();
        ASSERT_GE(pids[c], 0);
        if (pids[c] == 0) child(mapped_name, ready[c][1], go[c][0]);
    }
    for (int c = 0; c < 2; c++) {
        char ok = 0;
        ASSERT_EQ(::read(ready[c][0], &ok, 1), 1);
        EXPECT_NE(ok, 'o') << "child " << c << " holds an owned copy, not a mapping";
    }
    for (int c = 0; c < 2; c++) {
        const auto kb = mapping_kb(pids[c], mapped_name);
        SCOPED_TRACE("child " + std::to_string(c));
        EXPECT_GE(kb.count("Rss") ? kb.at("Rss") : 0, file_kb * 9 / 10);
        EXPECT_GE(kb.count("Shared_Clean") ? kb.at("Shared_Clean") : 0, file_kb * 9 / 10);
        EXPECT_EQ(kb.count("Private_Dirty") ? kb.at("Private_Dirty") : -1, 0);
    }
    for (int c = 0; c < 2; c++) {
        const char g = 'g';
        EXPECT_EQ(::write(go[c][1], &g, 1), 1);
        int status = -1;
        ::waitpid(pids[c], &status, 0);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
        for (int fd : {ready[c][0], ready[c][1], go[c][0], go[c][1]})
            ::close(fd);
    }
    std::remove(path.c_str());
}

}  // namespace
}  // namespace faiss::test
