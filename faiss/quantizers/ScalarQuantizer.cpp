// Scalar quantizer: training of the ranges, Faiss-compatible encoding and decoding.
#include <faiss/quantizers/ScalarQuantizer.h>

#include <faiss/internal/checks.h>
#include <faiss/internal/sq_scanner.h>
#include <faiss/utils/fp16.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

namespace faiss {

namespace {

using QT = ScalarQuantizer::QuantizerType;

// Highest code value of the range types (2^bits - 1).
float range_levels(QT qtype) {
    switch (qtype) {
        case ScalarQuantizer::QT_4bit:
        case ScalarQuantizer::QT_4bit_uniform:
            return 15.f;
        case ScalarQuantizer::QT_6bit:
            return 63.f;
        default:
            return 255.f;
    }
}

bool is_uniform(QT qtype) {
    return qtype == ScalarQuantizer::QT_8bit_uniform || qtype == ScalarQuantizer::QT_4bit_uniform;
}

inline float dequantize(uint32_t q, float vmin, float vdiff, float levels) {
    return vmin + vdiff * ((float(q) + 0.5f) / levels);
}

// bf16 as Faiss writes it: add half an ulp to the bit pattern, keep the upper half.
inline uint16_t encode_bf16_faiss(float x) {
    uint32_t u;
    std::memcpy(&u, &x, sizeof(u));
    return uint16_t((u + 0x8000u) >> 16);
}

// fp16 as faiss-cpu writes it: nearest, but ties go away from zero (measured against
// faiss-cpu 1.15.1, which differs from round-to-nearest-even exactly on the ties).
inline uint16_t encode_fp16_faiss(float x) {
    const uint16_t h = encode_fp16(x);
    if ((h & 0x7c00u) == 0x7c00u || (h & 0x7fffu) == 0x7bffu) return h;  // inf/NaN/max
    const double ax = std::fabs(double(x));
    const double lo = std::fabs(double(decode_fp16(h)));
    const double hi = std::fabs(double(decode_fp16(uint16_t(h + 1))));
    return (ax > lo && ax - lo == hi - ax) ? uint16_t(h + 1) : h;
}

// Faiss converts with a plain cast, defined for values in [0, 255]; outside that range
// (and for NaN) the byte is clamped instead of being undefined.
inline uint8_t direct_byte(float v) {
    if (!(v > 0)) return 0;
    if (v >= 255) return 255;
    return uint8_t(v);
}

// [vmin, vmin + vdiff] from the extremes (RS_minmax, widened by arg on both sides).
void range_from_minmax(float lo, float hi, float arg, float* vmin, float* vdiff) {
    if (arg != 0) {
        const float widen = (hi - lo) * arg;
        lo -= widen;
        hi += widen;
    }
    *vmin = lo;
    *vdiff = hi - lo;
}

// [vmin, vmin + vdiff] = mean -+ arg standard deviations (RS_meanstd) of n values.
void range_from_moments(double sum, double sum2, size_t n, float arg, float* vmin, float* vdiff) {
    const double mean = sum / double(n);
    const double var = sum2 / double(n) - mean * mean;
    const double sd = var <= 0 ? 1.0 : std::sqrt(var);
    const float lo = float(mean - sd * arg);
    const float hi = float(mean + sd * arg);
    *vmin = lo;
    *vdiff = hi - lo;
}

// Ranges of the d components of the n rows of x (n x d) by RS_minmax or RS_meanstd, in
// one row-major pass: the same extremes (the first minimum, the last maximum, as
// std::minmax_element) and the same sums in the same order as one column at a time,
// without reading the data d times with a stride of d floats. The same pass checks that
// every value is finite (NaN and infinities fail |v| <= FLT_MAX); returns false, leaving
// vmin / vdiff unset, when one is not.
bool train_ranges_one_pass(ScalarQuantizer::RangeStat rs, float arg, const float* x, size_t n,
                           size_t d, float* vmin, float* vdiff) {
    constexpr float kMax = std::numeric_limits<float>::max();
    bool all_finite = true;
    if (rs == ScalarQuantizer::RS_minmax) {
        std::vector<float> lo(x, x + d), hi(x, x + d);
        for (size_t j = 0; j < d; j++)
            all_finite &= std::fabs(x[j]) <= kMax;
        for (size_t i = 1; i < n; i++) {
            const float* row = x + i * d;
            for (size_t j = 0; j < d; j++) {
                all_finite &= std::fabs(row[j]) <= kMax;
                lo[j] = row[j] < lo[j] ? row[j] : lo[j];
                hi[j] = row[j] < hi[j] ? hi[j] : row[j];
            }
        }
        if (!all_finite) return false;
        for (size_t j = 0; j < d; j++)
            range_from_minmax(lo[j], hi[j], arg, vmin + j, vdiff + j);
        return true;
    }
    std::vector<double> sum(d, 0.0), sum2(d, 0.0);
    for (size_t i = 0; i < n; i++) {
        const float* row = x + i * d;
        for (size_t j = 0; j < d; j++) {
            all_finite &= std::fabs(row[j]) <= kMax;
            sum[j] += row[j];
            sum2[j] += double(row[j]) * row[j];
        }
    }
    if (!all_finite) return false;
    for (size_t j = 0; j < d; j++)
        range_from_moments(sum[j], sum2[j], n, arg, vmin + j, vdiff + j);
    return true;
}

// [vmin, vmin + vdiff] of the n values v (reordered) by rangestat.
void train_range(ScalarQuantizer::RangeStat rs, float arg, std::vector<float>& v, float* vmin,
                 float* vdiff) {
    const size_t n = v.size();
    float lo, hi;
    if (rs == ScalarQuantizer::RS_minmax) {
        auto mm = std::minmax_element(v.begin(), v.end());
        range_from_minmax(*mm.first, *mm.second, arg, vmin, vdiff);
        return;
    } else if (rs == ScalarQuantizer::RS_meanstd) {
        double sum = 0, sum2 = 0;
        for (float x : v) {
            sum += x;
            sum2 += double(x) * x;
        }
        range_from_moments(sum, sum2, n, arg, vmin, vdiff);
        return;
    } else if (rs == ScalarQuantizer::RS_quantiles) {
        std::sort(v.begin(), v.end());
        long o = long(arg * float(n));
        o = std::max(0L, std::min(o, long(n / 2)));
        lo = v[size_t(o)];
        hi = v[n - 1 - size_t(o)];
    } else if (rs == ScalarQuantizer::RS_optim) {
        FAISS_THROW_CODE(unsupported, "ScalarQuantizer: rangestat RS_optim is not supported");
    } else {
        FAISS_THROW_CODE(invalid_argument, "ScalarQuantizer: unknown rangestat %d", int(rs));
    }
    *vmin = lo;
    *vdiff = hi - lo;
}

}  // namespace

ScalarQuantizer::ScalarQuantizer(size_t d, QuantizerType qtype) : qtype(qtype), d(d) {
    set_derived_sizes();
}

void ScalarQuantizer::set_derived_sizes() {
    switch (qtype) {
        case QT_8bit:
        case QT_8bit_uniform:
        case QT_8bit_direct:
        case QT_8bit_direct_signed:
            bits = 8;
            code_size = d;
            break;
        case QT_4bit:
        case QT_4bit_uniform:
            bits = 4;
            code_size = (d + 1) / 2;
            break;
        case QT_6bit:
            bits = 6;
            code_size = (d * 6 + 7) / 8;
            break;
        case QT_fp16:
        case QT_bf16:
            bits = 16;
            code_size = 2 * d;
            break;
        default:
            FAISS_REQUIRE(int(qtype) < 0 || int(qtype) > 26, unsupported,
                          "ScalarQuantizer: quantizer type %d exists in Faiss but is not "
                          "supported here (supported: 0-8)",
                          int(qtype));
            FAISS_THROW_CODE(invalid_argument, "ScalarQuantizer: unknown quantizer type %d",
                             int(qtype));
    }
}

bool ScalarQuantizer::needs_training() const {
    return trained_size() > 0;
}

size_t ScalarQuantizer::trained_size() const {
    switch (qtype) {
        case QT_8bit:
        case QT_4bit:
        case QT_6bit:
            return 2 * d;
        case QT_8bit_uniform:
        case QT_4bit_uniform:
            return 2;
        default:
            return 0;
    }
}

bool ScalarQuantizer::is_ready() const {
    return trained.size() == trained_size();
}

void ScalarQuantizer::train(size_t n, const float* x) {
    const size_t want = trained_size();
    if (want == 0) return;
    FAISS_REQUIRE(int(rangestat) >= 0 && int(rangestat) <= 3, invalid_argument,
                  "ScalarQuantizer: unknown rangestat %d", int(rangestat));
    FAISS_REQUIRE(rangestat != RS_optim, unsupported,
                  "ScalarQuantizer: rangestat RS_optim is not supported");
    FAISS_REQUIRE(n > 0, invalid_argument, "ScalarQuantizer: training needs n > 0 vectors");
    FAISS_REQUIRE(x, invalid_argument, "ScalarQuantizer: training vectors are null");
    // Every value must be finite. The range statistics below check that in their pass
    // over the data (branch-free, it vectorises); the others get a scan of their own.
    // The first offending value is looked for only when there is one.
    const auto locate_non_finite = [&] {
        for (size_t i = 0; i < n * d; i++) {
            FAISS_REQUIRE(std::isfinite(x[i]), invalid_argument,
                          "ScalarQuantizer: training value %zu (vector %zu, component %zu) is "
                          "not finite",
                          i, i / d, i % d);
        }
    };
    std::vector<float> result(want);
    if (rangestat == RS_minmax || rangestat == RS_meanstd) {
        // A uniform quantizer takes its one range over all n * d values.
        const bool finite =
            is_uniform(qtype)
                ? train_ranges_one_pass(rangestat, rangestat_arg, x, n * d, 1, &result[0],
                                        &result[1])
                : train_ranges_one_pass(rangestat, rangestat_arg, x, n, d, &result[0], &result[d]);
        if (!finite) locate_non_finite();
        trained.swap(result);
        return;
    }
    bool all_finite = true;
    for (size_t i = 0; i < n * d; i++)
        all_finite &= std::fabs(x[i]) <= std::numeric_limits<float>::max();
    if (!all_finite) locate_non_finite();
    if (is_uniform(qtype)) {
        std::vector<float> v(x, x + n * d);
        train_range(rangestat, rangestat_arg, v, &result[0], &result[1]);
    } else {
        std::vector<float> column(n);
        for (size_t j = 0; j < d; j++) {
            for (size_t i = 0; i < n; i++)
                column[i] = x[i * d + j];
            train_range(rangestat, rangestat_arg, column, &result[j], &result[d + j]);
        }
    }
    trained.swap(result);
}

namespace {

// Per-vector codec of one ScalarQuantizer.
struct Codec {
    const ScalarQuantizer& sq;
    float levels;
    bool uniform;

    // Faiss's rule: u = clamp((x - vmin) / vdiff, 0, 1), q = trunc(u * levels); vdiff == 0
    // gives 0, and so does NaN. Per-component ranges for the vectorised encoder: lo = vmin
    // and div = vdiff, except where vdiff == 0: there lo = +inf and div = 1 make
    // (x - lo) / div negative or NaN, which the clamp also sends to 0.
    std::vector<float> lo, div;

    explicit Codec(const ScalarQuantizer& sq)
        : sq(sq), levels(range_levels(sq.qtype)), uniform(is_uniform(sq.qtype)) {
        if (sq.trained.empty()) return;
        lo.resize(sq.d);
        div.resize(sq.d);
        for (size_t j = 0; j < sq.d; j++) {
            const bool flat = vdiff(j) == 0;
            lo[j] = flat ? INFINITY : vmin(j);
            div[j] = flat ? 1.f : vdiff(j);
        }
    }

    float vmin(size_t j) const { return uniform ? sq.trained[0] : sq.trained[j]; }
    float vdiff(size_t j) const { return uniform ? sq.trained[1] : sq.trained[sq.d + j]; }

    // q[t] = level of x[j0 + t] for t < m: a true division, so codes stay byte-identical
    // to Faiss's, and no branches, so the compiler vectorises the loop.
    void quantize_chunk(const float* x, size_t j0, size_t m, uint8_t* q) const {
        const float* l = lo.data() + j0;
        const float* v = div.data() + j0;
        for (size_t t = 0; t < m; t++) {
            float u = (x[j0 + t] - l[t]) / v[t];
            u = u > 0.f ? u : 0.f;
            u = u < 1.f ? u : 1.f;
            q[t] = uint8_t(int32_t(u * levels));
        }
    }

    // Levels of the range types, through a small buffer for the packed layouts.
    template <class Pack>
    void encode_levels(const float* x, Pack&& pack) const {
        constexpr size_t kChunk = 64;
        uint8_t q[kChunk];
        for (size_t j0 = 0; j0 < sq.d; j0 += kChunk) {
            const size_t m = std::min(kChunk, sq.d - j0);
            quantize_chunk(x, j0, m, q);
            for (size_t t = 0; t < m; t++)
                pack(j0 + t, uint32_t(q[t]));
        }
    }

    void encode(const float* x, uint8_t* code) const {
        const size_t d = sq.d;
        std::memset(code, 0, sq.code_size);
        switch (sq.qtype) {
            case ScalarQuantizer::QT_8bit:
            case ScalarQuantizer::QT_8bit_uniform:
                quantize_chunk(x, 0, d, code);
                break;
            case ScalarQuantizer::QT_4bit:
            case ScalarQuantizer::QT_4bit_uniform:
                encode_levels(
                    x, [&](size_t j, uint32_t q) { code[j / 2] |= uint8_t(q << ((j & 1) * 4)); });
                break;
            case ScalarQuantizer::QT_6bit:
                // LSB-first bit stream: component j occupies bits [6j, 6j + 6).
                encode_levels(x, [&](size_t j, uint32_t q) {
                    const size_t bit = 6 * j, byte = bit >> 3, shift = bit & 7;
                    code[byte] |= uint8_t(q << shift);
                    if (shift > 2) code[byte + 1] |= uint8_t(q >> (8 - shift));
                });
                break;
            case ScalarQuantizer::QT_fp16:
                for (size_t j = 0; j < d; j++) {
                    const uint16_t h = encode_fp16_faiss(x[j]);
                    std::memcpy(code + 2 * j, &h, 2);
                }
                break;
            case ScalarQuantizer::QT_bf16:
                for (size_t j = 0; j < d; j++) {
                    const uint16_t h = encode_bf16_faiss(x[j]);
                    std::memcpy(code + 2 * j, &h, 2);
                }
                break;
            case ScalarQuantizer::QT_8bit_direct:
                for (size_t j = 0; j < d; j++)
                    code[j] = direct_byte(x[j]);
                break;
            case ScalarQuantizer::QT_8bit_direct_signed:
                for (size_t j = 0; j < d; j++)
                    code[j] = direct_byte(x[j] + 128);
                break;
        }
    }

    void decode(const uint8_t* code, float* x) const {
        const size_t d = sq.d;
        switch (sq.qtype) {
            case ScalarQuantizer::QT_8bit:
            case ScalarQuantizer::QT_8bit_uniform:
                for (size_t j = 0; j < d; j++)
                    x[j] = dequantize(code[j], vmin(j), vdiff(j), levels);
                break;
            case ScalarQuantizer::QT_4bit:
            case ScalarQuantizer::QT_4bit_uniform:
                for (size_t j = 0; j < d; j++)
                    x[j] =
                        dequantize((code[j / 2] >> ((j & 1) * 4)) & 15, vmin(j), vdiff(j), levels);
                break;
            case ScalarQuantizer::QT_6bit:
                for (size_t j = 0; j < d; j++) {
                    const size_t bit = 6 * j, byte = bit >> 3, shift = bit & 7;
                    uint32_t w = code[byte];
                    if (shift > 2) w |= uint32_t(code[byte + 1]) << 8;
                    x[j] = dequantize((w >> shift) & 63, vmin(j), vdiff(j), levels);
                }
                break;
            case ScalarQuantizer::QT_fp16:
            case ScalarQuantizer::QT_bf16:
                for (size_t j = 0; j < d; j++) {
                    uint16_t h;
                    std::memcpy(&h, code + 2 * j, 2);
                    x[j] = sq.qtype == ScalarQuantizer::QT_fp16 ? decode_fp16(h) : decode_bf16(h);
                }
                break;
            case ScalarQuantizer::QT_8bit_direct:
                for (size_t j = 0; j < d; j++)
                    x[j] = float(code[j]);
                break;
            case ScalarQuantizer::QT_8bit_direct_signed:
                for (size_t j = 0; j < d; j++)
                    x[j] = float(int(code[j]) - 128);
                break;
        }
    }
};

void check_ready(const ScalarQuantizer& sq, size_t n, const void* a, const void* b) {
    FAISS_REQUIRE(sq.is_ready(), not_trained,
                  "ScalarQuantizer is not trained (trained holds %zu floats, expected %zu)",
                  sq.trained.size(), sq.trained_size());
    FAISS_REQUIRE(n == 0 || (a && b), invalid_argument, "ScalarQuantizer: null array for n=%zu", n);
}

}  // namespace

void ScalarQuantizer::compute_codes(const float* x, uint8_t* codes, size_t n) const {
    check_ready(*this, n, x, codes);
    const Codec codec(*this);
#pragma omp parallel for if (n * d > 65536)
    for (int64_t i = 0; i < int64_t(n); i++)
        codec.encode(x + size_t(i) * d, codes + size_t(i) * code_size);
}

void ScalarQuantizer::decode(const uint8_t* codes, float* x, size_t n) const {
    check_ready(*this, n, codes, x);
    const Codec codec(*this);
#pragma omp parallel for if (n * d > 65536)
    for (int64_t i = 0; i < int64_t(n); i++)
        codec.decode(codes + size_t(i) * code_size, x + size_t(i) * d);
}

void ScalarQuantizer::compute_distances(MetricType metric, const float* x, const uint8_t* codes,
                                        size_t n, float* out) const {
    check_ready(*this, n, codes, out);
    FAISS_REQUIRE(x, invalid_argument, "ScalarQuantizer: query is null");
    internal::SQQueryScanner scanner(*this, metric);
    scanner.set_query(x);
    scanner.scan(codes, n, out);
}

}  // namespace faiss
