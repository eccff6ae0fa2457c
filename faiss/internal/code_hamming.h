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

// Hamming distances between code a and the n codes b (n x cs bytes) into out. Codes of
// whole 64-bit words up to 248 bytes (every 8-bit PQ with M % 8 == 0, M <= 248) keep the
// query's words in registers and fold the byte counts once per code.
inline void code_hamming_block(const uint8_t* a, const uint8_t* b, size_t cs, size_t n, int* out) {
    if (cs % 8 != 0 || cs > 248) {
        for (size_t j = 0; j < n; j++)
            out[j] = code_hamming(a, b + j * cs, cs);
        return;
    }
    const size_t nw = cs / 8;
    uint64_t qw[31];
    std::memcpy(qw, a, cs);
    for (size_t j = 0; j < n; j++) {
        const uint8_t* c = b + j * cs;
        uint64_t acc = 0;
        for (size_t w = 0; w < nw; w++) {
            uint64_t cw;
            std::memcpy(&cw, c + 8 * w, 8);
            acc += byte_popcounts(cw ^ qw[w]);
        }
        out[j] = fold_byte_counts(acc);
    }
}

}  // namespace faiss::internal
