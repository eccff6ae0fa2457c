// Bulk fp16 / bf16 conversions. Plain loops over the inline scalar converters; the
// branches are rarely taken for real data, so these run at memory speed for typical
// sizes. A hardware (F16C) path would belong in faiss/simd/kernels.
#include <faiss/utils/fp16.h>

#include <faiss/internal/checks.h>

namespace faiss {

namespace {

void check_arrays(size_t n, const void* in, const void* out, const char* name) {
    FAISS_REQUIRE(n == 0 || (in && out), invalid_argument, "%s: %s is null for n=%zu", name,
                  in ? "out" : "in", n);
}

}  // namespace

void float_to_fp16(size_t n, const float* in, uint16_t* out) {
    check_arrays(n, in, out, "float_to_fp16");
    for (size_t i = 0; i < n; i++)
        out[i] = encode_fp16(in[i]);
}

void fp16_to_float(size_t n, const uint16_t* in, float* out) {
    check_arrays(n, in, out, "fp16_to_float");
    for (size_t i = 0; i < n; i++)
        out[i] = decode_fp16(in[i]);
}

void float_to_bf16(size_t n, const float* in, uint16_t* out) {
    check_arrays(n, in, out, "float_to_bf16");
    for (size_t i = 0; i < n; i++)
        out[i] = encode_bf16(in[i]);
}

void bf16_to_float(size_t n, const uint16_t* in, float* out) {
    check_arrays(n, in, out, "bf16_to_float");
    for (size_t i = 0; i < n; i++)
        out[i] = decode_bf16(in[i]);
}

}  // namespace faiss
