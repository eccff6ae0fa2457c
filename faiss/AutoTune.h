#pragma once

// Search-time parameters by name, over nested indexes, and the exploration of their
// speed / accuracy trade-off, as in Faiss's AutoTune.h:
//   ParameterSpace ps;
//   ps.set_index_parameters(index, "nprobe=32,quantizer_efSearch=64,k_factor_rf=4");
//   ps.initialize(index);             // ranges of every tunable parameter of index
//   OperatingPoints ops;
//   ps.explore(index, nq, xq, crit, &ops);   // crit holds the ground truth
//   ops.optimal_pts                   // the Pareto-optimal (accuracy, time) points
//
// Parameter names: nprobe and max_codes (IVF), k_factor_rf (IndexRefine; k_factor is
// accepted too), efSearch, efConstruction, prune_headroom (HNSW), verbose (every index), and
// quantizer_<name>, applied to the coarse quantizer of an IVF index. Wrappers
// (IndexIDMap, IndexIDMap2, IndexPreTransform, IndexRefine's base) pass names they do
// not own on to the index they wrap.
//
// Thread safety: set_index_parameter(s) and explore modify the index (not thread-safe
// with concurrent searches on it). A ParameterSpace itself is only read by them.

#include <faiss/Index.h>

#include <cstdint>
#include <string>
#include <vector>

namespace faiss {

/// Scores search results (nq x nnn) against a ground truth (nq x gt_nnn).
struct AutoTuneCriterion {
    idx_t nq;                 ///< number of queries
    idx_t nnn;                ///< results asked per query by explore()
    idx_t gt_nnn;             ///< ground-truth results per query (0 until set_groundtruth)
    std::vector<float> gt_D;  ///< ground-truth distances (nq x gt_nnn), may be empty
    std::vector<idx_t> gt_I;  ///< ground-truth labels (nq x gt_nnn)

    /// @throws FaissException (invalid_argument) for nq <= 0 or nnn <= 0.
    AutoTuneCriterion(idx_t nq, idx_t nnn);
    virtual ~AutoTuneCriterion() = default;

    /// Copies the ground truth: gt_I (nq x gt_nnn) and optionally gt_D (may be null).
    /// @throws FaissException (invalid_argument) for gt_nnn <= 0 or a null gt_I.
    void set_groundtruth(int gt_nnn, const float* gt_D, const idx_t* gt_I);

    /// Accuracy in [0, 1] of results D, I (nq x nnn); higher is better.
    /// @throws FaissException (invalid_argument) when no ground truth was set.
    virtual double evaluate(const float* D, const idx_t* I) const = 0;
};

/// Fraction of queries whose true nearest neighbour is among the first R results.
struct OneRecallAtRCriterion : AutoTuneCriterion {
    idx_t R;
    /// @throws FaissException (invalid_argument) for R <= 0.
    OneRecallAtRCriterion(idx_t nq, idx_t R);
    double evaluate(const float* D, const idx_t* I) const override;
};

/// Mean over queries of |first R results ∩ first R true neighbours| / R.
struct IntersectionCriterion : AutoTuneCriterion {
    idx_t R;
    /// @throws FaissException (invalid_argument) for R <= 0.
    IntersectionCriterion(idx_t nq, idx_t R);
    double evaluate(const float* D, const idx_t* I) const override;
};

/// One measured setting: accuracy perf, search time t (seconds), its parameter string.
struct OperatingPoint {
    double perf;      ///< criterion value, higher is better
    double t;         ///< wall time of the search, seconds
    std::string key;  ///< parameters, e.g. "nprobe=16,k_factor_rf=4"
    int64_t cno;      ///< combination number in the ParameterSpace
};

/// All measured points and the Pareto-optimal ones (no other point is both faster and
/// at least as accurate). optimal_pts is sorted by increasing perf (and t) and starts
/// with a (perf 0, t 0) sentinel, as in Faiss.
struct OperatingPoints {
    std::vector<OperatingPoint> all_pts;
    std::vector<OperatingPoint> optimal_pts;

    OperatingPoints();

    /// Adds the points of other, keys prefixed by prefix; returns how many were optimal.
    int merge_with(const OperatingPoints& other, const std::string& prefix = "");

    /// Forget every point.
    void clear();

    /// Adds a point; returns true if it is Pareto-optimal (then dominated ones are removed
    /// from optimal_pts).
    bool add(double perf, double t, const std::string& key, size_t cno = 0);

    /// Shortest time of an optimal point with accuracy >= perf; 1e50 if none.
    double t_for_perf(double perf) const;

    /// Prints the points (the optimal ones only by default) to stdout.
    void display(bool only_optimal = true) const;

    /// Writes "perf t key" lines to fname. @throws FaissException (io_error).
    void all_to_gnuplot(const char* fname) const;
    void optimal_to_gnuplot(const char* fname) const;
};

/// A named parameter and the values explore() tries, in increasing cost order.
struct ParameterRange {
    std::string name;
    std::vector<double> values;
};

/// Sets search parameters by name and explores their combinations.
struct ParameterSpace {
    std::vector<ParameterRange> parameter_ranges;  ///< what explore() iterates over

    int verbose = 1;                     ///< print progress of explore()
    int n_experiments = 500;             ///< combinations tried at most (0 = all, in order)
    size_t batchsize = size_t(1) << 30;  ///< queries per search call in explore()
    bool thread_over_batches = false;    ///< kept for Faiss compatibility (batches run in turn)
    double min_test_duration = 0;        ///< repeat a measurement until it lasts that long (s)

    ParameterSpace() = default;
    virtual ~ParameterSpace() = default;

    /// Product of the range sizes (1 when there is no range).
    size_t n_combinations() const;

    /// True if every parameter of combination c1 is >= the one of c2.
    bool combination_ge(size_t c1, size_t c2) const;

    /// "name=value,..." of a combination. @throws FaissException (invalid_argument) when
    /// cno >= n_combinations().
    std::string combination_name(size_t cno) const;

    /// Prints the ranges to stdout.
    void display() const;

    /// The range called name, created empty (at the end) if absent.
    ParameterRange& add_range(const std::string& name);

    /// Replaces parameter_ranges by the tunable parameters of index and its sub-indexes.
    virtual void initialize(const Index* index);

    /// Applies combination cno. @throws as set_index_parameter.
    void set_index_parameters(Index* index, size_t cno) const;

    /// Applies "name=value,name=value". @throws FaissException (invalid_argument) for a
    /// malformed string, and as set_index_parameter.
    void set_index_parameters(Index* index, const char* param_string) const;

    /// Sets one parameter on index, or on the sub-index that owns it.
    /// @throws FaissException (invalid_argument) for an unknown name on that index, a
    ///         non-finite value or one out of range (nprobe < 1 ...), a null index.
    virtual void set_index_parameter(Index* index, const std::string& name, double val) const;

    /// Bounds derived from the points already measured: the best accuracy combination
    /// cno can reach and the least time it can take (parameters only increase cost).
    void update_bounds(size_t cno, const OperatingPoint& op, double* upper_bound_perf,
                       double* lower_bound_t) const;

    /// Measures accuracy (crit, against its ground truth) and search time of the
    /// combinations (n_experiments of them at most, skipping those that cannot be
    /// optimal) on the nq queries xq (nq x d), adding them to ops. Leaves the index set
    /// to the last combination tried.
    /// @throws FaissException (invalid_argument) for nq != crit.nq, null pointers.
    void explore(Index* index, size_t nq, const float* xq, const AutoTuneCriterion& crit,
                 OperatingPoints* ops) const;
};

}  // namespace faiss
