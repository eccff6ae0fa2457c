// Hamming kernels with AVX512_VPOPCNTDQ: eight codes of 8, 16, 32 or 64 bytes per step,
// the per-word counts summed by a shuffle tree into one count per code (in code
// order), compared with the threshold as a mask and compressed into positions. Other
// code sizes and the last n % 8 codes go through the POPCNT loops of hamming-inl.h.
#define FAISS_SIMD_NS avx512
#define FAISS_HAMMING_POPCNT 1
#include <faiss/simd/kernels/hamming-inl.h>

#include <immintrin.h>

// GCC 12's AVX-512 unpack / shuffle intrinsics start from an "undefined" register that
// its own uninitialized-use analysis then reports (GCC bug 105593); nothing is read.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#define FAISS_VPOPCNT_FN __attribute__((target("popcnt,avx512vpopcntdq")))

namespace faiss::simd::avx512 {

namespace {

FAISS_VPOPCNT_FN inline __m512i count_xor(const uint8_t* c, __m512i qv) {
    return _mm512_popcnt_epi64(_mm512_xor_si512(_mm512_loadu_si512(c), qv));
}

// Per 128-bit lane L: [sum of lane L of a, sum of lane L of b].
FAISS_VPOPCNT_FN inline __m512i pair_sums(__m512i a, __m512i b) {
    return _mm512_add_epi64(_mm512_unpacklo_epi64(a, b), _mm512_unpackhi_epi64(a, b));
}

// Lanes (a.L0 + a.L1, a.L2 + a.L3, b.L0 + b.L1, b.L2 + b.L3).
FAISS_VPOPCNT_FN inline __m512i lane_pair_sums(__m512i a, __m512i b) {
    return _mm512_add_epi64(_mm512_shuffle_i64x2(a, b, _MM_SHUFFLE(2, 0, 2, 0)),
                            _mm512_shuffle_i64x2(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
}

// The query repeated over a 512-bit register, one copy per code it holds.
template <size_t CS>
FAISS_VPOPCNT_FN inline __m512i query_vector(const uint8_t* q) {
    if constexpr (CS == 8) {
        uint64_t w;
        std::memcpy(&w, q, 8);
        return _mm512_set1_epi64(int64_t(w));
    } else if constexpr (CS == 16) {
        return _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(q)));
    } else if constexpr (CS == 32) {
        return _mm512_broadcast_i64x4(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q)));
    } else {
        return _mm512_loadu_si512(q);
    }
}

// Distances of the 8 codes at c (8 x CS bytes), one per 64-bit lane, in code order.
template <size_t CS>
FAISS_VPOPCNT_FN inline __m512i distances8(const uint8_t* c, __m512i qv) {
    if constexpr (CS == 8) {
        return count_xor(c, qv);
    } else if constexpr (CS == 16) {
        // Code i in lane i of the first register, 4 + i of the second: the pair sums
        // come out as codes 0 4 1 5 2 6 3 7.
        const __m512i s = pair_sums(count_xor(c, qv), count_xor(c + 64, qv));
        return _mm512_permutexvar_epi64(_mm512_setr_epi64(0, 2, 4, 6, 1, 3, 5, 7), s);
    } else if constexpr (CS == 32) {
        // Two codes per register; the sums come out as codes 0 2 1 3 4 6 5 7.
        const __m512i a = pair_sums(count_xor(c, qv), count_xor(c + 64, qv));
        const __m512i b = pair_sums(count_xor(c + 128, qv), count_xor(c + 192, qv));
        return _mm512_permutexvar_epi64(_mm512_setr_epi64(0, 2, 1, 3, 4, 6, 5, 7),
                                        lane_pair_sums(a, b));
    } else {
        __m512i p[8];
        for (int i = 0; i < 8; i++)
            p[i] = count_xor(c + 64 * i, qv);
        const __m512i a = lane_pair_sums(pair_sums(p[0], p[1]), pair_sums(p[2], p[3]));
        const __m512i b = lane_pair_sums(pair_sums(p[4], p[5]), pair_sums(p[6], p[7]));
        return lane_pair_sums(a, b);
    }
}

template <size_t CS>
FAISS_VPOPCNT_FN void distances_v(const uint8_t* q, const uint8_t* codes, size_t n, int32_t* out) {
    const __m512i qv = query_vector<CS>(q);
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
        const __m256i d = _mm512_cvtepi64_epi32(distances8<CS>(codes + j * CS, qv));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + j), d);
    }
    if (j < n) distances_t<CS / 8>(q, codes + j * CS, CS, n - j, out + j);
}

// Each step compresses the passing positions into a register and stores all 8 lanes at
// ids + count: count <= j, so the store stays below j + 8 <= n.
template <size_t CS>
FAISS_VPOPCNT_FN size_t filter_v(const uint8_t* q, const uint8_t* codes, size_t n, int ht,
                                 uint32_t* ids) {
    const __m512i qv = query_vector<CS>(q);
    const __m512i thr = _mm512_set1_epi64(ht);
    __m256i pos = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i step = _mm256_set1_epi32(8);
    size_t count = 0, j = 0;
    for (; j + 8 <= n; j += 8) {
        const __mmask8 pass = _mm512_cmplt_epi64_mask(distances8<CS>(codes + j * CS, qv), thr);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(ids + count),
                            _mm256_maskz_compress_epi32(pass, pos));
        count += size_t(_mm_popcnt_u32(pass));
        pos = _mm256_add_epi32(pos, step);
    }
    if (j < n) {
        const size_t tail = filter_t<CS / 8>(q, codes + j * CS, CS, n - j, ht, ids + count);
        for (size_t t = 0; t < tail; t++)
            ids[count + t] += uint32_t(j);
        count += tail;
    }
    return count;
}

FAISS_VPOPCNT_FN void hamming_distances_vpopcnt(const uint8_t* q, const uint8_t* codes, size_t cs,
                                                size_t n, int32_t* out) {
    switch (cs) {
        case 8:
            return distances_v<8>(q, codes, n, out);
        case 16:
            return distances_v<16>(q, codes, n, out);
        case 32:
            return distances_v<32>(q, codes, n, out);
        case 64:
            return distances_v<64>(q, codes, n, out);
        default:
            return hamming_distances_words(q, codes, cs, n, out);
    }
}

FAISS_VPOPCNT_FN size_t hamming_filter_vpopcnt(const uint8_t* q, const uint8_t* codes, size_t cs,
                                               size_t n, int ht, uint32_t* ids) {
    switch (cs) {
        case 8:
            return filter_v<8>(q, codes, n, ht, ids);
        case 16:
            return filter_v<16>(q, codes, n, ht, ids);
        case 32:
            return filter_v<32>(q, codes, n, ht, ids);
        case 64:
            return filter_v<64>(q, codes, n, ht, ids);
        default:
            return hamming_filter_words(q, codes, cs, n, ht, ids);
    }
}

}  // namespace

extern const HammingKernels hamming_kernels_vpopcntdq = {hamming_distances_vpopcnt,
                                                         hamming_filter_vpopcnt, "vpopcntdq"};

}  // namespace faiss::simd::avx512
