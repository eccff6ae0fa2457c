#pragma once

// Helpers of the GPU tests: skipping without a device, device buffers, and checking GPU
// k-NN results against the CPU IndexFlat.

#include <faiss/Index.h>
#include <faiss/MetricType.h>
#include <faiss/gpu/utils/DeviceUtils.h>

#include <gtest/gtest.h>

#include <cstddef>
#include <vector>

/// Skips the current test when no CUDA device is present.
#define FAISS_GPU_REQUIRE_DEVICE()                              \
    do {                                                        \
        if (::faiss::gpu::getNumDevices() == 0) {               \
            GTEST_SKIP() << "no CUDA device: GPU test skipped"; \
        }                                                       \
    } while (0)

namespace faiss::gpu::test {

/// Device memory owned for the duration of a test (cudaMalloc on the current device).
class DeviceArray {
  public:
    explicit DeviceArray(size_t bytes);
    ~DeviceArray();
    DeviceArray(const DeviceArray&) = delete;
    DeviceArray& operator=(const DeviceArray&) = delete;

    void* get() const { return ptr_; }
    void upload(const void* src, size_t bytes);
    void download(void* dst, size_t bytes) const;

  private:
    void* ptr_ = nullptr;
};

/// float -> IEEE half bits (for float16 inputs of bfKnn).
std::vector<uint16_t> to_half(const std::vector<float>& x);

/// Transpose an n x d row-major matrix into d x n (column-major input of bfKnn).
std::vector<float> transpose(const std::vector<float>& x, size_t n, size_t d);

/// Checks GPU results (distances, labels; nq x k) against the CPU IndexFlat results:
/// every distance within a relative tolerance, and every label equal to the CPU's or,
/// where two neighbours are at nearly the same distance, a vector whose true distance
/// (double precision) matches the CPU's distance at that rank. Padding (-1) must match.
void expect_same_knn(const float* xq, const float* xb, size_t nq, size_t nb, size_t d, size_t k,
                     MetricType metric, const std::vector<float>& cpu_d,
                     const std::vector<idx_t>& cpu_i, const std::vector<float>& gpu_d,
                     const std::vector<idx_t>& gpu_i, double tol = 2e-4);

/// CPU IndexFlat results for the same problem.
void cpu_knn(const float* xq, const float* xb, size_t nq, size_t nb, size_t d, size_t k,
             MetricType metric, std::vector<float>& dist, std::vector<idx_t>& labels);

}  // namespace faiss::gpu::test
