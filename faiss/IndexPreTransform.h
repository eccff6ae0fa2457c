#pragma once

// IndexPreTransform: applies a chain of VectorTransforms (PCA, OPQ, random rotation,
// normalisation ...) to every vector before handing it to a sub-index. d is the input
// dimension of the first transform; the last transform's d_out is the sub-index's d.
// index_factory builds it from transform prefixes ("PCA64,IVF256,Flat", "OPQ16_64,...").
//
// Distances and labels are those of the sub-index on the transformed vectors.
// reconstruct* map the sub-index's vectors back through reverse_transform of every
// transform, last to first; this throws (unsupported) when a transform has no inverse
// (e.g. a whitening PCA), and gives the projection of the original vector when a
// transform reduces the dimension.
//
// Files (FAISS_FORMAT.md §12.1, tag "IxPT"): header, the chain, the sub-index.
// own_fields is not stored (a read index owns everything).
//
// Ownership: with own_fields set (Faiss's default is false), the destructor deletes the
// transforms of the chain and the sub-index. Otherwise they must outlive this index.
//
// Thread safety: search, range_search and reconstruct may run concurrently when those
// of the sub-index may; train, add, remove_ids, reset, prepend_transform need exclusive
// access.

#include <faiss/Index.h>

#include <vector>

namespace faiss {

struct VectorTransform;

/// Per-call options of IndexPreTransform::search: the parameters for the sub-index.
struct SearchParametersPreTransform : SearchParameters {
    /// Passed to the sub-index's search (not owned). When null, a selector set on this
    /// object (sel) is passed on instead.
    SearchParameters* index_params = nullptr;
};

struct IndexPreTransform : Index {
    std::vector<VectorTransform*> chain;  ///< applied in order
    Index* index = nullptr;               ///< the sub-index
    bool own_fields = false;              ///< delete chain and index in the destructor

    /// No transform yet: d, metric, ntotal and is_trained come from index (not owned).
    /// @throws invalid_argument for a null index.
    explicit IndexPreTransform(Index* index);
    /// One transform ltrans (d_in -> index->d) before index; neither is owned.
    /// @throws invalid_argument for a null argument or ltrans->d_out != index->d.
    IndexPreTransform(VectorTransform* ltrans, Index* index);
    IndexPreTransform();
    ~IndexPreTransform() override;
    IndexPreTransform(const IndexPreTransform&) = delete;
    IndexPreTransform& operator=(const IndexPreTransform&) = delete;

    /// Put ltrans in front of the chain (its d_out must equal d); d becomes its d_in.
    /// Owned like the rest of the chain (own_fields).
    void prepend_transform(VectorTransform* ltrans);

    /// Train the untrained transforms in order, each on the output of the previous
    /// ones, then the sub-index if it needs training. x: n x d.
    void train(idx_t n, const float* x) override;

    /// Transform x (n x d) and add it to the sub-index. @throws not_trained.
    void add(idx_t n, const float* x) override;
    /// Same with ids xids (n), when the sub-index supports them.
    void add_with_ids(idx_t n, const float* x, const idx_t* xids) override;

    void reset() override;
    size_t remove_ids(const IDSelector& sel) override;

    /// Search the sub-index with the transformed queries. params: the sub-index's own
    /// parameters (passed on as they are) or SearchParametersPreTransform.
    void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                const SearchParameters* params = nullptr) const override;
    void range_search(idx_t n, const float* x, float radius, RangeSearchResult* result,
                      const SearchParameters* params = nullptr) const override;

    /// The sub-index's vector, mapped back through the chain (d floats).
    void reconstruct(idx_t key, float* recons) const override;
    void reconstruct_n(idx_t i0, idx_t ni, float* recons) const override;
    void reconstruct_batch(idx_t n, const idx_t* keys, float* recons) const override;
    void search_and_reconstruct(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                                float* recons,
                                const SearchParameters* params = nullptr) const override;

    /// Apply the chain to x (n x d). Returns x itself when the chain is empty, else a
    /// new[]-allocated n x index->d array the caller must delete[] (as Faiss).
    const float* apply_chain(idx_t n, const float* x) const;

    /// Map xt (n x index->d) back through the chain into x (n x d).
    /// @throws unsupported when a transform has no reverse_transform.
    void reverse_chain(idx_t n, const float* xt, float* x) const;

    /// The sub-index's standalone codec applied to the transformed vectors.
    size_t sa_code_size() const override;
    void sa_encode(idx_t n, const float* x, uint8_t* bytes) const override;
    /// Decode with the sub-index, then reverse_chain.
    void sa_decode(idx_t n, const uint8_t* bytes, float* x) const override;

    /// Distances computed by the sub-index's computer, after the query is transformed
    /// by the chain (set_query applies it). Caller owns the result.
    DistanceComputer* get_distance_computer() const override;

    /// Both indexes must have identical chains and compatible sub-indexes.
    void check_compatible_for_merge(const Index& other) const override;
    void merge_from(Index& other, idx_t add_id = 0) override;

  private:
    void check_index() const;
    /// The parameters to pass to the sub-index's search.
    const SearchParameters* sub_params(const SearchParameters* params,
                                       SearchParameters& sel_only) const;
};

}  // namespace faiss
