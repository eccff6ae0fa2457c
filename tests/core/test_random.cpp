// Random generators: determinism for a seed, independence from the OpenMP thread count,
// ranges and rough distribution checks (tolerances are several standard errors wide).
#include <faiss/FaissException.h>
#include <faiss/utils/random.h>

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <vector>

namespace {

// Above the size where the fillers go parallel.
constexpr size_t kLarge = 300000;

template <class T, class Fill>
std::vector<T> fill_with_threads(int nthreads, size_t n, Fill fill) {
    const int saved = omp_get_max_threads();
    omp_set_num_threads(nthreads);
    std::vector<T> x(n);
    fill(x.data(), n);
    omp_set_num_threads(saved);
    return x;
}

template <class T, class Fill>
void expect_deterministic(Fill fill) {
    auto one = fill_with_threads<T>(1, kLarge, fill);
    auto three = fill_with_threads<T>(3, kLarge, fill);
    auto eight = fill_with_threads<T>(8, kLarge, fill);
    EXPECT_TRUE(one == three);
    EXPECT_TRUE(one == eight);
    // element i does not depend on n: a short call gives the prefix of a long one
    auto prefix = fill_with_threads<T>(2, 1001, fill);
    EXPECT_TRUE(std::equal(prefix.begin(), prefix.end(), one.begin()));
}

double mean_of(const std::vector<float>& x) {
    return std::accumulate(x.begin(), x.end(), 0.0) / double(x.size());
}

double variance_of(const std::vector<float>& x) {
    const double m = mean_of(x);
    double acc = 0;
    for (float v : x)
        acc += (v - m) * (v - m);
    return acc / double(x.size());
}

}  // namespace

TEST(Random, BulkFillersIndependentOfThreadCount) {
    expect_deterministic<float>([](float* x, size_t n) { faiss::float_rand(x, n, 42); });
    expect_deterministic<float>([](float* x, size_t n) { faiss::float_randn(x, n, 42); });
    expect_deterministic<int64_t>([](int64_t* x, size_t n) { faiss::int64_rand(x, n, 42); });
    expect_deterministic<int64_t>(
        [](int64_t* x, size_t n) { faiss::int64_rand_max(x, n, 1000003, 42); });
    expect_deterministic<uint8_t>([](uint8_t* x, size_t n) { faiss::byte_rand(x, n, 42); });
}

TEST(Random, SeedsGiveDifferentStreams) {
    std::vector<float> a(1000), b(1000), c(1000);
    faiss::float_rand(a.data(), a.size(), 1);
    faiss::float_rand(b.data(), b.size(), 2);
    faiss::float_rand(c.data(), c.size(), 1);
    EXPECT_EQ(a, c);
    size_t same = 0;
    for (size_t i = 0; i < a.size(); i++)
        same += a[i] == b[i];
    EXPECT_LT(same, 5u);
}

TEST(Random, FloatRandIsUniform) {
    std::vector<float> x(kLarge);
    faiss::float_rand(x.data(), x.size(), 123);
    EXPECT_GE(*std::min_element(x.begin(), x.end()), 0.0f);
    EXPECT_LT(*std::max_element(x.begin(), x.end()), 1.0f);
    EXPECT_NEAR(mean_of(x), 0.5, 0.005);
    EXPECT_NEAR(variance_of(x), 1.0 / 12, 0.002);
    std::vector<size_t> bins(10);
    for (float v : x)
        bins[size_t(v * 10)]++;
    for (size_t count : bins)
        EXPECT_NEAR(double(count), kLarge / 10.0, 900.0);
}

TEST(Random, FloatRandnIsStandardNormal) {
    std::vector<float> x(kLarge + 1);  // odd size: the last pair is cut
    faiss::float_randn(x.data(), x.size(), 5);
    for (float v : x)
        ASSERT_TRUE(std::isfinite(v));
    EXPECT_NEAR(mean_of(x), 0.0, 0.01);
    EXPECT_NEAR(variance_of(x), 1.0, 0.015);
    size_t within_one = 0, within_two = 0;
    for (float v : x) {
        within_one += std::fabs(v) < 1;
        within_two += std::fabs(v) < 2;
    }
    EXPECT_NEAR(double(within_one) / x.size(), 0.6827, 0.005);
    EXPECT_NEAR(double(within_two) / x.size(), 0.9545, 0.003);
}

TEST(Random, Int64RandCoversNonNegativeRange) {
    std::vector<int64_t> x(100000);
    faiss::int64_rand(x.data(), x.size(), 8);
    EXPECT_GE(*std::min_element(x.begin(), x.end()), 0);
    EXPECT_GT(*std::max_element(x.begin(), x.end()), int64_t(1) << 62);
    size_t odd = 0;
    for (int64_t v : x)
        odd += v & 1;
    EXPECT_NEAR(double(odd) / x.size(), 0.5, 0.01);
}

TEST(Random, Int64RandMaxIsUniformInRange) {
    std::vector<int64_t> x(70000);
    faiss::int64_rand_max(x.data(), x.size(), 7, 3);
    std::vector<size_t> counts(7);
    for (int64_t v : x) {
        ASSERT_GE(v, 0);
        ASSERT_LT(v, 7);
        counts[size_t(v)]++;
    }
    for (size_t c : counts)
        EXPECT_NEAR(double(c), 10000.0, 450.0);

    // A bound of 3 * 2^61: with modulo reduction the values below 2^62 would take
    // 3/4 of the draws instead of 2/3.
    const uint64_t max = uint64_t(3) << 61;
    faiss::int64_rand_max(x.data(), x.size(), max, 4);
    size_t below = 0;
    for (int64_t v : x) {
        ASSERT_LT(uint64_t(v), max);
        below += uint64_t(v) < (uint64_t(1) << 62);
    }
    EXPECT_NEAR(double(below) / x.size(), 2.0 / 3, 0.01);

    faiss::int64_rand_max(x.data(), 10, uint64_t(1) << 63, 4);
    for (size_t i = 0; i < 10; i++)
        EXPECT_GE(x[i], 0);
    faiss::int64_rand_max(x.data(), 10, 1, 4);
    for (size_t i = 0; i < 10; i++)
        EXPECT_EQ(x[i], 0);
}

TEST(Random, ByteRandUsesAllValues) {
    std::vector<uint8_t> x(256 * 400);
    faiss::byte_rand(x.data(), x.size(), 77);
    std::vector<size_t> counts(256);
    for (uint8_t v : x)
        counts[v]++;
    for (size_t c : counts)
        EXPECT_NEAR(double(c), 400.0, 100.0);
}

TEST(Random, RandPermIsAUniformPermutation) {
    for (auto perm_fn : {&faiss::rand_perm, &faiss::rand_perm_splitmix64}) {
        std::vector<int> perm(1000);
        perm_fn(perm.data(), perm.size(), 17);
        std::vector<int> sorted = perm;
        std::sort(sorted.begin(), sorted.end());
        for (int i = 0; i < 1000; i++)
            ASSERT_EQ(sorted[i], i);
        std::vector<int> again(1000);
        perm_fn(again.data(), again.size(), 17);
        EXPECT_EQ(perm, again);
        perm_fn(again.data(), again.size(), 18);
        EXPECT_NE(perm, again);

        // all 6 orders of 3 elements, about equally often over many seeds
        std::map<std::vector<int>, int> counts;
        for (int seed = 0; seed < 6000; seed++) {
            std::vector<int> p(3);
            perm_fn(p.data(), 3, seed);
            counts[p]++;
        }
        EXPECT_EQ(counts.size(), 6u);
        for (const auto& entry : counts)
            EXPECT_NEAR(entry.second, 1000, 130);

        perm_fn(nullptr, 0, 1);  // empty is fine
        int one = -1;
        perm_fn(&one, 1, 1);
        EXPECT_EQ(one, 0);
    }
}

TEST(Random, GeneratorDraws) {
    faiss::RandomGenerator a(99), b(99);
    for (int i = 0; i < 1000; i++) {
        const int v = a.rand_int();
        EXPECT_EQ(v, b.rand_int());
        EXPECT_GE(v, 0);
        const int64_t w = a.rand_int64();
        EXPECT_EQ(w, b.rand_int64());
        EXPECT_GE(w, 0);
        const float f = a.rand_float();
        EXPECT_EQ(f, b.rand_float());
        EXPECT_GE(f, 0.0f);
        EXPECT_LT(f, 1.0f);
        const double g = a.rand_double();
        EXPECT_EQ(g, b.rand_double());
        EXPECT_GE(g, 0.0);
        EXPECT_LT(g, 1.0);
        const int r = a.rand_int(13);
        EXPECT_EQ(r, b.rand_int(13));
        EXPECT_GE(r, 0);
        EXPECT_LT(r, 13);
    }
}

TEST(Random, GeneratorBoundedDrawsAreUnbiased) {
    // max = 3 * 2^29: with a plain modulo of 32-bit draws, values below 2^30 would be
    // drawn with probability 3/4 instead of 2/3.
    const int max = 3 << 29;
    faiss::RandomGenerator mt(1);
    faiss::SplitMix64RandomGenerator sm(1);
    size_t below_mt = 0, below_sm = 0;
    const int n = 60000;
    for (int i = 0; i < n; i++) {
        const int a = mt.rand_int(max), b = sm.rand_int(max);
        ASSERT_TRUE(a >= 0 && a < max && b >= 0 && b < max);
        below_mt += a < (1 << 30);
        below_sm += b < (1 << 30);
    }
    EXPECT_NEAR(double(below_mt) / n, 2.0 / 3, 0.01);
    EXPECT_NEAR(double(below_sm) / n, 2.0 / 3, 0.01);
}

TEST(Random, BadInput) {
    faiss::RandomGenerator rng;
    faiss::SplitMix64RandomGenerator sm;
    EXPECT_THROW(rng.rand_int(0), faiss::FaissException);
    EXPECT_THROW(rng.rand_int(-5), faiss::FaissException);
    EXPECT_THROW(sm.rand_int(0), faiss::FaissException);
    int64_t x[2];
    EXPECT_THROW(faiss::int64_rand_max(x, 2, 0, 1), faiss::FaissException);
    EXPECT_THROW(faiss::int64_rand_max(x, 2, (uint64_t(1) << 63) + 1, 1), faiss::FaissException);
    EXPECT_THROW(faiss::float_rand(nullptr, 3, 1), faiss::FaissException);
    EXPECT_THROW(faiss::float_randn(nullptr, 3, 1), faiss::FaissException);
    EXPECT_THROW(faiss::int64_rand(nullptr, 3, 1), faiss::FaissException);
    EXPECT_THROW(faiss::byte_rand(nullptr, 3, 1), faiss::FaissException);
    EXPECT_THROW(faiss::rand_perm(nullptr, 3, 1), faiss::FaissException);
    int dummy = 0;
    EXPECT_THROW(faiss::rand_perm(&dummy, size_t(1) << 32, 1), faiss::FaissException);
    EXPECT_NO_THROW(faiss::float_rand(nullptr, 0, 1));
}
