// GpuIndexFlat API: CPU <-> GPU copies, reconstruction, residuals, bad input,
// out-of-memory recovery, memory accounting.

#include "common/test_utils.h"
#include "gpu/gpu_test_utils.h"

#include <faiss/IDSelector.h>
#include <faiss/IndexFlat.h>
#include <faiss/gpu/GpuIndexFlat.h>
#include <faiss/gpu/StandardGpuResources.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace {

using faiss::ErrorCode;
using faiss::idx_t;
using faiss::test::expect_code;

TEST(GpuIndexFlatApi, CpuGpuRoundTrip) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 33;
    const idx_t nb = 3000;
    auto xb = faiss::test::random_vectors(nb, d, 1);
    faiss::IndexFlatL2 cpu(d);
    cpu.add(nb, xb.data());

    faiss::gpu::GpuIndexFlatL2 gpu(&res, &cpu);
    EXPECT_EQ(gpu.ntotal, nb);
    EXPECT_EQ(gpu.d, d);
    EXPECT_EQ(gpu.getNumVecs(), size_t(nb));
    faiss::IndexFlatL2 back(5);
    gpu.copyTo(&back);
    ASSERT_EQ(back.ntotal, nb);
    ASSERT_EQ(back.d, d);
    EXPECT_EQ(0, std::memcmp(back.get_xb(), xb.data(), xb.size() * sizeof(float)));

    // Same results after the round trip, and copyFrom replaces the content.
    auto xq = faiss::test::random_vectors(20, d, 2);
    std::vector<float> d1(200), d2(200);
    std::vector<idx_t> l1(200), l2(200);
    cpu.search(20, xq.data(), 10, d1.data(), l1.data());
    back.search(20, xq.data(), 10, d2.data(), l2.data());
    EXPECT_EQ(l1, l2);
    faiss::IndexFlatL2 small(d);
    small.add(10, xb.data());
    gpu.copyFrom(&small);
    EXPECT_EQ(gpu.ntotal, 10);

    // IP with float16 storage: values within float16 rounding.
    faiss::IndexFlatIP cpu_ip(d);
    cpu_ip.add(nb, xb.data());
    faiss::gpu::GpuIndexFlatConfig config;
    config.useFloat16 = true;
    faiss::gpu::GpuIndexFlatIP gpu_ip(&res, &cpu_ip, config);
    faiss::IndexFlatIP back_ip(d);
    gpu_ip.copyTo(&back_ip);
    ASSERT_EQ(back_ip.ntotal, nb);
    for (size_t i = 0; i < xb.size(); ++i) {
        ASSERT_NEAR(back_ip.get_xb()[i], xb[i], 1e-3f * std::fabs(xb[i]) + 1e-7f);
    }
    expect_code(ErrorCode::invalid_argument, [&] { gpu_ip.copyTo(&back); });
}

TEST(GpuIndexFlatApi, ReconstructAndResiduals) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 12;
    const idx_t nb = 500;
    auto xb = faiss::test::random_vectors(nb, d, 3);
    faiss::gpu::GpuIndexFlatL2 gpu(&res, d);
    gpu.add(200, xb.data());
    gpu.add(nb - 200, xb.data() + 200 * d);
    std::vector<float> v(d);
    gpu.reconstruct(321, v.data());
    EXPECT_EQ(0, std::memcmp(v.data(), xb.data() + 321 * d, d * sizeof(float)));
    std::vector<float> many(50 * d);
    gpu.reconstruct_n(400, 50, many.data());
    EXPECT_EQ(0, std::memcmp(many.data(), xb.data() + 400 * d, many.size() * sizeof(float)));
    std::vector<idx_t> keys = {7, 0, 499, 7};
    std::vector<float> batch(keys.size() * d);
    gpu.reconstruct_batch(keys.size(), keys.data(), batch.data());
    for (size_t i = 0; i < keys.size(); ++i) {
        EXPECT_EQ(0, std::memcmp(batch.data() + i * d, xb.data() + keys[i] * d, d * 4));
    }
    std::vector<float> x(d, 1.f), r(d);
    gpu.compute_residual(x.data(), r.data(), 9);
    for (int j = 0; j < d; ++j)
        EXPECT_FLOAT_EQ(r[j], 1.f - xb[9 * d + j]);
    expect_code(ErrorCode::invalid_argument, [&] { gpu.reconstruct(nb, v.data()); });
    expect_code(ErrorCode::invalid_argument, [&] { gpu.reconstruct(-1, v.data()); });
    expect_code(ErrorCode::invalid_argument, [&] { gpu.reconstruct_n(490, 20, many.data()); });
    keys[2] = nb;
    expect_code(ErrorCode::invalid_argument,
                [&] { gpu.reconstruct_batch(keys.size(), keys.data(), batch.data()); });
    gpu.reset();
    EXPECT_EQ(gpu.ntotal, 0);
}

// Many small adds (storage growth and copies), host and device sources mixed.
TEST(GpuIndexFlatApi, ManySmallAdds) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 20;
    const idx_t nb = 1000;
    auto xb = faiss::test::random_vectors(nb, d, 12);
    faiss::gpu::test::DeviceArray dxb(xb.size() * sizeof(float));
    dxb.upload(xb.data(), xb.size() * sizeof(float));
    faiss::gpu::GpuIndexFlatConfig config;
    config.useFloat16 = false;
    faiss::gpu::GpuIndexFlatIP gpu(&res, d, config);
    for (idx_t i0 = 0; i0 < nb; i0 += 37) {
        const idx_t c = std::min<idx_t>(37, nb - i0);
        const float* src = (i0 / 37) % 2 ? static_cast<const float*>(dxb.get()) : xb.data();
        gpu.add(c, src + i0 * d);
    }
    ASSERT_EQ(gpu.ntotal, nb);
    std::vector<float> all(xb.size());
    gpu.reconstruct_n(0, nb, all.data());
    EXPECT_EQ(all, xb);
}

TEST(GpuIndexFlatApi, BadInput) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 8;
    auto xb = faiss::test::random_vectors(100, d, 4);
    faiss::gpu::GpuIndexFlatL2 gpu(&res, d);
    gpu.add(100, xb.data());
    std::vector<float> dist(3000);
    std::vector<idx_t> lab(3000);
    expect_code(
        ErrorCode::unsupported, [&] { gpu.search(1, xb.data(), 2049, dist.data(), lab.data()); },
        "2049");
    expect_code(ErrorCode::invalid_argument,
                [&] { gpu.search(1, xb.data(), 0, dist.data(), lab.data()); });
    expect_code(ErrorCode::invalid_argument,
                [&] { gpu.search(-1, xb.data(), 1, dist.data(), lab.data()); });
    expect_code(ErrorCode::invalid_argument,
                [&] { gpu.search(1, nullptr, 1, dist.data(), lab.data()); });
    expect_code(ErrorCode::invalid_argument, [&] { gpu.add(-3, xb.data()); });
    expect_code(ErrorCode::invalid_argument, [&] { gpu.add(3, nullptr); });
    std::vector<idx_t> ids(10, 0);
    expect_code(ErrorCode::unsupported, [&] { gpu.add_with_ids(10, xb.data(), ids.data()); });
    faiss::IDSelectorRange sel(0, 10);
    faiss::SearchParameters params;
    params.sel = &sel;
    expect_code(ErrorCode::unsupported,
                [&] { gpu.search(1, xb.data(), 1, dist.data(), lab.data(), &params); });

    faiss::gpu::GpuIndexFlatConfig config;
    config.device = faiss::gpu::getNumDevices();
    expect_code(
        ErrorCode::invalid_argument, [&] { faiss::gpu::GpuIndexFlatL2 bad(&res, d, config); },
        "device");
    expect_code(ErrorCode::invalid_argument, [&] { faiss::gpu::GpuIndexFlatL2 bad(&res, 0); });
    expect_code(ErrorCode::unsupported,
                [&] { faiss::gpu::GpuIndexFlat bad(&res, d, faiss::METRIC_L1); });
    expect_code(ErrorCode::invalid_argument, [&] {
        faiss::gpu::GpuIndexFlatL2 bad(static_cast<faiss::gpu::GpuResourcesProvider*>(nullptr), d);
    });
    expect_code(ErrorCode::invalid_argument, [&] {
        faiss::gpu::GpuIndexFlat bad(&res, static_cast<const faiss::IndexFlat*>(nullptr));
    });
    // Still usable after all of that.
    gpu.search(1, xb.data(), 1, dist.data(), lab.data());
    EXPECT_EQ(lab[0], 0);
}

// Device memory of another device is refused (needs two devices).
TEST(GpuIndexFlatApi, WrongDevicePointer) {
    FAISS_GPU_REQUIRE_DEVICE();
    if (faiss::gpu::getNumDevices() < 2) GTEST_SKIP() << "needs two CUDA devices";
    faiss::gpu::StandardGpuResources res;
    const int d = 4;
    faiss::gpu::GpuIndexFlatConfig config;
    config.device = 0;
    faiss::gpu::GpuIndexFlatL2 gpu(&res, d, config);
    faiss::gpu::setCurrentDevice(1);
    faiss::gpu::test::DeviceArray other(16 * sizeof(float));
    faiss::gpu::setCurrentDevice(0);
    expect_code(
        ErrorCode::invalid_argument, [&] { gpu.add(4, static_cast<const float*>(other.get())); },
        "device 1");
}

TEST(GpuIndexFlatApi, OutOfMemoryRaisesAndProcessContinues) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    auto r = res.getResources();
    const size_t huge = size_t(1) << 50;
    expect_code(
        ErrorCode::out_of_memory,
        [&] {
            r->allocMemory(faiss::gpu::AllocRequest(
                faiss::gpu::AllocType::Other, 0, faiss::gpu::MemorySpace::Device, nullptr, huge));
        },
        "bytes");
    // A temporary pool larger than the card fails when the device is first used.
    faiss::gpu::StandardGpuResources greedy;
    greedy.setTempMemory(huge);
    expect_code(ErrorCode::out_of_memory, [&] { faiss::gpu::GpuIndexFlatL2 idx(&greedy, 8); });

    // The device still works.
    const int d = 16;
    auto xb = faiss::test::random_vectors(1000, d, 5);
    faiss::gpu::GpuIndexFlatL2 gpu(&res, d);
    gpu.add(1000, xb.data());
    std::vector<float> dist(5);
    std::vector<idx_t> lab(5);
    gpu.search(1, xb.data() + 17 * d, 5, dist.data(), lab.data());
    EXPECT_EQ(lab[0], 17);
    EXPECT_NEAR(dist[0], 0.f, 1e-4f);
}

TEST(GpuIndexFlatApi, MemoryInfoAndUnifiedMemory) {
    FAISS_GPU_REQUIRE_DEVICE();
    faiss::gpu::StandardGpuResources res;
    const int d = 16;
    auto xb = faiss::test::random_vectors(1000, d, 6);
    faiss::gpu::GpuIndexFlatConfig config;
    config.memorySpace = faiss::gpu::MemorySpace::Unified;
    faiss::gpu::GpuIndexFlatL2 gpu(&res, d, config);
    gpu.add(1000, xb.data());
    auto info = res.getMemoryInfo();
    ASSERT_TRUE(info.count(0));
    ASSERT_TRUE(info[0].count("FlatData"));
    EXPECT_GE(info[0]["FlatData"].second, size_t(1000) * d * sizeof(float));
    std::vector<float> dist(1);
    std::vector<idx_t> lab(1);
    gpu.search(1, xb.data() + 99 * d, 1, dist.data(), lab.data());
    EXPECT_EQ(lab[0], 99);
    EXPECT_GT(res.getTempMemoryAvailable(0), size_t(0));
}

}  // namespace
