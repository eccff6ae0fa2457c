// faiss/utils/utils.h and the Faiss include paths that forward to our headers.
#include <faiss/FaissException.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <faiss/impl/DistanceComputer.h>
#include <faiss/impl/PolysemousTraining.h>
#include <faiss/utils/utils.h>

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace {

TEST(Utils, GetmillisecsMeasuresElapsedTime) {
    const double t0 = faiss::getmillisecs();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const double dt = faiss::getmillisecs() - t0;
    EXPECT_GE(dt, 19.0);
    EXPECT_LT(dt, 5000.0);
}

TEST(Utils, MemUsageGrowsWithTouchedMemory) {
    const size_t before = faiss::get_mem_usage_kb();
    ASSERT_GT(before, 0u);  // Linux reports VmRSS
    std::vector<char> block(64 << 20, 1);
    const size_t after = faiss::get_mem_usage_kb();
    EXPECT_GE(after, before + (48 << 10)) << "64 MiB touched, RSS " << before << " -> " << after;
    EXPECT_EQ(block[12345], 1);
}

TEST(Utils, ImbalanceFactor) {
    const std::vector<faiss::idx_t> balanced{0, 1, 2, 3, 0, 1, 2, 3};
    EXPECT_DOUBLE_EQ(faiss::imbalance_factor(8, 4, balanced.data()), 1.0);
    const std::vector<faiss::idx_t> one_cluster(8, 2);
    EXPECT_DOUBLE_EQ(faiss::imbalance_factor(8, 4, one_cluster.data()), 4.0);
    const std::vector<faiss::idx_t> skewed{0, 0, 0, 1};  // sizes 3,1: 2*(9+1)/16
    EXPECT_DOUBLE_EQ(faiss::imbalance_factor(4, 2, skewed.data()), 1.25);
}

TEST(Utils, ImbalanceFactorBadInput) {
    const std::vector<faiss::idx_t> bad{0, 5};
    EXPECT_THROW(faiss::imbalance_factor(2, 4, bad.data()), faiss::FaissException);
    EXPECT_THROW(faiss::imbalance_factor(0, 4, bad.data()), faiss::FaissException);
    EXPECT_THROW(faiss::imbalance_factor(2, 0, bad.data()), faiss::FaissException);
    EXPECT_THROW(faiss::imbalance_factor(2, 4, nullptr), faiss::FaissException);
}

TEST(Utils, IvecHist) {
    const std::vector<int> v{0, 2, 2, 5, -1, 1};
    std::vector<int> hist(3, 77);
    EXPECT_EQ(faiss::ivec_hist(v.size(), v.data(), 3, hist.data()), 2);
    EXPECT_EQ(hist, (std::vector<int>{1, 1, 2}));
    EXPECT_THROW(faiss::ivec_hist(1, v.data(), -1, hist.data()), faiss::FaissException);
}

TEST(Utils, FaissIncludePathsForward) {
    faiss::RangeSearchResult res(2);
    EXPECT_EQ(res.nq, 2u);
    faiss::InterruptCallback* current = faiss::InterruptCallback::instance.get();
    (void)current;  // the type is visible through AuxIndexStructures.h
    faiss::PolysemousTraining pt;
    EXPECT_GT(pt.n_iter, 0);
}

}  // namespace
