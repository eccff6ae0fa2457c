// Scalar-quantizer code distances (one query against many codes, computed on the codes)
// for the 8-bit, 4-bit, fp16 and bf16 formats, L2 and inner product, d = 128 and 384,
// 16k codes, at every SIMD level. The per-query arrays (a, s for L2, w for inner
// product) are what faiss/internal/sq_scanner.h builds; random values time the same.
#include "kernels_common.h"

#include <faiss/simd/sq_dispatch.h>

#include <cstring>

namespace kbench {
namespace {

constexpr size_t kCodes = size_t(1) << 14;

enum class Format { u8, u4, fp16, bf16 };

size_t code_size(Format f, size_t d) {
    switch (f) {
        case Format::u8:
            return d;
        case Format::u4:
            return (d + 1) / 2;
        default:
            return 2 * d;
    }
}

std::vector<uint8_t> make_codes(Format f, size_t d) {
    if (f == Format::u8 || f == Format::u4) return random_bytes(kCodes * code_size(f, d), 6);
    // Finite values of moderate size: fp16 in [0.125, 1), bf16 in [0.125, 1).
    std::vector<uint16_t> half = f == Format::fp16 ? random_u16(kCodes * d, 6, 0x3000, 0x3C00)
                                                   : random_u16(kCodes * d, 6, 0x3E00, 0x3F80);
    std::vector<uint8_t> bytes(half.size() * 2);
    std::memcpy(bytes.data(), half.data(), bytes.size());
    return bytes;
}

void run_sq(benchmark::State& state, Format f, bool l2, size_t d) {
    const faiss::simd::SQDistanceKernels& k = faiss::simd::sq_distance_kernels();
    std::vector<uint8_t> codes = make_codes(f, d);
    std::vector<float> a = random_floats(d, 7), s = random_floats(d, 8, 0.0f, 0.01f), out(kCodes);
    const uint8_t* c = codes.data();
    float* o = out.data();
    for (auto _ : state) {
        switch (f) {
            case Format::u8:
                l2 ? k.l2_u8(o, a.data(), s.data(), c, d, kCodes)
                   : k.ip_u8(o, a.data(), c, d, kCodes);
                break;
            case Format::u4:
                l2 ? k.l2_u4(o, a.data(), s.data(), c, d, kCodes)
                   : k.ip_u4(o, a.data(), c, d, kCodes);
                break;
            case Format::fp16:
                l2 ? k.l2_fp16(o, a.data(), c, d, kCodes) : k.ip_fp16(o, a.data(), c, d, kCodes);
                break;
            case Format::bf16:
                l2 ? k.l2_bf16(o, a.data(), c, d, kCodes) : k.ip_bf16(o, a.data(), c, d, kCodes);
                break;
        }
        benchmark::DoNotOptimize(o);
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kCodes));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kCodes * code_size(f, d)));
}

}  // namespace

void register_sq_benchmarks() {
    const std::pair<Format, const char*> formats[] = {
        {Format::u8, "8bit"}, {Format::u4, "4bit"}, {Format::fp16, "fp16"}, {Format::bf16, "bf16"}};
    for (const auto& [format, fname] : formats) {
        for (bool l2 : {true, false}) {
            for (size_t d : {size_t(128), size_t(384)}) {
                std::string name = std::string("sq_distances/") + fname + (l2 ? "/L2" : "/IP") +
                                   "/d:" + std::to_string(d) + "/n:" + std::to_string(kCodes);
                Format f = format;
                register_per_level(name, [f, l2, d](benchmark::State& s) { run_sq(s, f, l2, d); });
            }
        }
    }
}

}  // namespace kbench
