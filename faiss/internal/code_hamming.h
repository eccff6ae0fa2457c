#pragma once

// The ADC step of the polysemous scans of IndexPQ and IndexIVFPQ (private): after the
// Hamming filter (faiss/simd/hamming_dispatch.h) has listed the codes of a block that
// pass, only those get their table distance.

#include <cstddef>
#include <cstdint>

namespace faiss::internal {

/// out[t] = dis0 + tab[0][c[0]] + tab[1][c[1]] + ... + tab[M-1][c[M-1]], added in this
/// order starting from dis0, for the code c = codes + ids[t] * cs (nbits 8, one byte per
/// sub-code), t < n. tab is M x 256. Four codes at a time: four independent addition
/// chains, where one code alone waits on M dependent additions.
inline void adc_u8_by_ids(const float* tab, float dis0, const uint8_t* codes, size_t cs, size_t M,
                          const uint32_t* ids, size_t n, float* out) {
    size_t t = 0;
    for (; t + 4 <= n; t += 4) {
        const uint8_t* c0 = codes + size_t(ids[t]) * cs;
        const uint8_t* c1 = codes + size_t(ids[t + 1]) * cs;
        const uint8_t* c2 = codes + size_t(ids[t + 2]) * cs;
        const uint8_t* c3 = codes + size_t(ids[t + 3]) * cs;
        float s0 = dis0, s1 = dis0, s2 = dis0, s3 = dis0;
        for (size_t m = 0; m < M; m++) {
            const float* row = tab + m * 256;
            s0 += row[c0[m]];
            s1 += row[c1[m]];
            s2 += row[c2[m]];
            s3 += row[c3[m]];
        }
        out[t] = s0;
        out[t + 1] = s1;
        out[t + 2] = s2;
        out[t + 3] = s3;
    }
    for (; t < n; t++) {
        const uint8_t* c = codes + size_t(ids[t]) * cs;
        float s = dis0;
        for (size_t m = 0; m < M; m++)
            s += tab[m * 256 + c[m]];
        out[t] = s;
    }
}

}  // namespace faiss::internal
