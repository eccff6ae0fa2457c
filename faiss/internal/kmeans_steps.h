#pragma once

// The steps of a k-means run (faiss/Clustering.cpp drives them): seeded sampling,
// initialisation, centroid update, empty-cluster reseeding, statistics. Private.
//
// Shapes: x is n x d row-major; weights (n) may be null (all 1); assign (n) holds
// cluster ids in [0, k); centroids is k x d.

#include <faiss/Index.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace faiss::internal::kmeans {

/// Seeded generator, identical on every platform (the std distributions are not).
class Rng {
  public:
    explicit Rng(uint64_t seed);
    /// Uniform in [0, n), n > 0.
    uint64_t below(uint64_t n);
    /// Uniform in [0, 1).
    double uniform();

  private:
    std::mt19937_64 gen_;
};

/// The first m entries of a uniformly random permutation of 0..n-1 (m <= n), in
/// draw order: m distinct indices. Memory O(m) when m is small compared to n.
///
/// The permutation is the one Faiss draws for the same seed (its rand_perm: a
/// Fisher-Yates shuffle driven by a 32-bit Mersenne Twister seeded with the low 32 bits
/// of seed, slot i swapped with i + draw % (n - i)), so k-means subsamples and
/// initialises from the same points as Faiss: with equal data and seed, both libraries
/// start from the same centroids and train comparable codebooks (a single codebook
/// draw otherwise moves recall by a few hundredths; see benchs/RESULTS.md).
std::vector<idx_t> random_sample(idx_t n, idx_t m, uint64_t seed);

/// The training set size policy of Faiss. When n > k * max_per_centroid, prints a warning
/// to stderr, copies a seeded random sample of k * max_per_centroid points (and their
/// weights, if any) into x_out / w_out in draw order (random_sample with seed; the order
/// matters: initial centroids are drawn by position in the sample), and returns its size.
/// Otherwise leaves x_out empty, warns on stderr when n < k * min_per_centroid, and
/// returns n.
idx_t subsample_for_training(size_t d, size_t k, idx_t n, const float* x, const float* weights,
                             int max_per_centroid, int min_per_centroid, int seed,
                             std::vector<float>& x_out, std::vector<float>& w_out);

/// Throws (invalid_argument) if any of the n*d values of x is NaN or infinite, naming
/// the first offending vector and component.
void check_finite(size_t n, size_t d, const float* x);

/// Throws (invalid_argument) if a weight is negative, NaN or infinite.
void check_weights(size_t n, const float* weights);

/// k-means++ seeding: centroids[0 .. k0) are given (k0 may be 0), fill [k0, k).
void kmeanspp_init(size_t d, size_t n, const float* x, const float* weights, size_t k0, size_t k,
                   float* centroids, uint64_t seed);

/// Number of points with weight > 0 in each of the k clusters.
std::vector<idx_t> cluster_sizes(size_t n, size_t k, const idx_t* assign, const float* weights);

/// Weighted sums of the points of a list of clusters, fed block by block, for the
/// centroid update. Each cluster's sum is formed in double, in point order, by one thread
/// (threads own contiguous parts of the list), so the result does not depend on the
/// thread count. The points of one block are read in order (no gather).
class CentroidSums {
  public:
    /// Sums for the listed cluster ids (each < k, distinct).
    CentroidSums(size_t d, size_t k, std::vector<size_t> clusters);
    /// Add the nb points x (nb x d) with their weights (nb, or null) and clusters
    /// (assign, nb ids < k); points of unlisted clusters or with weight 0 are skipped.
    void add(size_t nb, const float* x, const float* weights, const idx_t* assign);
    /// Follow a reassignment of points already added: every point i < nb whose cluster
    /// changed from old_assign[i] to assign[i] is subtracted from the old sum and added
    /// to the new one (same x and weights as when added). Equals, up to double rounding,
    /// a fresh add() with assign, at the cost of the moved points only (Lloyd iterations
    /// move few once the first ones are done). A cluster left without points is reset
    /// to exactly zero. With widely different weights the subtractions lose relative
    /// precision on the clusters that keep the light points: prefer add() there.
    void move(size_t nb, const float* x, const float* weights, const idx_t* old_assign,
              const idx_t* assign);
    /// centroids[c] (k x d) = mean, for the listed clusters that received weight > 0.
    void write_means(float* centroids) const;

  private:
    void add_range(size_t nb, const float* x, const float* weights, const idx_t* assign, int64_t lo,
                   int64_t hi);
    void accumulate(size_t s, const float* xi, double w);
    void remove(size_t s, const float* xi, double w);
    // Threads and contiguous parts of the list holding about as many of the counted
    // points each (count[s]: points per list position).
    std::vector<int64_t> split_list(const std::vector<int64_t>& count, size_t total, int nt) const;
    size_t d_;
    std::vector<size_t> clusters_;
    std::vector<int64_t> slot_;  // cluster id -> list position, -1 when not listed
    std::vector<double> sums_, wsum_;
    std::vector<int64_t> members_;  // points of weight > 0 per list position
};

/// Reseed the clusters in [c0, k) that have no member (rule in faiss/Clustering.h): each
/// takes half of a populous cluster, drawn with the seeded generator. Updates sizes and
/// the centroids involved (a donor below c0, i.e. frozen, keeps its centroid); returns
/// how many were reseeded.
int reseed_empty_clusters(size_t d, size_t k, size_t c0, uint64_t seed, std::vector<idx_t>& sizes,
                          float* centroids);

/// k * sum(size_c^2) / (sum size_c)^2 over the member counts of every cluster.
double imbalance_factor(size_t n, size_t k, const idx_t* assign);

}  // namespace faiss::internal::kmeans
