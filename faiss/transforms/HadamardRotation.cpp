// HadamardRotation: sign flips and fast Walsh-Hadamard transforms, three rounds.
#include <faiss/VectorTransform.h>

#include <faiss/internal/checks.h>
#include <faiss/internal/omp_exceptions.h>

#include <algorithm>
#include <cmath>

namespace faiss {

namespace {

int next_power_of_two(int d) {
    FAISS_REQUIRE(d >= 0 && d <= (1 << 30), invalid_argument,
                  "HadamardRotation: d must be in [0, 2^30], got %d", d);
    int p = 1;
    while (p < d)
        p *= 2;
    return p;
}

/// SplitMix64 (Steele, Lea, Flood 2014), drawn the way Faiss draws the signs (the low
/// bit of each output), so that a seed means the same rotation in both libraries.
struct SignStream {
    uint64_t state;
    explicit SignStream(uint32_t seed) : state(seed) {}
    float next_sign() {
        uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        return (z % 2 == 0) ? -1.0f : 1.0f;
    }
};

/// Unnormalised in-place Walsh-Hadamard transform of p (a power of two) values.
void walsh_hadamard(float* v, size_t p) {
    for (size_t h = 1; h < p; h *= 2)
        for (size_t i = 0; i < p; i += 2 * h)
            for (size_t j = i; j < i + h; j++) {
                const float a = v[j], b = v[j + h];
                v[j] = a + b;
                v[j + h] = a - b;
            }
}

void multiply(float* v, const float* s, size_t p) {
    for (size_t j = 0; j < p; j++)
        v[j] *= s[j];
}

}  // namespace

HadamardRotation::HadamardRotation(int d, uint32_t seed)
    : VectorTransform(d, next_power_of_two(d)), seed(seed) {
    init(seed);
}

HadamardRotation::HadamardRotation() : VectorTransform(0, 0), seed(0) {}

void HadamardRotation::init(uint32_t seed_in) {
    FAISS_REQUIRE(d_out == next_power_of_two(d_in) || (d_in == 0 && d_out == 0), invalid_argument,
                  "HadamardRotation: d_out=%d must be the smallest power of two >= d_in=%d", d_out,
                  d_in);
    seed = seed_in;
    SignStream stream(seed);
    for (std::vector<float>* s : {&signs1, &signs2, &signs3}) {
        s->resize(size_t(d_out));
        for (float& v : *s)
            v = stream.next_sign();
    }
    is_trained = true;
}

void HadamardRotation::train(idx_t n, const float*) {
    FAISS_REQUIRE(n >= 0, invalid_argument, "train: number of vectors must be >= 0, got %lld",
                  (long long)n);
    init(seed != 0 ? seed : 12345);
}

void HadamardRotation::apply_noalloc(idx_t n, const float* x, float* xt) const {
    check_apply_args(n, x, xt, "apply");
    const size_t d = size_t(d_in), p = size_t(d_out);
    FAISS_REQUIRE(signs1.size() == p && signs2.size() == p && signs3.size() == p, invalid_argument,
                  "HadamardRotation: the signs are not drawn (call init)");
    // Each unnormalised transform scales norms by sqrt(p): undo all three at the end.
    const float scale = 1.0f / (float(p) * std::sqrt(float(p)));
#pragma omp parallel for if (n > 64)
    for (idx_t i = 0; i < n; i++) {
        float* out = xt + size_t(i) * p;
        std::copy(x + size_t(i) * d, x + size_t(i + 1) * d, out);
        std::fill(out + d, out + p, 0.0f);
        for (const std::vector<float>* s : {&signs1, &signs2, &signs3}) {
            multiply(out, s->data(), p);
            walsh_hadamard(out, p);
        }
        for (size_t j = 0; j < p; j++)
            out[j] *= scale;
    }
}

void HadamardRotation::reverse_transform(idx_t n, const float* xt, float* x) const {
    check_apply_args(n, xt, x, "reverse_transform");
    const size_t d = size_t(d_in), p = size_t(d_out);
    FAISS_REQUIRE(signs1.size() == p && signs2.size() == p && signs3.size() == p, invalid_argument,
                  "HadamardRotation: the signs are not drawn (call init)");
    // H H = p I and S S = I, so the inverse runs the rounds backwards with the same
    // overall scale p^(-3/2).
    const float scale = 1.0f / (float(p) * std::sqrt(float(p)));
    internal::ExceptionCollector errors;
#pragma omp parallel if (n > 64)
    {
        std::vector<float> buf;
        errors.run([&] { buf.resize(p); });
#pragma omp for
        for (idx_t i = 0; i < n; i++) {
            if (buf.size() != p) continue;  // allocation failed: reported below
            std::copy(xt + size_t(i) * p, xt + size_t(i + 1) * p, buf.begin());
            for (const std::vector<float>* s : {&signs3, &signs2, &signs1}) {
                walsh_hadamard(buf.data(), p);
                multiply(buf.data(), s->data(), p);
            }
            for (size_t j = 0; j < d; j++)
                x[size_t(i) * d + j] = buf[j] * scale;
        }
    }
    errors.rethrow();
}

void HadamardRotation::check_identical(const VectorTransform& other_in) const {
    VectorTransform::check_identical(other_in);
    const auto* other = dynamic_cast<const HadamardRotation*>(&other_in);
    FAISS_REQUIRE(other != nullptr && other->seed == seed, invalid_argument,
                  "the other transform is not a HadamardRotation with seed %u", seed);
}

}  // namespace faiss
