// Hamming kernels, written once and compiled per ISA. Include only from
// faiss/simd/kernels/hamming_<isa>.cpp after defining FAISS_SIMD_NS and
// FAISS_HAMMING_POPCNT (0: bit tricks, 1: the POPCNT instruction); the avx512 file also
// defines FAISS_HAMMING_VPOPCNTDQ and adds the eight-codes-per-step paths of
// hamming_vpopcntdq-inl.h.
//
// POPCNT and VPOPCNTDQ are not part of the file-suffix flags (a CPU of a level may lack
// them), so the functions that use them carry a target attribute, and the dispatcher
// (faiss/simd/hamming_dispatch.cpp) checks the CPUID bits before handing them out.
//
// Code sizes of 8, 16, 32 and 64 bytes get loops specialised on the number of 64-bit
// words (the query's words stay in registers); other sizes go word by word plus a
// zero-padded tail word. The filter writes every position and advances its count by
// the comparison, so a code passing or not costs no branch.

#ifndef FAISS_SIMD_NS
#error "define FAISS_SIMD_NS before including hamming-inl.h"
#endif
#ifndef FAISS_HAMMING_POPCNT
#error "define FAISS_HAMMING_POPCNT (0 or 1) before including hamming-inl.h"
#endif

#include <faiss/simd/hamming_dispatch.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#if FAISS_HAMMING_POPCNT
#include <immintrin.h>
#define FAISS_HAMMING_FN __attribute__((target("popcnt")))
#else
#define FAISS_HAMMING_FN
#endif

namespace faiss::simd::FAISS_SIMD_NS {

namespace {

FAISS_HAMMING_FN inline uint64_t load_word(const uint8_t* p) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
}

#if FAISS_HAMMING_POPCNT

FAISS_HAMMING_FN inline int popcount64(uint64_t x) {
    return int(_mm_popcnt_u64(x));
}

// Bits differing in nw words.
FAISS_HAMMING_FN inline int xor_popcount_words(const uint64_t* qw, const uint8_t* c, size_t nw) {
    int h = 0;
    for (size_t w = 0; w < nw; w++)
        h += popcount64(qw[w] ^ load_word(c + 8 * w));
    return h;
}

#else

// Per-byte bit counts of x (each 0 .. 8): summed over up to 31 words before one fold,
// so the horizontal add is paid once per code, not per word.
inline uint64_t byte_popcounts(uint64_t x) {
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    return (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
}

// Sum of the 8 byte counts (each < 256): pairs into 16-bit lanes first, since the
// total (up to 8 * 255) does not fit the top byte of a byte-wise multiply-fold.
inline int fold_byte_counts(uint64_t c) {
    const uint64_t pairs = (c & 0x00ff00ff00ff00ffULL) + ((c >> 8) & 0x00ff00ff00ff00ffULL);
    return int((pairs * 0x0001000100010001ULL) >> 48);
}

inline int popcount64(uint64_t x) {
    return fold_byte_counts(byte_popcounts(x));
}

inline int xor_popcount_words(const uint64_t* qw, const uint8_t* c, size_t nw) {
    int h = 0;
    for (size_t w0 = 0; w0 < nw; w0 += 31) {
        const size_t w1 = w0 + 31 < nw ? w0 + 31 : nw;
        uint64_t acc = 0;
        for (size_t w = w0; w < w1; w++)
            acc += byte_popcounts(qw[w] ^ load_word(c + 8 * w));
        h += fold_byte_counts(acc);
    }
    return h;
}

#endif

// Query words up to this many are kept on the stack; longer codes read the query
// bytes directly.
constexpr size_t kMaxQueryWords = 32;

// A zero-padded word of the last cs % 8 bytes of a code.
FAISS_HAMMING_FN inline uint64_t tail_word(const uint8_t* p, size_t nbytes) {
    uint64_t w = 0;
    std::memcpy(&w, p, nbytes);
    return w;
}

// The query as whole words (nw = cs / 8, at most kMaxQueryWords) and its tail word.
struct QueryWords {
    uint64_t w[kMaxQueryWords];
    uint64_t tail;
};

// Distance of code c for a code size known at compile time (NW words) or, with NW = 0,
// any size cs.
template <size_t NW>
FAISS_HAMMING_FN inline int code_distance(const QueryWords& qw, const uint8_t* q, const uint8_t* c,
                                          size_t cs) {
    if constexpr (NW > 0) {
        return xor_popcount_words(qw.w, c, NW);
    } else {
        const size_t nw = cs / 8, rest = cs % 8;
        int h;
        if (nw <= kMaxQueryWords) {
            h = xor_popcount_words(qw.w, c, nw);
        } else {
            h = 0;
            for (size_t w = 0; w < nw; w++)
                h += popcount64(load_word(q + 8 * w) ^ load_word(c + 8 * w));
        }
        if (rest) h += popcount64(qw.tail ^ tail_word(c + 8 * nw, rest));
        return h;
    }
}

FAISS_HAMMING_FN inline void load_query(const uint8_t* q, size_t cs, QueryWords* qw) {
    const size_t nw = cs / 8;
    std::memcpy(qw->w, q, 8 * (nw < kMaxQueryWords ? nw : kMaxQueryWords));
    qw->tail = tail_word(q + 8 * nw, cs % 8);
}

template <size_t NW>
FAISS_HAMMING_FN void distances_t(const uint8_t* q, const uint8_t* codes, size_t cs, size_t n,
                                  int32_t* out) {
    QueryWords qw;
    load_query(q, cs, &qw);
    for (size_t j = 0; j < n; j++)
        out[j] = code_distance<NW>(qw, q, codes + j * cs, cs);
}

template <size_t NW>
FAISS_HAMMING_FN size_t filter_t(const uint8_t* q, const uint8_t* codes, size_t cs, size_t n,
                                 int ht, uint32_t* ids) {
    QueryWords qw;
    load_query(q, cs, &qw);
    size_t count = 0;
    for (size_t j = 0; j < n; j++) {
        const int h = code_distance<NW>(qw, q, codes + j * cs, cs);
        ids[count] = uint32_t(j);
        count += size_t(h < ht);
    }
    return count;
}

// Word-count specialisations first, then the generic loop.
FAISS_HAMMING_FN void hamming_distances_words(const uint8_t* q, const uint8_t* codes, size_t cs,
                                              size_t n, int32_t* out) {
    switch (cs) {
        case 8:
            return distances_t<1>(q, codes, cs, n, out);
        case 16:
            return distances_t<2>(q, codes, cs, n, out);
        case 32:
            return distances_t<4>(q, codes, cs, n, out);
        case 64:
            return distances_t<8>(q, codes, cs, n, out);
        default:
            return distances_t<0>(q, codes, cs, n, out);
    }
}

FAISS_HAMMING_FN size_t hamming_filter_words(const uint8_t* q, const uint8_t* codes, size_t cs,
                                             size_t n, int ht, uint32_t* ids) {
    switch (cs) {
        case 8:
            return filter_t<1>(q, codes, cs, n, ht, ids);
        case 16:
            return filter_t<2>(q, codes, cs, n, ht, ids);
        case 32:
            return filter_t<4>(q, codes, cs, n, ht, ids);
        case 64:
            return filter_t<8>(q, codes, cs, n, ht, ids);
        default:
            return filter_t<0>(q, codes, cs, n, ht, ids);
    }
}

}  // namespace

}  // namespace faiss::simd::FAISS_SIMD_NS
