// Lloyd's k-means driver: argument checks, subsampling, runs, and the choice of the best
// run. The steps themselves are in faiss/internal/kmeans_steps.h.
#include <faiss/Clustering.h>

#include <faiss/IndexFlat.h>
#include <faiss/internal/checks.h>
#include <faiss/internal/kmeans_steps.h>
#include <faiss/internal/topk_search.h>
#include <faiss/utils/distances.h>
#include <faiss/utils/progress.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <typeinfo>

namespace faiss {

namespace km = internal::kmeans;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The plain flat indexes, searched here through the exact engine directly: their
// search() is exactly that engine, and calling it directly lets the training points'
// norms be computed once per train() instead of once per iteration. Subclasses may
// override search(), so they go through it.
const IndexFlat* plain_flat_index(const Index& index) {
    const std::type_info& t = typeid(index);
    if (t != typeid(IndexFlat) && t != typeid(IndexFlatL2) && t != typeid(IndexFlatIP)) {
        return nullptr;
    }
    if (index.metric_type != METRIC_L2 && index.metric_type != METRIC_INNER_PRODUCT) {
        return nullptr;
    }
    return static_cast<const IndexFlat*>(&index);
}

}  // namespace

Clustering::Clustering(int d, int k) : Clustering(d, k, ClusteringParameters()) {}

Clustering::Clustering(int d, int k, const ClusteringParameters& cp)
    : ClusteringParameters(cp), d(size_t(d)), k(size_t(k)) {
    FAISS_REQUIRE(d > 0, invalid_argument, "dimension d must be > 0, got %d", d);
    FAISS_REQUIRE(k > 0, invalid_argument, "number of centroids k must be > 0, got %d", k);
}

/// Everything one call of train() shares between runs and iterations.
struct Clustering::RunState {
    idx_t n = 0;
    const float* x = nullptr;        // training points actually used (n x d)
    const float* weights = nullptr;  // null or n weights
    size_t n_input = 0;              // caller-provided initial centroids
    std::vector<float> input_centroids;
    bool similarity = false;  // index metric: larger is better
    std::vector<float> dis;
    std::vector<idx_t> assign;
    const IndexFlat* flat = nullptr;  // the index, when plain_flat_index accepts it
    std::vector<float> x_norms;       // ||x_i||^2 for a flat L2 index, else empty
    // Unweighted runs keep the cluster sums of the previous assignment and move only the
    // points that changed cluster (see CentroidSums::move); null at the start of a run.
    std::unique_ptr<km::CentroidSums> sums;
    std::vector<idx_t> prev_assign;
    std::chrono::steady_clock::time_point t0;
    double t_search = 0;
    int redo = 0;  // current run, for the empty-cluster split stream
    ProgressScope* progress = nullptr;
};

void Clustering::post_process_centroids() {
    if (spherical) fvec_renorm_L2(d, centroids.size() / d, centroids.data());
    if (int_centroids) {
        for (float& v : centroids)
            v = std::nearbyint(v);
    }
}

double Clustering::assign_and_accumulate(RunState& s, Index& index, size_t c0,
                                         float* centroids_out) {
    // One search call for all points: every call costs the index a thread team and
    // its own set-up, which a blocked loop would pay many times per iteration.
    const auto ts = std::chrono::steady_clock::now();
    if (s.flat) {
        internal::ExactDatabase db;
        db.d = d;
        db.nb = size_t(s.flat->ntotal);
        db.xb = s.flat->get_xb();
        db.metric = s.flat->metric_type;
        internal::exact_nearest(db, size_t(s.n), s.x,
                                s.x_norms.empty() ? nullptr : s.x_norms.data(), s.dis.data(),
                                s.assign.data());
    } else {
        index.search(s.n, s.x, 1, s.dis.data(), s.assign.data());
    }
    s.t_search += seconds_since(ts);
    double obj = 0;
    for (idx_t i = 0; i < s.n; i++) {
        const idx_t a = s.assign[i];
        FAISS_REQUIRE(a >= 0 && size_t(a) < k, unsupported,
                      "the assignment index returned label %lld for training point %lld; "
                      "it must return a centroid in [0, %zu) for every point",
                      (long long)a, (long long)i, k);
        obj += (s.weights ? double(s.weights[i]) : 1.0) * double(s.dis[i]);
    }
    if (s.sums && !s.weights) {
        s.sums->move(size_t(s.n), s.x, nullptr, s.prev_assign.data(), s.assign.data());
    } else {
        std::vector<size_t> owned(k - c0);
        for (size_t c = c0; c < k; c++)
            owned[c - c0] = c;
        s.sums = std::make_unique<km::CentroidSums>(d, k, std::move(owned));
        s.sums->add(size_t(s.n), s.x, s.weights, s.assign.data());
    }
    if (!s.weights) s.prev_assign = s.assign;
    s.sums->write_means(centroids_out);
    return obj;
}

void Clustering::lloyd_iteration(RunState& s, int iter, Index& index) {
    const size_t c0 = frozen_centroids ? s.n_input : 0;
    const double obj = assign_and_accumulate(s, index, c0, centroids.data());
    const double imbalance = km::imbalance_factor(size_t(s.n), k, s.assign.data());

    std::vector<idx_t> sizes = km::cluster_sizes(size_t(s.n), k, s.assign.data(), s.weights);
    // A different stream per run and iteration, the same for any thread count.
    const uint64_t split_seed = (uint64_t(int64_t(seed)) * 0x9E3779B97F4A7C15ULL) ^
                                (uint64_t(s.redo) << 32) ^ uint64_t(iter);
    const int nsplit = km::reseed_empty_clusters(d, k, c0, split_seed, sizes, centroids.data());
    post_process_centroids();

    index.reset();
    if (update_index) index.train(idx_t(k), centroids.data());
    index.add(idx_t(k), centroids.data());

    ClusteringIterationStats st{float(obj), seconds_since(s.t0), s.t_search, imbalance, nsplit};
    iteration_stats.push_back(st);
    if (verbose) {
        printf(
            "  Iteration %d (%.2f s, search %.2f s): objective=%g imbalance=%.3f "
            "nsplit=%d\n",
            iter, st.time, st.time_search, double(st.obj), st.imbalance_factor, nsplit);
        fflush(stdout);
    }
}

double Clustering::run_once(RunState& s, int redo, Index& index) {
    s.redo = redo;
    s.sums.reset();
    centroids.resize(k * d);
    std::copy(s.input_centroids.begin(), s.input_centroids.end(), centroids.begin());
    const uint64_t init_seed = uint64_t(int64_t(seed)) + 1 + uint64_t(redo) * 15486557ULL;
    if (use_kmeanspp) {
        km::kmeanspp_init(d, size_t(s.n), s.x, s.weights, s.n_input, k, centroids.data(),
                          init_seed);
    } else {
        // Centroid c starts at draw c of the permutation (the first n_input draws are
        // unused), as in Faiss: same sample and seed, same starting centroids.
        const std::vector<idx_t> pick = km::random_sample(s.n, idx_t(k), init_seed);
        for (size_t c = s.n_input; c < k; c++) {
            std::memcpy(centroids.data() + c * d, s.x + size_t(pick[c]) * d, d * sizeof(float));
        }
    }
    post_process_centroids();

    index.reset();
    if (!index.is_trained || update_index) index.train(idx_t(k), centroids.data());
    index.add(idx_t(k), centroids.data());

    for (int iter = 0; iter < niter; iter++) {
        lloyd_iteration(s, iter, index);
        s.progress->update(size_t(redo) * size_t(niter) + size_t(iter) + 1);
    }
    if (niter == 0) return s.similarity ? -HUGE_VAL : HUGE_VAL;
    return iteration_stats.back().obj;
}

void Clustering::train(idx_t n, const float* x, Index& index, const float* x_weights) {
    FAISS_REQUIRE(d > 0 && k > 0, invalid_argument, "d (%zu) and k (%zu) must be > 0", d, k);
    FAISS_REQUIRE(n > 0, invalid_argument, "number of training points must be > 0, got %lld",
                  (long long)n);
    FAISS_REQUIRE(x != nullptr, invalid_argument, "training vectors pointer is null");
    FAISS_REQUIRE(size_t(index.d) == d, invalid_argument,
                  "index dimension %d does not match clustering dimension %zu", index.d, d);
    FAISS_REQUIRE(size_t(n) >= k, invalid_argument,
                  "number of training points (%lld) should be at least as large as the "
                  "number of clusters (%zu)",
                  (long long)n, k);
    FAISS_REQUIRE(niter >= 0, invalid_argument, "niter must be >= 0, got %d", niter);
    FAISS_REQUIRE(nredo >= 1, invalid_argument, "nredo must be >= 1, got %d", nredo);
    FAISS_REQUIRE(max_points_per_centroid > 0, invalid_argument,
                  "max_points_per_centroid must be > 0, got %d", max_points_per_centroid);
    FAISS_REQUIRE(centroids.size() % d == 0 && centroids.size() / d <= k, invalid_argument,
                  "pre-filled centroids hold %zu values: expected a multiple of d=%zu, at "
                  "most k*d=%zu",
                  centroids.size(), d, k * d);

    RunState s;
    ProgressScope progress("Clustering::train", size_t(niter) * size_t(nredo));
    s.progress = &progress;
    s.t0 = std::chrono::steady_clock::now();
    s.n = n;
    s.x = x;
    s.weights = x_weights;
    s.similarity = is_similarity_metric(index.metric_type);
    s.n_input = centroids.size() / d;
    s.input_centroids = centroids;

    std::vector<float> x_sample, w_sample;
    s.n = km::subsample_for_training(d, k, n, x, x_weights, max_points_per_centroid,
                                     min_points_per_centroid, seed, x_sample, w_sample);
    if (!x_sample.empty()) {
        s.x = x_sample.data();
        s.weights = x_weights ? w_sample.data() : nullptr;
    }
    if (check_input_data_for_NaNs) km::check_finite(size_t(s.n), d, s.x);
    if (s.weights) km::check_weights(size_t(s.n), s.weights);

    if (verbose) {
        printf(
            "Clustering %lld points in %zuD to %zu clusters, redo %d times, %d "
            "iterations%s\n",
            (long long)s.n, d, k, nredo, niter, use_kmeanspp ? " (k-means++ init)" : "");
        fflush(stdout);
    }
    s.dis.resize(size_t(s.n));
    s.assign.resize(size_t(s.n));
    s.flat = plain_flat_index(index);
    if (s.flat && s.flat->metric_type == METRIC_L2) {
        s.x_norms.resize(size_t(s.n));
        fvec_norms_L2sqr(s.x_norms.data(), s.x, d, size_t(s.n));
    }
    iteration_stats.clear();

    std::vector<float> best_centroids;
    std::vector<ClusteringIterationStats> best_stats;
    double best_obj = 0;
    for (int redo = 0; redo < nredo; redo++) {
        if (verbose && nredo > 1) printf("Run %d / %d\n", redo + 1, nredo);
        const double obj = run_once(s, redo, index);
        const bool better = s.similarity ? obj > best_obj : obj < best_obj;
        if (redo == 0 || better) {
            if (verbose && redo > 0) printf("Objective improved: keep new clusters\n");
            best_obj = obj;
            best_centroids = centroids;
            best_stats = iteration_stats;
        }
    }
    if (nredo > 1) {
        centroids = best_centroids;
        iteration_stats = best_stats;
        index.reset();
        index.add(idx_t(k), centroids.data());
    }
}

void Clustering::train_encoded(idx_t n, const uint8_t* x_in, const Index* codec, Index& index,
                               const float* weights) {
    FAISS_REQUIRE(codec != nullptr, invalid_argument, "codec is null");
    FAISS_REQUIRE(size_t(codec->d) == d, invalid_argument,
                  "codec dimension %d does not match clustering dimension %zu", codec->d, d);
    FAISS_REQUIRE(n > 0, invalid_argument, "number of training points must be > 0, got %lld",
                  (long long)n);
    FAISS_REQUIRE(x_in != nullptr, invalid_argument, "training codes pointer is null");
    const size_t code_size = codec->sa_code_size();
    const size_t bs = std::max<size_t>(decode_block_size, 1);
    std::vector<float> decoded(size_t(n) * d);
    for (size_t i0 = 0; i0 < size_t(n); i0 += bs) {
        const size_t ni = std::min(bs, size_t(n) - i0);
        codec->sa_decode(idx_t(ni), x_in + i0 * code_size, decoded.data() + i0 * d);
    }
    train(n, decoded.data(), index, weights);
}

}  // namespace faiss
