// Float32 distance kernels, written once and compiled per ISA. Include only from a
// faiss/simd/kernels/distances_<isa>.cpp file after defining FAISS_SIMD_NS to the ISA
// namespace name; the file suffix sets the compile flags (cmake/FaissSimd.cmake), and
// the lane width below follows from them.
//
// The bodies use GCC/Clang vector extensions (VecF<L> = L floats) rather than
// intrinsics: the compiler maps them onto SSE, AVX2 or AVX-512 registers, contracts
// a * b + c into FMA where the ISA has it, and no -ffast-math is needed since the
// lane-wise accumulation order is spelled out.
//
// Everything here has internal linkage or lives in the ISA namespace: an inline
// function with external linkage shared between files compiled with different flags
// could be merged by the linker into the AVX-512 copy and fault on older CPUs. For the
// same reason only compiler builtins are used, not <cmath>/<algorithm> helpers.

#ifndef FAISS_SIMD_NS
#error "define FAISS_SIMD_NS (scalar, avx2 or avx512) before including distances-inl.h"
#endif

#include <faiss/simd/dispatch.h>

#include <cstddef>
#include <cstdint>
#include <utility>

namespace faiss::simd::FAISS_SIMD_NS {

namespace {

#if defined(__AVX512F__)
constexpr size_t kMaxLanes = 16;
#elif defined(__AVX2__)
constexpr size_t kMaxLanes = 8;
#else
constexpr size_t kMaxLanes = 4;
#endif

// Database rows processed together by the one-query-many-rows kernels: each chunk
// of the query is loaded once for all of them, and the rows give independent
// accumulator chains to hide the add/FMA latency.
constexpr size_t kRowBlock = 4;

template <size_t L>
struct VecTypes {
    typedef float F __attribute__((vector_size(L * sizeof(float))));
    typedef int32_t I __attribute__((vector_size(L * sizeof(float))));
};
template <size_t L>
using VecF = typename VecTypes<L>::F;
template <size_t L>
using VecI = typename VecTypes<L>::I;

template <size_t L>
inline VecF<L> load(const float* p) {
    VecF<L> v;
    __builtin_memcpy(&v, p, sizeof(v));
    return v;
}

template <size_t L>
inline void store(float* p, VecF<L> v) {
    __builtin_memcpy(p, &v, sizeof(v));
}

template <size_t L>
inline VecF<L> vabs(VecF<L> v) {
    return (VecF<L>)((VecI<L>)v & 0x7fffffff);
}

inline float sabs(float v) {
    return __builtin_fabsf(v);
}

// max that propagates NaN from either side (a plain a > b ? a : b would drop a NaN
// component and give a NaN vector a finite Linf distance).
template <class T>
inline T max_nan(T a, T b) {
    return ((a >= b) | (a != a)) ? a : b;
}

inline float max_nan(float a, float b) {
    return (a >= b || a != a) ? a : b;
}

// Low and high halves of a vector, as register shuffles (going through memory would
// force the accumulators onto the stack).
template <size_t L>
inline VecF<L / 2> low_half(VecF<L> v) {
    if constexpr (L == 16) {
        return __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7);
    } else if constexpr (L == 8) {
        return __builtin_shufflevector(v, v, 0, 1, 2, 3);
    } else {
        return __builtin_shufflevector(v, v, 0, 1);
    }
}

template <size_t L>
inline VecF<L / 2> high_half(VecF<L> v) {
    if constexpr (L == 16) {
        return __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
    } else if constexpr (L == 8) {
        return __builtin_shufflevector(v, v, 4, 5, 6, 7);
    } else {
        return __builtin_shufflevector(v, v, 2, 3);
    }
}

/*** metrics: one accumulation step, the lane combination, identity 0 ***/

struct L2Op {
    template <class V>
    static V step(V acc, V x, V y) {
        V t = x - y;
        return acc + t * t;
    }
    template <class V>
    static V combine(V a, V b) {
        return a + b;
    }
};

struct IPOp {
    template <class V>
    static V step(V acc, V x, V y) {
        return acc + x * y;
    }
    template <class V>
    static V combine(V a, V b) {
        return a + b;
    }
};

struct L1Op {
    template <class V>
    static V step(V acc, V x, V y) {
        if constexpr (sizeof(V) == sizeof(float)) {
            return acc + sabs(x - y);
        } else {
            return acc + vabs<sizeof(V) / sizeof(float)>(x - y);
        }
    }
    template <class V>
    static V combine(V a, V b) {
        return a + b;
    }
};

struct LinfOp {
    template <class V>
    static V step(V acc, V x, V y) {
        if constexpr (sizeof(V) == sizeof(float)) {
            return max_nan(acc, sabs(x - y));
        } else {
            return max_nan(acc, vabs<sizeof(V) / sizeof(float)>(x - y));
        }
    }
    template <class V>
    static V combine(V a, V b) {
        return max_nan(a, b);
    }
};

// Squared norm of the second operand; the first is ignored (its loads are dead code).
struct NormOp {
    template <class V>
    static V step(V acc, V, V y) {
        return acc + y * y;
    }
    template <class V>
    static V combine(V a, V b) {
        return a + b;
    }
};

template <class Op, size_t L>
inline float reduce(VecF<L> v) {
    if constexpr (L == 2) {
        return Op::combine(v[0], v[1]);
    } else {
        return reduce<Op, L / 2>(Op::combine(low_half<L>(v), high_half<L>(v)));
    }
}

// Reduction of the kRowBlock = 4 accumulators of a block at once: each step pairs up
// lane groups of two vectors with two shuffles and one combine, so the four totals
// come out together in about a third of the instructions of four separate
// reductions (measured +30-60% for d = 128 with the data in L1/L2).
//
// Lane o of pair_groups(a, b) with groups of G lanes: the low half of the output takes
// the halves of a's groups, the high half those of b's; Hi picks which half.
template <size_t L, size_t G, size_t Hi>
constexpr int group_lane(size_t o) {
    size_t from_b = o < L / 2 ? 0 : L;
    size_t p = o % (L / 2);
    return static_cast<int>(from_b + (p / (G / 2)) * G + p % (G / 2) + Hi * (G / 2));
}

template <class Op, size_t L, size_t G, size_t... I>
inline VecF<L> pair_groups(VecF<L> a, VecF<L> b, std::index_sequence<I...>) {
    return Op::combine(__builtin_shufflevector(a, b, group_lane<L, G, 0>(I)...),
                       __builtin_shufflevector(a, b, group_lane<L, G, 1>(I)...));
}

template <class Op, size_t L, size_t G>
inline VecF<L> pair_groups(VecF<L> a, VecF<L> b) {
    return pair_groups<Op, L, G>(a, b, std::make_index_sequence<L>());
}

template <class Op, size_t L>
inline void reduce_block(const VecF<L>* acc, float* r) {
    static_assert(kRowBlock == 4, "reduce_block combines exactly four accumulators");
    // after these: [row0 | row1 | row2 | row3], L/4 lanes each
    VecF<L> t = pair_groups<Op, L, L / 2>(pair_groups<Op, L, L>(acc[0], acc[1]),
                                          pair_groups<Op, L, L>(acc[2], acc[3]));
    if constexpr (L >= 8) t = pair_groups<Op, L, L / 4>(t, t);   // L/8 lanes per row
    if constexpr (L >= 16) t = pair_groups<Op, L, L / 8>(t, t);  // 1 lane per row
    for (size_t k = 0; k < 4; k++)
        r[k] = t[k];
}

template <size_t W, size_t... I>
inline VecF<2 * W> widen_step(VecF<W> v, VecF<W> zero, std::index_sequence<I...>) {
    return __builtin_shufflevector(v, zero, static_cast<int>(I)...);
}

// A narrower vector zero-extended to L lanes (0 is the identity of every Op), so the
// tail chunks of a row join its main accumulator and one reduction serves all.
template <size_t L, size_t W>
inline VecF<L> widen(VecF<W> v) {
    if constexpr (W == L) {
        return v;
    } else {
        VecF<W> zero = {};
        return widen<L, 2 * W>(widen_step<W>(v, zero, std::make_index_sequence<2 * W>()));
    }
}

/*** one pair ***/

// The chunk of width W at position j, if it fits, into acc (W below the main width:
// at most one such chunk remains).
template <class Op, size_t L, size_t W>
inline void pair_tail_chunk(const float* x, const float* y, size_t d, size_t& j, VecF<L>& acc) {
    if constexpr (W >= 4 && W < L) {
        if (j + W <= d) {
            VecF<W> zero = {};
            acc = Op::combine(acc, widen<L, W>(Op::step(zero, load<W>(x + j), load<W>(y + j))));
            j += W;
        }
    }
}

template <class Op>
float pair(const float* x, const float* y, size_t d) {
    constexpr size_t L = kMaxLanes;
    size_t j = 0;
    VecF<L> acc = {};
    if (d >= 4 * L) {
        // four independent chains so consecutive FMAs do not wait on each other
        VecF<L> a1 = {}, a2 = {}, a3 = {};
        for (; j + 4 * L <= d; j += 4 * L) {
            acc = Op::step(acc, load<L>(x + j), load<L>(y + j));
            a1 = Op::step(a1, load<L>(x + j + L), load<L>(y + j + L));
            a2 = Op::step(a2, load<L>(x + j + 2 * L), load<L>(y + j + 2 * L));
            a3 = Op::step(a3, load<L>(x + j + 3 * L), load<L>(y + j + 3 * L));
        }
        acc = Op::combine(Op::combine(acc, a1), Op::combine(a2, a3));
    }
    for (; j + L <= d; j += L)
        acc = Op::step(acc, load<L>(x + j), load<L>(y + j));
    pair_tail_chunk<Op, L, L / 2>(x, y, d, j, acc);
    pair_tail_chunk<Op, L, L / 4>(x, y, d, j, acc);
    float r = d >= 4 ? reduce<Op, L>(acc) : 0.0f;
    for (; j < d; j++)
        r = Op::step(r, x[j], y[j]);
    return r;
}

/*** one query against a block of kRowBlock rows ***/

template <class Op, size_t L, size_t W>
inline void block_tail_chunk(const float* x, const float* const* y, size_t d, size_t& j,
                             VecF<L>* acc) {
    if constexpr (W >= 4 && W < L) {
        if (j + W <= d) {
            VecF<W> xv = load<W>(x + j);
            for (size_t k = 0; k < kRowBlock; k++) {
                VecF<W> zero = {};
                acc[k] = Op::combine(acc[k], widen<L, W>(Op::step(zero, xv, load<W>(y[k] + j))));
            }
            j += W;
        }
    }
}

template <class Op>
inline void block(const float* x, const float* const* y, size_t d, float* out) {
    constexpr size_t L = kMaxLanes;
    VecF<L> acc[kRowBlock] = {};
    size_t j = 0;
    for (; j + L <= d; j += L) {
        VecF<L> xv = load<L>(x + j);
        for (size_t k = 0; k < kRowBlock; k++)
            acc[k] = Op::step(acc[k], xv, load<L>(y[k] + j));
    }
    block_tail_chunk<Op, L, L / 2>(x, y, d, j, acc);
    block_tail_chunk<Op, L, L / 4>(x, y, d, j, acc);
    float r[kRowBlock] = {};
    if (d >= 4) reduce_block<Op, L>(acc, r);
    for (; j < d; j++) {
        for (size_t k = 0; k < kRowBlock; k++)
            r[k] = Op::step(r[k], x[j], y[k][j]);
    }
    for (size_t k = 0; k < kRowBlock; k++)
        out[k] = r[k];
}

// Each block takes one row from each of kRowBlock equal segments of y, so every row
// pointer walks memory strictly forward and the hardware prefetchers see kRowBlock
// sequential streams. Taking kRowBlock adjacent rows instead makes the addresses jump
// back and forth inside each page: with y out of cache (d = 128, 100 MB, Zen 4) that
// ran at 6-7 GB/s against 28-30 GB/s for this order, and software prefetching did not
// recover it.
template <class Op>
void ny_rows(float* out, const float* x, const float* y, size_t d, size_t ny) {
    const size_t seg = ny / kRowBlock;
    for (size_t i = 0; i < seg; i++) {
        const float* rows[kRowBlock];
        float r[kRowBlock];
        for (size_t k = 0; k < kRowBlock; k++)
            rows[k] = y + (k * seg + i) * d;
        block<Op>(x, rows, d, r);
        for (size_t k = 0; k < kRowBlock; k++)
            out[k * seg + i] = r[k];
    }
    for (size_t i = seg * kRowBlock; i < ny; i++)
        out[i] = pair<Op>(x, y + i * d, d);
}

// Rows picked by id; a negative id reads the query instead (always valid memory) and
// its result is then replaced by `missing`.
template <class Op>
void by_idx_rows(float* out, const float* x, const float* y, const int64_t* ids, size_t d, size_t n,
                 float missing) {
    size_t i = 0;
    for (; i + kRowBlock <= n; i += kRowBlock) {
        const float* rows[kRowBlock];
        for (size_t k = 0; k < kRowBlock; k++) {
            int64_t id = ids[i + k];
            rows[k] = id >= 0 ? y + static_cast<size_t>(id) * d : x;
        }
        block<Op>(x, rows, d, out + i);
    }
    for (; i < n; i++) {
        int64_t id = ids[i];
        out[i] = id >= 0 ? pair<Op>(x, y + static_cast<size_t>(id) * d, d) : 0;
    }
    for (i = 0; i < n; i++) {
        if (ids[i] < 0) out[i] = missing;
    }
}

/*** table entries ***/

float L2sqr(const float* x, const float* y, size_t d) {
    return pair<L2Op>(x, y, d);
}

float inner_product(const float* x, const float* y, size_t d) {
    return pair<IPOp>(x, y, d);
}

float L1(const float* x, const float* y, size_t d) {
    return pair<L1Op>(x, y, d);
}

float Linf(const float* x, const float* y, size_t d) {
    return pair<LinfOp>(x, y, d);
}

// powf per component is the whole cost here, so p = 1 and p = 2 (common settings of
// METRIC_Lp) take the vector kernels instead.
float Lp(const float* x, const float* y, size_t d, float p) {
    if (p == 1) return pair<L1Op>(x, y, d);
    if (p == 2) return pair<L2Op>(x, y, d);
    float r = 0;
    for (size_t j = 0; j < d; j++)
        r += __builtin_powf(sabs(x[j] - y[j]), p);
    return r;
}

float norm_L2sqr(const float* x, size_t d) {
    return pair<NormOp>(x, x, d);
}

void L2sqr_ny(float* out, const float* x, const float* y, size_t d, size_t ny) {
    ny_rows<L2Op>(out, x, y, d, ny);
}

void inner_products_ny(float* out, const float* x, const float* y, size_t d, size_t ny) {
    ny_rows<IPOp>(out, x, y, d, ny);
}

void L1_ny(float* out, const float* x, const float* y, size_t d, size_t ny) {
    ny_rows<L1Op>(out, x, y, d, ny);
}

void Linf_ny(float* out, const float* x, const float* y, size_t d, size_t ny) {
    ny_rows<LinfOp>(out, x, y, d, ny);
}

void Lp_ny(float* out, const float* x, const float* y, size_t d, size_t ny, float p) {
    if (p == 1) return ny_rows<L1Op>(out, x, y, d, ny);
    if (p == 2) return ny_rows<L2Op>(out, x, y, d, ny);
    for (size_t i = 0; i < ny; i++)
        out[i] = Lp(x, y + i * d, d, p);
}

void L2sqr_by_idx(float* out, const float* x, const float* y, const int64_t* ids, size_t d,
                  size_t n) {
    by_idx_rows<L2Op>(out, x, y, ids, d, n, __builtin_inff());
}

void inner_products_by_idx(float* out, const float* x, const float* y, const int64_t* ids, size_t d,
                           size_t n) {
    by_idx_rows<IPOp>(out, x, y, ids, d, n, -__builtin_inff());
}

void norms_L2sqr(float* norms, const float* x, size_t d, size_t nx) {
    if (nx == 0) return;
    // NormOp ignores the query operand; pass the first row so every pointer is valid.
    ny_rows<NormOp>(norms, x, x, d, nx);
}

void scale(float* x, size_t d, float factor) {
    constexpr size_t L = kMaxLanes;
    size_t j = 0;
    for (; j + L <= d; j += L)
        store<L>(x + j, load<L>(x + j) * factor);
    for (; j < d; j++)
        x[j] *= factor;
}

void renorm_L2(size_t d, size_t nx, float* x) {
    for (size_t i = 0; i < nx; i++) {
        float* row = x + i * d;
        float n2 = pair<NormOp>(row, row, d);
        if (n2 > 0) scale(row, d, 1.0f / __builtin_sqrtf(n2));
    }
}

void madd(size_t n, const float* a, float bf, const float* b, float* c) {
    constexpr size_t L = kMaxLanes;
    size_t j = 0;
    for (; j + L <= n; j += L)
        store<L>(c + j, load<L>(a + j) + bf * load<L>(b + j));
    for (; j < n; j++)
        c[j] = a[j] + bf * b[j];
}

// Built by a constexpr function so the table is constant-initialised: another file's
// static initialiser may already call through it.
constexpr DistanceKernels make_distance_kernels() {
    DistanceKernels t{};
    t.L2sqr = L2sqr;
    t.inner_product = inner_product;
    t.L1 = L1;
    t.Linf = Linf;
    t.Lp = Lp;
    t.norm_L2sqr = norm_L2sqr;
    t.L2sqr_ny = L2sqr_ny;
    t.inner_products_ny = inner_products_ny;
    t.L1_ny = L1_ny;
    t.Linf_ny = Linf_ny;
    t.Lp_ny = Lp_ny;
    t.L2sqr_by_idx = L2sqr_by_idx;
    t.inner_products_by_idx = inner_products_by_idx;
    t.norms_L2sqr = norms_L2sqr;
    t.renorm_L2 = renorm_L2;
    t.madd = madd;
    return t;
}

}  // namespace

extern const DistanceKernels distance_kernels = make_distance_kernels();

}  // namespace faiss::simd::FAISS_SIMD_NS
