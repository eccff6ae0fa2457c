#include "gpu/gpu_test_utils.h"

#include "common/test_utils.h"

#include <faiss/IndexFlat.h>
#include <faiss/utils/fp16.h>

#include <cuda_runtime.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace faiss::gpu::test {

DeviceArray::DeviceArray(size_t bytes) {
    cudaError_t err = cudaMalloc(&ptr_, bytes);
    if (err != cudaSuccess) {
        cudaGetLastError();
        throw std::runtime_error(std::string("test cudaMalloc failed: ") + cudaGetErrorString(err));
    }
}

DeviceArray::~DeviceArray() {
    cudaFree(ptr_);
}

void DeviceArray::upload(const void* src, size_t bytes) {
    ASSERT_EQ(cudaMemcpy(ptr_, src, bytes, cudaMemcpyHostToDevice), cudaSuccess);
    // cudaMemcpy from pageable memory may return before its DMA lands, and the library's
    // streams are non-blocking (no implicit ordering after the legacy stream): wait here.
    ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
}

void DeviceArray::download(void* dst, size_t bytes) const {
    ASSERT_EQ(cudaMemcpy(dst, ptr_, bytes, cudaMemcpyDeviceToHost), cudaSuccess);
}

std::vector<uint16_t> to_half(const std::vector<float>& x) {
    std::vector<uint16_t> h(x.size());
    for (size_t i = 0; i < x.size(); ++i)
        h[i] = encode_fp16(x[i]);
    return h;
}

std::vector<float> transpose(const std::vector<float>& x, size_t n, size_t d) {
    std::vector<float> t(x.size());
    for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < d; ++j)
            t[j * n + i] = x[i * d + j];
    }
    return t;
}

void cpu_knn(const float* xq, const float* xb, size_t nq, size_t nb, size_t d, size_t k,
             MetricType metric, std::vector<float>& dist, std::vector<idx_t>& labels) {
    IndexFlat cpu(d, metric);
    cpu.add(nb, xb);
    dist.assign(nq * k, 0.f);
    labels.assign(nq * k, 0);
    cpu.search(nq, xq, k, dist.data(), labels.data());
}

void expect_same_knn(const float* xq, const float* xb, size_t nq, size_t nb, size_t d, size_t k,
                     MetricType metric, const std::vector<float>& cpu_d,
                     const std::vector<idx_t>& cpu_i, const std::vector<float>& gpu_d,
                     const std::vector<idx_t>& gpu_i, double tol) {
    ASSERT_EQ(gpu_d.size(), nq * k);
    ASSERT_EQ(gpu_i.size(), nq * k);
    size_t bad = 0, swapped = 0;
    for (size_t q = 0; q < nq && bad < 10; ++q) {
        for (size_t j = 0; j < k && bad < 10; ++j) {
            const size_t t = q * k + j;
            const double ref = cpu_d[t];
            if (cpu_i[t] < 0 || gpu_i[t] < 0) {
                if (cpu_i[t] != gpu_i[t]) {
                    ADD_FAILURE() << "query " << q << " rank " << j << ": padding mismatch cpu "
                                  << cpu_i[t] << " gpu " << gpu_i[t];
                    ++bad;
                }
                continue;
            }
            const double scale = 1.0 + std::fabs(ref);
            if (!(std::fabs(gpu_d[t] - ref) <= tol * scale)) {
                ADD_FAILURE() << "query " << q << " rank " << j << ": distance cpu " << ref
                              << " gpu " << gpu_d[t];
                ++bad;
                continue;
            }
            if (gpu_i[t] == cpu_i[t]) continue;
            ASSERT_LT(size_t(gpu_i[t]), nb);
            const double truth =
                faiss::test::reference_distance(xq + q * d, xb + size_t(gpu_i[t]) * d, d, metric);
            if (std::fabs(truth - ref) <= tol * scale) {
                ++swapped;
            } else {
                ADD_FAILURE() << "query " << q << " rank " << j << ": label cpu " << cpu_i[t]
                              << " gpu " << gpu_i[t] << " (true distance " << truth << ", cpu "
                              << ref << ")";
                ++bad;
            }
        }
    }
    // Near-ties may swap a few neighbours, never many.
    EXPECT_LE(swapped, nq * k / 50 + 2);
}

}  // namespace faiss::gpu::test
