// Transforms without a matrix: NormalizationTransform, CenteringTransform,
// RemapDimensionsTransform.
#include <faiss/VectorTransform.h>

#include <faiss/internal/checks.h>
#include <faiss/internal/kmeans_steps.h>
#include <faiss/utils/distances.h>

#include <algorithm>
#include <cstring>

namespace faiss {

/*** NormalizationTransform ***/

NormalizationTransform::NormalizationTransform(int d, float norm)
    : VectorTransform(d, d), norm(norm) {
    FAISS_REQUIRE(d >= 0, invalid_argument, "NormalizationTransform: d must be >= 0, got %d", d);
}

NormalizationTransform::NormalizationTransform() : VectorTransform(-1, -1), norm(-1) {}

void NormalizationTransform::apply_noalloc(idx_t n, const float* x, float* xt) const {
    check_apply_args(n, x, xt, "apply");
    FAISS_REQUIRE(norm == 2.0f, unsupported,
                  "NormalizationTransform implements the L2 norm (norm = 2) only, got norm = %g",
                  double(norm));
    FAISS_REQUIRE(d_in == d_out, invalid_argument,
                  "NormalizationTransform needs d_in == d_out, got %d and %d", d_in, d_out);
    if (x != xt) std::memmove(xt, x, size_t(n) * size_t(d_in) * sizeof(float));
    fvec_renorm_L2(size_t(d_in), size_t(n), xt);
}

void NormalizationTransform::reverse_transform(idx_t n, const float* xt, float* x) const {
    check_apply_args(n, xt, x, "reverse_transform");
    FAISS_REQUIRE(d_in == d_out, invalid_argument,
                  "NormalizationTransform needs d_in == d_out, got %d and %d", d_in, d_out);
    if (x != xt) std::memmove(x, xt, size_t(n) * size_t(d_in) * sizeof(float));
}

void NormalizationTransform::check_identical(const VectorTransform& other_in) const {
    VectorTransform::check_identical(other_in);
    const auto* other = dynamic_cast<const NormalizationTransform*>(&other_in);
    FAISS_REQUIRE(other != nullptr && other->norm == norm, invalid_argument,
                  "the other transform is not a NormalizationTransform with norm %g", double(norm));
}

/*** CenteringTransform ***/

CenteringTransform::CenteringTransform(int d) : VectorTransform(d, d) {
    FAISS_REQUIRE(d >= 0, invalid_argument, "CenteringTransform: d must be >= 0, got %d", d);
    is_trained = false;
}

void CenteringTransform::train(idx_t n, const float* x) {
    check_train_args(n, x);
    const size_t d = size_t(d_in);
    internal::kmeans::check_finite(size_t(n), d, x);
    std::vector<double> sum(d, 0.0);
    for (size_t i = 0; i < size_t(n); i++)
        for (size_t j = 0; j < d; j++)
            sum[j] += x[i * d + j];
    mean.resize(d);
    for (size_t j = 0; j < d; j++)
        mean[j] = float(sum[j] / double(n));
    is_trained = true;
}

namespace {

void add_mean(const CenteringTransform& t, idx_t n, const float* in, float* out, float sign) {
    const size_t d = size_t(t.d_in);
    FAISS_REQUIRE(t.d_in == t.d_out && t.mean.size() >= d, invalid_argument,
                  "CenteringTransform: mean has %zu values for d_in=%d, d_out=%d", t.mean.size(),
                  t.d_in, t.d_out);
    for (size_t i = 0; i < size_t(n); i++)
        for (size_t j = 0; j < d; j++)
            out[i * d + j] = in[i * d + j] + sign * t.mean[j];
}

}  // namespace

void CenteringTransform::apply_noalloc(idx_t n, const float* x, float* xt) const {
    check_apply_args(n, x, xt, "apply");
    add_mean(*this, n, x, xt, -1.0f);
}

void CenteringTransform::reverse_transform(idx_t n, const float* xt, float* x) const {
    check_apply_args(n, xt, x, "reverse_transform");
    add_mean(*this, n, xt, x, 1.0f);
}

void CenteringTransform::check_identical(const VectorTransform& other_in) const {
    VectorTransform::check_identical(other_in);
    const auto* other = dynamic_cast<const CenteringTransform*>(&other_in);
    FAISS_REQUIRE(other != nullptr && other->mean == mean, invalid_argument,
                  "the other transform is not a CenteringTransform with the same mean");
}

/*** RemapDimensionsTransform ***/

namespace {

void check_map(int d_in, int d_out, const std::vector<int>& map) {
    FAISS_REQUIRE(map.size() == size_t(d_out), invalid_argument,
                  "RemapDimensionsTransform: map has %zu entries, expected d_out=%d", map.size(),
                  d_out);
    for (size_t j = 0; j < map.size(); j++)
        FAISS_REQUIRE(map[j] >= -1 && map[j] < d_in, invalid_argument,
                      "RemapDimensionsTransform: map[%zu] = %d is outside [-1, d_in=%d)", j, map[j],
                      d_in);
}

}  // namespace

RemapDimensionsTransform::RemapDimensionsTransform(int d_in, int d_out, const int* map_in)
    : VectorTransform(d_in, d_out) {
    FAISS_REQUIRE(d_in >= 0 && d_out >= 0, invalid_argument,
                  "RemapDimensionsTransform dimensions must be >= 0, got %d and %d", d_in, d_out);
    FAISS_REQUIRE(map_in != nullptr || d_out == 0, invalid_argument,
                  "RemapDimensionsTransform: map is null");
    map.assign(map_in, map_in + d_out);
    check_map(d_in, d_out, map);
}

RemapDimensionsTransform::RemapDimensionsTransform(int d_in, int d_out, bool uniform)
    : VectorTransform(d_in, d_out) {
    FAISS_REQUIRE(d_in >= 0 && d_out >= 0, invalid_argument,
                  "RemapDimensionsTransform dimensions must be >= 0, got %d and %d", d_in, d_out);
    map.assign(size_t(d_out), -1);
    if (!uniform) {
        for (int i = 0; i < std::min(d_in, d_out); i++)
            map[size_t(i)] = i;
    } else if (d_in < d_out) {
        for (int i = 0; i < d_in; i++)
            map[size_t(int64_t(i) * d_out / d_in)] = i;
    } else {
        for (int j = 0; j < d_out; j++)
            map[size_t(j)] = int(int64_t(j) * d_in / d_out);
    }
}

RemapDimensionsTransform::RemapDimensionsTransform() = default;

void RemapDimensionsTransform::apply_noalloc(idx_t n, const float* x, float* xt) const {
    check_apply_args(n, x, xt, "apply");
    check_map(d_in, d_out, map);
    const size_t din = size_t(d_in), dout = size_t(d_out);
    for (size_t i = 0; i < size_t(n); i++)
        for (size_t j = 0; j < dout; j++)
            xt[i * dout + j] = map[j] < 0 ? 0.0f : x[i * din + size_t(map[j])];
}

void RemapDimensionsTransform::reverse_transform(idx_t n, const float* xt, float* x) const {
    check_apply_args(n, xt, x, "reverse_transform");
    check_map(d_in, d_out, map);
    const size_t din = size_t(d_in), dout = size_t(d_out);
    std::fill(x, x + size_t(n) * din, 0.0f);
    for (size_t i = 0; i < size_t(n); i++)
        for (size_t j = 0; j < dout; j++)
            if (map[j] >= 0) x[i * din + size_t(map[j])] = xt[i * dout + j];
}

void RemapDimensionsTransform::check_identical(const VectorTransform& other_in) const {
    VectorTransform::check_identical(other_in);
    const auto* other = dynamic_cast<const RemapDimensionsTransform*>(&other_in);
    FAISS_REQUIRE(other != nullptr && other->map == map, invalid_argument,
                  "the other transform is not a RemapDimensionsTransform with the same map");
}

}  // namespace faiss
