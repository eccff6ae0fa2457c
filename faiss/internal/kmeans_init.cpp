// k-means++ seeding (Arthur & Vassilvitskii, "k-means++: the advantages of careful
// seeding", SODA 2007), weighted, parallel, and independent of the thread count: the
// sampling mass is summed in fixed blocks, each block sequentially.
#include <faiss/internal/checks.h>
#include <faiss/internal/kmeans_steps.h>
#include <faiss/utils/distances.h>

#include <algorithm>
#include <cstring>

namespace faiss::internal::kmeans {

namespace {

constexpr size_t kBlock = 1024;

// Sampling state: for every point the squared distance to, and the id of, the nearest
// centroid chosen so far; block sums of weight * distance.
struct Seeding {
    size_t d, n;
    const float* x;
    const float* weights;
    std::vector<float> mind;
    std::vector<int32_t> nearest;
    std::vector<double> block_mass;

    double mass(size_t i) const { return (weights ? double(weights[i]) : 1.0) * mind[i]; }

    double total_mass() {
        const size_t nb = (n + kBlock - 1) / kBlock;
        block_mass.resize(nb);
#pragma omp parallel for schedule(static)
        for (size_t b = 0; b < nb; b++) {
            double s = 0;
            for (size_t i = b * kBlock; i < std::min(n, (b + 1) * kBlock); i++)
                s += mass(i);
            block_mass[b] = s;
        }
        double total = 0;
        for (double s : block_mass)
            total += s;
        return total;
    }

    // The point where the running sum of mass passes target (target < total).
    size_t locate(double target) const {
        double acc = 0;
        size_t last_positive = n;
        for (size_t b = 0; b < block_mass.size(); b++) {
            if (acc + block_mass[b] <= target) {
                acc += block_mass[b];
                if (block_mass[b] > 0) last_positive = b;
                continue;
            }
            for (size_t i = b * kBlock; i < std::min(n, (b + 1) * kBlock); i++) {
                acc += mass(i);
                if (acc > target && mass(i) > 0) return i;
            }
            last_positive = b;
        }
        // Rounding left target at the very end: take the last point with mass.
        for (size_t i = std::min(n, (last_positive + 1) * kBlock); i-- > 0;) {
            if (mass(i) > 0) return i;
        }
        return 0;
    }

    // Fold centroid c (id cid) into mind/nearest. cc[j] = ||c - c_j||^2 for the earlier
    // centroids: by the triangle inequality, a point whose nearest centroid c_j has
    // cc[j] >= 4 * mind cannot get closer to c, so its distance is not computed.
    void add_centroid(const float* c, int32_t cid, const float* cc) {
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < n; i++) {
            if (cc && nearest[i] >= 0 && cc[nearest[i]] >= 4 * mind[i]) continue;
            const float dist = fvec_L2sqr(x + i * d, c, d);
            if (nearest[i] < 0 || dist < mind[i]) {
                mind[i] = dist;
                nearest[i] = cid;
            }
        }
    }
};

}  // namespace

void kmeanspp_init(size_t d, size_t n, const float* x, const float* weights, size_t k0, size_t k,
                   float* centroids, uint64_t seed) {
    Rng rng(seed);
    Seeding s{d, n, x, weights, std::vector<float>(n, 0.0f), std::vector<int32_t>(n, -1), {}};
    if (k0 == 0) {
        // First centroid: a point drawn with probability proportional to its weight.
        std::fill(s.mind.begin(), s.mind.end(), 1.0f);
        const double total = s.total_mass();
        const size_t first = total > 0 ? s.locate(rng.uniform() * total) : rng.below(n);
        std::memcpy(centroids, x + first * d, d * sizeof(float));
        k0 = 1;
    }
    for (size_t c = 0; c < k0; c++)
        s.add_centroid(centroids + c * d, int32_t(c), nullptr);

    std::vector<float> cc(k);
    for (size_t c = k0; c < k; c++) {
        const double total = s.total_mass();
        // All mass zero: every point sits on a centroid, any point is as good.
        const size_t pick = total > 0 ? s.locate(rng.uniform() * total) : rng.below(n);
        float* cnew = centroids + c * d;
        std::memcpy(cnew, x + pick * d, d * sizeof(float));
        fvec_L2sqr_ny(cc.data(), cnew, centroids, d, c);
        s.add_centroid(cnew, int32_t(c), cc.data());
    }
}

}  // namespace faiss::internal::kmeans
