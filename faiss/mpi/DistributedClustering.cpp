// Distributed Lloyd k-means: the driver of faiss/Clustering.cpp with the training set
// spread over ranks; the random draws and the empty-cluster rule are the shared steps of
// faiss/internal/kmeans_steps.h, applied to global indices and global cluster sizes.
#include <faiss/mpi/DistributedClustering.h>

#include <faiss/internal/checks.h>
#include <faiss/internal/kmeans_steps.h>
#include <faiss/mpi/mpi_utils.h>

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace faiss::mpi {

namespace km = faiss::internal::kmeans;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// What one train() call shares between runs and iterations.
struct State {
    MPI_Comm comm = MPI_COMM_NULL;
    int rank = 0, size = 1;
    idx_t n_global = 0;  // points used (after subsampling), all ranks together
    idx_t n = 0;         // points used held here
    const float* x = nullptr;
    const float* w = nullptr;
    std::vector<float> x_own, w_own;  // this rank's share of a subsample
    std::vector<idx_t> pos;           // sample position of each local row (increasing)
    idx_t pos0 = 0;                   // without subsampling: row i is position pos0 + i
    size_t n_input = 0;
    std::vector<float> input_centroids;
    std::vector<float> dis;
    std::vector<idx_t> assign;
    std::chrono::steady_clock::time_point t0;
    double t_search = 0;
    // This rank's slice of the clusters for the reduction: [c_lo, c_hi); counts and
    // displacements of every rank's slice, in doubles (d + 1 per cluster) and floats.
    size_t c_lo = 0, c_hi = 0;
    std::vector<int> sum_counts, cent_counts, cent_displs;
};

/// Local row holding sample position p, or -1.
idx_t local_row(const State& s, idx_t p) {
    if (s.pos.empty()) return p >= s.pos0 && p < s.pos0 + s.n ? p - s.pos0 : -1;
    auto it = std::lower_bound(s.pos.begin(), s.pos.end(), p);
    return it != s.pos.end() && *it == p ? idx_t(it - s.pos.begin()) : -1;
}

/// Every rank must train with the same settings: compare them through min and max.
/// weighted: 1 with weights, 0 without, -1 on a rank without points (either is fine).
void check_same_settings(MPI_Comm comm, const Clustering& c, int weighted) {
    static const char* names[] = {"d",
                                  "k",
                                  "niter",
                                  "nredo",
                                  "seed",
                                  "max_points_per_centroid",
                                  "min_points_per_centroid",
                                  "spherical",
                                  "int_centroids",
                                  "update_index",
                                  "frozen_centroids",
                                  "use_kmeanspp",
                                  "check_input_data_for_NaNs",
                                  "pre-filled centroids size"};
    const int64_t mine[] = {int64_t(c.d),
                            int64_t(c.k),
                            c.niter,
                            c.nredo,
                            c.seed,
                            c.max_points_per_centroid,
                            c.min_points_per_centroid,
                            c.spherical,
                            c.int_centroids,
                            c.update_index,
                            c.frozen_centroids,
                            c.use_kmeanspp,
                            c.check_input_data_for_NaNs,
                            int64_t(c.centroids.size())};
    constexpr int np = int(sizeof(mine) / sizeof(mine[0]));
    int64_t lo[np], hi[np];
    MPI_Allreduce(mine, lo, np, MPI_INT64_T, MPI_MIN, comm);
    MPI_Allreduce(mine, hi, np, MPI_INT64_T, MPI_MAX, comm);
    for (int i = 0; i < np; i++) {
        FAISS_REQUIRE(lo[i] == hi[i], invalid_argument,
                      "DistributedClustering: %s differs between ranks (%lld .. %lld); every "
                      "rank must train with the same settings",
                      names[i], (long long)lo[i], (long long)hi[i]);
    }
    const int flags[2] = {weighted == 1, weighted == 0}, none[2] = {0, 0};
    int any[2];
    MPI_Allreduce(weighted == -1 ? none : flags, any, 2, MPI_INT, MPI_MAX, comm);
    FAISS_REQUIRE(!(any[0] && any[1]), invalid_argument,
                  "DistributedClustering: x_weights given on some ranks holding points and not "
                  "on others");
    std::vector<float> root_centroids = c.centroids;
    broadcast_raw(comm, root_centroids.data(), root_centroids.size() * sizeof(float), 0);
    int same = root_centroids == c.centroids, all_same = 0;
    MPI_Allreduce(&same, &all_same, 1, MPI_INT, MPI_MIN, comm);
    FAISS_REQUIRE(all_same, invalid_argument,
                  "DistributedClustering: the pre-filled centroids differ between ranks");
}

/// Keeps this rank's points among the seeded sample of the global set (draw order).
void take_subsample(State& s, size_t d, const float* x, const float* w, idx_t offset, idx_t n_loc,
                    idx_t m, int seed) {
    const std::vector<idx_t> pick = km::random_sample(s.n_global, m, uint64_t(int64_t(seed)));
    for (idx_t p = 0; p < m; p++) {
        const idx_t g = pick[size_t(p)];
        if (g < offset || g >= offset + n_loc) continue;
        const size_t row = size_t(g - offset);
        s.pos.push_back(p);
        s.x_own.insert(s.x_own.end(), x + row * d, x + (row + 1) * d);
        if (w) s.w_own.push_back(w[row]);
    }
    s.n = idx_t(s.pos.size());
    s.x = s.x_own.data();
    s.w = w ? s.w_own.data() : nullptr;
    s.n_global = m;
}

/// Slices of the k clusters owned by each rank for the reduce-scatter of the sums.
void plan_slices(State& s, size_t d, size_t k) {
    s.sum_counts.resize(size_t(s.size));
    s.cent_counts.resize(size_t(s.size));
    s.cent_displs.resize(size_t(s.size));
    for (int r = 0; r < s.size; r++) {
        const size_t lo = k * size_t(r) / size_t(s.size), hi = k * size_t(r + 1) / size_t(s.size);
        FAISS_REQUIRE((hi - lo) * (d + 1) <= size_t(INT_MAX) && k * d <= size_t(INT_MAX),
                      unsupported,
                      "DistributedClustering: k * d = %zu is past the int counts of MPI "
                      "collectives",
                      k * d);
        s.sum_counts[size_t(r)] = int((hi - lo) * (d + 1));
        s.cent_counts[size_t(r)] = int((hi - lo) * d);
        s.cent_displs[size_t(r)] = int(lo * d);
        if (r == s.rank) {
            s.c_lo = lo;
            s.c_hi = hi;
        }
    }
}

}  // namespace

DistributedClustering::DistributedClustering(MPI_Comm comm, int d, int k)
    : DistributedClustering(comm, d, k, ClusteringParameters()) {}

DistributedClustering::DistributedClustering(MPI_Comm comm, int d, int k,
                                             const ClusteringParameters& cp)
    : Clustering(d, k, cp), comm(comm) {}

namespace {

/// Per-cluster weighted sums of this rank's points (d doubles, then the weight, per
/// cluster). Threads own interleaved clusters, so each sum is formed in point order.
std::vector<double> local_sums(const State& s, size_t d, size_t k, size_t c0) {
    std::vector<double> sums(k * (d + 1), 0.0);
    const int nt = int(std::min<size_t>(size_t(omp_get_max_threads()), k));
#pragma omp parallel num_threads(nt) if (size_t(s.n) * d > (size_t(1) << 15))
    {
        const size_t t = size_t(omp_get_thread_num()), nth = size_t(omp_get_num_threads());
        for (idx_t i = 0; i < s.n; i++) {
            const size_t c = size_t(s.assign[size_t(i)]);
            if (c % nth != t || c < c0) continue;
            const double wi = s.w ? double(s.w[i]) : 1.0;
            if (!(wi > 0)) continue;
            double* acc = sums.data() + c * (d + 1);
            const float* xi = s.x + size_t(i) * d;
            if (s.w) {
                for (size_t j = 0; j < d; j++)
                    acc[j] += wi * double(xi[j]);
            } else {
                for (size_t j = 0; j < d; j++)
                    acc[j] += double(xi[j]);
            }
            acc[d] += wi;
        }
    }
    return sums;
}

/// Centroids of the initial draw: centroid c (c >= n_input) is the point at sample
/// position pick[c]; its holder writes it, the others contribute zero bits, and a bitwise
/// OR hands every rank the exact values.
void init_centroids(Clustering& c, State& s, uint64_t init_seed) {
    const size_t d = c.d, k = c.k;
    const std::vector<idx_t> pick = km::random_sample(s.n_global, idx_t(k), init_seed);
    std::vector<uint32_t> bits(k * d, 0);
    for (size_t j = s.n_input; j < k; j++) {
        const idx_t row = local_row(s, pick[j]);
        if (row >= 0) std::memcpy(bits.data() + j * d, s.x + size_t(row) * d, d * sizeof(float));
    }
    MPI_Allreduce(MPI_IN_PLACE, bits.data(), int(k * d), MPI_UINT32_T, MPI_BOR, s.comm);
    std::memcpy(c.centroids.data() + s.n_input * d, bits.data() + s.n_input * d,
                (k - s.n_input) * d * sizeof(float));
}

/// Assignment of this rank's points; returns its part of the objective.
double assign_local(Clustering& c, State& s, Index& index) {
    const auto ts = std::chrono::steady_clock::now();
    if (s.n > 0) index.search(s.n, s.x, 1, s.dis.data(), s.assign.data());
    s.t_search += seconds_since(ts);
    double obj = 0;
    for (idx_t i = 0; i < s.n; i++) {
        const idx_t a = s.assign[size_t(i)];
        FAISS_REQUIRE(a >= 0 && size_t(a) < c.k, unsupported,
                      "the assignment index returned label %lld for training point %lld; "
                      "it must return a centroid in [0, %zu) for every point",
                      (long long)a, (long long)i, c.k);
        obj += (s.w ? double(s.w[i]) : 1.0) * double(s.dis[size_t(i)]);
    }
    return obj;
}

/// New centroids from the global sums: this rank's slice, then everyone's by allgather.
void update_centroids(Clustering& c, State& s, const std::vector<double>& sums, size_t c0) {
    const size_t d = c.d;
    std::vector<double> mine(size_t(s.sum_counts[size_t(s.rank)]));
    MPI_Reduce_scatter(sums.data(), mine.data(), s.sum_counts.data(), MPI_DOUBLE, MPI_SUM, s.comm);
    for (size_t ci = s.c_lo; ci < s.c_hi; ci++) {
        const double* acc = mine.data() + (ci - s.c_lo) * (d + 1);
        if (ci < c0 || acc[d] == 0) continue;
        const double inv = 1.0 / acc[d];
        float* out = c.centroids.data() + ci * d;
        for (size_t j = 0; j < d; j++)
            out[j] = float(acc[j] * inv);
    }
    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_FLOAT, c.centroids.data(), s.cent_counts.data(),
                   s.cent_displs.data(), MPI_FLOAT, s.comm);
}

void refill_index(Clustering& c, Index& index, bool train) {
    index.reset();
    if (train) index.train(idx_t(c.k), c.centroids.data());
    index.add(idx_t(c.k), c.centroids.data());
}

void lloyd_iteration(Clustering& c, State& s, int redo, int iter, Index& index) {
    const size_t d = c.d, k = c.k;
    const size_t c0 = c.frozen_centroids ? s.n_input : 0;
    double obj_local = 0;
    std::vector<double> sums;
    // Cluster member counts: [0, k) every point, [k, 2k) points of weight > 0.
    std::vector<int64_t> counts(2 * k, 0);
    run_collectively(s.comm, [&] {
        obj_local = assign_local(c, s, index);
        sums = local_sums(s, d, k, c0);
        for (idx_t i = 0; i < s.n; i++) {
            const size_t a = size_t(s.assign[size_t(i)]);
            counts[a]++;
            if (!s.w || s.w[i] > 0) counts[k + a]++;
        }
    });
    update_centroids(c, s, sums, c0);
    MPI_Allreduce(MPI_IN_PLACE, counts.data(), int(2 * k), MPI_INT64_T, MPI_SUM, s.comm);
    double obj = 0;
    MPI_Reduce(&obj_local, &obj, 1, MPI_DOUBLE, MPI_SUM, 0, s.comm);
    MPI_Bcast(&obj, 1, MPI_DOUBLE, 0, s.comm);

    double sum_sq = 0;
    for (size_t j = 0; j < k; j++)
        sum_sq += double(counts[j]) * double(counts[j]);
    const double imbalance = sum_sq * double(k) / (double(s.n_global) * double(s.n_global));
    std::vector<idx_t> sizes(counts.begin() + k, counts.end());
    const uint64_t split_seed = (uint64_t(int64_t(c.seed)) * 0x9E3779B97F4A7C15ULL) ^
                                (uint64_t(redo) << 32) ^ uint64_t(iter);
    const int nsplit = km::reseed_empty_clusters(d, k, c0, split_seed, sizes, c.centroids.data());
    c.post_process_centroids();
    run_collectively(s.comm, [&] { refill_index(c, index, c.update_index); });

    ClusteringIterationStats st{float(obj), seconds_since(s.t0), s.t_search, imbalance, nsplit};
    c.iteration_stats.push_back(st);
    if (c.verbose && s.rank == 0) {
        std::printf(
            "  Iteration %d (%.2f s, search %.2f s): objective=%g imbalance=%.3f "
            "nsplit=%d\n",
            iter, st.time, st.time_search, double(st.obj), st.imbalance_factor, nsplit);
        std::fflush(stdout);
    }
}

double run_distributed(Clustering& c, State& s, int redo, Index& index) {
    c.centroids.resize(c.k * c.d);
    std::copy(s.input_centroids.begin(), s.input_centroids.end(), c.centroids.begin());
    const uint64_t init_seed = uint64_t(int64_t(c.seed)) + 1 + uint64_t(redo) * 15486557ULL;
    init_centroids(c, s, init_seed);
    c.post_process_centroids();
    run_collectively(s.comm, [&] { refill_index(c, index, !index.is_trained || c.update_index); });
    for (int iter = 0; iter < c.niter; iter++)
        lloyd_iteration(c, s, redo, iter, index);
    if (c.niter == 0) return is_similarity_metric(index.metric_type) ? -HUGE_VAL : HUGE_VAL;
    return c.iteration_stats.back().obj;
}

/// Local arguments of train(), as Clustering::train checks them.
void check_arguments(const Clustering& c, idx_t n, const float* x, const Index& index) {
    const size_t d = c.d, k = c.k;
    const int niter = c.niter, nredo = c.nredo, max_points_per_centroid = c.max_points_per_centroid;
    const std::vector<float>& centroids = c.centroids;
    FAISS_REQUIRE(n >= 0, invalid_argument, "number of training points must be >= 0, got %lld",
                  (long long)n);
    FAISS_REQUIRE(n == 0 || x != nullptr, invalid_argument, "training vectors pointer is null");
    FAISS_REQUIRE(size_t(index.d) == d, invalid_argument,
                  "index dimension %d does not match clustering dimension %zu", index.d, d);
    FAISS_REQUIRE(niter >= 0, invalid_argument, "niter must be >= 0, got %d", niter);
    FAISS_REQUIRE(nredo >= 1, invalid_argument, "nredo must be >= 1, got %d", nredo);
    FAISS_REQUIRE(max_points_per_centroid > 0, invalid_argument,
                  "max_points_per_centroid must be > 0, got %d", max_points_per_centroid);
    FAISS_REQUIRE(centroids.size() % d == 0 && centroids.size() / d <= k, invalid_argument,
                  "pre-filled centroids hold %zu values: expected a multiple of d=%zu, at "
                  "most k*d=%zu",
                  centroids.size(), d, k * d);
}

/// The points this rank uses: its share of the seeded subsample when the global set is
/// larger than k * max_points_per_centroid, else all its points; checked for NaN.
void select_points(const Clustering& c, State& s, idx_t n, const float* x, const float* x_weights,
                   idx_t offset) {
    const size_t d = c.d, k = c.k;
    const int max_points_per_centroid = c.max_points_per_centroid;
    const size_t max_points = k * size_t(max_points_per_centroid);
    if (size_t(s.n_global) > max_points) {
        if (s.rank == 0)
            std::fprintf(stderr,
                         "WARNING clustering %lld points to %zu centroids: subsampling from "
                         "%lld to %zu points (max_points_per_centroid=%d)\n",
                         (long long)s.n_global, k, (long long)s.n_global, max_points,
                         max_points_per_centroid);
        take_subsample(s, d, x, x_weights, offset, n, idx_t(max_points), c.seed);
    } else {
        const size_t min_points = k * size_t(std::max(c.min_points_per_centroid, 0));
        if (s.rank == 0 && size_t(s.n_global) < min_points)
            std::fprintf(stderr,
                         "WARNING clustering %lld points to %zu centroids: please provide "
                         "at least %zu training points\n",
                         (long long)s.n_global, k, min_points);
        s.n = n;
        s.x = x;
        s.w = x_weights;
        s.pos0 = offset;
    }
    if (c.check_input_data_for_NaNs) km::check_finite(size_t(s.n), d, s.x);
    if (s.w) km::check_weights(size_t(s.n), s.w);
    plan_slices(s, d, k);
    s.dis.resize(size_t(s.n));
    s.assign.resize(size_t(s.n));
}

}  // namespace

void DistributedClustering::train(idx_t n, const float* x, Index& index, const float* x_weights) {
    State s;
    s.comm = comm;
    s.rank = comm_rank(comm);
    s.size = comm_size(comm);
    s.t0 = std::chrono::steady_clock::now();
    run_collectively(comm, [&] { check_arguments(*this, n, x, index); });
    run_collectively(comm,
                     [&] { check_same_settings(comm, *this, n == 0 ? -1 : x_weights != nullptr); });
    FAISS_REQUIRE(!use_kmeanspp, unsupported,
                  "DistributedClustering does not support use_kmeanspp (sequential seeding)");

    const idx_t offset = exclusive_prefix_sum(comm, n, &s.n_global);
    FAISS_REQUIRE(size_t(s.n_global) >= k, invalid_argument,
                  "number of training points (%lld over %d ranks) should be at least as large "
                  "as the number of clusters (%zu)",
                  (long long)s.n_global, s.size, k);
    run_collectively(comm, [&] { select_points(*this, s, n, x, x_weights, offset); });
    s.n_input = centroids.size() / d;
    s.input_centroids = centroids;
    if (verbose && s.rank == 0) {
        std::printf(
            "Clustering %lld points in %zuD to %zu clusters over %d ranks, redo %d "
            "times, %d iterations\n",
            (long long)s.n_global, d, k, s.size, nredo, niter);
        std::fflush(stdout);
    }
    iteration_stats.clear();
    std::vector<float> best_centroids;
    std::vector<ClusteringIterationStats> best_stats;
    double best_obj = 0;
    const bool similarity = is_similarity_metric(index.metric_type);
    for (int redo = 0; redo < nredo; redo++) {
        if (verbose && nredo > 1 && s.rank == 0) std::printf("Run %d / %d\n", redo + 1, nredo);
        const double obj = run_distributed(*this, s, redo, index);
        const bool better = similarity ? obj > best_obj : obj < best_obj;
        if (redo == 0 || better) {
            best_obj = obj;
            best_centroids = centroids;
            best_stats = iteration_stats;
        }
    }
    if (nredo > 1) {
        centroids = best_centroids;
        iteration_stats = best_stats;
        run_collectively(comm, [&] {
            index.reset();
            index.add(idx_t(k), centroids.data());
        });
    }
}

}  // namespace faiss::mpi
