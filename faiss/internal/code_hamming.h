#pragma once

// Hamming distance between PQ codes (private; used by the polysemous search of IndexPQ
// and IndexIVFPQ).

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace faiss::internal {

// Per-byte bit counts of x (each byte 0 .. 8). Baseline x86-64 has no popcount
// instruction (the builtin becomes a library call), so counts are summed per byte over
// the words of a code and folded once at the end.
inline uint64_t byte_popcounts(uint64_t x) {
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    return (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
}

inline int fold_byte_counts(uint64_t c) {
    return int((c * 0x0101010101010101ULL) >> 56);
}

// Hamming distance between two codes of n bytes, 64 bits at a time.
inline int code_hamming(const uint8_t* a, const uint8_t* b, size_t n) {
    int h = 0;
    size_t i = 0;
    while (i + 8 <= n) {
        // Up to 31 words per fold: byte counts stay below 256.
        uint64_t acc = 0;
        for (int w = 0; w < 31 && i + 8 <= n; w++, i += 8) {
            uint64_t wa, wb;
            std::memcpy(&wa, a + i, 8);
            std::memcpy(&wb, b + i, 8);
            acc += byte_popcounts(wa ^ wb);
        }
        h += fold_byte_counts(acc);
    }
    for (; i < n; i++)
        h += fold_byte_counts(byte_popcounts(uint64_t(a[i] ^ b[i])));
    return h;
}

}  // namespace faiss::internal
