// Product-quantizer kernels, written once and compiled per ISA. Include only from
// faiss/simd/kernels/pq_kernels_<isa>.cpp after defining FAISS_SIMD_NS; the file suffix
// sets the compile flags, and the compiler vectorises the unit-stride loops for it.
//
// Everything has internal linkage or lives in the ISA namespace (an external inline
// function shared between files compiled with different flags could be merged into the
// AVX-512 copy).

#ifndef FAISS_SIMD_NS
#error "define FAISS_SIMD_NS (scalar, avx2 or avx512) before including pq_kernels-inl.h"
#endif

#include <faiss/simd/pq_dispatch.h>

#include <cstddef>
#include <cstdint>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace faiss::simd::FAISS_SIMD_NS {

namespace {

// Four codes per step: four independent accumulation chains hide the latency of the
// table loads; each code's sum keeps the order m = 0 .. M-1.
void adc_scan_u8(float* out, const float* tab, const uint8_t* codes, size_t M, size_t cs,
                 size_t n) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const uint8_t* c0 = codes + i * cs;
        const uint8_t* c1 = c0 + cs;
        const uint8_t* c2 = c1 + cs;
        const uint8_t* c3 = c2 + cs;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (size_t m = 0; m < M; m++) {
            const float* t = tab + m * 256;
            s0 += t[c0[m]];
            s1 += t[c1[m]];
            s2 += t[c2[m]];
            s3 += t[c3[m]];
        }
        out[i] = s0;
        out[i + 1] = s1;
        out[i + 2] = s2;
        out[i + 3] = s3;
    }
    for (; i < n; i++) {
        const uint8_t* c = codes + i * cs;
        float s = 0;
        for (size_t m = 0; m < M; m++)
            s += tab[m * 256 + c[m]];
        out[i] = s;
    }
}

float adc_one_u4(const float* tab, const uint8_t* c, size_t M) {
    float s = 0;
    size_t m = 0;
    for (; m + 1 < M; m += 2) {
        const uint8_t b = c[m / 2];
        s += tab[m * 16 + (b & 15)];
        s += tab[(m + 1) * 16 + (b >> 4)];
    }
    if (m < M) s += tab[m * 16 + (c[m / 2] & 15)];
    return s;
}

void adc_scan_u4(float* out, const float* tab, const uint8_t* codes, size_t M, size_t cs,
                 size_t n) {
    size_t i = 0;
    for (; i + 2 <= n; i += 2) {
        out[i] = adc_one_u4(tab, codes + i * cs, M);
        out[i + 1] = adc_one_u4(tab, codes + (i + 1) * cs, M);
    }
    for (; i < n; i++)
        out[i] = adc_one_u4(tab, codes + i * cs, M);
}

#if defined(__AVX512F__)
constexpr size_t kLanes = 16;
#elif defined(__AVX2__)
constexpr size_t kLanes = 8;
#else
constexpr size_t kLanes = 4;
#endif
// Vectors of centroids scored together: their partial sums stay in registers across
// the dsub components (GCC/Clang vector extensions; the compiler picks the ISA's
// instructions).
constexpr size_t kVecs = 4;
typedef float VF __attribute__((vector_size(kLanes * sizeof(float))));

inline VF load_floats(const float* p) {
    VF v;
    __builtin_memcpy(&v, p, sizeof(v));
    return v;
}

typedef int32_t VI __attribute__((vector_size(kLanes * sizeof(int32_t))));

// Every lane of the result holds the minimum of all lanes of v: lane-wise minimum with
// v's halves swapped, then its quarters ... (log2(kLanes) shuffles, branch-free). NaN
// never enters: the values come from strict < updates.
template <class V>
inline V min_swapped(V v, V h) {
    return h < v ? h : v;
}

template <class V>
inline V fold_min(V v) {
    if constexpr (kLanes == 16) {
        v = min_swapped(
            v, __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
        v = min_swapped(
            v, __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11));
        v = min_swapped(
            v, __builtin_shufflevector(v, v, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13));
        v = min_swapped(
            v, __builtin_shufflevector(v, v, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14));
    } else if constexpr (kLanes == 8) {
        v = min_swapped(v, __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3));
        v = min_swapped(v, __builtin_shufflevector(v, v, 2, 3, 0, 1, 6, 7, 4, 5));
        v = min_swapped(v, __builtin_shufflevector(v, v, 1, 0, 3, 2, 5, 4, 7, 6));
    } else {
        v = min_swapped(v, __builtin_shufflevector(v, v, 2, 3, 0, 1));
        v = min_swapped(v, __builtin_shufflevector(v, v, 1, 0, 3, 2));
    }
    return v;
}

// Running minimum of one point over blocks of kLanes * kVecs centroids: every lane keeps
// its own minimum and the index where it was first reached (strict <, so NaN never wins
// and the earliest index of a lane wins ties).
struct LaneMin {
    VF val[kVecs];
    VI idx[kVecs];

    LaneMin() {
        for (size_t v = 0; v < kVecs; v++) {
            val[v] = VF{} + __builtin_inff();
            idx[v] = VI{} - 1;
        }
    }

    void update(const VF* acc, const VI& lane, size_t j0) {
        for (size_t v = 0; v < kVecs; v++) {
            const VI better = acc[v] < val[v];
            val[v] = better ? acc[v] : val[v];
            idx[v] = better ? lane + int32_t(j0 + v * kLanes) : idx[v];
        }
    }

    // The minimum over every slot, then the smallest index holding it; lanes are
    // folded by halves (log2(kLanes) shuffles), branch-free. Stored values are below
    // infinity, so *best == inf means no centroid was found (-1).
    int64_t reduce(float* best_out) const {
        VF m = val[0];
        for (size_t v = 1; v < kVecs; v++)
            m = val[v] < m ? val[v] : m;
        m = fold_min(m);
        VI first = VI{} + INT32_MAX;
        for (size_t v = 0; v < kVecs; v++) {
            const VI cand = val[v] == m ? idx[v] : VI{} + INT32_MAX;
            first = cand < first ? cand : first;
        }
        first = fold_min(first);
        *best_out = m[0];
        return m[0] < __builtin_inff() ? int64_t(first[0]) : -1;
    }
};

inline VI lane_ids() {
    VI lane;
    for (size_t l = 0; l < kLanes; l++)
        lane[l] = int32_t(l);
    return lane;
}

// The whole blocks of centroids [0, ksub - ksub % kBlock) for dsub = D known at compile
// time (the broadcasts of the point stay in registers, the loops unroll); D = 0 reads
// the width from dsub.
template <size_t D>
void scan_blocks(const float* xs, const float* ct, size_t dsub, size_t ksub, LaneMin& lm) {
    constexpr size_t kBlock = kLanes * kVecs;
    const size_t nd = D ? D : dsub;
    const VI lane = lane_ids();
    VF xb[D ? D : 1];
    if (D) {
        for (size_t t = 0; t < D; t++)
            xb[t] = VF{} + xs[t];
    }
    for (size_t j0 = 0; j0 + kBlock <= ksub; j0 += kBlock) {
        VF acc[kVecs] = {};
        for (size_t t = 0; t < nd; t++) {
            const float* c = ct + t * ksub + j0;
            const VF xt = D ? xb[D ? t : 0] : VF{} + xs[t];
            for (size_t v = 0; v < kVecs; v++) {
                const VF diff = xt - load_floats(c + v * kLanes);
                acc[v] += diff * diff;
            }
        }
        lm.update(acc, lane, j0);
    }
}

// First minimum of ||xs - c_j||^2 over the ksub centroids (transposed, see
// pq_dispatch.h) into *best_j / *best_dis. No centroid found (all NaN): index 0,
// distance of centroid 0.
void nearest_one(const float* xs, const float* ct, size_t dsub, size_t ksub, size_t* best_j,
                 float* best_dis) {
    constexpr size_t kBlock = kLanes * kVecs;
    LaneMin lm;
    switch (dsub) {
        case 2:
            scan_blocks<2>(xs, ct, dsub, ksub, lm);
            break;
        case 4:
            scan_blocks<4>(xs, ct, dsub, ksub, lm);
            break;
        case 8:
            scan_blocks<8>(xs, ct, dsub, ksub, lm);
            break;
        case 12:
            scan_blocks<12>(xs, ct, dsub, ksub, lm);
            break;
        case 16:
            scan_blocks<16>(xs, ct, dsub, ksub, lm);
            break;
        default:
            scan_blocks<0>(xs, ct, dsub, ksub, lm);
            break;
    }
    float best;
    int64_t bj = lm.reduce(&best);
    for (size_t j = ksub - ksub % kBlock; j < ksub; j++) {
        float acc = 0;
        for (size_t t = 0; t < dsub; t++) {
            const float diff = xs[t] - ct[t * ksub + j];
            acc += diff * diff;
        }
        if (acc < best) {
            best = acc;
            bj = int64_t(j);
        }
    }
    if (bj < 0) {
        bj = 0;
        best = 0;
        for (size_t t = 0; t < dsub; t++) {
            const float diff = xs[t] - ct[t * ksub];
            best += diff * diff;
        }
    }
    *best_j = size_t(bj);
    *best_dis = best;
}

size_t l2_transposed_argmin(const float* xs, const float* ct, size_t dsub, size_t ksub) {
    size_t j;
    float dis;
    nearest_one(xs, ct, dsub, ksub, &j, &dis);
    return j;
}

void l2_transposed_nearest(const float* xs, size_t n, size_t ldx, const float* ct, size_t dsub,
                           size_t ksub, int64_t* labels, float* dis) {
    for (size_t i = 0; i < n; i++) {
        size_t j;
        float di;
        nearest_one(xs + i * ldx, ct, dsub, ksub, &j, &di);
        labels[i] = int64_t(j);
        if (dis) dis[i] = di;
    }
}

// tab[m * ksub + j] = <x_m, c_mj> (l2 false) or ||x_m - c_mj||^2 (l2 true) from centroids
// stored transposed per sub-space: component t of centroid j of sub-space m at
// ct[(m * dsub + t) * ksub + j]. Vectorised over j; kVecs vectors of centroids keep
// their sums in registers across the dsub components.
void transposed_tables(const float* x, const float* ct, size_t M, size_t dsub, size_t ksub, bool l2,
                       float* tab) {
    constexpr size_t kBlock = kLanes * kVecs;
    for (size_t m = 0; m < M; m++) {
        const float* xm = x + m * dsub;
        const float* cm = ct + m * dsub * ksub;
        float* out = tab + m * ksub;
        size_t j0 = 0;
        for (; j0 + kBlock <= ksub; j0 += kBlock) {
            VF acc[kVecs] = {};
            for (size_t t = 0; t < dsub; t++) {
                const VF xt = VF{} + xm[t];
                const float* c = cm + t * ksub + j0;
                for (size_t v = 0; v < kVecs; v++) {
                    if (l2) {
                        const VF diff = xt - load_floats(c + v * kLanes);
                        acc[v] += diff * diff;
                    } else {
                        acc[v] += xt * load_floats(c + v * kLanes);
                    }
                }
            }
            __builtin_memcpy(out + j0, acc, sizeof(acc));
        }
        for (size_t j = j0; j < ksub; j++) {
            float acc = 0;
            for (size_t t = 0; t < dsub; t++) {
                const float c = cm[t * ksub + j];
                acc += l2 ? (xm[t] - c) * (xm[t] - c) : xm[t] * c;
            }
            out[j] = acc;
        }
    }
}

// Reference rule of table_argmins: the smallest value (NaN skipped), then its first
// position.
uint32_t row_argmin_two_pass(const float* row, size_t ksub) {
    float best = __builtin_inff();
    for (size_t j = 0; j < ksub; j++)
        best = row[j] < best ? row[j] : best;
    size_t j = 0;
    while (j < ksub && !(row[j] == best))
        j++;
    return j == ksub ? 0 : uint32_t(j);
}

// One pass over the row in vector-width columns: each column keeps its smallest value
// and first position (strict <, so NaN never enters), then the columns holding the
// row minimum give their smallest position. A row whose minimum is not below +inf
// takes the reference rule. The compiler does not vectorise the conditional updates
// (measured: scalar compare-and-move per entry), hence the intrinsics.
#if defined(__AVX2__)

// The smallest column minimum and, among the columns holding it, the smallest position.
uint32_t merge_columns(const float* lmin, const uint32_t* lpos, int w, const float* row,
                       size_t ksub) {
    float best = lmin[0];
    uint32_t pos = lpos[0];
    for (int l = 1; l < w; l++) {
        if (lmin[l] < best || (lmin[l] == best && lpos[l] < pos)) {
            best = lmin[l];
            pos = lpos[l];
        }
    }
    return best < __builtin_inff() ? pos : row_argmin_two_pass(row, ksub);
}

#endif

#if defined(__AVX512F__)

uint32_t row_argmin(const float* row, size_t ksub) {
    if (ksub % 16 != 0) return row_argmin_two_pass(row, ksub);
    __m512 vmin = _mm512_set1_ps(__builtin_inff());
    __m512i vpos = _mm512_setzero_si512();
    __m512i idx = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i step = _mm512_set1_epi32(16);
    for (size_t c = 0; c < ksub; c += 16) {
        const __m512 v = _mm512_loadu_ps(row + c);
        const __mmask16 lt = _mm512_cmp_ps_mask(v, vmin, _CMP_LT_OQ);
        vmin = _mm512_mask_mov_ps(vmin, lt, v);
        vpos = _mm512_mask_mov_epi32(vpos, lt, idx);
        idx = _mm512_add_epi32(idx, step);
    }
    alignas(64) float lmin[16];
    alignas(64) uint32_t lpos[16];
    _mm512_store_ps(lmin, vmin);
    _mm512_store_si512(lpos, vpos);
    return merge_columns(lmin, lpos, 16, row, ksub);
}

#elif defined(__AVX2__)

uint32_t row_argmin(const float* row, size_t ksub) {
    if (ksub % 8 != 0) return row_argmin_two_pass(row, ksub);
    __m256 vmin = _mm256_set1_ps(__builtin_inff());
    __m256i vpos = _mm256_setzero_si256();
    __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i step = _mm256_set1_epi32(8);
    for (size_t c = 0; c < ksub; c += 8) {
        const __m256 v = _mm256_loadu_ps(row + c);
        const __m256 lt = _mm256_cmp_ps(v, vmin, _CMP_LT_OQ);
        vmin = _mm256_blendv_ps(vmin, v, lt);
        vpos = _mm256_blendv_epi8(vpos, idx, _mm256_castps_si256(lt));
        idx = _mm256_add_epi32(idx, step);
    }
    alignas(32) float lmin[8];
    alignas(32) uint32_t lpos[8];
    _mm256_store_ps(lmin, vmin);
    _mm256_store_si256(reinterpret_cast<__m256i*>(lpos), vpos);
    return merge_columns(lmin, lpos, 8, row, ksub);
}

#else

uint32_t row_argmin(const float* row, size_t ksub) {
    return row_argmin_two_pass(row, ksub);
}

#endif

void table_argmins(const float* tab, size_t nrows, size_t ksub, uint32_t* out) {
    for (size_t r = 0; r < nrows; r++)
        out[r] = row_argmin(tab + r * ksub, ksub);
}

}  // namespace

extern const PQKernels pq_kernels = {adc_scan_u8,           adc_scan_u4,       l2_transposed_argmin,
                                     l2_transposed_nearest, transposed_tables, table_argmins};

}  // namespace faiss::simd::FAISS_SIMD_NS
