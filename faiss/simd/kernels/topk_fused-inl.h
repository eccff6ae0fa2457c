// Fused GEMM + threshold kernel (see faiss/internal/topk_fused.h), written once and
// compiled per ISA. Include only from topk_fused_<isa>.cpp after defining
// FAISS_SIMD_NS; the file suffix sets the compile flags.
//
// Register blocking: MR rows (queries) x NV registers of W lanes (database vectors).
// Per k step: NV loads of the database panel, MR broadcasts of the query group, MR x NV
// FMAs into accumulators that stay in registers for the whole dot product; the tile is
// finished (bias, floor, threshold test) without going through memory unless a row
// holds a candidate. Only intrinsics and local code here: nothing with external
// linkage may be shared with files compiled for another ISA.

#ifndef FAISS_SIMD_NS
#error "define FAISS_SIMD_NS before including topk_fused-inl.h"
#endif

#include <faiss/internal/topk_fused.h>

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

namespace faiss::simd::FAISS_SIMD_NS {

namespace {

#if defined(__AVX512F__)
struct Isa {
    using V = __m512;
    static constexpr size_t W = 16, NV = 2, MR = 8;
    static V zero() { return _mm512_setzero_ps(); }
    static V load(const float* p) { return _mm512_loadu_ps(p); }
    static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
    static V set1(float x) { return _mm512_set1_ps(x); }
    static V fmadd(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
    static V add(V a, V b) { return _mm512_add_ps(a, b); }
    // v < floor ? floor : v, NaN kept (the compare is false for NaN).
    static V raise(V v, V floor) {
        return _mm512_mask_mov_ps(v, _mm512_cmp_ps_mask(v, floor, _CMP_LT_OQ), floor);
    }
    static unsigned below(V v, V threshold) { return _mm512_cmp_ps_mask(v, threshold, _CMP_LT_OQ); }
    static V sub(V a, V b) { return _mm512_sub_ps(a, b); }
    // best = s and col = c0 + lane where s < best (ordered: NaN never wins).
    static void keep_min(V s, float* best, int32_t* col, int32_t c0) {
        const V b = load(best);
        const __mmask16 m = _mm512_cmp_ps_mask(s, b, _CMP_LT_OQ);
        _mm512_storeu_ps(best, _mm512_mask_mov_ps(b, m, s));
        const __m512i lanes =
            _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        const __m512i c = _mm512_add_epi32(_mm512_set1_epi32(c0), lanes);
        _mm512_storeu_si512(col, _mm512_mask_mov_epi32(_mm512_loadu_si512(col), m, c));
    }
    // The first n < W floats at p, zeros after (reads nothing past them).
    static V load_first(const float* p, size_t n) {
        return _mm512_mask_loadu_ps(_mm512_setzero_ps(), __mmask16((1u << n) - 1), p);
    }
    static float sum(V v) {
        // Vector-extension shuffles: the 512-bit extract intrinsics trip GCC 12's
        // -Wmaybe-uninitialized inside its own headers.
        const __m256 h = _mm256_add_ps(__builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7),
                                       __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15));
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
        s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        s = _mm_add_ss(s, _mm_movehdup_ps(s));
        return _mm_cvtss_f32(s);
    }
};
#else
struct Isa {
    using V = __m256;
    static constexpr size_t W = 8, NV = 2, MR = 6;
    static V zero() { return _mm256_setzero_ps(); }
    static V load(const float* p) { return _mm256_loadu_ps(p); }
    static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
    static V set1(float x) { return _mm256_set1_ps(x); }
    static V fmadd(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
    static V add(V a, V b) { return _mm256_add_ps(a, b); }
    static V raise(V v, V floor) {
        return _mm256_blendv_ps(v, floor, _mm256_cmp_ps(v, floor, _CMP_LT_OQ));
    }
    static unsigned below(V v, V threshold) {
        return unsigned(_mm256_movemask_ps(_mm256_cmp_ps(v, threshold, _CMP_LT_OQ)));
    }
    static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
    static void keep_min(V s, float* best, int32_t* col, int32_t c0) {
        const V b = load(best);
        const __m256 m = _mm256_cmp_ps(s, b, _CMP_LT_OQ);
        _mm256_storeu_ps(best, _mm256_blendv_ps(b, s, m));
        const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        const __m256i c = _mm256_add_epi32(_mm256_set1_epi32(c0), lanes);
        const __m256 cur = _mm256_castsi256_ps(_mm256_loadu_si256((const __m256i*)col));
        _mm256_storeu_si256((__m256i*)col,
                            _mm256_castps_si256(_mm256_blendv_ps(cur, _mm256_castsi256_ps(c), m)));
    }
    static V load_first(const float* p, size_t n) {
        const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(int(n)), lanes);
        return _mm256_maskload_ps(p, mask);
    }
    static float sum(V v) {
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
        s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        s = _mm_add_ss(s, _mm_movehdup_ps(s));
        return _mm_cvtss_f32(s);
    }
};
#endif

constexpr size_t MR = Isa::MR;
constexpr size_t NV = Isa::NV;
constexpr size_t W = Isa::W;
constexpr size_t NR = NV * W;
using V = Isa::V;

// Adds the dot products of the query group with one panel, over the d components of
// the packed chunk, into acc[r][v].
inline void panel_dots(const float* qpack, const float* bp, size_t d, V (&acc)[MR][NV]) {
    for (size_t k = 0; k < d; k++) {
        V b[NV];
#pragma GCC unroll 4
        for (size_t v = 0; v < NV; v++)
            b[v] = Isa::load(bp + k * NR + v * W);
#pragma GCC unroll 8
        for (size_t r = 0; r < MR; r++) {
            const V q = Isa::set1(qpack[k * MR + r]);
#pragma GCC unroll 4
            for (size_t v = 0; v < NV; v++)
                acc[r][v] = Isa::fmadd(q, b[v], acc[r][v]);
        }
    }
}

// Finishes the tile of query group g against panel p and offers the rows with a
// candidate.
inline void finish_tile(const internal::FusedScanArgs& a, size_t g, size_t p, V (&acc)[MR][NV]) {
    const V alpha = Isa::set1(a.alpha);
    const V floor = Isa::set1(a.floor);
    alignas(64) float row[NR];
    const float* bb = a.bbias + p * NR;
    V bias[NV];
#pragma GCC unroll 4
    for (size_t v = 0; v < NV; v++)
        bias[v] = Isa::load(bb + v * W);
#pragma GCC unroll 8
    for (size_t r = 0; r < MR; r++) {
        const V qb = Isa::set1(a.qbias[g * MR + r]);
        const V threshold = Isa::set1(a.thresholds[g * MR + r]);
        V s[NV];
        unsigned hits = 0;
#pragma GCC unroll 4
        for (size_t v = 0; v < NV; v++) {
            s[v] = Isa::raise(Isa::fmadd(acc[r][v], alpha, Isa::add(qb, bias[v])), floor);
            hits |= Isa::below(s[v], threshold);
        }
        if (hits) {
            for (size_t v = 0; v < NV; v++)
                Isa::store(row + v * W, s[v]);
            a.offer(a.ctx, g * MR + r, row, p);
        }
    }
}

void scan(const internal::FusedScanArgs& a) {
    for (size_t p = 0; p < a.npanels; p++) {
        for (size_t g = 0; g < a.ngroups; g++) {
            V acc[MR][NV];
            float* partial = a.partial ? a.partial + (p * a.ngroups + g) * MR * NR : nullptr;
#pragma GCC unroll 8
            for (size_t r = 0; r < MR; r++) {
#pragma GCC unroll 4
                for (size_t v = 0; v < NV; v++) {
                    acc[r][v] = partial && !a.first_chunk ? Isa::load(partial + (r * NV + v) * W)
                                                          : Isa::zero();
                }
            }
            panel_dots(a.qpack + g * MR * a.d, a.bpack + p * a.d * NR, a.d, acc);
            if (a.last_chunk) {
                finish_tile(a, g, p, acc);
            } else {
#pragma GCC unroll 8
                for (size_t r = 0; r < MR; r++) {
#pragma GCC unroll 4
                    for (size_t v = 0; v < NV; v++) {
                        Isa::store(partial + (r * NV + v) * W, acc[r][v]);
                    }
                }
            }
        }
    }
}

// Database rows [j0, j0 + MR) against a query panel of P registers (P * W lanes),
// into acc[r][v].
template <size_t P>
inline void row_dots(const float* xb, size_t nb, size_t j0, const float* qp, size_t d,
                     V (&acc)[MR][P]) {
    const float* rows[MR];
#pragma GCC unroll 8
    for (size_t r = 0; r < MR; r++) {
        rows[r] = xb + (j0 + r < nb ? j0 + r : nb - 1) * d;
#pragma GCC unroll 4
        for (size_t v = 0; v < P; v++)
            acc[r][v] = Isa::zero();
    }
    for (size_t k = 0; k < d; k++) {
        V q[P];
#pragma GCC unroll 4
        for (size_t v = 0; v < P; v++)
            q[v] = Isa::load(qp + (k * P + v) * W);
#pragma GCC unroll 8
        for (size_t r = 0; r < MR; r++) {
            const V b = Isa::set1(rows[r][k]);
#pragma GCC unroll 4
            for (size_t v = 0; v < P; v++)
                acc[r][v] = Isa::fmadd(b, q[v], acc[r][v]);
        }
    }
}

// All database rows against one query panel of P registers whose first query is
// column c0.
template <size_t P>
void rows_panel(const internal::FusedRowScanArgs& a, const float* qp, size_t c0) {
    const V alpha = Isa::set1(a.alpha);
    const V floor = Isa::set1(a.floor);
    const float nan = __builtin_nanf("");
    alignas(64) float scores[P * W];
    V qb[P];
#pragma GCC unroll 4
    for (size_t v = 0; v < P; v++)
        qb[v] = Isa::load(a.qbias + c0 + v * W);
    float* thr = a.thresholds + c0;
    for (size_t j0 = 0; j0 < a.nb; j0 += MR) {
        V acc[MR][P];
        row_dots<P>(a.xb, a.nb, j0, qp, a.d, acc);
        for (size_t r = 0; r < MR; r++) {
            const V bb = Isa::set1(j0 + r < a.nb ? a.bbias[j0 + r] : nan);
            V s[P];
            uint64_t hits = 0;
#pragma GCC unroll 4
            for (size_t v = 0; v < P; v++) {
                s[v] = Isa::raise(Isa::fmadd(acc[r][v], alpha, Isa::add(qb[v], bb)), floor);
                hits |= uint64_t(Isa::below(s[v], Isa::load(thr + v * W))) << (v * W);
            }
            if (!hits) continue;
            for (size_t v = 0; v < P; v++)
                Isa::store(scores + v * W, s[v]);
            // Offers may lower thresholds, so each lane is tested again first.
            for (; hits; hits &= hits - 1) {
                const size_t c = size_t(__builtin_ctzll(hits));
                if (scores[c] < thr[c]) a.offer(a.ctx, c0 + c, scores[c], j0 + r);
            }
        }
    }
}

void scan_rows(const internal::FusedRowScanArgs& a) {
    for (size_t p = 0; p < a.npanels; p++)
        rows_panel<NV>(a, a.qpack + p * a.d * NR, p * NR);
    if (a.narrow_tail) {
        rows_panel<1>(a, a.qpack + a.npanels * a.d * NR, a.npanels * NR);
    }
}

// Top-1 of the MR query rows from i0 against every panel of the block (see
// FusedNearestArgs). Each lane keeps its own minimum and the column where it was first
// reached; the reduction then takes the smallest column among the lanes holding the
// minimum, which is the first minimum in column order, as a sequential scan finds it.
void nearest_group(const internal::FusedNearestArgs& a, size_t i0) {
    const V alpha = Isa::set1(a.alpha);
    const V floor = Isa::set1(a.floor);
    alignas(64) float best[MR][NR];
    alignas(64) int32_t col[MR][NR];
    float qbias[MR];
    for (size_t r = 0; r < MR; r++) {
        qbias[r] = a.qbias ? a.qbias[i0 + r < a.nq ? i0 + r : a.nq - 1] : 0.0f;
        for (size_t c = 0; c < NR; c++) {
            best[r][c] = __builtin_inff();
            col[r][c] = -1;
        }
    }
    for (size_t p = 0; p < a.npanels; p++) {
        V acc[MR][NV];
        row_dots<NV>(a.xq, a.nq, i0, a.bpack + p * a.d * NR, a.d, acc);
        V bias[NV];
#pragma GCC unroll 4
        for (size_t v = 0; v < NV; v++)
            bias[v] = Isa::load(a.bbias + p * NR + v * W);
#pragma GCC unroll 8
        for (size_t r = 0; r < MR; r++) {
            const V qb = Isa::set1(qbias[r]);
#pragma GCC unroll 4
            for (size_t v = 0; v < NV; v++) {
                const V s = Isa::raise(Isa::fmadd(acc[r][v], alpha, Isa::add(qb, bias[v])), floor);
                Isa::keep_min(s, best[r] + v * W, col[r] + v * W, int32_t(p * NR + v * W));
            }
        }
    }
    for (size_t r = 0; r < MR && i0 + r < a.nq; r++) {
        float m = best[r][0];
        for (size_t c = 1; c < NR; c++)
            m = best[r][c] < m ? best[r][c] : m;
        if (!(m < a.best[i0 + r])) continue;
        int32_t first = -1;
        for (size_t c = 0; c < NR; c++) {
            if (best[r][c] == m && (first < 0 || col[r][c] < first)) first = col[r][c];
        }
        a.best[i0 + r] = m;
        a.best_id[i0 + r] = a.id0 + first;
    }
}

void nearest(const internal::FusedNearestArgs& a) {
    for (size_t i0 = 0; i0 < a.nq; i0 += MR)
        nearest_group(a, i0);
}

// <q, y> or ||q - y||^2 over d components, two accumulator chains.
template <bool IP>
inline float row_score(const float* q, const float* y, size_t d) {
    V acc0 = Isa::zero(), acc1 = Isa::zero();
    size_t k = 0;
    for (; k + 2 * W <= d; k += 2 * W) {
        if constexpr (IP) {
            acc0 = Isa::fmadd(Isa::load(q + k), Isa::load(y + k), acc0);
            acc1 = Isa::fmadd(Isa::load(q + k + W), Isa::load(y + k + W), acc1);
        } else {
            const V t0 = Isa::sub(Isa::load(q + k), Isa::load(y + k));
            const V t1 = Isa::sub(Isa::load(q + k + W), Isa::load(y + k + W));
            acc0 = Isa::fmadd(t0, t0, acc0);
            acc1 = Isa::fmadd(t1, t1, acc1);
        }
    }
    for (; k < d; k += W) {
        const size_t n = d - k < W ? d - k : W;
        const V a = n == W ? Isa::load(q + k) : Isa::load_first(q + k, n);
        const V b = n == W ? Isa::load(y + k) : Isa::load_first(y + k, n);
        if constexpr (IP) {
            acc0 = Isa::fmadd(a, b, acc0);
        } else {
            const V t = Isa::sub(a, b);
            acc0 = Isa::fmadd(t, t, acc0);
        }
    }
    return Isa::sum(Isa::add(acc0, acc1));
}

// Rows outermost, so the database streams in address order (the hardware prefetcher
// follows one stream; interleaving rows defeats it on some CPUs) and each row is
// reused from L1 by the other queries.
template <bool IP>
void rows_scores_impl(const float* xq, size_t nq, const float* xb, size_t nb, size_t d,
                      float* out) {
    for (size_t j = 0; j < nb; j++) {
        const float* y = xb + j * d;
        for (size_t q = 0; q < nq; q++) {
            const float s = row_score<IP>(xq + q * d, y, d);
            out[q * nb + j] = IP ? -s : s;
        }
    }
}

void rows_scores(const float* xq, size_t nq, const float* xb, size_t nb, size_t d,
                 bool inner_product, float* out) {
    if (inner_product) {
        rows_scores_impl<true>(xq, nq, xb, nb, d, out);
    } else {
        rows_scores_impl<false>(xq, nq, xb, nb, d, out);
    }
}

}  // namespace

extern const internal::FusedScanKernels fused_scan_kernels = {MR,        NR,          scan,
                                                              scan_rows, rows_scores, nearest};

}  // namespace faiss::simd::FAISS_SIMD_NS
