#pragma once
// The immutable state a search reads: a base index plus the writes made since it was
// built. Writers never modify a published Snapshot; they publish a new one that shares
// the unchanged parts (copy-on-write), so a search holds its snapshot for as long as it
// needs and never waits for adds, removes or checkpoints.
//
// Visibility rule, one for everything: each stored vector has the seq of the write that
// added it (0 for the base index); tombstones map an id to the seq of its last remove.
// A vector is visible unless its id has a tombstone newer than the vector. So a remove
// hides every earlier copy of the id, and an add after a remove is visible again.
#include <faiss/IDSelector.h>
#include <faiss/Index.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace faiss_serve {

class Pacer;

/// Append-only rows of one delta list (vectors added since the base was built), shared
/// by snapshots: each sees only its first n rows, which are never modified. An add
/// appends in place when it extends the newest view (rows past a snapshot's n are never
/// read through it) and copies into a new buffer otherwise; capacity doubles, so adding
/// costs O(1) per row amortized and a list's rows stay contiguous for the search (the
/// delta of a query is then streamed from 32 buffers, not from hundreds of small ones).
/// Vectors, ids and seqs share one allocation, so a short list spans a page or two
/// (each page a search touches costs a TLB miss, a dear one in a virtual machine).
/// Writers are serialized by the caller; publishing a snapshot (an atomic store)
/// makes the rows it covers visible to the readers that load it.
class DeltaRows {
  public:
    DeltaRows(size_t d, size_t capacity);
    size_t d() const { return d_; }
    const float* x() const { return x_; }  ///< rows x d
    const int64_t* ids() const { return ids_; }
    const uint64_t* seqs() const { return seqs_; }  ///< seq of the add of each row

  private:
    friend struct DeltaList;
    size_t d_, capacity_, used_ = 0;
    std::unique_ptr<uint64_t[]> storage_;
    float* x_;
    int64_t* ids_;
    uint64_t* seqs_;
};

/// One snapshot's view of a delta list: the first n rows of rows (null when empty).
struct DeltaList {
    std::shared_ptr<DeltaRows> rows;
    size_t n = 0;
    /// This view plus m rows of dimension d (x: m x d), all added by the write seq;
    /// appended in place when possible. Calls must be serialized (the write path).
    DeltaList appended(size_t d, size_t m, const float* x, const int64_t* ids, uint64_t seq) const;
};

/// The delta by list: for an IndexIVF base one list per inverted list (the vectors the
/// base's quantizer assigns there), so that a search reads only the lists it probes and
/// an add touches only those its vectors go to; for other bases a single list. The
/// views sit in blocks of kBlock shared copy-on-write, so a copy with some lists
/// replaced costs nlist / kBlock pointers plus the touched blocks, not nlist views
/// (IVF65536 is common). Never modified once published; set() is for building a copy.
class DeltaLists {
  public:
    explicit DeltaLists(size_t nlist);
    size_t size() const { return nlist_; }
    /// View of list l (< size()).
    const DeltaList& get(size_t l) const { return (*blocks_[l / kBlock])[l % kBlock]; }
    void set(size_t l, DeltaList list);

  private:
    static constexpr size_t kBlock = 64;
    using Block = std::vector<DeltaList>;  // kBlock entries
    size_t nlist_;
    // Shared with the DeltaLists this one was copied from until set() copies them.
    std::vector<std::shared_ptr<Block>> blocks_;
};

using Tombstones = std::unordered_map<int64_t, uint64_t>;

struct Snapshot {
    std::shared_ptr<const faiss::Index> base;
    std::shared_ptr<const DeltaLists> delta;  ///< delta_list_count(*base) entries
    std::shared_ptr<const Tombstones> tombstones;
    uint64_t seq = 0;       ///< last write applied
    uint64_t base_seq = 0;  ///< last write included in base
    size_t delta_size = 0;  ///< vectors in delta

    /// Visible vectors of the delta (exact count) plus base->ntotal (which still counts
    /// removed base vectors until the next checkpoint).
    int64_t ntotal_estimate() const;
    bool visible(int64_t id, uint64_t add_seq) const;
};

/// A snapshot of base (its writes up to seq included) with an empty delta.
std::shared_ptr<Snapshot> base_snapshot(std::shared_ptr<const faiss::Index> base, uint64_t seq);

/// nlist for an IndexIVF base, else 1.
size_t delta_list_count(const faiss::Index& base);

/// Keeps base ids allowed by a filter list (when given) and not removed.
struct ServeSelector : faiss::IDSelector {
    const Tombstones* tombstones = nullptr;
    const std::unordered_set<int64_t>* allow = nullptr;
    bool is_member(faiss::idx_t id) const override;
};

/// The delta list of each of the n vectors x (n x d): the base quantizer's assignment
/// for an IndexIVF base (-1 for a vector it cannot assign), else all 0.
std::vector<int64_t> assign_lists(const faiss::Index& base, size_t n, const float* x);

/// A new snapshot: s plus the n = ids.size() vectors x (n x d) of the add with seq
/// (> s.seq), in the delta lists given by lists (from assign_lists; vectors with list
/// -1 are not searchable, as the base would drop them too).
std::shared_ptr<const Snapshot> with_added(const Snapshot& s, const std::vector<int64_t>& ids,
                                           const std::vector<float>& x,
                                           const std::vector<int64_t>& lists, uint64_t seq);
/// A new snapshot: s with tombstones for ids at seq.
std::shared_ptr<const Snapshot> with_removed(const Snapshot& s, const std::vector<int64_t>& ids,
                                             uint64_t seq);

/// Search options of one call.
struct SearchRequest {
    size_t n = 0;
    const float* x = nullptr;  ///< n x d
    size_t k = 0;
    /// For the base search, with sel already pointing at a ServeSelector over this
    /// snapshot's tombstones and the filter (or null when neither applies).
    const faiss::SearchParameters* params = nullptr;
    const std::unordered_set<int64_t>* allow = nullptr;  ///< filter list, or null
};

/// Result lists, best first, only real results (no -1 padding).
struct SearchResult {
    std::vector<std::vector<int64_t>> ids;
    std::vector<std::vector<float>> distances;
};

/// Searches base and delta and merges. For an IndexIVF base the coarse assignment is
/// computed once and serves both the base (search_preassigned) and the delta lists.
/// @throws faiss::FaissException.
SearchResult search_snapshot(const Snapshot& s, const SearchRequest& req);

/// The base with the snapshot's writes applied: a deep copy of base, removed ids
/// deleted, visible delta vectors added with their ids. The caller owns the result.
/// base_file, when not empty, is a file holding the same index as s.base (its
/// checkpoint): the copy is read from it, which costs a third of clone_index (that
/// serializes into a growing buffer and parses it back) and one copy less of memory;
/// when it cannot be read or does not match s.base, s.base is cloned. pacer, when not
/// null, paces reading the file and adding the delta list by list (see paced_io.h).
faiss::Index* merged_base(const Snapshot& s, const std::string& base_file = "",
                          Pacer* pacer = nullptr);

/// s rebased on new_base, which holds every write up to merged_seq (<= s.seq) and has the
/// same quantizer as s.base: keeps the delta vectors and tombstones newer than merged_seq.
std::shared_ptr<const Snapshot> rebased(const Snapshot& s,
                                        std::shared_ptr<const faiss::Index> new_base,
                                        uint64_t merged_seq);

}  // namespace faiss_serve
