// SIMD level selection: parsing of FAISS_SIMD_LEVEL, the start-up choice, the
// set/get round trip, refusal of unsupported levels, names, and CPU detection.
#include <faiss/FaissException.h>
#include <faiss/simd/cpu_features.h>
#include <faiss/simd/dispatch.h>
#include <faiss/simd/simd_level.h>
#include <faiss/utils/distances.h>

#include <gtest/gtest.h>

#include "simd_test_helpers.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace {

using faiss::SimdLevel;

TEST(SimdDispatch, ParsesLevelNames) {
    SimdLevel level = SimdLevel::avx2;
    EXPECT_TRUE(faiss::simd::parse_simd_level("scalar", &level));
    EXPECT_EQ(level, SimdLevel::scalar);
    EXPECT_TRUE(faiss::simd::parse_simd_level("avx512", &level));
    EXPECT_EQ(level, SimdLevel::avx512);
    EXPECT_TRUE(faiss::simd::parse_simd_level(" AVX2\n", &level));
    EXPECT_EQ(level, SimdLevel::avx2);
    for (const char* bad : {"", "avx", "avx-512", "sse", "avx2 avx512", "512"}) {
        level = SimdLevel::scalar;
        EXPECT_FALSE(faiss::simd::parse_simd_level(bad, &level)) << bad;
        EXPECT_EQ(level, SimdLevel::scalar) << "changed by '" << bad << "'";
    }
    EXPECT_FALSE(faiss::simd::parse_simd_level(nullptr, &level));
}

TEST(SimdDispatch, InitialLevelFromEnvironmentValue) {
    std::string warning = "stale";
    using faiss::simd::initial_simd_level;
    EXPECT_EQ(initial_simd_level(nullptr, SimdLevel::avx512, &warning), SimdLevel::avx512);
    EXPECT_TRUE(warning.empty());
    EXPECT_EQ(initial_simd_level("  ", SimdLevel::avx2, &warning), SimdLevel::avx2);
    EXPECT_TRUE(warning.empty());
    EXPECT_EQ(initial_simd_level("scalar", SimdLevel::avx512, &warning), SimdLevel::scalar);
    EXPECT_TRUE(warning.empty());
    EXPECT_EQ(initial_simd_level("avx2", SimdLevel::avx512, &warning), SimdLevel::avx2);
    EXPECT_TRUE(warning.empty());
    EXPECT_EQ(initial_simd_level("avx512", SimdLevel::avx512, &warning), SimdLevel::avx512);
    EXPECT_TRUE(warning.empty());

    // above what the CPU supports: warn and take the best supported
    EXPECT_EQ(initial_simd_level("avx512", SimdLevel::avx2, &warning), SimdLevel::avx2);
    EXPECT_NE(warning.find("avx512"), std::string::npos) << warning;
    EXPECT_NE(warning.find("using avx2"), std::string::npos) << warning;
    EXPECT_EQ(initial_simd_level("avx2", SimdLevel::scalar, &warning), SimdLevel::scalar);
    EXPECT_NE(warning.find("using scalar"), std::string::npos) << warning;

    // unknown value: warn, naming the value and the choices
    EXPECT_EQ(initial_simd_level("fast", SimdLevel::avx2, &warning), SimdLevel::avx2);
    EXPECT_NE(warning.find("'fast'"), std::string::npos) << warning;
    EXPECT_NE(warning.find("scalar, avx2, avx512"), std::string::npos) << warning;
}

// Tests restore the level they change, so the process still runs at the start-up
// choice here: the best level, or FAISS_SIMD_LEVEL's when it names a supported one.
TEST(SimdDispatch, StartsAtTheEnvironmentOrBestLevel) {
    std::string warning;
    SimdLevel expected = faiss::simd::initial_simd_level(
        std::getenv("FAISS_SIMD_LEVEL"), faiss::max_supported_simd_level(), &warning);
    EXPECT_EQ(faiss::get_simd_level(), expected);
}

// End to end through the environment: rerun this executable with FAISS_SIMD_LEVEL set
// and only the test above, which fails in the child if the variable was not applied.
// Returns the child's exit status; its stderr goes to `stderr_path`.
// The path of this executable (read in this process: in the child shell,
// /proc/self/exe would name the shell).
std::string this_executable() {
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

int run_child_with_level(const std::string& value, const std::string& stderr_path) {
    std::string cmd = "FAISS_SIMD_LEVEL='" + value + "' '" + this_executable() +
                      "' --gtest_filter=SimdDispatch.StartsAtTheEnvironmentOrBestLevel"
                      " > /dev/null 2> '" +
                      stderr_path + "'";
    return std::system(cmd.c_str());
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(SimdDispatch, EnvironmentVariableIsAppliedAtStartup) {
    if (this_executable().empty()) GTEST_SKIP() << "needs /proc/self/exe";
    std::string err_path = ::testing::TempDir() + "faiss_simd_env_stderr.txt";
    for (SimdLevel level : faiss::test::supported_simd_levels()) {
        EXPECT_EQ(run_child_with_level(faiss::simd_level_name(level), err_path), 0)
            << "FAISS_SIMD_LEVEL=" << faiss::simd_level_name(level) << " " << read_file(err_path);
        EXPECT_EQ(read_file(err_path), "") << "unexpected warning";
    }
    EXPECT_EQ(run_child_with_level("avx9000", err_path), 0);
    std::string warning = read_file(err_path);
    EXPECT_NE(warning.find("FAISS_SIMD_LEVEL='avx9000'"), std::string::npos) << warning;
    std::remove(err_path.c_str());
}

TEST(SimdDispatch, SetGetRoundTripForEverySupportedLevel) {
    SimdLevel saved = faiss::get_simd_level();
    for (SimdLevel level : faiss::test::supported_simd_levels()) {
        faiss::set_simd_level(level);
        EXPECT_EQ(faiss::get_simd_level(), level);
        EXPECT_STREQ(faiss::simd_level_name(), faiss::simd_level_name(level));
    }
    faiss::set_simd_level(saved);
    EXPECT_EQ(faiss::get_simd_level(), saved);
}

TEST(SimdDispatch, LevelNames) {
    EXPECT_STREQ(faiss::simd_level_name(SimdLevel::scalar), "scalar");
    EXPECT_STREQ(faiss::simd_level_name(SimdLevel::avx2), "avx2");
    EXPECT_STREQ(faiss::simd_level_name(SimdLevel::avx512), "avx512");
    EXPECT_STREQ(faiss::simd_level_name(static_cast<SimdLevel>(9)), "unknown");
    // every name parses back to its level
    for (SimdLevel level : {SimdLevel::scalar, SimdLevel::avx2, SimdLevel::avx512}) {
        SimdLevel parsed = SimdLevel::scalar;
        EXPECT_TRUE(faiss::simd::parse_simd_level(faiss::simd_level_name(level), &parsed));
        EXPECT_EQ(parsed, level);
    }
}

void expect_code(void (*fn)(), faiss::ErrorCode code) {
    try {
        fn();
        ADD_FAILURE() << "no exception";
    } catch (const faiss::FaissException& e) {
        EXPECT_EQ(e.code(), code) << e.what();
    }
}

TEST(SimdDispatch, UnsupportedLevelIsRefused) {
    using faiss::simd::check_simd_level;
    try {
        check_simd_level(SimdLevel::avx512, SimdLevel::avx2);
        ADD_FAILURE() << "avx512 accepted on an avx2 CPU";
    } catch (const faiss::FaissException& e) {
        EXPECT_EQ(e.code(), faiss::ErrorCode::unsupported);
        EXPECT_NE(e.message().find("avx512"), std::string::npos) << e.message();
    }
    EXPECT_THROW(check_simd_level(SimdLevel::avx2, SimdLevel::scalar), faiss::FaissException);
    EXPECT_NO_THROW(check_simd_level(SimdLevel::avx2, SimdLevel::avx2));
    expect_code([] { faiss::set_simd_level(static_cast<SimdLevel>(3)); },
                faiss::ErrorCode::invalid_argument);
    expect_code([] { faiss::set_simd_level(static_cast<SimdLevel>(-1)); },
                faiss::ErrorCode::invalid_argument);

    // On this host, every level above the best one must be refused by the real call
    // and leave the current level alone.
    SimdLevel before = faiss::get_simd_level();
    for (int l = static_cast<int>(faiss::max_supported_simd_level()) + 1; l <= 2; l++) {
        SimdLevel level = static_cast<SimdLevel>(l);
        try {
            faiss::set_simd_level(level);
            ADD_FAILURE() << faiss::simd_level_name(level) << " accepted";
        } catch (const faiss::FaissException& e) {
            EXPECT_EQ(e.code(), faiss::ErrorCode::unsupported);
        }
        EXPECT_EQ(faiss::get_simd_level(), before);
    }
}

TEST(SimdDispatch, EachLevelHasItsOwnTable) {
    std::set<const faiss::simd::DistanceKernels*> tables;
    for (SimdLevel level : faiss::test::supported_simd_levels()) {
        faiss::test::SimdLevelGuard guard(level);
        tables.insert(&faiss::simd::distance_kernels());
        int from_helper = faiss::simd::for_current_level(0, 1, 2);
        EXPECT_EQ(from_helper, static_cast<int>(level));
    }
    EXPECT_EQ(tables.size(), faiss::test::supported_simd_levels().size());
}

// Under ctest each test runs in a fresh process, so here the level is chosen while
// several threads race to the first kernel call; all must see one table.
TEST(SimdDispatch, ConcurrentFirstUseSeesOneLevel) {
    const int nthreads = 8;
    std::vector<float> x(100, 0.5f), y(100, 0.25f);
    std::vector<float> results(nthreads);
    std::vector<const faiss::simd::DistanceKernels*> tables(nthreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < nthreads; t++) {
        threads.emplace_back([&, t] {
            results[t] = faiss::fvec_L2sqr(x.data(), y.data(), x.size());
            tables[t] = &faiss::simd::distance_kernels();
        });
    }
    for (std::thread& th : threads)
        th.join();
    for (int t = 0; t < nthreads; t++) {
        EXPECT_EQ(results[t], 100 * 0.0625f);
        EXPECT_EQ(tables[t], tables[0]);
    }
}

// Linux lists in /proc/cpuinfo only the features the kernel enabled, which is what the
// cpuid + xgetbv detection must conclude too.
std::set<std::string> proc_cpuinfo_flags() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("flags", 0) != 0) continue;
        std::istringstream words(line.substr(line.find(':') + 1));
        std::set<std::string> flags;
        std::string w;
        while (words >> w)
            flags.insert(w);
        return flags;
    }
    return {};
}

TEST(SimdDispatch, DetectionAgreesWithProcCpuinfo) {
    std::set<std::string> flags = proc_cpuinfo_flags();
    if (flags.empty()) GTEST_SKIP() << "no /proc/cpuinfo flags on this system";
    auto has = [&](const char* f) { return flags.count(f) > 0; };
    const faiss::simd::CpuFeatures& cpu = faiss::simd::cpu_features();
    EXPECT_EQ(cpu.avx2, has("avx2"));
    EXPECT_EQ(cpu.fma, has("fma"));
    EXPECT_EQ(cpu.f16c, has("f16c"));
    EXPECT_EQ(cpu.avx512f, has("avx512f"));
    EXPECT_EQ(cpu.avx512bw, has("avx512bw"));
    EXPECT_EQ(cpu.avx512dq, has("avx512dq"));
    EXPECT_EQ(cpu.avx512vl, has("avx512vl"));
    SimdLevel expected = SimdLevel::scalar;
    if (has("avx2") && has("fma") && has("f16c")) expected = SimdLevel::avx2;
    if (expected == SimdLevel::avx2 && has("avx512f") && has("avx512bw") && has("avx512dq") &&
        has("avx512vl")) {
        expected = SimdLevel::avx512;
    }
    EXPECT_EQ(faiss::max_supported_simd_level(), expected);
}

}  // namespace
