// Polysemous training: simulated annealing of a centroid renumbering per sub-quantizer.
#include <faiss/PolysemousTraining.h>

#include <faiss/internal/checks.h>
#include <faiss/internal/omp_exceptions.h>
#include <faiss/quantizers/ProductQuantizer.h>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

namespace faiss {

namespace {

// Centroid pair matrices of one sub-quantizer: weights w and w * target, both indexed by
// the current index of each centroid, and the fixed Hamming distances between indices.
// Keeping w and w * target in index space makes the cost change of a swap a unit-stride
// loop over two rows (vectorized), and an accepted swap a row and column exchange.
struct PairMatrices {
    size_t n = 0;
    std::vector<float> w, wt, ham;

    PairMatrices(size_t ksub, const float* dis, double weight_factor);
    double cost() const;
    // Cost change of exchanging the centroids at indices a and b.
    double swap_delta(size_t a, size_t b) const;
    void apply_swap(size_t a, size_t b);
};

PairMatrices::PairMatrices(size_t ksub, const float* dis, double weight_factor)
    : n(ksub), w(ksub * ksub), wt(ksub * ksub), ham(ksub * ksub) {
    // Means and standard deviations of the centroid distances and of the Hamming
    // distances over all pairs i != j: the target is the affine map between them.
    double sd = 0, sd2 = 0, sh = 0, sh2 = 0;
    std::vector<double> dist(ksub * ksub);
    for (size_t i = 0; i < ksub; i++) {
        for (size_t j = 0; j < ksub; j++) {
            const double dv = std::sqrt(std::max(0.0, double(dis[i * ksub + j])));
            const double hv = double(__builtin_popcountll(uint64_t(i ^ j)));
            dist[i * ksub + j] = dv;
            ham[i * ksub + j] = float(hv);
            if (i == j) continue;
            sd += dv, sd2 += dv * dv, sh += hv, sh2 += hv * hv;
        }
    }
    const double np = double(ksub * (ksub - 1));
    const double md = sd / np, mh = sh / np;
    const double stdd = std::sqrt(std::max(sd2 / np - md * md, 0.0));
    const double stdh = std::sqrt(std::max(sh2 / np - mh * mh, 0.0));
    const double scale = stdd > 0 ? stdh / stdd : 0.0;
    const double wscale = md > 0 ? weight_factor / md : 0.0;
    for (size_t i = 0; i < ksub; i++) {
        for (size_t j = 0; j < ksub; j++) {
            if (i == j) continue;
            const double dv = dist[i * ksub + j];
            const double wv = std::exp(-wscale * dv);
            w[i * ksub + j] = float(wv);
            wt[i * ksub + j] = float(wv * (mh + (dv - md) * scale));
        }
    }
}

double PairMatrices::cost() const {
    // sum w (h - t)^2 = sum w h^2 - 2 h wt + wt^2 / w; the last term does not depend on
    // the permutation, so it is left out.
    double c = 0;
    for (size_t i = 0; i < n * n; i++)
        c += double(w[i]) * ham[i] * ham[i] - 2.0 * ham[i] * wt[i];
    return c;
}

double PairMatrices::swap_delta(size_t a, size_t b) const {
    const float* ha = ham.data() + a * n;
    const float* hb = ham.data() + b * n;
    const float* wa = w.data() + a * n;
    const float* wb = w.data() + b * n;
    const float* ta = wt.data() + a * n;
    const float* tb = wt.data() + b * n;
    // Row a moves to index b and row b to index a; for each other index c,
    // w_a((h_bc - t_a)^2 - (h_ac - t_a)^2) + w_b((h_ac - t_b)^2 - (h_bc - t_b)^2)
    // = (h_bc - h_ac) ((w_a - w_b)(h_ac + h_bc) - 2 (wt_a - wt_b)).
    float acc = 0;
    for (size_t c = 0; c < n; c++) {
        acc += (hb[c] - ha[c]) * ((wa[c] - wb[c]) * (ha[c] + hb[c]) - 2.0f * (ta[c] - tb[c]));
    }
    // The loop also counted c = a and c = b, where the pair (a, b) itself appears; its
    // term does not change with the swap, so remove both (equal) contributions.
    const double h = ham[a * n + b];
    const double corr = 2.0 * h * wt[a * n + b] - double(w[a * n + b]) * h * h;
    // Each pair appears twice (c, a) and (a, c) in the symmetric sum.
    return 2.0 * (double(acc) - 2.0 * corr);
}

void PairMatrices::apply_swap(size_t a, size_t b) {
    for (std::vector<float>* m : {&w, &wt}) {
        float* p = m->data();
        std::swap_ranges(p + a * n, p + (a + 1) * n, p + b * n);
        for (size_t r = 0; r < n; r++)
            std::swap(p[r * n + a], p[r * n + b]);
    }
}

// Random source with platform-independent derived values (std distributions are not).
struct AnnealRng {
    std::mt19937 gen;
    explicit AnnealRng(uint32_t seed) : gen(seed) {}
    size_t index(size_t n) { return size_t(gen()) % n; }
    double uniform() { return double(gen() >> 8) * (1.0 / 16777216.0); }
};

// One annealing run from init (inv[c] = centroid at index c); returns the best cost and
// leaves the best inverse permutation in best_inv.
double anneal_once(const SimulatedAnnealingParameters& p, PairMatrices pm, std::vector<int> inv,
                   uint32_t seed, std::vector<int>& best_inv) {
    const size_t n = pm.n;
    int nbits = 0;
    while ((size_t(1) << nbits) < n)
        nbits++;
    AnnealRng rng(seed);
    double cost = pm.cost(), best = cost;
    best_inv = inv;
    double temperature = p.init_temperature;
    for (int it = 0; it < p.n_iter; it++) {
        temperature *= p.temperature_decay;
        const size_t a = rng.index(n);
        size_t b =
            p.only_bit_flips ? a ^ (size_t(1) << rng.index(size_t(nbits))) : rng.index(n - 1);
        if (!p.only_bit_flips && b >= a) b++;
        const double delta = pm.swap_delta(a, b);
        if (delta < 0 || rng.uniform() < temperature) {
            pm.apply_swap(a, b);
            std::swap(inv[a], inv[b]);
            cost += delta;
            if (cost < best) {
                best = cost;
                best_inv = inv;
            }
        }
    }
    return best;
}

std::vector<int> identity_or_random(size_t n, bool random, uint32_t seed) {
    std::vector<int> inv(n);
    for (size_t i = 0; i < n; i++)
        inv[i] = int(i);
    if (random) {
        AnnealRng rng(seed);
        for (size_t i = n - 1; i > 0; i--)
            std::swap(inv[i], inv[rng.index(i + 1)]);
    }
    return inv;
}

// The matrices with centroid inv[c] at index c, built by swaps from base (identity);
// cur receives inv.
PairMatrices permuted(const PairMatrices& base, const std::vector<int>& inv,
                      std::vector<int>& cur) {
    const size_t n = base.n;
    PairMatrices pm = base;
    cur = identity_or_random(n, false, 0);
    std::vector<int> where(n);  // where[i]: current index of centroid i
    for (size_t i = 0; i < n; i++)
        where[i] = int(i);
    for (size_t pos = 0; pos < n; pos++) {
        const size_t src = size_t(where[size_t(inv[pos])]);
        if (src == pos) continue;
        pm.apply_swap(pos, src);
        std::swap(where[size_t(cur[pos])], where[size_t(cur[src])]);
        std::swap(cur[pos], cur[src]);
    }
    return pm;
}

// Squared distances between the ksub centroids of sub-quantizer m.
std::vector<float> centroid_distances(const ProductQuantizer& pq, size_t m) {
    std::vector<float> dis(pq.ksub * pq.ksub);
    for (size_t i = 0; i < pq.ksub; i++) {
        const float* ci = pq.get_centroids(m, i);
        for (size_t j = 0; j < pq.ksub; j++) {
            const float* cj = pq.get_centroids(m, j);
            double s = 0;
            for (size_t t = 0; t < pq.dsub; t++)
                s += double(ci[t] - cj[t]) * double(ci[t] - cj[t]);
            dis[i * pq.ksub + j] = float(s);
        }
    }
    return dis;
}

}  // namespace

SimulatedAnnealingParameters::SimulatedAnnealingParameters()
    : temperature_decay(std::pow(0.9, 1.0 / 500)) {}

PolysemousTraining::PolysemousTraining()
    : dis_weight_factor(std::log(2.0)), max_memory(size_t(20) << 30) {}

size_t PolysemousTraining::memory_usage_per_thread(const ProductQuantizer& pq) const {
    return 3 * pq.ksub * pq.ksub * sizeof(float);
}

void polysemous_optimize_permutation(const SimulatedAnnealingParameters& params,
                                     double dis_weight_factor, size_t ksub, const float* dis,
                                     int seed, int* perm) {
    FAISS_REQUIRE(ksub >= 2 && (ksub & (ksub - 1)) == 0, invalid_argument,
                  "polysemous permutation: ksub must be a power of two >= 2, got %zu", ksub);
    FAISS_REQUIRE(dis && perm, invalid_argument, "polysemous permutation: null pointer");
    FAISS_REQUIRE(params.n_iter >= 0 && params.n_redo >= 0, invalid_argument,
                  "polysemous permutation: n_iter (%d) and n_redo (%d) must be >= 0", params.n_iter,
                  params.n_redo);
    const PairMatrices base(ksub, dis, dis_weight_factor);
    const std::vector<int> start = identity_or_random(ksub, params.init_random, uint32_t(seed));
    std::vector<int> cur;
    const PairMatrices pm0 = permuted(base, start, cur);
    std::vector<int> best = start, found;
    double best_cost = pm0.cost();
    // Every run starts from the same permutation; the seeds differ.
    for (int r = 0; r < params.n_redo; r++) {
        const double c =
            anneal_once(params, pm0, cur, uint32_t(seed) * 7919u + uint32_t(r) + 1u, found);
        if (c < best_cost) {
            best_cost = c;
            best = found;
        }
    }
    for (size_t pos = 0; pos < ksub; pos++)
        perm[best[pos]] = int(pos);
}

double polysemous_permutation_cost(double dis_weight_factor, size_t ksub, const float* dis,
                                   const int* perm) {
    const PairMatrices pm(ksub, dis, dis_weight_factor);
    // Evaluate directly in centroid space: pair (i, j) at indices perm[i], perm[j].
    double c = 0;
    for (size_t i = 0; i < ksub; i++) {
        for (size_t j = 0; j < ksub; j++) {
            const float h = pm.ham[size_t(perm[i]) * ksub + size_t(perm[j])];
            c += double(pm.w[i * ksub + j]) * h * h - 2.0 * h * pm.wt[i * ksub + j];
        }
    }
    return c;
}

void PolysemousTraining::optimize_pq_for_hamming(ProductQuantizer& pq, size_t n,
                                                 const float* x) const {
    (void)n;
    (void)x;
    FAISS_REQUIRE(pq.ksub > 0 && pq.centroids.size() == pq.M * pq.ksub * pq.dsub, not_trained,
                  "polysemous training needs a trained product quantizer");
    switch (optimization_type) {
        case OT_None:
            break;
        case OT_ReproduceDistances_affine:
            optimize_reproduce_distances(pq);
            break;
        default:
            FAISS_THROW_CODE(unsupported,
                             "polysemous training: optimization_type %d is not implemented; "
                             "use OT_ReproduceDistances_affine (1) or OT_None (0)",
                             int(optimization_type));
    }
    pq.compute_sdc_table();
}

void PolysemousTraining::optimize_reproduce_distances(ProductQuantizer& pq) const {
    const size_t per_thread = memory_usage_per_thread(pq);
    FAISS_REQUIRE(per_thread <= max_memory, out_of_memory,
                  "polysemous training needs %zu bytes per thread (ksub = %zu), above "
                  "max_memory = %zu",
                  per_thread, pq.ksub, max_memory);
    const int nt = int(std::max<size_t>(
        1, std::min<size_t>({max_memory / per_thread, pq.M, size_t(omp_get_max_threads())})));
    std::vector<int> perms(pq.M * pq.ksub);
    internal::ExceptionCollector errors;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (int64_t m = 0; m < int64_t(pq.M); m++) {
        errors.run([&] {
            const std::vector<float> dis = centroid_distances(pq, size_t(m));
            int* perm = perms.data() + size_t(m) * pq.ksub;
            polysemous_optimize_permutation(*this, dis_weight_factor, pq.ksub, dis.data(),
                                            seed + int(m), perm);
            if (verbose) {
                std::vector<int> id(pq.ksub);
                for (size_t i = 0; i < pq.ksub; i++)
                    id[i] = int(i);
                std::printf(
                    "polysemous training: sub-quantizer %lld cost %g -> %g\n", (long long)m,
                    polysemous_permutation_cost(dis_weight_factor, pq.ksub, dis.data(), id.data()),
                    polysemous_permutation_cost(dis_weight_factor, pq.ksub, dis.data(), perm));
            }
        });
    }
    errors.rethrow();
    // Centroid i of sub-quantizer m moves to index perm[i].
    std::vector<float> moved(pq.centroids.size());
    for (size_t m = 0; m < pq.M; m++) {
        for (size_t i = 0; i < pq.ksub; i++) {
            const size_t to = size_t(perms[m * pq.ksub + i]);
            std::copy_n(pq.get_centroids(m, i), pq.dsub,
                        moved.data() + (m * pq.ksub + to) * pq.dsub);
        }
    }
    pq.centroids.swap(moved);
    if (log_pattern.empty()) return;
    for (size_t m = 0; m < pq.M; m++) {
        char fname[1024];
        std::snprintf(fname, sizeof(fname), log_pattern.c_str(), int(m));
        FILE* f = std::fopen(fname, "w");
        FAISS_REQUIRE(f, io_error, "polysemous training: cannot write log file '%s'", fname);
        for (size_t i = 0; i < pq.ksub; i++)
            std::fprintf(f, "%d%c", perms[m * pq.ksub + i], i + 1 == pq.ksub ? '\n' : ' ');
        std::fclose(f);
    }
}

}  // namespace faiss
