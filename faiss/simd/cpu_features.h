#pragma once

// CPU feature detection: the one place that asks the processor (cpuid) and the
// operating system (xgetbv) what the SIMD kernels may use. Private: never installed.

namespace faiss::simd {

/// Instruction-set features usable by this process. A feature counts only when both
/// the CPU reports it and the OS saves the register state it needs on context switch
/// (YMM for AVX/AVX2, opmask + ZMM for AVX-512).
struct CpuFeatures {
    bool sse42 = false;
    bool popcnt = false;
    bool avx = false;
    bool avx2 = false;
    bool fma = false;
    bool f16c = false;
    bool avx512f = false;
    bool avx512bw = false;
    bool avx512dq = false;
    bool avx512vl = false;
    bool avx512cd = false;
    bool avx512vnni = false;
    bool avx512bf16 = false;
    bool avx512fp16 = false;
    bool avx512vpopcntdq = false;

    /// avx2 + fma + f16c: what the *_avx2.cpp kernels are compiled for.
    bool has_avx2_level() const { return avx2 && fma && f16c; }
    /// F + BW + DQ + VL on top of the AVX2 level: what *_avx512.cpp kernels use.
    bool has_avx512_level() const {
        return has_avx2_level() && avx512f && avx512bw && avx512dq && avx512vl;
    }
};

/// Features of the CPU this process runs on; detected once, thread-safe.
const CpuFeatures& cpu_features();

}  // namespace faiss::simd
