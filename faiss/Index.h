#pragma once

// The base class of every index, with the public surface of Faiss.
//
// Names used throughout the library (as in Faiss):
//   d        dimension of the vectors
//   n        number of vectors in a call; x is n x d floats, row-major (vector i at x + i*d)
//   xb, xq   database vectors, query vectors
//   ntotal   number of vectors stored in the index
//   k        number of neighbours asked for per query
//   nlist    number of inverted lists (IVF); nprobe: lists visited per query
//   M        number of sub-quantizers (PQ) or graph links per node (HNSW)
//   nbits    bits per code; ksub = 2^nbits centroids per sub-quantizer; dsub = d / M
//   efSearch, efConstruction: HNSW candidate list sizes
//
// Results: search() fills distances (n x k) and labels (n x k). Rows are sorted best
// first: increasing distance for L2-like metrics, decreasing similarity for inner product.
// When fewer than k results exist, the row is padded with label -1 and distance
// +inf (L2-like) or -inf (inner product), as Faiss does.
//
// NaN: a NaN distance never enters a result; a query or stored vector that holds NaN
// therefore never produces a match (a NaN query gets an all-padding row).
// Infinity: a stored vector with an infinite component is at +inf (or NaN) L2/L1/Linf/Lp
// distance from every finite query and is never returned by k-NN search; with inner
// product its similarity may be +inf, a valid (best) result, -inf, or NaN (skipped).
// Vectors are not scanned for NaN/inf on add: that is the caller's choice to make.
//
// Thread safety (unless a subclass says otherwise): const methods (search, range_search,
// reconstruct ...) may run concurrently from many threads; methods that modify the index
// (train, add, remove_ids, reset) need exclusive access. Pass per-call options through
// SearchParameters rather than mutating fields while others search.

#include <faiss/MetricType.h>

#include <cstddef>
#include <cstdint>

namespace faiss {

/// Vector ids and counts. Signed 64-bit, as in Faiss; -1 marks "no result".
using idx_t = int64_t;

struct DistanceComputer;
struct IDSelector;
struct RangeSearchResult;

/// Per-call search options. Subclasses add index-specific knobs (nprobe, efSearch ...).
/// The object is read only during the call and not retained.
struct SearchParameters {
    /// Only ids for which sel->is_member(id) is true may be returned. Not owned.
    const IDSelector* sel = nullptr;
    virtual ~SearchParameters() = default;
};

struct Index {
    using idx_t = faiss::idx_t;  ///< kept for code written against older Faiss

    int d;                   ///< vector dimension
    idx_t ntotal;            ///< number of indexed vectors
    bool verbose;            ///< print progress to stdout
    bool is_trained;         ///< false until train() ran, for indexes that need it
    MetricType metric_type;  ///< how distances are measured
    float metric_arg;        ///< p for METRIC_Lp

    /// @throws FaissException (invalid_argument) if d < 0 or the metric is unknown.
    explicit Index(idx_t d = 0, MetricType metric = METRIC_L2);
    virtual ~Index();

    /// Learn the index's parameters from n training vectors x (n x d). No-op by default.
    virtual void train(idx_t n, const float* x);

    /// Add n vectors x (n x d); they get ids ntotal .. ntotal + n - 1.
    virtual void add(idx_t n, const float* x) = 0;

    /// Add n vectors with caller-chosen ids xids (n). Unsupported unless overridden.
    virtual void add_with_ids(idx_t n, const float* x, const idx_t* xids);

    /// k nearest neighbours of n queries x (n x d) into distances and labels (n x k).
    virtual void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                        const SearchParameters* params = nullptr) const = 0;

    /// All neighbours within radius (distance < radius for L2, similarity > radius for
    /// inner product) into result, which must have been built with nq = n.
    virtual void range_search(idx_t n, const float* x, float radius, RangeSearchResult* result,
                              const SearchParameters* params = nullptr) const;

    /// labels (n x k) of the k nearest neighbours, distances dropped.
    virtual void assign(idx_t n, const float* x, idx_t* labels, idx_t k = 1) const;

    /// Remove all vectors (keeps training).
    virtual void reset() = 0;

    /// Remove the vectors whose id sel accepts; returns how many were removed.
    virtual size_t remove_ids(const IDSelector& sel);

    /// Vector with id key into recons (d floats).
    virtual void reconstruct(idx_t key, float* recons) const;

    /// Vectors keys[0..n) into recons (n x d).
    virtual void reconstruct_batch(idx_t n, const idx_t* keys, float* recons) const;

    /// Vectors i0 .. i0 + ni - 1 into recons (ni x d).
    virtual void reconstruct_n(idx_t i0, idx_t ni, float* recons) const;

    /// search(), then the stored vectors of the results into recons (n x k x d);
    /// a padding result (label -1) gets a vector of NaN, as in Faiss.
    virtual void search_and_reconstruct(idx_t n, const float* x, idx_t k, float* distances,
                                        idx_t* labels, float* recons,
                                        const SearchParameters* params = nullptr) const;

    /// residual = x - reconstruct(key) (d floats).
    virtual void compute_residual(const float* x, float* residual, idx_t key) const;

    /// residuals[i] = xs[i] - reconstruct(keys[i]) for i < n.
    virtual void compute_residual_n(idx_t n, const float* xs, float* residuals,
                                    const idx_t* keys) const;

    /// Bytes per vector of the standalone codec (sa_encode / sa_decode).
    virtual size_t sa_code_size() const;
    /// Encode n vectors into bytes (n x sa_code_size()).
    virtual void sa_encode(idx_t n, const float* x, uint8_t* bytes) const;
    /// Decode n codes into x (n x d).
    virtual void sa_decode(idx_t n, const uint8_t* bytes, float* x) const;

    /// Move all vectors of other into this index (other is emptied); ids are shifted by
    /// add_id where the index assigns sequential ids.
    virtual void merge_from(Index& other, idx_t add_id = 0);

    /// Throws FaissException unless other can be merged into this index.
    virtual void check_compatible_for_merge(const Index& other) const;

    /// A new computer of distances between a query and stored vectors by id
    /// (faiss/DistanceComputer.h); the caller owns it. The default one reconstructs
    /// vectors, so it needs reconstruct(). Used by graph indexes over this storage.
    virtual DistanceComputer* get_distance_computer() const;
};

}  // namespace faiss
