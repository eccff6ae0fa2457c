#pragma once

// Polysemous training (Douze, Jegou, Perronnin, "Polysemous codes", ECCV 2016): after the
// k-means of a product quantizer, the centroids of each sub-quantizer are renumbered so
// that the Hamming distance between two centroid indices tracks the distance between the
// centroids. Codes can then be compared by Hamming distance as a cheap filter before the
// asymmetric distance (IndexPQ::ST_polysemous). The renumbering changes nothing else:
// ADC / SDC distances of a vector are the same before and after.
//
// The permutation is found by simulated annealing over swaps of two indices. The
// objective (OT_ReproduceDistances_affine) is a weighted squared error between the
// Hamming distances of the indices and an affine image of the centroid distances
// (matched mean and standard deviation), the weights favouring close centroid pairs.
// A swap changes two rows of the pair matrix only, so each proposal costs O(ksub).
//
// Thread safety: the object holds options only; optimize_* may run concurrently on
// different product quantizers.

#include <cstddef>
#include <cstdint>
#include <string>

namespace faiss {

struct ProductQuantizer;

/// Options of the annealing (names and defaults of Faiss).
struct SimulatedAnnealingParameters {
    double init_temperature = 0.7;  ///< probability of accepting a worse swap at start
    /// Multiplied into the temperature after each iteration (0.9 every 500 iterations).
    double temperature_decay;
    int n_iter = 500000;          ///< swaps proposed per run
    int n_redo = 2;               ///< runs per sub-quantizer (seeds differ), best kept
    int seed = 123;               ///< random seed: results depend on it only
    int verbose = 0;              ///< print the cost before / after per sub-quantizer
    bool only_bit_flips = false;  ///< swap only indices that differ by one bit
    bool init_random = false;     ///< start from a random permutation, not the identity

    SimulatedAnnealingParameters();
};

struct PolysemousTraining : SimulatedAnnealingParameters {
    enum Optimization_type_t {
        OT_None,                       ///< keep the k-means order
        OT_ReproduceDistances_affine,  ///< default: match centroid distances (above)
        OT_Ranking_weighted_diff,      ///< not supported (throws)
    };
    Optimization_type_t optimization_type = OT_ReproduceDistances_affine;
    /// Training vectors used by ranking-based objectives; 0: all. The supported
    /// objective depends on the centroids only, so it is unused.
    int ntrain_permutation = 0;
    /// Weight of a centroid pair: exp(-dis_weight_factor * dis / mean_dis), so with the
    /// default log(2) the weight halves each mean distance.
    double dis_weight_factor;
    /// Memory budget (bytes) of the pair matrices of all threads together; sub-quantizers
    /// are optimized by at most max_memory / memory_usage_per_thread() threads.
    size_t max_memory;
    /// When non-empty, a printf pattern with one %d (the sub-quantizer): the chosen
    /// permutation (ksub integers, one line) is written to that file.
    std::string log_pattern;

    PolysemousTraining();

    /// Renumber the centroids of pq (trained) per optimization_type and refill
    /// pq.sdc_table. n, x (n x d training vectors) are unused by the supported
    /// objectives and may be 0 / null.
    /// @throws FaissException (not_trained) when pq has no centroids, (unsupported) for
    /// OT_Ranking_weighted_diff, (out_of_memory) when one thread's matrices exceed
    /// max_memory, (io_error) when log_pattern names a file that cannot be written.
    void optimize_pq_for_hamming(ProductQuantizer& pq, size_t n, const float* x) const;

    /// OT_ReproduceDistances_affine on every sub-quantizer of pq.
    void optimize_reproduce_distances(ProductQuantizer& pq) const;

    /// Bytes of the pair matrices one thread holds: 3 ksub x ksub float matrices.
    size_t memory_usage_per_thread(const ProductQuantizer& pq) const;
};

/// Beyond Faiss: the permutation perm (ksub entries, perm[i] = new index of centroid i)
/// that the annealing picks for one sub-quantizer whose ksub x ksub squared centroid
/// distances are dis, ksub a power of two. Deterministic for given params.
void polysemous_optimize_permutation(const SimulatedAnnealingParameters& params,
                                     double dis_weight_factor, size_t ksub, const float* dis,
                                     int seed, int* perm);

/// Beyond Faiss: the objective of the permutation (lower is better), for tests and logs.
double polysemous_permutation_cost(double dis_weight_factor, size_t ksub, const float* dis,
                                   const int* perm);

}  // namespace faiss
