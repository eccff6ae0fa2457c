#pragma once

// k-means clustering (Lloyd's algorithm), with the public surface of Faiss:
// ClusteringParameters, ClusteringIterationStats, Clustering, kmeans_clustering, and a
// C++ counterpart of the Python helper faiss.Kmeans.
//
// One training run:
//   1. Subsample: when n > k * max_points_per_centroid, a seeded random subset of
//      k * max_points_per_centroid points is used (a warning goes to stderr; another
//      warns when n < k * min_points_per_centroid). The points used are checked for NaN
//      and infinity (unless check_input_data_for_NaNs is off): FaissException.
//   2. Initialise: caller-provided centroids (field `centroids`, see below) first, the
//      rest either k distinct training points drawn at random (as Faiss) or, with
//      use_kmeanspp, by k-means++ seeding.
//   3. niter Lloyd iterations. Each assigns every point to its nearest centroid with the
//      caller's Index (reset, optionally re-trained, and filled with the k centroids
//      before each search), records the objective, then moves every centroid to the
//      (weighted) mean of its points. A plain IndexFlat, IndexFlatL2 or IndexFlatIP
//      (not a subclass) is searched through the exact engine directly, with the same
//      results as its search() but the points' norms computed once per train().
//      Without weights, the cluster sums of an iteration are those of the previous one
//      with the points that changed cluster moved (equal to fresh sums up to double
//      rounding); with weights they are recomputed every iteration.
//
// Empty clusters: after the update, each cluster left without points (in increasing id
// order; with weights, without points of weight > 0) splits a populous one: the donor is
// drawn with probability proportional to its member count minus one, the empty centroid
// becomes the donor's centroid plus a tiny random-sign step (1/1024 of its RMS value) and
// the donor moves the same step the other way; the next assignment divides the donor's
// points between the two. Each reseeded cluster counts in nsplit. (Moving an empty
// centroid onto the worst-served point instead, an earlier rule here, spends centroids
// on outliers: PQ and IVF codebooks trained that way lost 0.02-0.04 recall@1 against
// Faiss.) A split can raise the objective slightly for one iteration; without empty
// clusters the recorded objective of an exact L2 index is non-increasing.
//
// Objective: sum over training points of weight * distance to the assigned centroid as
// returned by the index (weight 1 without x_weights), i.e. the sum of squared L2
// distances for IndexFlatL2, the sum of similarities for IndexFlatIP (then larger is
// better). Faiss sums unweighted distances; the weighted sum is the quantity that the
// weighted update minimises.
//
// Determinism: for fixed inputs and seed the result does not depend on the number of
// OpenMP threads (each centroid's sum is updated by one thread in point order, in
// double).
//
// Differences from Faiss: results are not bitwise those of Faiss (different random
// generator and split perturbation); verbose prints one line per iteration.
//
// Thread safety: a Clustering object is used by one thread at a time; train() uses
// OpenMP internally and needs exclusive access to the index it is given.

#include <faiss/Index.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace faiss {

/// Options of a k-means run. Plain values, copied into Clustering / Kmeans.
struct ClusteringParameters {
    /// Lloyd iterations per run. 0 leaves the initial centroids.
    int niter = 25;
    /// Number of runs with different seeds; the run with the best final objective is kept.
    int nredo = 1;

    /// Print one line per iteration to stdout.
    bool verbose = false;
    /// L2-normalise the centroids after every update (use with an inner-product index).
    bool spherical = false;
    /// Round centroid components to the nearest integer after every update.
    bool int_centroids = false;
    /// Call index.train(k, centroids) before refilling the index at every iteration.
    bool update_index = false;
    /// Keep the caller-provided initial centroids fixed (see Clustering::centroids).
    bool frozen_centroids = false;

    /// Below k * min_points_per_centroid training points a warning is printed to stderr.
    int min_points_per_centroid = 39;
    /// Above k * max_points_per_centroid training points, that many are sampled.
    int max_points_per_centroid = 256;
    /// Seed of the subsampling and of the initialisation (run r uses a seed derived
    /// from seed and r).
    int seed = 1234;

    /// Vectors decoded per block by Clustering::train_encoded.
    size_t decode_block_size = 32768;

    /// Reject training data holding NaN or infinity (FaissException, invalid_argument).
    /// Checking costs one pass over the data; switch off only for data known to be finite.
    bool check_input_data_for_NaNs = true;

    /// Beyond Faiss: initialise with k-means++ seeding (Arthur & Vassilvitskii, 2007:
    /// each next centroid is a training point drawn with probability proportional to
    /// weight * squared L2 distance to the nearest centroid chosen so far) instead of k
    /// distinct random points. Usually reaches a better objective (it rarely puts two
    /// seeds in one well-separated cluster), but the seeding is sequential: one pass
    /// over the n points per centroid, skipped by the triangle inequality where it
    /// cannot help. Without such pruning (e.g. uniform data) it costs about as much as
    /// 10 Lloyd iterations on one core (n=200k, d=128, k=1024: ~12 s). Squared L2 is
    /// used whatever the index metric.
    bool use_kmeanspp = false;
};

/// What happened during one Lloyd iteration.
struct ClusteringIterationStats {
    /// Objective of the assignment made in this iteration (see the file comment).
    float obj;
    /// Seconds since train() started, at the end of this iteration.
    double time;
    /// Seconds spent in index.search since train() started.
    double time_search;
    /// k * sum(size_c^2) / n^2 over the cluster sizes: 1 when balanced, k at worst.
    double imbalance_factor;
    /// Number of empty clusters reseeded in this iteration.
    int nsplit;
};

/// k-means clustering of d-dimensional vectors into k centroids.
///
/// Initial centroids: if `centroids` holds m * d values (m <= k) when train() is called,
/// those m centroids are used as the first m initial centroids (kept fixed when
/// frozen_centroids is set) and the other k - m are initialised as usual.
struct Clustering : ClusteringParameters {
    size_t d;  ///< dimension of the vectors
    size_t k;  ///< number of centroids

    /// k x d after train(), row-major; may be pre-filled with initial centroids.
    std::vector<float> centroids;

    /// One entry per iteration of every run up to and including the kept run (as Faiss),
    /// so iteration_stats.back().obj is the final objective of the returned centroids'
    /// run. A run's entries are niter consecutive elements.
    std::vector<ClusteringIterationStats> iteration_stats;

    /// @throws FaissException (invalid_argument) if d <= 0 or k <= 0.
    Clustering(int d, int k);
    Clustering(int d, int k, const ClusteringParameters& cp);
    virtual ~Clustering() = default;

    /// Cluster the n training vectors x (n x d), weighted by x_weights (n values >= 0,
    /// optional). index does the assignment: any Index of dimension d (IndexFlatL2 for
    /// plain k-means); it is reset at the start and holds the k final centroids at the
    /// end. x and x_weights are only read during the call.
    /// @throws FaissException (invalid_argument) if n <= 0, n < k, x is null, index.d !=
    /// d, x or x_weights hold NaN / infinity (when check_input_data_for_NaNs), a weight
    /// is negative, niter < 0, nredo < 1, or the pre-filled centroids do not fit; and
    /// (unsupported) if the index does not return a centroid for every point.
    virtual void train(idx_t n, const float* x, faiss::Index& index,
                       const float* x_weights = nullptr);

    /// Same as train() on vectors given as n codes of codec (n x codec->sa_code_size()
    /// bytes), decoded to float (n x d, in blocks of decode_block_size) before training.
    /// codec is only read.
    void train_encoded(idx_t n, const uint8_t* x_in, const Index* codec, Index& index,
                       const float* weights = nullptr);

    /// Apply spherical (L2-normalise) and int_centroids (round) to `centroids`.
    void post_process_centroids();

  private:
    struct RunState;
    double run_once(RunState& s, int redo, Index& index);
    void lloyd_iteration(RunState& s, int iter, Index& index);
    double assign_and_accumulate(RunState& s, Index& index, size_t c0, float* centroids_out);
};

/// Exact k-means of scalars (d = 1): the optimal partition of the sorted values into k
/// contiguous groups, by dynamic programming with divide-and-conquer split search
/// (O(k n log n) time, k x n 32-bit back-pointers of memory, n after subsampling).
struct Clustering1D : Clustering {
    /// @throws FaissException (invalid_argument) if k <= 0.
    explicit Clustering1D(int k);
    Clustering1D(int k, const ClusteringParameters& cp);

    /// Optimal centroids of the n values x, sorted increasingly into `centroids` (k
    /// values); one iteration_stats entry with the optimal objective. Subsamples like
    /// train() when n > k * max_points_per_centroid.
    /// @throws FaissException (invalid_argument) if n < k, x is null, or x holds NaN/inf.
    void train_exact(idx_t n, const float* x);
};

/// k-means with the default parameters and an IndexFlatL2 for the assignment.
/// x is n x d; centroids (k x d) receives the result. Prints progress when n * d > 2^30.
/// @return the final objective (sum of squared distances of the last assignment).
/// @throws FaissException (invalid_argument) as Clustering::train.
float kmeans_clustering(size_t d, size_t n, size_t k, const float* x, float* centroids);

/// C++ counterpart of the Python helper faiss.Kmeans: owns the parameters, the result
/// and the index that holds the centroids (IndexFlatL2, or IndexFlatIP when
/// cp.spherical). Not thread-safe while training; assign() may run concurrently with
/// other assign() calls.
struct Kmeans {
    int d;                    ///< dimension
    int k;                    ///< number of centroids
    ClusteringParameters cp;  ///< options, set before train()

    std::vector<float> centroids;  ///< k x d after train()
    std::vector<float> obj;        ///< objective of every iteration (iteration_stats[i].obj)
    std::vector<ClusteringIterationStats> iteration_stats;
    /// Holds the k centroids after train(); null before. Owned.
    std::unique_ptr<Index> index;

    /// @throws FaissException (invalid_argument) if d <= 0 or k <= 0.
    Kmeans(int d, int k, const ClusteringParameters& cp = ClusteringParameters());
    /// Shorthand for the options most often set (faiss.Kmeans(d, k, niter=..., ...)).
    Kmeans(int d, int k, int niter, bool verbose = false, int seed = 1234);
    ~Kmeans();

    /// Cluster x (n x d), optionally weighted (n values) and started from init_centroids
    /// (k x d); inputs are only read. @return the final objective (0 when niter == 0).
    /// @throws FaissException as Clustering::train.
    float train(idx_t n, const float* x, const float* weights = nullptr,
                const float* init_centroids = nullptr);

    /// Nearest centroid of each of the n vectors x (n x d): distances and labels (n each).
    /// @throws FaissException (not_trained) before train(), (invalid_argument) on bad input.
    void assign(idx_t n, const float* x, float* distances, idx_t* labels) const;
};

}  // namespace faiss
