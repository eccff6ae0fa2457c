// What runs without a GPU: the library reports the missing device with a clear
// cuda_error and checks arguments before touching any device. (Skipped on a GPU
// machine, where the other tests run.)

#include "common/test_utils.h"

#include <faiss/gpu/GpuDistance.h>
#include <faiss/gpu/GpuIndexFlat.h>
#include <faiss/gpu/StandardGpuResources.h>
#include <faiss/gpu/utils/DeviceUtils.h>

#include <gtest/gtest.h>

#include <memory>

namespace {

using faiss::ErrorCode;
using faiss::test::expect_code;

TEST(GpuNoDevice, ConstructorsThrowCudaError) {
    if (faiss::gpu::getNumDevices() > 0) GTEST_SKIP() << "a CUDA device is present";
    expect_code(
        ErrorCode::cuda_error, [] { faiss::gpu::StandardGpuResources res; }, "no CUDA device");
    faiss::gpu::GpuResourcesProviderFromInstance empty(nullptr);
    expect_code(ErrorCode::invalid_argument, [&] { faiss::gpu::GpuIndexFlatL2 idx(&empty, 8); });
    expect_code(
        ErrorCode::cuda_error, [] { faiss::gpu::getCurrentDevice(); }, "no CUDA device");
    expect_code(ErrorCode::cuda_error, [] { faiss::gpu::setCurrentDevice(0); });
    EXPECT_EQ(faiss::gpu::getMaxKSelection(), 2048);
}

TEST(GpuNoDevice, BfKnnChecksArgumentsFirst) {
    if (faiss::gpu::getNumDevices() > 0) GTEST_SKIP() << "a CUDA device is present";
    std::vector<float> xb(40, 1.f), xq(8, 1.f), dist(4 * 3000);
    std::vector<faiss::idx_t> lab(4 * 3000);
    faiss::gpu::GpuDistanceParams a;
    a.k = 3;
    a.dims = 4;
    a.vectors = xb.data();
    a.numVectors = 10;
    a.queries = xq.data();
    a.numQueries = 2;
    a.outDistances = dist.data();
    a.outIndices = lab.data();
    expect_code(ErrorCode::invalid_argument, [&] { faiss::gpu::bfKnn(nullptr, a); });
    faiss::gpu::GpuResourcesProviderFromInstance empty(nullptr);
    faiss::gpu::GpuDistanceParams big = a;
    big.k = 3000;
    expect_code(
        ErrorCode::unsupported, [&] { faiss::gpu::bfKnn(&empty, big); }, "3000");
    faiss::gpu::GpuDistanceParams zero = a;
    zero.k = 0;
    expect_code(ErrorCode::invalid_argument, [&] { faiss::gpu::bfKnn(&empty, zero); });
    faiss::gpu::GpuDistanceParams l1 = a;
    l1.metric = faiss::METRIC_L1;
    expect_code(ErrorCode::unsupported, [&] { faiss::gpu::bfKnn(&empty, l1); });
    expect_code(
        ErrorCode::cuda_error, [&] { faiss::gpu::bfKnn(&empty, a); }, "no CUDA device");
}

}  // namespace
