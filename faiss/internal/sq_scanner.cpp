// Per-query preparation and block scoring of scalar-quantizer codes.
#include <faiss/internal/sq_scanner.h>

#include <faiss/internal/checks.h>

namespace faiss::internal {

SQQueryScanner::SQQueryScanner(const ScalarQuantizer& sq, MetricType metric)
    : sq_(sq), metric_(metric), path_(Path::u8), kernels_(&simd::sq_distance_kernels()) {
    FAISS_REQUIRE(metric == METRIC_L2 || metric == METRIC_INNER_PRODUCT, unsupported,
                  "scalar quantizer distances support L2 and inner product, not %s",
                  metric_name(metric));
    const size_t d = sq.d;
    float levels = 255.f;
    switch (sq.qtype) {
        case ScalarQuantizer::QT_fp16:
            path_ = Path::fp16;
            return;
        case ScalarQuantizer::QT_bf16:
            path_ = Path::bf16;
            return;
        case ScalarQuantizer::QT_6bit:
            path_ = Path::u6;
            levels = 63.f;
            break;
        case ScalarQuantizer::QT_4bit:
        case ScalarQuantizer::QT_4bit_uniform:
            path_ = Path::u4;
            levels = 15.f;
            break;
        default:
            path_ = Path::u8;
            break;
    }
    base_.resize(d);
    scale_.resize(d);
    a_.resize(d);
    const bool uniform = sq.qtype == ScalarQuantizer::QT_8bit_uniform ||
                         sq.qtype == ScalarQuantizer::QT_4bit_uniform;
    for (size_t j = 0; j < d; j++) {
        if (sq.qtype == ScalarQuantizer::QT_8bit_direct) {
            base_[j] = 0;
            scale_[j] = 1;
        } else if (sq.qtype == ScalarQuantizer::QT_8bit_direct_signed) {
            base_[j] = -128;
            scale_[j] = 1;
        } else {
            // vmin + vdiff * (q + 0.5) / levels = (vmin + scale / 2) + scale * q
            const float vmin = uniform ? sq.trained[0] : sq.trained[j];
            const float vdiff = uniform ? sq.trained[1] : sq.trained[d + j];
            scale_[j] = vdiff / levels;
            base_[j] = vmin + 0.5f * scale_[j];
        }
    }
}

void SQQueryScanner::set_query(const float* x) {
    x_ = x;
    if (path_ == Path::fp16 || path_ == Path::bf16) return;
    const size_t d = sq_.d;
    if (metric_ == METRIC_L2) {
        for (size_t j = 0; j < d; j++)
            a_[j] = x[j] - base_[j];
    } else {
        double bias = 0;
        for (size_t j = 0; j < d; j++) {
            a_[j] = x[j] * scale_[j];
            bias += double(x[j]) * base_[j];
        }
        bias_ = float(bias);
    }
}

void SQQueryScanner::scan(const uint8_t* codes, size_t n, float* out) {
    const size_t d = sq_.d;
    const bool l2 = metric_ == METRIC_L2;
    switch (path_) {
        case Path::u8:
            if (l2) {
                kernels_->l2_u8(out, a_.data(), scale_.data(), codes, d, n);
            } else {
                kernels_->ip_u8(out, a_.data(), codes, d, n);
                add_bias(out, n);
            }
            break;
        case Path::u6:
            if (l2) {
                kernels_->l2_u6(out, a_.data(), scale_.data(), codes, d, n);
            } else {
                kernels_->ip_u6(out, a_.data(), codes, d, n);
                add_bias(out, n);
            }
            break;
        case Path::u4:
            if (l2) {
                kernels_->l2_u4(out, a_.data(), scale_.data(), codes, d, n);
            } else {
                kernels_->ip_u4(out, a_.data(), codes, d, n);
                add_bias(out, n);
            }
            break;
        case Path::fp16:
            (l2 ? kernels_->l2_fp16 : kernels_->ip_fp16)(out, x_, codes, d, n);
            break;
        case Path::bf16:
            (l2 ? kernels_->l2_bf16 : kernels_->ip_bf16)(out, x_, codes, d, n);
            break;
    }
}

void SQQueryScanner::add_bias(float* out, size_t n) const {
    for (size_t i = 0; i < n; i++)
        out[i] += bias_;
}

}  // namespace faiss::internal
