#pragma once

// Distances between one query and many scalar-quantizer codes, computed on the codes.
// Private: never installed.
//
// The range and direct types decode as value_j = base_j + scale_j * q_j (q_j the raw
// code value), so per query the scanner folds the query into the kernel's affine form:
//   L2: sum_j ((x_j - base_j) - scale_j * q_j)^2
//   IP: sum_j x_j * base_j + sum_j (x_j * scale_j) * q_j
// fp16 and bf16 go to their own kernels.
//
// Thread safety: one scanner per thread (it holds per-query buffers).

#include <faiss/MetricType.h>
#include <faiss/quantizers/ScalarQuantizer.h>
#include <faiss/simd/sq_dispatch.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace faiss::internal {

class SQQueryScanner {
  public:
    /// sq must be ready (trained) and outlive the scanner. @throws unsupported for a
    /// metric other than L2 / inner product.
    SQQueryScanner(const ScalarQuantizer& sq, MetricType metric);

    /// Query of sq.d floats; must stay valid until the next set_query.
    void set_query(const float* x);

    /// out[i] = squared L2 distance or inner product between the query and code i of
    /// the n codes (n x sq.code_size bytes).
    void scan(const uint8_t* codes, size_t n, float* out);

  private:
    enum class Path { u8, u6, u4, fp16, bf16 };

    void add_bias(float* out, size_t n) const;

    const ScalarQuantizer& sq_;
    MetricType metric_;
    Path path_;
    const simd::SQDistanceKernels* kernels_;
    const float* x_ = nullptr;
    std::vector<float> base_, scale_;
    // L2: a = x - base. IP: a = x * scale, plus bias_ = <x, base>.
    std::vector<float> a_;
    float bias_ = 0;
};

}  // namespace faiss::internal
