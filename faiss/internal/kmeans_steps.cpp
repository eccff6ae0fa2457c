#include <faiss/internal/checks.h>
#include <faiss/internal/kmeans_steps.h>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <unordered_map>

namespace faiss::internal::kmeans {

Rng::Rng(uint64_t seed) : gen_(seed) {}

uint64_t Rng::below(uint64_t n) {
    // Multiply-shift maps 64 random bits onto [0, n); the bias is below n / 2^64.
    return uint64_t((unsigned __int128)gen_() * n >> 64);
}

double Rng::uniform() {
    return double(gen_() >> 11) * (1.0 / 9007199254740992.0);  // 53 bits / 2^53
}

std::vector<idx_t> random_sample(idx_t n, idx_t m, uint64_t seed) {
    FAISS_REQUIRE(m >= 0 && m <= n, internal, "cannot sample %lld of %lld", (long long)m,
                  (long long)n);
    // 32-bit draws reduced modulo the remaining count, as Faiss does (the bias is below
    // n / 2^32); only sizes past 2^32 need wider draws.
    std::mt19937 gen(uint32_t(seed & 0xffffffffu));
    auto draw = [&](uint64_t bound) -> uint64_t {
        if (bound <= (uint64_t(1) << 32)) return uint64_t(gen()) % bound;
        const uint64_t hi = gen(), lo = gen();
        return ((hi << 32) | lo) % bound;
    };
    std::vector<idx_t> out(m);
    if (m * 4 >= n) {
        std::vector<idx_t> perm(n);
        std::iota(perm.begin(), perm.end(), idx_t(0));
        for (idx_t i = 0; i < m; i++) {
            std::swap(perm[i], perm[i + idx_t(draw(uint64_t(n - i)))]);
        }
        std::copy(perm.begin(), perm.begin() + m, out.begin());
        return out;
    }
    // Same Fisher-Yates draws, with only the touched slots of the permutation stored.
    std::unordered_map<idx_t, idx_t> moved;
    moved.reserve(size_t(2 * m));
    auto slot = [&](idx_t p) {
        auto it = moved.find(p);
        return it == moved.end() ? p : it->second;
    };
    for (idx_t i = 0; i < m; i++) {
        idx_t j = i + idx_t(draw(uint64_t(n - i)));
        idx_t vi = slot(i);
        out[i] = slot(j);
        moved[j] = vi;
    }
    return out;
}

idx_t subsample_for_training(size_t d, size_t k, idx_t n, const float* x, const float* weights,
                             int max_per_centroid, int min_per_centroid, int seed,
                             std::vector<float>& x_out, std::vector<float>& w_out) {
    const size_t max_points = k * size_t(std::max(max_per_centroid, 1));
    if (size_t(n) <= max_points) {
        const size_t min_points = k * size_t(std::max(min_per_centroid, 0));
        if (size_t(n) < min_points) {
            fprintf(stderr,
                    "WARNING clustering %lld points to %zu centroids: please provide at least "
                    "%zu training points\n",
                    (long long)n, k, min_points);
        }
        return n;
    }
    fprintf(stderr,
            "WARNING clustering %lld points to %zu centroids: subsampling from %lld to %zu "
            "points (max_points_per_centroid=%d)\n",
            (long long)n, k, (long long)n, max_points, max_per_centroid);
    const std::vector<idx_t> pick = random_sample(n, idx_t(max_points), uint64_t(int64_t(seed)));
    x_out.resize(max_points * d);
    if (weights) w_out.resize(max_points);
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < max_points; i++) {
        std::memcpy(x_out.data() + i * d, x + size_t(pick[i]) * d, d * sizeof(float));
        if (weights) w_out[i] = weights[pick[i]];
    }
    return idx_t(max_points);
}

void check_finite(size_t n, size_t d, const float* x) {
    const size_t total = n * d;
    size_t first_bad = total;
#pragma omp parallel for reduction(min : first_bad) schedule(static)
    for (size_t i = 0; i < n; i++) {
        const float* xi = x + i * d;
        for (size_t j = 0; j < d; j++) {
            if (!std::isfinite(xi[j])) {
                first_bad = std::min(first_bad, i * d + j);
                break;
            }
        }
    }
    if (first_bad < total) {
        FAISS_THROW_CODE(invalid_argument,
                         "training data contains NaN or infinity: vector %zu component %zu "
                         "is %g",
                         first_bad / d, first_bad % d, double(x[first_bad]));
    }
}

void check_weights(size_t n, const float* weights) {
    for (size_t i = 0; i < n; i++) {
        FAISS_REQUIRE(std::isfinite(weights[i]) && weights[i] >= 0, invalid_argument,
                      "weight %zu is %g; weights must be finite and >= 0", i, double(weights[i]));
    }
}

std::vector<idx_t> cluster_sizes(size_t n, size_t k, const idx_t* assign, const float* weights) {
    std::vector<idx_t> sizes(k, 0);
    for (size_t i = 0; i < n; i++) {
        if (!weights || weights[i] > 0) sizes[assign[i]]++;
    }
    return sizes;
}

CentroidSums::CentroidSums(size_t d, size_t k, std::vector<size_t> clusters)
    : d_(d), clusters_(std::move(clusters)), slot_(k, -1) {
    for (size_t t = 0; t < clusters_.size(); t++)
        slot_[clusters_[t]] = int64_t(t);
    sums_.assign(clusters_.size() * d, 0.0);
    wsum_.assign(clusters_.size(), 0.0);
    members_.assign(clusters_.size(), 0);
}

void CentroidSums::accumulate(size_t s, const float* xi, double w) {
    double* acc = sums_.data() + s * d_;
    if (w == 1.0) {
        for (size_t j = 0; j < d_; j++)
            acc[j] += double(xi[j]);
    } else {
        for (size_t j = 0; j < d_; j++)
            acc[j] += w * double(xi[j]);
    }
    wsum_[s] += w;
    members_[s]++;
}

void CentroidSums::remove(size_t s, const float* xi, double w) {
    double* acc = sums_.data() + s * d_;
    if (--members_[s] == 0) {
        std::fill(acc, acc + d_, 0.0);
        wsum_[s] = 0;
        return;
    }
    if (w == 1.0) {
        for (size_t j = 0; j < d_; j++)
            acc[j] -= double(xi[j]);
    } else {
        for (size_t j = 0; j < d_; j++)
            acc[j] -= w * double(xi[j]);
    }
    wsum_[s] -= w;
}

void CentroidSums::add_range(size_t nb, const float* x, const float* weights, const idx_t* assign,
                             int64_t lo, int64_t hi) {
    for (size_t i = 0; i < nb; i++) {
        const int64_t s = slot_[assign[i]];
        if (s < lo || s >= hi) continue;
        const double w = weights ? double(weights[i]) : 1.0;
        if (!(w > 0)) continue;
        accumulate(size_t(s), x + i * d_, w);
    }
}

std::vector<int64_t> CentroidSums::split_list(const std::vector<int64_t>& count, size_t total,
                                              int nt) const {
    const int64_t nc = int64_t(clusters_.size());
    std::vector<int64_t> bounds(size_t(nt) + 1, nc);
    bounds[0] = 0;
    int64_t seen = 0;
    int part = 1;
    for (int64_t s = 0; s < nc && part < nt; s++) {
        seen += count[size_t(s)];
        if (seen * nt >= int64_t(total) * part) bounds[size_t(part++)] = s + 1;
    }
    return bounds;
}

void CentroidSums::add(size_t nb, const float* x, const float* weights, const idx_t* assign) {
    const int64_t nc = int64_t(clusters_.size());
    // Inside an enclosing parallel region (ProductQuantizer trains sub-spaces in
    // parallel) a nested team would have one thread.
    const int nt = omp_in_parallel() ? 1 : int(std::min<int64_t>(omp_get_max_threads(), nc));
    if (nt <= 1 || nb * d_ < (size_t(1) << 15)) {
        add_range(nb, x, weights, assign, 0, nc);
        return;
    }
    // Cut the list into nt contiguous parts holding about as many of this block's points.
    std::vector<int64_t> count(size_t(nc) + 1, 0);
    for (size_t i = 0; i < nb; i++) {
        const int64_t s = slot_[assign[i]];
        if (s >= 0) count[size_t(s)]++;
    }
    const std::vector<int64_t> bounds = split_list(count, nb, nt);
#pragma omp parallel num_threads(nt)
    {
        // The team may be smaller than asked: every part is still summed, by one thread.
        for (int r = omp_get_thread_num(); r < nt; r += omp_get_num_threads())
            add_range(nb, x, weights, assign, bounds[size_t(r)], bounds[size_t(r) + 1]);
    }
}

void CentroidSums::move(size_t nb, const float* x, const float* weights, const idx_t* old_assign,
                        const idx_t* assign) {
    const int64_t nc = int64_t(clusters_.size());
    std::vector<size_t> moved;
    std::vector<int64_t> count(size_t(nc) + 1, 0);
    for (size_t i = 0; i < nb; i++) {
        if (old_assign[i] == assign[i]) continue;
        const double w = weights ? double(weights[i]) : 1.0;
        if (!(w > 0)) continue;
        moved.push_back(i);
        for (const int64_t s : {slot_[old_assign[i]], slot_[assign[i]]})
            if (s >= 0) count[size_t(s)]++;
    }
    // Per cluster, removals and additions happen in point order, by one thread.
    auto run = [&](int64_t lo, int64_t hi) {
        for (const size_t i : moved) {
            const double w = weights ? double(weights[i]) : 1.0;
            const int64_t from = slot_[old_assign[i]], to = slot_[assign[i]];
            if (from >= lo && from < hi) remove(size_t(from), x + i * d_, w);
            if (to >= lo && to < hi) accumulate(size_t(to), x + i * d_, w);
        }
    };
    const int nt = omp_in_parallel() ? 1 : int(std::min<int64_t>(omp_get_max_threads(), nc));
    if (nt <= 1 || moved.size() * d_ < (size_t(1) << 15)) {
        run(0, nc);
        return;
    }
    const std::vector<int64_t> bounds = split_list(count, 2 * moved.size(), nt);
#pragma omp parallel num_threads(nt)
    {
        for (int r = omp_get_thread_num(); r < nt; r += omp_get_num_threads())
            run(bounds[size_t(r)], bounds[size_t(r) + 1]);
    }
}

void CentroidSums::write_means(float* centroids) const {
    const int64_t nc = int64_t(clusters_.size());
    for (int64_t s = 0; s < nc; s++) {
        if (members_[s] == 0 || wsum_[s] == 0) continue;
        const double inv = 1.0 / wsum_[s];
        const double* acc = sums_.data() + size_t(s) * d_;
        float* c = centroids + clusters_[s] * d_;
        for (size_t j = 0; j < d_; j++)
            c[j] = float(acc[j] * inv);
    }
}

int reseed_empty_clusters(size_t d, size_t k, size_t c0, uint64_t seed, std::vector<idx_t>& sizes,
                          float* centroids) {
    std::vector<size_t> empty;
    for (size_t c = c0; c < k; c++) {
        if (sizes[c] == 0) empty.push_back(c);
    }
    if (empty.empty()) return 0;

    Rng rng(seed);
    int nsplit = 0;
    for (size_t e : empty) {
        // A donor is drawn with probability proportional to its members beyond the first,
        // so populous clusters get split and one-point clusters never.
        uint64_t spare = 0;
        for (size_t c = 0; c < k; c++) {
            if (sizes[c] > 1) spare += uint64_t(sizes[c] - 1);
        }
        if (spare == 0) break;
        uint64_t r = rng.below(spare);
        size_t donor = 0;
        for (;; donor++) {
            if (sizes[donor] <= 1) continue;
            if (r < uint64_t(sizes[donor] - 1)) break;
            r -= uint64_t(sizes[donor] - 1);
        }
        // The two centroids start a tiny step apart on either side of the donor's, in a
        // random sign direction scaled to the centroid's magnitude; the next assignment
        // divides the donor's points between them. A frozen donor does not move.
        float* ce = centroids + e * d;
        float* cd = centroids + donor * d;
        double sumsq = 0;
        for (size_t j = 0; j < d; j++)
            sumsq += double(cd[j]) * double(cd[j]);
        const float step = float(std::sqrt(sumsq / double(d))) / 1024.0f + 1e-12f;
        const bool donor_moves = donor >= c0;
        for (size_t j = 0; j < d; j++) {
            const float delta = rng.below(2) ? step : -step;
            ce[j] = cd[j] + delta;
            if (donor_moves) cd[j] -= delta;
        }
        sizes[e] = sizes[donor] / 2;
        sizes[donor] -= sizes[e];
        nsplit++;
    }
    return nsplit;
}

double imbalance_factor(size_t n, size_t k, const idx_t* assign) {
    std::vector<int64_t> hist(k, 0);
    for (size_t i = 0; i < n; i++)
        hist[assign[i]]++;
    double sum_sq = 0;
    for (size_t c = 0; c < k; c++)
        sum_sq += double(hist[c]) * double(hist[c]);
    return sum_sq * double(k) / (double(n) * double(n));
}

}  // namespace faiss::internal::kmeans
