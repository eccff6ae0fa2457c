// GpuIndexFlat against the CPU IndexFlat: same neighbours and distances for many shapes,
// k up to 2048, many tiles, device-resident inputs and outputs, float16 storage.

#include "common/test_utils.h"
#include "gpu/gpu_test_utils.h"

#include <faiss/IndexFlat.h>
#include <faiss/gpu/GpuIndexFlat.h>
#include <faiss/gpu/StandardGpuResources.h>
#include <faiss/gpu/impl/KnnEngine.h>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>

namespace {

using faiss::idx_t;
using faiss::MetricType;
using faiss::gpu::test::cpu_knn;
using faiss::gpu::test::DeviceArray;
using faiss::gpu::test::expect_same_knn;

struct Shape {
    int d;
    idx_t nb;
    idx_t nq;
    int k;
};

void check_flat(faiss::gpu::StandardGpuResources& res, const Shape& s, MetricType metric,
                uint64_t seed) {
    SCOPED_TRACE(testing::Message() << "d=" << s.d << " nb=" << s.nb << " nq=" << s.nq
                                    << " k=" << s.k << " metric=" << int(metric));
    auto xb = faiss::test::random_vectors(s.nb, s.d, seed);
    auto xq = faiss::test::random_vectors(s.nq, s.d, seed + 1);
    faiss::gpu::GpuIndexFlat index(&res, s.d, metric);
    index.add(s.nb, xb.data());
    ASSERT_EQ(index.ntotal, s.nb);
    std::vector<float> gd(size_t(s.nq) * s.k), cd;
    std::vector<idx_t> gi(size_t(s.nq) * s.k), ci;
    index.search(s.nq, xq.data(), s.k, gd.data(), gi.data());
    cpu_knn(xq.data(), xb.data(), s.nq, s.nb, s.d, s.k, metric, cd, ci);
    expect_same_knn(xq.data(), xb.data(), s.nq, s.nb, s.d, s.k, metric, cd, ci, gd, gi);
}

const Shape kShapes[] = {
    {1, 100, 10, 1},     {7, 1000, 33, 10},     {64, 5000, 100, 100},  {129, 3000, 17, 5},
    {300, 2000, 20, 64}, {32, 20000, 64, 1024}, {16, 10000, 20, 2048}, {8, 10, 5, 20},
    {48, 2500, 3, 2000}, {128, 40000, 50, 10},  {3, 17, 1000, 17},     {256, 1, 2, 1},
};

TEST(GpuIndexFlat, L2MatchesCpu) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    uint64_t seed = 10;
    for (const Shape& s : kShapes)
        check_flat(res, s, faiss::METRIC_L2, seed++);
}

TEST(GpuIndexFlat, InnerProductMatchesCpu) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    uint64_t seed = 50;
    for (const Shape& s : kShapes)
        check_flat(res, s, faiss::METRIC_INNER_PRODUCT, seed++);
}

// Small forced tiles: many GEMM tiles and selection launches per query, and candidate
// buffers that overflow often (k close to the tile width).
TEST(GpuIndexFlat, ManyTilesMatchCpu) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    faiss::gpu::detail::set_default_tiles(37, 100);
    const Shape shapes[] = {{24, 5000, 300, 50}, {40, 3000, 45, 2048}, {5, 999, 77, 1}};
    uint64_t seed = 90;
    for (const Shape& s : shapes) {
        check_flat(res, s, faiss::METRIC_L2, seed++);
        check_flat(res, s, faiss::METRIC_INNER_PRODUCT, seed++);
    }
    faiss::gpu::detail::set_default_tiles(0, 0);
}

// A small temporary budget still gives the same results (more pieces, overflow
// allocations).
TEST(GpuIndexFlat, NoTempMemoryMatchesCpu) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    res.noTempMemory();
    check_flat(res, {96, 8000, 200, 100}, faiss::METRIC_L2, 7);
}

// Sorted data make every element a candidate, the selection's worst case.
TEST(GpuIndexFlat, AdversarialOrderMatchesCpu) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 1;
    const idx_t nb = 30000;
    std::vector<float> xb(nb);
    for (idx_t i = 0; i < nb; ++i)
        xb[i] = float(nb - i);
    std::vector<float> xq = {0.f, -1.f, 5.f};
    for (int k : {1, 33, 1500}) {
        faiss::gpu::GpuIndexFlatL2 index(&res, d);
        index.add(nb, xb.data());
        std::vector<float> gd(3 * k), cd;
        std::vector<idx_t> gi(3 * k), ci;
        index.search(3, xq.data(), k, gd.data(), gi.data());
        cpu_knn(xq.data(), xb.data(), 3, nb, d, k, faiss::METRIC_L2, cd, ci);
        expect_same_knn(xq.data(), xb.data(), 3, nb, d, k, faiss::METRIC_L2, cd, ci, gd, gi);
    }
}

TEST(GpuIndexFlat, DevicePointers) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 40, k = 16;
    const idx_t nb = 4000, nq = 64;
    auto xb = faiss::test::random_vectors(nb, d, 3);
    auto xq = faiss::test::random_vectors(nq, d, 4);
    DeviceArray dxb(xb.size() * 4), dxq(xq.size() * 4), dd(nq * k * 4), di(nq * k * 8);
    dxb.upload(xb.data(), xb.size() * 4);
    dxq.upload(xq.data(), xq.size() * 4);
    faiss::gpu::GpuIndexFlatL2 index(&res, d);
    index.add(nb, static_cast<const float*>(dxb.get()));
    index.search(nq, static_cast<const float*>(dxq.get()), k, static_cast<float*>(dd.get()),
                 static_cast<idx_t*>(di.get()));
    std::vector<float> gd(nq * k), cd;
    std::vector<idx_t> gi(nq * k), ci;
    dd.download(gd.data(), gd.size() * 4);
    di.download(gi.data(), gi.size() * 8);
    cpu_knn(xq.data(), xb.data(), nq, nb, d, k, faiss::METRIC_L2, cd, ci);
    expect_same_knn(xq.data(), xb.data(), nq, nb, d, k, faiss::METRIC_L2, cd, ci, gd, gi);

    // Mixed: host queries, device labels, host distances.
    std::vector<float> hd(nq * k);
    index.search(nq, xq.data(), k, hd.data(), static_cast<idx_t*>(di.get()));
    di.download(gi.data(), gi.size() * 8);
    expect_same_knn(xq.data(), xb.data(), nq, nb, d, k, faiss::METRIC_L2, cd, ci, hd, gi);
}

TEST(GpuIndexFlat, Float16Recall) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 64, k = 10;
    const idx_t nb = 20000, nq = 200;
    auto xb = faiss::test::clustered_vectors(nb, d, 50, 21);
    auto xq = faiss::test::clustered_vectors(nq, d, 50, 22);
    for (MetricType metric : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT}) {
        faiss::gpu::GpuIndexFlatConfig config;
        config.useFloat16 = true;
        faiss::gpu::GpuIndexFlat index(&res, d, metric, config);
        index.add(nb, xb.data());
        std::vector<float> gd(nq * k), cd;
        std::vector<idx_t> gi(nq * k), ci;
        index.search(nq, xq.data(), k, gd.data(), gi.data());
        cpu_knn(xq.data(), xb.data(), nq, nb, d, k, metric, cd, ci);
        size_t hits = faiss::test::count_overlap(gi.data(), ci.data(), nq, k);
        EXPECT_GE(double(hits) / double(nq * k), 0.99) << "metric " << int(metric);
        for (size_t t = 0; t < gd.size(); ++t) {
            ASSERT_NEAR(gd[t], cd[t], 2e-2 * (1 + std::fabs(cd[t]))) << t;
        }
    }
}

TEST(GpuIndexFlat, EmptyIndexAndNaNQueryGivePadding) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 8, k = 4;
    faiss::gpu::GpuIndexFlatL2 l2(&res, d);
    faiss::gpu::GpuIndexFlatIP ip(&res, d);
    std::vector<float> q(2 * d, 0.5f);
    q[d + 3] = std::numeric_limits<float>::quiet_NaN();
    std::vector<float> dist(2 * k);
    std::vector<idx_t> lab(2 * k);
    l2.search(2, q.data(), k, dist.data(), lab.data());
    for (int j = 0; j < 2 * k; ++j) {
        EXPECT_EQ(lab[j], -1);
        EXPECT_EQ(dist[j], std::numeric_limits<float>::infinity());
    }
    ip.search(2, q.data(), k, dist.data(), lab.data());
    for (int j = 0; j < 2 * k; ++j) {
        EXPECT_EQ(lab[j], -1);
        EXPECT_EQ(dist[j], -std::numeric_limits<float>::infinity());
    }
    auto xb = faiss::test::random_vectors(100, d, 5);
    l2.add(100, xb.data());
    l2.search(2, q.data(), k, dist.data(), lab.data());
    for (int j = 0; j < k; ++j)
        EXPECT_GE(lab[j], 0);
    for (int j = k; j < 2 * k; ++j)
        EXPECT_EQ(lab[j], -1) << "NaN query matched";
    l2.search(0, nullptr, k, nullptr, nullptr);
}

TEST(GpuIndexFlat, ConcurrentSearchesShareResources) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 32, k = 20;
    const idx_t nb = 10000, nq = 100;
    auto xb = faiss::test::random_vectors(nb, d, 8);
    auto xq = faiss::test::random_vectors(nq, d, 9);
    faiss::gpu::GpuIndexFlatL2 a(&res, d);
    faiss::gpu::GpuIndexFlatIP b(&res, d);
    a.add(nb, xb.data());
    b.add(nb, xb.data());
    std::vector<float> ra(nq * k), rb(nq * k);
    std::vector<idx_t> la(nq * k), lb(nq * k);
    a.search(nq, xq.data(), k, ra.data(), la.data());
    b.search(nq, xq.data(), k, rb.data(), lb.data());
    std::vector<std::thread> threads;
    std::vector<int> failures(8, 0);
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            const faiss::gpu::GpuIndexFlat& idx = t % 2 ? static_cast<faiss::gpu::GpuIndexFlat&>(b)
                                                        : static_cast<faiss::gpu::GpuIndexFlat&>(a);
            const std::vector<idx_t>& want = t % 2 ? lb : la;
            for (int rep = 0; rep < 5; ++rep) {
                std::vector<float> dd(nq * k);
                std::vector<idx_t> ll(nq * k);
                idx.search(nq, xq.data(), k, dd.data(), ll.data());
                if (ll != want) failures[t]++;
            }
        });
    }
    for (auto& th : threads)
        th.join();
    for (int t = 0; t < 8; ++t)
        EXPECT_EQ(failures[t], 0) << "thread " << t;
}

}  // namespace

namespace {

// Equal distances go to the smaller id (within a tile, across tiles and across the
// selection's buffer flushes), and vectors with a NaN component never enter a result.
TEST(GpuIndexFlat, TiesToSmallerIdsAndNaNVectorsSkipped) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 4, k = 300;
    const idx_t nb = 5000, nq = 3;
    std::vector<float> xb(size_t(nb) * d, 1.f);
    for (idx_t i = 1; i < nb; i += 2)
        xb[size_t(i) * d + 2] = std::numeric_limits<float>::quiet_NaN();
    std::vector<float> xq(size_t(nq) * d, 0.5f);
    faiss::gpu::detail::set_default_tiles(2, 3000);
    for (MetricType metric : {faiss::METRIC_L2, faiss::METRIC_INNER_PRODUCT}) {
        SCOPED_TRACE(testing::Message() << "metric " << int(metric));
        faiss::gpu::GpuIndexFlat index(&res, d, metric);
        index.add(nb, xb.data());
        std::vector<float> gd(size_t(nq) * k);
        std::vector<idx_t> gi(size_t(nq) * k);
        index.search(nq, xq.data(), k, gd.data(), gi.data());
        const float want = metric == faiss::METRIC_L2 ? 1.f : 2.f;
        for (idx_t q = 0; q < nq; ++q) {
            for (int j = 0; j < k; ++j) {
                ASSERT_EQ(gi[q * k + j], idx_t(2 * j)) << "query " << q << " rank " << j;
                ASSERT_NEAR(gd[q * k + j], want, 1e-5f);
            }
        }
    }
    faiss::gpu::detail::set_default_tiles(0, 0);
}

}  // namespace
