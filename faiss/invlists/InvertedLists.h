#pragma once

// Inverted lists: the storage of an IVF index. List i holds the codes (code_size bytes
// each) and the 64-bit ids of the vectors assigned to centroid i, in insertion order
// (removal moves the last entry of a list into the freed slot, as Faiss does).
//
// InvertedLists is the abstract interface every IVF index scans through, so other
// storages (on disk, block-packed) can be plugged in; ArrayInvertedLists keeps each list
// in two std::vectors and is what the file format calls "ilar" (FAISS_FORMAT.md §7.3).
//
// Pointers returned by get_codes / get_ids stay valid until the list is modified.
//
// Thread safety: const methods may run concurrently. Modifying methods need exclusive
// access to the lists they touch; different lists of an ArrayInvertedLists may be
// modified from different threads at the same time.

#include <faiss/Index.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace faiss {

struct InvertedLists {
    size_t nlist;      ///< number of lists
    size_t code_size;  ///< bytes per code

    /// @throws FaissException (invalid_argument) if code_size is 0.
    InvertedLists(size_t nlist, size_t code_size);
    virtual ~InvertedLists();

    /// Number of entries in list list_no. @throws for list_no >= nlist.
    virtual size_t list_size(size_t list_no) const = 0;

    /// The list_size(list_no) x code_size bytes of the codes of list list_no.
    virtual const uint8_t* get_codes(size_t list_no) const = 0;

    /// The list_size(list_no) ids of list list_no.
    virtual const idx_t* get_ids(size_t list_no) const = 0;

    /// Id of entry offset of list list_no. @throws if offset is out of the list.
    virtual idx_t get_single_id(size_t list_no, size_t offset) const;

    /// Code of entry offset of list list_no (code_size bytes).
    virtual const uint8_t* get_single_code(size_t list_no, size_t offset) const;

    /// Append one entry; returns its offset in the list.
    size_t add_entry(size_t list_no, idx_t theid, const uint8_t* code);

    /// Append n_entry entries (ids: n_entry, code: n_entry x code_size bytes); returns
    /// the offset of the first one.
    virtual size_t add_entries(size_t list_no, size_t n_entry, const idx_t* ids,
                               const uint8_t* code) = 0;

    /// Overwrite entry offset of list list_no.
    void update_entry(size_t list_no, size_t offset, idx_t id, const uint8_t* code);

    /// Overwrite entries offset .. offset + n_entry - 1 of list list_no.
    virtual void update_entries(size_t list_no, size_t offset, size_t n_entry, const idx_t* ids,
                                const uint8_t* code) = 0;

    /// Grow or shrink list list_no to new_size entries (new entries are zeroed).
    virtual void resize(size_t list_no, size_t new_size) = 0;

    /// Empty every list.
    virtual void reset();

    /// Append the entries of every list of oivf to the same list here, ids shifted by
    /// add_id; oivf is emptied. @throws unless nlist and code_size match.
    void merge_from(InvertedLists* oivf, size_t add_id);

    /// Sum of the list sizes.
    size_t compute_ntotal() const;

    /// nlist * sum(size_i^2) / ntotal^2: 1 when balanced, larger when not.
    double imbalance_factor() const;

  protected:
    void check_list(size_t list_no) const;
};

/// In-memory inverted lists, one pair of vectors per list.
struct ArrayInvertedLists : InvertedLists {
    std::vector<std::vector<uint8_t>> codes;  ///< codes[i]: list_size(i) x code_size bytes
    std::vector<std::vector<idx_t>> ids;      ///< ids[i]: list_size(i) ids

    ArrayInvertedLists(size_t nlist, size_t code_size);

    size_t list_size(size_t list_no) const override;
    const uint8_t* get_codes(size_t list_no) const override;
    const idx_t* get_ids(size_t list_no) const override;
    size_t add_entries(size_t list_no, size_t n_entry, const idx_t* ids,
                       const uint8_t* code) override;
    void update_entries(size_t list_no, size_t offset, size_t n_entry, const idx_t* ids,
                        const uint8_t* code) override;
    void resize(size_t list_no, size_t new_size) override;
};

}  // namespace faiss
