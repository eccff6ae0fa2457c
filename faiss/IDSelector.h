#pragma once

// Id filters: a search, range_search or remove_ids only considers the ids a selector
// accepts. The family follows Faiss (faiss/impl/IDSelector.h there).
//
// Lifetime: as in Faiss, selectors never own what they point to. The id array of
// IDSelectorArray, the bitmap of IDSelectorBitmap and the sub-selectors of Not / And /
// Or / XOr must outlive the selector (IDSelectorBatch copies its ids).
//
// Thread safety: is_member is const and keeps no state, so one selector may be shared
// by any number of concurrent searches. Do not modify a selector's fields while a
// search that uses it runs.

#include <faiss/Index.h>

#include <cstdint>
#include <unordered_set>
#include <vector>

namespace faiss {

/// Decides whether an id takes part. is_member must be thread-safe (const, no state).
struct IDSelector {
    virtual bool is_member(idx_t id) const = 0;
    virtual ~IDSelector() = default;
};

/// Ids in the half-open range imin <= id < imax.
struct IDSelectorRange : IDSelector {
    idx_t imin;  ///< first accepted id
    idx_t imax;  ///< one past the last accepted id
    /// Hint for indexes that store sorted id lists: they may locate the range with
    /// find_sorted_ids_bounds instead of testing every id.
    bool assume_sorted;

    /// @throws FaissException (invalid_argument) if imin > imax.
    IDSelectorRange(idx_t imin, idx_t imax, bool assume_sorted = false);
    bool is_member(idx_t id) const override;

    /// For a sorted array ids (list_size entries), the sub-range [*jmin, *jmax) whose
    /// ids are members. Binary search: O(log list_size).
    void find_sorted_ids_bounds(size_t list_size, const idx_t* ids, size_t* jmin,
                                size_t* jmax) const;
};

/// The n ids of an array. is_member is a linear scan (O(n)), as in Faiss: use
/// IDSelectorBatch for many lookups; indexes may read `ids` directly instead.
struct IDSelectorArray : IDSelector {
    size_t n;          ///< number of ids
    const idx_t* ids;  ///< not owned; must outlive the selector

    /// @throws FaissException (invalid_argument) if ids is null while n > 0.
    IDSelectorArray(size_t n, const idx_t* ids);
    bool is_member(idx_t id) const override;
};

/// A set of ids held in a hash set, with a one-hash bloom filter in front so most
/// non-members are rejected with one bit test. The ids are copied.
struct IDSelectorBatch : IDSelector {
    std::unordered_set<idx_t> set;  ///< the accepted ids
    std::vector<uint8_t> bloom;     ///< 2^nbits bits; bit h(id) is set for every member
    int nbits;                      ///< log2 of the bloom filter size in bits
    idx_t mask;                     ///< 2^nbits - 1

    /// @throws FaissException (invalid_argument) if indices is null while n > 0.
    IDSelectorBatch(size_t n, const idx_t* indices);
    bool is_member(idx_t id) const override;

  private:
    size_t bloom_bit(idx_t id) const;
};

/// Ids whose bit is set in a bitmap: id i is bit (i & 7) of byte i >> 3, least
/// significant bit first. Ids < 0 or >= 8 * n are rejected.
struct IDSelectorBitmap : IDSelector {
    size_t n;               ///< bitmap size in bytes
    const uint8_t* bitmap;  ///< n bytes, not owned; must outlive the selector

    /// @throws FaissException (invalid_argument) if bitmap is null while n > 0.
    IDSelectorBitmap(size_t n, const uint8_t* bitmap);
    bool is_member(idx_t id) const override;
};

/// The ids sel rejects.
struct IDSelectorNot : IDSelector {
    const IDSelector* sel;  ///< not owned; must outlive this selector

    /// @throws FaissException (invalid_argument) if sel is null.
    explicit IDSelectorNot(const IDSelector* sel);
    bool is_member(idx_t id) const override;
};

/// Every id.
struct IDSelectorAll : IDSelector {
    bool is_member(idx_t id) const override;
};

/// Ids both lhs and rhs accept (rhs is only asked when lhs accepts).
struct IDSelectorAnd : IDSelector {
    const IDSelector* lhs;  ///< not owned
    const IDSelector* rhs;  ///< not owned

    /// @throws FaissException (invalid_argument) if lhs or rhs is null.
    IDSelectorAnd(const IDSelector* lhs, const IDSelector* rhs);
    bool is_member(idx_t id) const override;
};

/// Ids lhs or rhs accepts (rhs is only asked when lhs rejects).
struct IDSelectorOr : IDSelector {
    const IDSelector* lhs;  ///< not owned
    const IDSelector* rhs;  ///< not owned

    /// @throws FaissException (invalid_argument) if lhs or rhs is null.
    IDSelectorOr(const IDSelector* lhs, const IDSelector* rhs);
    bool is_member(idx_t id) const override;
};

/// Ids exactly one of lhs and rhs accepts.
struct IDSelectorXOr : IDSelector {
    const IDSelector* lhs;  ///< not owned
    const IDSelector* rhs;  ///< not owned

    /// @throws FaissException (invalid_argument) if lhs or rhs is null.
    IDSelectorXOr(const IDSelector* lhs, const IDSelector* rhs);
    bool is_member(idx_t id) const override;
};

}  // namespace faiss
