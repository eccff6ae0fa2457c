#pragma once

// IndexIDMap: attach caller-chosen 64-bit ids to an index that numbers its vectors
// 0 .. ntotal-1 (IndexFlat, IndexPQ, IndexHNSW ...). The wrapped "sub-index" stores the
// vectors; id_map[i] is the external id of its vector i. Searches return external ids;
// selectors given to search, range_search and remove_ids are applied to external ids.
// IndexIDMap2 adds the reverse map, so vectors can be reconstructed by external id.
//
// In Faiss these are IndexIDMapTemplate<Index> / IndexIDMap2Template<Index>; here they
// are plain classes with the same names, fields and methods.
//
// Ownership: the sub-index is not owned unless own_fields is set (then the destructor
// deletes it). It must outlive the IndexIDMap, and must not be modified directly while
// wrapped (adding to it behind the map's back breaks the id correspondence; the map
// detects the size mismatch and throws).
//
// Thread safety: the Index rules. search / range_search / reconstruct may run
// concurrently when the sub-index allows it; add_with_ids, remove_ids, reset, train and
// merge_from need exclusive access. See search() for the one caveat about
// SearchParameters subclasses.

#include <faiss/IDSelector.h>
#include <faiss/Index.h>

#include <unordered_map>
#include <vector>

namespace faiss {

struct IndexIDMap : Index {
    Index* index;               ///< the sub-index holding the vectors
    bool own_fields;            ///< delete index in the destructor
    std::vector<idx_t> id_map;  ///< external id of sub-index vector i (ntotal entries)

    /// Wrap index, which must be empty. d, metric, training state are taken from it.
    /// @throws FaissException (invalid_argument) if index is null or not empty.
    explicit IndexIDMap(Index* index);
    /// An empty shell without a sub-index (used by deserialization); every method
    /// but the destructor throws until index is set.
    IndexIDMap();
    ~IndexIDMap() override;
    IndexIDMap(const IndexIDMap&) = delete;
    IndexIDMap& operator=(const IndexIDMap&) = delete;

    /// Add n vectors x (n x d) with external ids xids (n). Any int64 is accepted and ids
    /// may repeat (as in Faiss); -1 is best avoided since it also marks "no result".
    void add_with_ids(idx_t n, const float* x, const idx_t* xids) override;

    /// Always throws (unsupported): vectors need ids here, use add_with_ids.
    void add(idx_t n, const float* x) override;

    /// k nearest neighbours; labels are external ids (-1 padding kept). params->sel, if
    /// any, filters on external ids. The parameters reach the sub-index with their
    /// selector replaced by a translating one: a plain SearchParameters is copied; a
    /// subclass (SearchParametersHNSW ...) cannot be copied generically, so its sel field
    /// is swapped for the duration of the call and restored after, as Faiss does.
    /// Concurrent searches that share one such subclass object are serialized on it to
    /// keep this safe; don't use that object concurrently with searches on other indexes,
    /// and don't nest IndexIDMaps that fan the same object out to other threads (give
    /// each thread its own parameters object, or use a plain SearchParameters).
    void search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                const SearchParameters* params = nullptr) const override;

    /// Range search on the sub-index, labels translated to external ids; params as in
    /// search().
    void range_search(idx_t n, const float* x, float radius, RangeSearchResult* result,
                      const SearchParameters* params = nullptr) const override;

    /// Train the sub-index.
    void train(idx_t n, const float* x) override;

    /// Remove every vector (sub-index and id_map).
    void reset() override;

    /// Remove the vectors whose external id sel accepts; returns how many. The sub-index
    /// must support remove_ids and keep the remaining vectors in order, renumbered
    /// 0 .. ntotal-1 (IndexFlat does). sel is asked once per stored vector.
    size_t remove_ids(const IDSelector& sel) override;

    /// Always throws (unsupported) with a hint: IndexIDMap2 reconstructs by external id.
    void reconstruct(idx_t key, float* recons) const override;

    /// Move the vectors and ids of other (an IndexIDMap with a compatible sub-index)
    /// into this one; add_id is added to other's ids. other is left empty.
    void merge_from(Index& other, idx_t add_id = 0) override;

    /// Throws unless other is an IndexIDMap whose sub-index can merge into ours.
    void check_compatible_for_merge(const Index& other) const override;

    /// Standalone codec of the sub-index (ids play no part).
    size_t sa_code_size() const override;
    void sa_encode(idx_t n, const float* x, uint8_t* bytes) const override;
    void sa_decode(idx_t n, const uint8_t* bytes, float* x) const override;

  protected:
    /// The sub-index, or throw if there is none or it went out of sync with id_map.
    Index& sub_index() const;
    /// Append ids after the sub-index grew by n vectors (shared by add and merge).
    void append_ids(idx_t n, const idx_t* xids, idx_t add_id);
};

/// IndexIDMap plus the reverse map external id -> sub-index position, so a vector can
/// be reconstructed by its external id. Ids must be unique: add_with_ids and merge_from
/// reject an id that is already present or repeated in the batch.
struct IndexIDMap2 : IndexIDMap {
    std::unordered_map<idx_t, idx_t> rev_map;  ///< external id -> sub-index position

    /// @throws FaissException (invalid_argument) if index is null or not empty.
    explicit IndexIDMap2(Index* index);
    IndexIDMap2();

    /// Rebuild rev_map from id_map (after deserialization or editing id_map).
    /// @throws FaissException (invalid_argument) if id_map holds an id twice.
    void construct_rev_map();

    /// As IndexIDMap, plus: @throws FaissException (invalid_argument) if an id of xids is
    /// already in the index or appears twice in xids; nothing is added then.
    void add_with_ids(idx_t n, const float* x, const idx_t* xids) override;

    size_t remove_ids(const IDSelector& sel) override;
    void reset() override;

    /// The vector with external id key into recons (d floats).
    /// @throws FaissException (invalid_argument) if no vector has that id.
    void reconstruct(idx_t key, float* recons) const override;

    /// As IndexIDMap::merge_from; rejects ids (after adding add_id) already present.
    void merge_from(Index& other, idx_t add_id = 0) override;

    /// Throws FaissException (internal) unless rev_map and id_map agree exactly.
    void check_consistency() const;

  private:
    void check_new_ids(idx_t n, const idx_t* ids, idx_t add_id) const;
};

/// Selector over sub-index positions: position i is a member when sel accepts its
/// external id id_map[i]. Positions outside id_map are rejected. Used by IndexIDMap to
/// pass external-id selectors down; id_map and sel are referenced, not copied.
struct IDSelectorTranslated : IDSelector {
    const std::vector<idx_t>& id_map;  ///< must outlive the selector
    const IDSelector* sel;             ///< not owned

    /// @throws FaissException (invalid_argument) if sel is null.
    IDSelectorTranslated(const std::vector<idx_t>& id_map, const IDSelector* sel);
    IDSelectorTranslated(IndexIDMap& index, const IDSelector* sel);
    bool is_member(idx_t id) const override;
};

}  // namespace faiss
