// GpuIndexIVFPQ against the CPU IndexIVFPQ: same results (ADC distances) for the same
// index, the same codes when adding on the GPU, conversions, files, reconstruct, large M
// (shared-memory opt-in) and refused shapes.

#include "common/test_utils.h"
#include "gpu/gpu_ivf_test_utils.h"
#include "gpu/gpu_test_utils.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/gpu/GpuIndexIVFPQ.h>
#include <faiss/gpu/StandardGpuResources.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>

namespace {

using faiss::ErrorCode;
using faiss::idx_t;
using faiss::MetricType;
using faiss::gpu::test::expect_gpu_matches_cpu;
using faiss::gpu::test::expect_same_reconstruction;
using faiss::test::expect_code;

// The CPU splits the L2 table into a precomputed and a query term; the GPU sums squares.
constexpr double kTol = 1e-3;

struct CpuPq {
    std::unique_ptr<faiss::IndexFlat> quantizer;
    std::unique_ptr<faiss::IndexIVFPQ> index;
};

CpuPq make_cpu(int d, size_t nlist, size_t M, MetricType metric, bool residual,
               const std::vector<float>& xt) {
    CpuPq c;
    if (metric == faiss::METRIC_L2) {
        c.quantizer = std::make_unique<faiss::IndexFlatL2>(d);
    } else {
        c.quantizer = std::make_unique<faiss::IndexFlatIP>(d);
    }
    c.index = std::make_unique<faiss::IndexIVFPQ>(c.quantizer.get(), d, nlist, M, 8, metric);
    c.index->by_residual = residual;
    c.index->train(idx_t(xt.size() / d), xt.data());
    return c;
}

struct Case {
    int d;
    size_t M;
    MetricType metric;
    bool residual;
};

const Case kCases[] = {
    {32, 8, faiss::METRIC_L2, true},
    {32, 4, faiss::METRIC_L2, false},
    {24, 3, faiss::METRIC_L2, true},
    {16, 8, faiss::METRIC_INNER_PRODUCT, true},
    {32, 16, faiss::METRIC_INNER_PRODUCT, false},
    {128, 64, faiss::METRIC_L2, true},
};

TEST(GpuIndexIVFPQ, CopyFromMatchesCpu) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    uint64_t seed = 400;
    for (const Case& c : kCases) {
        SCOPED_TRACE(testing::Message() << "d=" << c.d << " M=" << c.M << " metric="
                                        << int(c.metric) << " residual=" << c.residual);
        auto xb = faiss::test::clustered_vectors(8000, c.d, 20, seed++);
        auto xq = faiss::test::clustered_vectors(100, c.d, 20, seed++);
        CpuPq cpu = make_cpu(c.d, 32, c.M, c.metric, c.residual, xb);
        cpu.index->add(8000, xb.data());
        faiss::gpu::GpuIndexIVFPQ gpu(&res, cpu.index.get());
        EXPECT_EQ(gpu.getNumSubQuantizers(), int(c.M));
        EXPECT_EQ(gpu.getBitsPerCode(), 8);
        EXPECT_EQ(gpu.getCentroidsPerSubQuantizer(), 256);
        for (size_t nprobe : {1, 5, 32})
            expect_gpu_matches_cpu(*cpu.index, gpu, xq.data(), 100, 10, nprobe, kTol);
        expect_gpu_matches_cpu(*cpu.index, gpu, xq.data(), 10, 1000, 32, kTol);
        expect_same_reconstruction(gpu, *cpu.index, {idx_t(3), idx_t(7999)});
    }
}

TEST(GpuIndexIVFPQ, AddOnGpuMakesCpuCodesAndRoundTrips) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 32;
    auto xt = faiss::test::clustered_vectors(10000, d, 20, 501);
    auto xb = faiss::test::clustered_vectors(6000, d, 20, 502);
    auto xq = faiss::test::clustered_vectors(60, d, 20, 503);
    CpuPq cpu = make_cpu(d, 24, 8, faiss::METRIC_L2, true, xt);
    faiss::gpu::GpuIndexIVFPQ gpu(&res, cpu.index.get());
    gpu.add(6000, xb.data());
    cpu.index->add(6000, xb.data());
    faiss::IndexIVFPQ back;
    gpu.copyTo(&back);
    ASSERT_EQ(back.ntotal, 6000);
    EXPECT_EQ(back.pq.centroids, cpu.index->pq.centroids);
    size_t same_code = 0;
    for (size_t l = 0; l < 24; ++l) {
        const size_t n = back.invlists->list_size(l), m = cpu.index->invlists->list_size(l);
        const idx_t* ci = cpu.index->invlists->get_ids(l);
        for (size_t o = 0; o < n; ++o) {
            const idx_t id = back.invlists->get_ids(l)[o];
            const size_t p = size_t(std::find(ci, ci + m, id) - ci);
            if (p == m) continue;
            same_code += std::memcmp(back.invlists->get_single_code(l, o),
                                     cpu.index->invlists->get_single_code(l, p), 8) == 0;
        }
    }
    EXPECT_GE(same_code, size_t(6000 * 0.995));
    auto read = faiss::gpu::test::write_and_read(back);
    auto* ivf = dynamic_cast<faiss::IndexIVFPQ*>(read.get());
    ASSERT_NE(ivf, nullptr);
    expect_gpu_matches_cpu(*ivf, gpu, xq.data(), 60, 10, 6, kTol);
    faiss::gpu::GpuIndexIVFPQ again(&res, ivf);
    expect_gpu_matches_cpu(*ivf, again, xq.data(), 60, 10, 6, kTol);
}

TEST(GpuIndexIVFPQ, TrainOnGpu) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 32;
    auto xb = faiss::test::clustered_vectors(12000, d, 30, 601);
    auto xq = faiss::test::clustered_vectors(80, d, 30, 602);
    faiss::gpu::GpuIndexIVFPQ gpu(&res, d, 32, 16, 8);
    gpu.train(12000, xb.data());
    ASSERT_TRUE(gpu.is_trained);
    gpu.add(12000, xb.data());
    gpu.nprobe = 32;
    std::vector<float> gd(80 * 10), fd;
    std::vector<idx_t> gi(80 * 10), fi;
    gpu.search(80, xq.data(), 10, gd.data(), gi.data());
    faiss::gpu::test::cpu_knn(xq.data(), xb.data(), 80, 12000, d, 10, faiss::METRIC_L2, fd, fi);
    EXPECT_GE(faiss::test::count_overlap(gi.data(), fi.data(), 80, 10), size_t(0.5 * 800));
    faiss::IndexIVFPQ back;
    gpu.copyTo(&back);
    expect_gpu_matches_cpu(back, gpu, xq.data(), 80, 10, 4, kTol);
}

TEST(GpuIndexIVFPQ, RefusedShapes) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    expect_code(ErrorCode::unsupported, [&] { faiss::gpu::GpuIndexIVFPQ bad(&res, 32, 4, 8, 4); });
    expect_code(ErrorCode::invalid_argument,
                [&] { faiss::gpu::GpuIndexIVFPQ bad(&res, 30, 4, 8, 8); });
    expect_code(ErrorCode::unsupported,
                [&] { faiss::gpu::GpuIndexIVFPQ bad(&res, 1024, 4, 256, 8); });
    faiss::IndexFlatL2 q(16);
    faiss::IndexIVFPQ cpu(&q, 16, 4, 4, 6);
    expect_code(ErrorCode::unsupported, [&] { faiss::gpu::GpuIndexIVFPQ bad(&res, &cpu); });
    faiss::gpu::GpuIndexIVFPQ ok(&res, 16, 4, 4, 8);
    ok.setPrecomputedCodes(true);
    EXPECT_TRUE(ok.getPrecomputedCodes());
    std::vector<float> x(16);
    expect_code(ErrorCode::not_trained, [&] { ok.add(1, x.data()); });
}

}  // namespace
