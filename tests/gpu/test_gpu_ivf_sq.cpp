// GpuIndexIVFScalarQuantizer (QT_8bit, QT_fp16; residual or not; L2 and inner product)
// against the CPU IndexIVFScalarQuantizer: same results for the same index, the same
// codes when adding on the GPU, conversions, files, reconstruct and refused types.

#include "common/test_utils.h"
#include "gpu/gpu_ivf_test_utils.h"
#include "gpu/gpu_test_utils.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFScalarQuantizer.h>
#include <faiss/gpu/GpuIndexIVFScalarQuantizer.h>
#include <faiss/gpu/StandardGpuResources.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>

namespace {

using faiss::ErrorCode;
using faiss::idx_t;
using faiss::MetricType;
using faiss::ScalarQuantizer;
using faiss::gpu::test::expect_gpu_matches_cpu;
using faiss::gpu::test::expect_same_reconstruction;
using faiss::test::expect_code;

constexpr double kTol = 1e-4;

struct CpuSq {
    std::unique_ptr<faiss::IndexFlat> quantizer;
    std::unique_ptr<faiss::IndexIVFScalarQuantizer> index;
};

CpuSq make_cpu(int d, size_t nlist, ScalarQuantizer::QuantizerType qtype, MetricType metric,
               bool residual, const std::vector<float>& xt) {
    CpuSq c;
    if (metric == faiss::METRIC_L2) {
        c.quantizer = std::make_unique<faiss::IndexFlatL2>(d);
    } else {
        c.quantizer = std::make_unique<faiss::IndexFlatIP>(d);
    }
    c.index = std::make_unique<faiss::IndexIVFScalarQuantizer>(c.quantizer.get(), d, nlist, qtype,
                                                               metric, residual);
    c.index->train(idx_t(xt.size() / d), xt.data());
    return c;
}

struct Case {
    ScalarQuantizer::QuantizerType qtype;
    MetricType metric;
    bool residual;
    int d;
};

const Case kCases[] = {
    {ScalarQuantizer::QT_8bit, faiss::METRIC_L2, true, 32},
    {ScalarQuantizer::QT_8bit, faiss::METRIC_L2, false, 20},
    {ScalarQuantizer::QT_8bit, faiss::METRIC_INNER_PRODUCT, true, 16},
    {ScalarQuantizer::QT_8bit, faiss::METRIC_INNER_PRODUCT, false, 7},
    {ScalarQuantizer::QT_fp16, faiss::METRIC_L2, true, 24},
    {ScalarQuantizer::QT_fp16, faiss::METRIC_L2, false, 9},
    {ScalarQuantizer::QT_fp16, faiss::METRIC_INNER_PRODUCT, true, 64},
};

TEST(GpuIndexIVFScalarQuantizer, CopyFromMatchesCpu) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    uint64_t seed = 100;
    for (const Case& c : kCases) {
        SCOPED_TRACE(testing::Message() << "qtype=" << int(c.qtype) << " metric=" << int(c.metric)
                                        << " residual=" << c.residual);
        auto xb = faiss::test::clustered_vectors(6000, c.d, 20, seed++);
        auto xq = faiss::test::clustered_vectors(100, c.d, 20, seed++);
        CpuSq cpu = make_cpu(c.d, 40, c.qtype, c.metric, c.residual, xb);
        cpu.index->add(6000, xb.data());
        faiss::gpu::GpuIndexIVFScalarQuantizer gpu(&res, cpu.index.get());
        EXPECT_EQ(gpu.sq.qtype, c.qtype);
        EXPECT_EQ(gpu.by_residual, c.residual);
        for (size_t nprobe : {1, 6, 40})
            expect_gpu_matches_cpu(*cpu.index, gpu, xq.data(), 100, 10, nprobe, kTol);
        expect_gpu_matches_cpu(*cpu.index, gpu, xq.data(), 10, 1500, 40, kTol);
        // reconstruct decodes as the CPU index does.
        expect_same_reconstruction(gpu, *cpu.index, {idx_t(0), idx_t(17), idx_t(5999)});
    }
}

TEST(GpuIndexIVFScalarQuantizer, AddOnGpuMakesCpuCodes) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 32;
    auto xt = faiss::test::clustered_vectors(4000, d, 20, 201);
    auto xb = faiss::test::clustered_vectors(5000, d, 20, 202);
    auto xq = faiss::test::clustered_vectors(60, d, 20, 203);
    CpuSq cpu = make_cpu(d, 30, ScalarQuantizer::QT_8bit, faiss::METRIC_L2, true, xt);
    faiss::gpu::GpuIndexIVFScalarQuantizer gpu(&res, cpu.index.get());
    gpu.add(5000, xb.data());
    cpu.index->add(5000, xb.data());
    faiss::IndexIVFScalarQuantizer back;
    gpu.copyTo(&back);
    ASSERT_EQ(back.ntotal, 5000);
    size_t same_code = 0;
    for (size_t l = 0; l < 30; ++l) {
        const size_t n = back.invlists->list_size(l), m = cpu.index->invlists->list_size(l);
        const idx_t* ci = cpu.index->invlists->get_ids(l);
        for (size_t o = 0; o < n; ++o) {
            const idx_t id = back.invlists->get_ids(l)[o];
            const size_t p = size_t(std::find(ci, ci + m, id) - ci);
            if (p == m) continue;
            same_code += std::memcmp(back.invlists->get_single_code(l, o),
                                     cpu.index->invlists->get_single_code(l, p), d) == 0;
        }
    }
    EXPECT_GE(same_code, size_t(5000 * 0.995));
    expect_gpu_matches_cpu(back, gpu, xq.data(), 60, 10, 5, kTol);
}

TEST(GpuIndexIVFScalarQuantizer, TrainOnGpuAndFile) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 16;
    auto xb = faiss::test::clustered_vectors(8000, d, 30, 301);
    auto xq = faiss::test::clustered_vectors(80, d, 30, 302);
    faiss::gpu::GpuIndexIVFScalarQuantizer gpu(&res, d, 64, ScalarQuantizer::QT_8bit);
    EXPECT_FALSE(gpu.is_trained);
    gpu.train(8000, xb.data());
    ASSERT_TRUE(gpu.is_trained);
    EXPECT_EQ(gpu.sq.trained.size(), 2u * d);
    gpu.add(8000, xb.data());
    gpu.nprobe = 64;
    std::vector<float> gd(80 * 10), fd;
    std::vector<idx_t> gi(80 * 10), fi;
    gpu.search(80, xq.data(), 10, gd.data(), gi.data());
    faiss::gpu::test::cpu_knn(xq.data(), xb.data(), 80, 8000, d, 10, faiss::METRIC_L2, fd, fi);
    EXPECT_GE(faiss::test::count_overlap(gi.data(), fi.data(), 80, 10), size_t(0.9 * 800));
    faiss::IndexIVFScalarQuantizer back;
    gpu.copyTo(&back);
    auto read = faiss::gpu::test::write_and_read(back);
    auto* ivf = dynamic_cast<faiss::IndexIVFScalarQuantizer*>(read.get());
    ASSERT_NE(ivf, nullptr);
    EXPECT_EQ(ivf->sq.trained, gpu.sq.trained);
    expect_gpu_matches_cpu(*ivf, gpu, xq.data(), 80, 10, 8, kTol);
    faiss::gpu::GpuIndexIVFScalarQuantizer again(&res, ivf);
    expect_gpu_matches_cpu(*ivf, again, xq.data(), 80, 10, 8, kTol);
}

TEST(GpuIndexIVFScalarQuantizer, RefusesOtherTypes) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    expect_code(ErrorCode::unsupported, [&] {
        faiss::gpu::GpuIndexIVFScalarQuantizer bad(&res, 8, 4, ScalarQuantizer::QT_4bit);
    });
    faiss::IndexFlatL2 q(8);
    faiss::IndexIVFScalarQuantizer cpu(&q, 8, 4, ScalarQuantizer::QT_6bit);
    expect_code(ErrorCode::unsupported,
                [&] { faiss::gpu::GpuIndexIVFScalarQuantizer bad(&res, &cpu); });
    faiss::gpu::GpuIndexIVFScalarQuantizer fp16(&res, 8, 4, ScalarQuantizer::QT_fp16);
    std::vector<float> x(8);
    expect_code(ErrorCode::not_trained, [&] { fp16.add(1, x.data()); });
}

}  // namespace
