#pragma once

// IndexRefine: a fast approximate index followed by exact re-ranking. search() asks the
// base index for k * k_factor candidates, recomputes their distances with the refine
// index (usually an IndexFlat holding the same vectors uncompressed) and keeps the k
// best. Both indexes receive every added vector, in the same order, so an id means the
// same vector in both.
//
// Distances: with an IndexFlat refine index they are the exact distances of its metric;
// otherwise the candidates are reconstructed from the refine index and compared by
// squared L2 or inner product (other metrics: unsupported).
//
// Files (FAISS_FORMAT.md §13, tag "IxRF"): header, base_index, refine_index, k_factor.
// own_fields and own_refine_index are not stored.
//
// Ownership: base_index is deleted with this index when own_fields is set, refine_index
// when own_refine_index is set (IndexRefineFlat owns the IndexFlat it creates).
//
// Thread safety: search and reconstruct may run concurrently when those of both
// sub-indexes may; train, add, reset need exclusive access.

#include <faiss/Index.h>

namespace faiss {

/// Per-call options of IndexRefine::search (Faiss's name for them).
struct IndexRefineSearchParameters : SearchParameters {
    float k_factor = 1;  ///< candidates asked from the base index per result (>= 1)
    SearchParameters* base_index_params = nullptr;  ///< passed to the base search; not owned
};

/// The same type under the SearchParameters<Kind> naming of the other index families.
using SearchParametersRefine = IndexRefineSearchParameters;

struct IndexRefine : Index {
    Index* base_index = nullptr;    ///< produces the candidates
    Index* refine_index = nullptr;  ///< re-ranks them
    bool own_fields = false;        ///< delete base_index in the destructor
    bool own_refine_index = false;  ///< delete refine_index in the destructor
    /// Candidates asked from the base index per result, as Faiss: k * k_factor.
    float k_factor = 1;

    /// Both indexes must have the same d and hold the same number of vectors; d and the
    /// metric come from base_index. Neither is owned until the own_* flags are set.
    /// @throws FaissException (invalid_argument) for a null index, d or ntotal mismatch.
    IndexRefine(Index* base_index, Index* refine_index);
    IndexRefine();
    ~IndexRefine() override;
    IndexRefine(const IndexRefine&) = delete;
    IndexRefine& operator=(const IndexRefine&) = delete;

    /// Train both indexes on x (n x d).
    void train(idx_t n, const float* x) override;

    /// Add x (n x d) to both indexes. @throws not_trained before training.
    void add(idx_t n, const float* x) override;

    /// Empty both indexes.
    void reset() override;

    /// k * k_factor candidates per query from the base index (params may be
    /// IndexRefineSearchParameters), re-ranked with the refine index; results sorted best
    /// first and padded as Index::search. A plain SearchParameters' selector is passed
    /// to the base search. @throws invalid_argument for k_factor < 1 or non-finite.
    void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                const SearchParameters* params = nullptr) const override;

    /// The refine index's vector key (d floats).
    void reconstruct(idx_t key, float* recons) const override;

    /// base code followed by refine code.
    size_t sa_code_size() const override;
    void sa_encode(idx_t n, const float* x, uint8_t* bytes) const override;
    /// Decoded from the refine part of the codes.
    void sa_decode(idx_t n, const uint8_t* bytes, float* x) const override;

  protected:
    /// Distances from query x (d floats) to the candidates labels (nc, -1 allowed) into
    /// out (NaN for -1), in the metric's own sign.
    void refine_distances(const float* x, size_t nc, const idx_t* labels, float* out,
                          float* scratch) const;
};

/// IndexRefine whose refine index is an IndexFlat of the base index's metric, created and
/// owned by this index.
struct IndexRefineFlat : IndexRefine {
    /// base_index must be empty (the flat index starts empty). Not owned.
    /// @throws invalid_argument for a null or non-empty base_index.
    explicit IndexRefineFlat(Index* base_index);
    /// base_index already holds its ntotal vectors; xb (ntotal x d) are the same vectors,
    /// copied into the flat index.
    IndexRefineFlat(Index* base_index, const float* xb);
    IndexRefineFlat();
};

}  // namespace faiss
