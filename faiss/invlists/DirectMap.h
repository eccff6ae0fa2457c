#pragma once

// DirectMap: from a vector id to where the vector sits in the inverted lists, so an IVF
// index can reconstruct or update a vector by id. The location is encoded as
// lo = (list_no << 32) | offset, as in Faiss (and in its files, FAISS_FORMAT.md §7.2).
//
//   NoMap      no map (the default): reconstruct by id is unavailable.
//   Array      array[id] = lo; ids must be sequential 0 .. ntotal-1 (add, not
//              add_with_ids); removal is not supported.
//   Hashtable  hashtable[id] = lo; any ids (unique), removal supported.
//
// Thread safety: const methods may run concurrently; the others need exclusive access.

#include <faiss/Index.h>

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace faiss {

struct InvertedLists;
struct IDSelector;

/// lo of entry offset of list list_id.
inline idx_t lo_build(idx_t list_id, idx_t offset) {
    return idx_t((uint64_t(list_id) << 32) | uint64_t(offset));
}
/// List number of a lo.
inline idx_t lo_listno(idx_t lo) {
    return idx_t(uint64_t(lo) >> 32);
}
/// Offset in its list of a lo.
inline idx_t lo_offset(idx_t lo) {
    return idx_t(uint64_t(lo) & 0xffffffffu);
}

struct DirectMap {
    enum Type { NoMap = 0, Array = 1, Hashtable = 2 };

    Type type = NoMap;
    std::vector<idx_t> array;                    ///< Array: lo of id i, -1 if not stored
    std::unordered_map<idx_t, idx_t> hashtable;  ///< Hashtable: id -> lo

    DirectMap() = default;

    /// Switch to new_type and build the map from the current content of invlists
    /// (ntotal entries). @throws FaissException (invalid_argument) for Array when the ids
    /// are not 0 .. ntotal-1, for Hashtable when an id appears twice; the map is then
    /// left as NoMap.
    void set_type(Type new_type, const InvertedLists* invlists, size_t ntotal);

    /// True for NoMap.
    bool no() const { return type == NoMap; }

    /// lo of id key. @throws FaissException (invalid_argument) for NoMap (naming the
    /// fix) or an id not in the index.
    idx_t get(idx_t key) const;

    /// @throws FaissException (unsupported) for an Array map: it cannot hold chosen ids.
    void check_can_add(const idx_t* ids) const;

    /// Record that id sits at (list_no, offset); list_no < 0 (not stored) gives lo -1.
    /// Array maps expect ids in increasing order starting at array.size().
    void add_single_id(idx_t id, idx_t list_no, size_t offset);

    /// Forget every entry (the type stays).
    void clear();

    /// Remove from invlists every entry whose id sel accepts (the last entry of a list
    /// moves into each freed slot) and keep the map in step; returns how many.
    /// @throws FaissException (unsupported) for an Array map.
    size_t remove_ids(const IDSelector& sel, InvertedLists* invlists);
};

}  // namespace faiss
