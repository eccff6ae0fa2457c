// Feature detection with cpuid (what the CPU implements) and xgetbv (what the OS
// enables). A CPU can report AVX-512 while the kernel or hypervisor leaves the ZMM
// state disabled; using the instructions then faults, so both checks are needed.
#include <faiss/simd/cpu_features.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <cstdint>

namespace faiss::simd {

namespace {

#if defined(__x86_64__) || defined(__i386__)

struct CpuidRegs {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
};

CpuidRegs cpuid(unsigned leaf, unsigned subleaf) {
    CpuidRegs r;
    if (!__get_cpuid_count(leaf, subleaf, &r.eax, &r.ebx, &r.ecx, &r.edx)) {
        return CpuidRegs{};
    }
    return r;
}

bool bit(unsigned reg, int b) {
    return (reg >> b) & 1u;
}

// XCR0 via the xgetbv instruction, written as raw asm so this file needs no -mxsave.
uint64_t read_xcr0() {
    uint32_t lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (static_cast<uint64_t>(hi) << 32) | lo;
}

// XCR0 bits: 1 = SSE (XMM), 2 = AVX (upper YMM), 5 = opmask, 6 = ZMM0-15 upper half,
// 7 = ZMM16-31.
constexpr uint64_t kXcr0Ymm = (1u << 1) | (1u << 2);
constexpr uint64_t kXcr0Zmm = kXcr0Ymm | (1u << 5) | (1u << 6) | (1u << 7);

CpuFeatures detect() {
    CpuFeatures f;
    unsigned max_leaf = __get_cpuid_max(0, nullptr);
    if (max_leaf < 1) return f;

    CpuidRegs l1 = cpuid(1, 0);
    f.sse42 = bit(l1.ecx, 20);
    f.popcnt = bit(l1.ecx, 23);
    bool osxsave = bit(l1.ecx, 27);
    uint64_t xcr0 = osxsave ? read_xcr0() : 0;
    bool os_ymm = (xcr0 & kXcr0Ymm) == kXcr0Ymm;
    bool os_zmm = (xcr0 & kXcr0Zmm) == kXcr0Zmm;

    f.avx = os_ymm && bit(l1.ecx, 28);
    f.fma = f.avx && bit(l1.ecx, 12);
    f.f16c = f.avx && bit(l1.ecx, 29);
    if (max_leaf < 7) return f;

    CpuidRegs l7 = cpuid(7, 0);
    f.avx2 = f.avx && bit(l7.ebx, 5);
    if (os_zmm && f.avx) {
        f.avx512f = bit(l7.ebx, 16);
        f.avx512dq = f.avx512f && bit(l7.ebx, 17);
        f.avx512cd = f.avx512f && bit(l7.ebx, 28);
        f.avx512bw = f.avx512f && bit(l7.ebx, 30);
        f.avx512vl = f.avx512f && bit(l7.ebx, 31);
        f.avx512vnni = f.avx512f && bit(l7.ecx, 11);
        f.avx512vpopcntdq = f.avx512f && bit(l7.ecx, 14);
        f.avx512fp16 = f.avx512f && bit(l7.edx, 23);
        if (l7.eax >= 1) {
            CpuidRegs l71 = cpuid(7, 1);
            f.avx512bf16 = f.avx512f && bit(l71.eax, 5);
        }
    }
    return f;
}

#else

CpuFeatures detect() {
    return CpuFeatures{};
}

#endif

}  // namespace

const CpuFeatures& cpu_features() {
    static const CpuFeatures features = detect();
    return features;
}

}  // namespace faiss::simd
