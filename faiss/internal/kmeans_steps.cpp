#include <faiss/internal/checks.h>
#include <faiss/internal/kmeans_steps.h>

#include <omp.h>

#include <algorithm>
#include <cmath>
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
    Rng rng(seed);
    std::vector<idx_t> out(m);
    if (m * 4 >= n) {
        std::vector<idx_t> perm(n);
        std::iota(perm.begin(), perm.end(), idx_t(0));
        for (idx_t i = 0; i < m; i++) {
            std::swap(perm[i], perm[i + idx_t(rng.below(uint64_t(n - i)))]);
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
        idx_t j = i + idx_t(rng.below(uint64_t(n - i)));
        idx_t vi = slot(i);
        out[i] = slot(j);
        moved[j] = vi;
    }
    return out;
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

void Membership::build(size_t n, size_t k, const idx_t* assign, const float* weights) {
    offsets.assign(k + 1, 0);
    for (size_t i = 0; i < n; i++) {
        if (!weights || weights[i] > 0) offsets[assign[i] + 1]++;
    }
    for (size_t c = 0; c < k; c++)
        offsets[c + 1] += offsets[c];
    order.resize(size_t(offsets[k]));
    std::vector<idx_t> fill(offsets.begin(), offsets.end() - 1);
    for (size_t i = 0; i < n; i++) {
        if (!weights || weights[i] > 0) order[fill[assign[i]]++] = idx_t(i);
    }
}

namespace {

// Weighted mean of one cluster's members, summed in double in point order.
void mean_of_cluster(size_t d, const float* x, const float* weights, const idx_t* pts, idx_t npts,
                     double* acc, float* centroid) {
    std::fill(acc, acc + d, 0.0);
    double wsum = 0;
    if (weights) {
        for (idx_t t = 0; t < npts; t++) {
            const float* xi = x + size_t(pts[t]) * d;
            const double w = weights[pts[t]];
            for (size_t j = 0; j < d; j++)
                acc[j] += w * xi[j];
            wsum += w;
        }
    } else {
        for (idx_t t = 0; t < npts; t++) {
            const float* xi = x + size_t(pts[t]) * d;
            for (size_t j = 0; j < d; j++)
                acc[j] += xi[j];
        }
        wsum = double(npts);
    }
    const double inv = 1.0 / wsum;
    for (size_t j = 0; j < d; j++)
        centroid[j] = float(acc[j] * inv);
}

void update_listed(size_t d, const std::vector<size_t>& clusters, const float* x,
                   const float* weights, const Membership& members, float* centroids) {
    const idx_t nc = idx_t(clusters.size());
#pragma omp parallel if (nc > 1)
    {
        std::vector<double> acc(d);
#pragma omp for schedule(dynamic, 4)
        for (idx_t t = 0; t < nc; t++) {
            const size_t c = clusters[t];
            const idx_t m = members.size(c);
            if (m == 0) continue;
            mean_of_cluster(d, x, weights, members.order.data() + members.offsets[c], m, acc.data(),
                            centroids + c * d);
        }
    }
}

}  // namespace

void update_centroids(size_t d, size_t k, size_t c0, const float* x, const float* weights,
                      const Membership& members, float* centroids) {
    std::vector<size_t> clusters(k - std::min(c0, k));
    std::iota(clusters.begin(), clusters.end(), c0);
    update_listed(d, clusters, x, weights, members, centroids);
}

namespace {

// Points with weight > 0, worst served first (ties: lower index first). Only the first
// `want` positions are guaranteed sorted.
std::vector<idx_t> worst_served(const Membership& members, const float* weights, const float* dis,
                                bool similarity, size_t want) {
    std::vector<idx_t> cand(members.order);
    auto badness = [&](idx_t i) {
        const double w = weights ? weights[i] : 1.0;
        return similarity ? -double(dis[i]) : w * double(dis[i]);
    };
    auto worse = [&](idx_t a, idx_t b) {
        const double ba = badness(a), bb = badness(b);
        return ba > bb || (ba == bb && a < b);
    };
    want = std::min(want, cand.size());
    std::partial_sort(cand.begin(), cand.begin() + want, cand.end(), worse);
    cand.resize(want);
    return cand;
}

}  // namespace

int reseed_empty_clusters(size_t d, size_t n, size_t k, size_t c0, const float* x,
                          const float* weights, const float* dis, bool similarity, idx_t* assign,
                          Membership& members, float* centroids) {
    std::vector<size_t> empty;
    for (size_t c = c0; c < k; c++) {
        if (members.size(c) == 0) empty.push_back(c);
    }
    if (empty.empty()) return 0;

    std::vector<idx_t> remaining(k);
    for (size_t c = 0; c < k; c++)
        remaining[c] = members.size(c);
    // Most candidates are accepted; widen to every point only if donors run out.
    size_t want = 2 * empty.size() + 32;
    std::vector<idx_t> cand = worst_served(members, weights, dis, similarity, want);
    std::vector<size_t> donors;
    size_t pos = 0;
    int nsplit = 0;
    for (size_t e : empty) {
        for (;;) {
            if (pos == cand.size()) {
                if (cand.size() == members.order.size()) break;
                cand = worst_served(members, weights, dis, similarity, members.order.size());
            }
            const idx_t p = cand[pos++];
            const size_t c = size_t(assign[p]);
            if (remaining[c] < 2) continue;
            remaining[c]--;
            remaining[e] = 1;
            assign[p] = idx_t(e);
            std::memcpy(centroids + e * d, x + size_t(p) * d, d * sizeof(float));
            if (c >= c0) donors.push_back(c);
            nsplit++;
            break;
        }
    }
    if (nsplit == 0) return 0;
    members.build(n, k, assign, weights);
    std::sort(donors.begin(), donors.end());
    donors.erase(std::unique(donors.begin(), donors.end()), donors.end());
    update_listed(d, donors, x, weights, members, centroids);
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
