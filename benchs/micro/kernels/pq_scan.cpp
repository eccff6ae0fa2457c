// PQ look-up-table scans (ADC: one query's M x ksub table against many codes), the inner
// loop of IndexPQ / IndexIVFPQ search, for M = 16, 32, 64 sub-quantizers with 8-bit
// (ksub 256) and 4-bit (ksub 16) codes, over 64k codes, at every SIMD level; and the
// Hamming threshold filter of the polysemous search for 8/16/32/64-byte codes (per level
// the table the dispatcher picks: scalar, POPCNT, AVX512_VPOPCNTDQ where present).
#include "kernels_common.h"

#include <faiss/simd/hamming_dispatch.h>
#include <faiss/simd/pq_dispatch.h>

namespace kbench {
namespace {

constexpr size_t kCodes = size_t(1) << 16;

void run_scan(benchmark::State& state, size_t M, int nbits) {
    const size_t ksub = size_t(1) << nbits;
    const size_t code_size = nbits == 8 ? M : (M + 1) / 2;
    std::vector<float> tab = random_floats(M * ksub, 4, 0.0f, 4.0f), out(kCodes);
    std::vector<uint8_t> codes = random_bytes(kCodes * code_size, 5);
    const faiss::simd::PQKernels& kernels = faiss::simd::pq_kernels();
    auto scan = nbits == 8 ? kernels.adc_scan_u8 : kernels.adc_scan_u4;
    for (auto _ : state) {
        scan(out.data(), tab.data(), codes.data(), M, code_size, kCodes);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kCodes));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kCodes * code_size));
}

// Blocks of 256 codes as the IndexPQ scan hands them over; a threshold of 7/16 of the
// bits lets a few percent of random codes through.
void run_hamming_filter(benchmark::State& state, size_t cs) {
    const std::vector<uint8_t> codes = random_bytes(kCodes * cs, 6), q = random_bytes(cs, 7);
    std::vector<uint32_t> ids(256);
    const faiss::simd::HammingKernels& kernels = faiss::simd::hamming_kernels();
    const int ht = int(cs * 8 * 7 / 16);
    for (auto _ : state) {
        size_t pass = 0;
        for (size_t b = 0; b < kCodes; b += 256)
            pass += kernels.filter(q.data(), codes.data() + b * cs, cs, 256, ht, ids.data());
        benchmark::DoNotOptimize(pass);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kCodes));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kCodes * cs));
}

}  // namespace

void register_pq_benchmarks() {
    for (size_t cs : {size_t(8), size_t(16), size_t(32), size_t(64)}) {
        std::string name =
            "hamming_filter/cs:" + std::to_string(cs) + "/n:" + std::to_string(kCodes);
        register_per_level(name, [cs](benchmark::State& s) { run_hamming_filter(s, cs); });
    }
    for (int nbits : {8, 4}) {
        for (size_t M : {size_t(16), size_t(32), size_t(64)}) {
            std::string name = "pq_scan/M:" + std::to_string(M) +
                               "/nbits:" + std::to_string(nbits) + "/n:" + std::to_string(kCodes);
            register_per_level(name, [M, nbits](benchmark::State& s) { run_scan(s, M, nbits); });
        }
    }
}

}  // namespace kbench
