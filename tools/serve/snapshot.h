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
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace faiss_serve {

/// Vectors added since the base was built, searched exhaustively. Never modified once
/// published.
struct DeltaChunk {
    std::vector<float> x;        ///< n x d
    std::vector<int64_t> ids;    ///< n
    std::vector<uint64_t> seqs;  ///< n, seq of the add of each vector
    /// n, the IVF list of each vector when the base is an IndexIVF (empty otherwise):
    /// a search then skips the vectors outside its probed lists, as the base does.
    std::vector<int64_t> lists;
    size_t size() const { return ids.size(); }
};

using Tombstones = std::unordered_map<int64_t, uint64_t>;

struct Snapshot {
    std::shared_ptr<const faiss::Index> base;
    std::vector<std::shared_ptr<const DeltaChunk>> chunks;
    std::shared_ptr<const Tombstones> tombstones;
    uint64_t seq = 0;       ///< last write applied
    uint64_t base_seq = 0;  ///< last write included in base
    size_t delta_size = 0;  ///< vectors in chunks

    /// Visible vectors of the delta (exact count) plus base->ntotal (which still counts
    /// removed base vectors until the next checkpoint).
    int64_t ntotal_estimate() const;
    bool visible(int64_t id, uint64_t add_seq) const;
};

/// Keeps base ids allowed by a filter list (when given) and not removed.
struct ServeSelector : faiss::IDSelector {
    const Tombstones* tombstones = nullptr;
    const std::unordered_set<int64_t>* allow = nullptr;
    bool is_member(faiss::idx_t id) const override;
};

/// The IVF list of each of the n vectors x (n x d) when base is an IndexIVF, else empty.
std::vector<int64_t> assign_lists(const faiss::Index& base, size_t n, const float* x);

/// A new snapshot: s plus the chunk (seqs all > s.seq); merges trailing chunks of
/// similar size so that a search visits O(log n) chunks.
std::shared_ptr<const Snapshot> with_added(const Snapshot& s, std::shared_ptr<DeltaChunk> chunk,
                                           uint64_t seq);
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
    size_t nprobe = 0;  ///< IVF bases: lists probed in the delta (0: the index's nprobe)
};

/// Result lists, best first, only real results (no -1 padding).
struct SearchResult {
    std::vector<std::vector<int64_t>> ids;
    std::vector<std::vector<float>> distances;
};

/// Searches base and delta and merges. @throws faiss::FaissException.
SearchResult search_snapshot(const Snapshot& s, const SearchRequest& req);

/// The base with the snapshot's writes applied: a deep copy of base, removed ids
/// deleted, visible delta vectors added with their ids. The caller owns the result.
faiss::Index* merged_base(const Snapshot& s);

/// s rebased on new_base, which holds every write up to merged_seq (<= s.seq): keeps the
/// chunks' vectors and the tombstones newer than merged_seq.
std::shared_ptr<const Snapshot> rebased(const Snapshot& s,
                                        std::shared_ptr<const faiss::Index> new_base,
                                        uint64_t merged_seq);

}  // namespace faiss_serve
