// Removal of nodes from an HNSW graph (beyond Faiss): neighbours of removed nodes are
// reconnected through the removed nodes' own lists, then the graph can be compacted.
#include <faiss/graph/HNSW.h>

#include <faiss/internal/checks.h>
#include <faiss/internal/hnsw_impl.h>
#include <faiss/internal/omp_exceptions.h>

#include <algorithm>
#include <memory>

namespace faiss {

namespace internal {

namespace {

// A link made by a repair: from -> to on level.
struct RepairLink {
    hnsw_id_t from;
    int level;
    hnsw_id_t to;
};

// Removed nodes reached through chains of removed nodes are expanded up to this many
// per repaired list, so runs of removals still yield live candidates.
constexpr size_t kMaxExpanded = 8;

class Repairer {
  public:
    Repairer(HNSW& h, const Index& storage)
        : h_(h), dc_(storage.get_distance_computer()), dist_(*dc_, h.is_similarity, ids64_) {}

    // Rebuild the level list of live node u, which links to at least one removed node.
    // New links go to added (u, level, target) for the reverse-link pass.
    void repair(hnsw_id_t u, int level, std::vector<RepairLink>& added) {
        size_t begin, end;
        h_.neighbor_range(u, level, &begin, &end);
        cands_.clear();
        queue_.clear();
        size_t old_size = 0;
        for (size_t j = begin; j < end && h_.neighbors[j] >= 0; j++, old_size++)
            consider(u, h_.neighbors[j]);
        old_live_.assign(cands_.begin(), cands_.end());
        for (size_t q = 0; q < queue_.size() && q < kMaxExpanded; q++) {
            size_t b, e;
            h_.neighbor_range(queue_[q], level, &b, &e);
            for (size_t j = b; j < e && h_.neighbors[j] >= 0; j++)
                consider(u, h_.neighbors[j]);
        }
        std::sort(cands_.begin(), cands_.end());
        cands_.erase(std::unique(cands_.begin(), cands_.end()), cands_.end());
        sorted_.clear();
        for (hnsw_id_t c : cands_)
            sorted_.push_back({dist_.symmetric(u, c), c});
        std::sort(sorted_.begin(), sorted_.end(),
                  [](const HNSWCandidate& a, const HNSWCandidate& b) {
                      return a.d < b.d || (a.d == b.d && a.id < b.id);
                  });
        const size_t cap = end - begin;
        if (sorted_.size() > 2 * cap) sorted_.resize(2 * cap);
        select_neighbors(dist_, sorted_, cap, kept_);
        // The heuristic keeps a sparse subset of a long candidate list; refill with the
        // closest other candidates up to the list's former size, so repaired nodes keep
        // the degree the search relies on.
        for (size_t j = 0; j < sorted_.size() && kept_.size() < old_size; j++) {
            const hnsw_id_t c = sorted_[j].id;
            if (std::none_of(kept_.begin(), kept_.end(),
                             [c](const HNSWCandidate& x) { return x.id == c; })) {
                kept_.push_back(sorted_[j]);
            }
        }
        for (size_t j = 0; j < cap; j++) {
            const hnsw_id_t v = j < kept_.size() ? kept_[j].id : -1;
            h_.neighbors[begin + j] = v;
            if (v >= 0 && std::find(old_live_.begin(), old_live_.end(), v) == old_live_.end()) {
                added.push_back({u, level, v});
            }
        }
    }

  private:
    void consider(hnsw_id_t u, hnsw_id_t v) {
        if (v == u) return;
        if (h_.deleted[size_t(v)]) {
            if (std::find(queue_.begin(), queue_.end(), v) == queue_.end()) queue_.push_back(v);
        } else {
            cands_.push_back(v);
        }
    }

    HNSW& h_;
    std::unique_ptr<DistanceComputer> dc_;
    std::vector<idx_t> ids64_;
    GraphDistance dist_;
    std::vector<hnsw_id_t> cands_, queue_, old_live_;
    std::vector<HNSWCandidate> sorted_, kept_;
};

bool links_to_removed(const HNSW& h, hnsw_id_t u, int level) {
    size_t begin, end;
    h.neighbor_range(u, level, &begin, &end);
    for (size_t j = begin; j < end && h.neighbors[j] >= 0; j++) {
        if (h.deleted[size_t(h.neighbors[j])]) return true;
    }
    return false;
}

// Append v to the level list of u if it has a free slot and lacks v.
void append_if_room(HNSW& h, hnsw_id_t u, int level, hnsw_id_t v) {
    size_t begin, end;
    h.neighbor_range(u, level, &begin, &end);
    for (size_t j = begin; j < end; j++) {
        if (h.neighbors[j] == v) return;
        if (h.neighbors[j] < 0) {
            h.neighbors[j] = v;
            return;
        }
    }
}

// The live node with the highest level (smallest id among equals), or -1.
void choose_entry_point(HNSW& h) {
    h.entry_point = -1;
    h.max_level = -1;
    for (size_t i = 0; i < h.size(); i++) {
        if (!h.deleted[i] && h.levels[i] - 1 > h.max_level) {
            h.max_level = h.levels[i] - 1;
            h.entry_point = hnsw_id_t(i);
        }
    }
}

}  // namespace

void compact_graph(HNSW& h, std::vector<idx_t>& old_to_new) {
    const size_t n = h.size();
    old_to_new.assign(n, -1);
    idx_t next = 0;
    for (size_t i = 0; i < n; i++) {
        if (!h.is_deleted(idx_t(i))) old_to_new[i] = next++;
    }
    std::vector<int> levels;
    std::vector<uint64_t> offsets{0};
    std::vector<hnsw_id_t> neighbors;
    levels.reserve(size_t(next));
    for (size_t i = 0; i < n; i++) {
        if (old_to_new[i] < 0) continue;
        levels.push_back(h.levels[i]);
        for (size_t j = h.offsets[i]; j < h.offsets[i + 1]; j++) {
            const hnsw_id_t v = h.neighbors[j];
            neighbors.push_back(v < 0 ? -1 : hnsw_id_t(old_to_new[size_t(v)]));
        }
        offsets.push_back(neighbors.size());
    }
    h.levels.swap(levels);
    h.offsets.swap(offsets);
    h.neighbors.swap(neighbors);
    if (h.entry_point >= 0) h.entry_point = hnsw_id_t(old_to_new[size_t(h.entry_point)]);
    h.deleted.clear();
    h.free_slots.clear();
}

}  // namespace internal

size_t HNSW::remove_nodes(const Index& storage, size_t n, const storage_idx_t* ids) {
    FAISS_REQUIRE(n == 0 || ids, invalid_argument, "ids is null for n=%zu", n);
    for (size_t j = 0; j < n; j++) {
        FAISS_REQUIRE(ids[j] >= 0 && size_t(ids[j]) < size(), invalid_argument,
                      "node id %d outside [0, %zu)", int(ids[j]), size());
    }
    if (deleted.empty()) deleted.assign(size(), 0);
    // A mapped (copy-on-write) graph (all three arrays) is copied here, once, not by the first of
    // the parallel repairs below to write a list.
    detach_mapped_arrays();
    std::vector<storage_idx_t> removed;
    for (size_t j = 0; j < n; j++) {
        if (!deleted[size_t(ids[j])]) {
            deleted[size_t(ids[j])] = 1;
            removed.push_back(ids[j]);
        }
    }
    if (removed.empty()) return 0;
    // Each live list is rewritten only by its own task and reads only removed nodes'
    // lists, which stay untouched until every repair is done.
    internal::ExceptionCollector errors;
    const int64_t nn = int64_t(size());
    std::vector<internal::RepairLink> added;
#pragma omp parallel
    {
        std::unique_ptr<internal::Repairer> rep;
        std::vector<internal::RepairLink> mine;
        errors.run([&] { rep.reset(new internal::Repairer(*this, storage)); });
#pragma omp for schedule(dynamic, 64) nowait
        for (int64_t u = 0; u < nn; u++) {
            if (!rep || deleted[size_t(u)]) continue;
            for (int level = 0; level < levels[size_t(u)]; level++) {
                if (internal::links_to_removed(*this, storage_idx_t(u), level)) {
                    errors.run([&] { rep->repair(storage_idx_t(u), level, mine); });
                }
            }
        }
#pragma omp critical
        added.insert(added.end(), mine.begin(), mine.end());
    }
    errors.rethrow();
    // Removed nodes also took away in-links: give each new link its reverse where the
    // target's list has room (no pruning, so this pass costs no distances).
    std::sort(added.begin(), added.end(), [](const auto& a, const auto& b) {
        return a.from < b.from ||
               (a.from == b.from && (a.level < b.level || (a.level == b.level && a.to < b.to)));
    });
    for (const internal::RepairLink& l : added)
        internal::append_if_room(*this, l.to, l.level, l.from);
    for (storage_idx_t id : removed) {
        std::fill(neighbors.begin() + ptrdiff_t(offsets[size_t(id)]),
                  neighbors.begin() + ptrdiff_t(offsets[size_t(id) + 1]), -1);
    }
    if (entry_point >= 0 && deleted[size_t(entry_point)]) internal::choose_entry_point(*this);
    free_slots.insert(free_slots.end(), removed.begin(), removed.end());
    std::sort(free_slots.begin(), free_slots.end());
    return removed.size();
}

}  // namespace faiss
