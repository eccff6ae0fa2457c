// Whole-graph edits: renumbering (permute_entries), clearing a level, and the level-0
// rewrites of IndexHNSW (lists from a k-NN graph, shrinking, nearest-first order).
#include <faiss/graph/HNSW.h>

#include <faiss/internal/checks.h>
#include <faiss/internal/hnsw_impl.h>
#include <faiss/internal/omp_exceptions.h>

#include <algorithm>
#include <cmath>
#include <memory>

namespace faiss {

void HNSW::permute_entries(const idx_t* map) {
    const size_t n = size();
    FAISS_REQUIRE(n == 0 || map, invalid_argument, "permutation is null for %zu nodes", n);
    // old_to_new doubles as the check that map is a permutation of 0 .. n - 1.
    std::vector<storage_idx_t> old_to_new(n, -1);
    for (size_t i = 0; i < n; i++) {
        const idx_t o = map[i];
        FAISS_REQUIRE(o >= 0 && size_t(o) < n, invalid_argument,
                      "permutation entry %zu is %lld, outside [0, %zu)", i, (long long)o, n);
        FAISS_REQUIRE(old_to_new[size_t(o)] < 0, invalid_argument,
                      "permutation holds %lld twice (entry %zu)", (long long)o, i);
        old_to_new[size_t(o)] = storage_idx_t(i);
    }
    std::vector<int> new_levels(n);
    std::vector<uint64_t> new_offsets(n + 1, 0);
    for (size_t i = 0; i < n; i++) {
        new_levels[i] = levels[size_t(map[i])];
        new_offsets[i + 1] = new_offsets[i] + size_t(cum_nb_neighbors(new_levels[i]));
    }
    std::vector<storage_idx_t> new_neighbors(neighbors.size());
    for (size_t i = 0; i < n; i++) {
        const size_t o = size_t(map[i]);
        const size_t len = offsets[o + 1] - offsets[o];
        for (size_t j = 0; j < len; j++) {
            const storage_idx_t v = neighbors[offsets[o] + j];
            new_neighbors[new_offsets[i] + j] = v < 0 ? -1 : old_to_new[size_t(v)];
        }
    }
    for (size_t i = 0; i < n; i++)
        levels[i] = new_levels[i];
    for (size_t i = 0; i <= n; i++)
        offsets[i] = new_offsets[i];
    for (size_t j = 0; j < neighbors.size(); j++)
        neighbors[j] = new_neighbors[j];
    if (entry_point >= 0) entry_point = old_to_new[size_t(entry_point)];
    if (!deleted.empty()) {
        std::vector<uint8_t> new_deleted(n);
        for (size_t i = 0; i < n; i++)
            new_deleted[i] = deleted[size_t(map[i])];
        deleted = std::move(new_deleted);
    }
    for (storage_idx_t& f : free_slots)
        f = old_to_new[size_t(f)];
    std::sort(free_slots.begin(), free_slots.end());
}

void HNSW::clear_neighbor_tables(int level) {
    FAISS_REQUIRE(level >= 0 && level + 1 < int(cum_nneighbor_per_level.size()), invalid_argument,
                  "level %d outside [0, %zu)", level, cum_nneighbor_per_level.size() - 1);
    for (size_t i = 0; i < size(); i++) {
        if (levels[i] <= level) continue;
        size_t begin, end;
        neighbor_range(idx_t(i), level, &begin, &end);
        std::fill(neighbors.data() + begin, neighbors.data() + end, storage_idx_t(-1));
    }
}

namespace internal {

namespace {

bool closer(const HNSWCandidate& a, const HNSWCandidate& b) {
    return a.d < b.d || (a.d == b.d && a.id < b.id);
}

// Overwrite the level-0 list of node i with the first entries of picked, -1 after.
void write_level0(HNSW& h, size_t i, const std::vector<HNSWCandidate>& picked) {
    size_t begin, end;
    h.neighbor_range(idx_t(i), 0, &begin, &end);
    for (size_t j = begin; j < end; j++) {
        const size_t r = j - begin;
        h.neighbors[j] = r < picked.size() ? picked[r].id : -1;
    }
}

// Calls fn(i, dist, scratch) for every live node, in parallel; each call may rewrite
// only node i's level-0 list and reads others' lists not at all.
template <class Fn>
void for_each_live_node(HNSW& h, const Index& storage, Fn&& fn) {
    ExceptionCollector errors;
    const int64_t n = int64_t(h.size());
    // A mapped (copy-on-write) graph (all three arrays) is copied here, once, before the threads
    // write lists; a read-only one throws here.
    h.detach_mapped_arrays();
#pragma omp parallel if (n > 1000)
    {
        std::unique_ptr<DistanceComputer> dc;
        std::vector<idx_t> ids64;
        std::unique_ptr<GraphDistance> dist;
        std::vector<HNSWCandidate> cands, picked;
        errors.run([&] {
            dc.reset(storage.get_distance_computer());
            dist.reset(new GraphDistance(*dc, h.is_similarity, ids64));
        });
#pragma omp for schedule(dynamic, 256)
        for (int64_t i = 0; i < n; i++) {
            if (!dist || h.is_deleted(i)) continue;
            errors.run([&] { fn(size_t(i), *dist, cands, picked); });
        }
    }
    errors.rethrow();
}

// Level-0 neighbours of node i with their distances to it, closest first.
void level0_candidates(const HNSW& h, size_t i, GraphDistance& dist,
                       std::vector<HNSWCandidate>& cands) {
    size_t begin, end;
    h.neighbor_range(idx_t(i), 0, &begin, &end);
    cands.clear();
    for (size_t j = begin; j < end && h.neighbors[j] >= 0; j++) {
        const hnsw_id_t v = h.neighbors[j];
        cands.push_back({dist.symmetric(hnsw_id_t(i), v), v});
    }
    std::sort(cands.begin(), cands.end(), closer);
}

}  // namespace

void init_level0_from_knn(HNSW& h, const Index& storage, size_t k, const float* D, const idx_t* I) {
    const idx_t n = idx_t(h.size());
    const size_t cap = size_t(h.nb_neighbors(0));
    for_each_live_node(
        h, storage,
        [&](size_t i, GraphDistance& dist, std::vector<HNSWCandidate>& cands,
            std::vector<HNSWCandidate>& picked) {
            cands.clear();
            for (size_t j = 0; j < k; j++) {
                const idx_t v = I[i * k + j];
                const float d = h.is_similarity ? -D[i * k + j] : D[i * k + j];
                // Padding (-1), self links, removed nodes and NaN distances never become links.
                if (v < 0 || v >= n || size_t(v) == i || h.is_deleted(v) || std::isnan(d)) continue;
                cands.push_back({d, hnsw_id_t(v)});
            }
            std::sort(cands.begin(), cands.end(), closer);
            cands.erase(std::unique(cands.begin(), cands.end(),
                                    [](const HNSWCandidate& a, const HNSWCandidate& b) {
                                        return a.id == b.id;
                                    }),
                        cands.end());
            select_neighbors(dist, cands, cap, picked);
            write_level0(h, i, picked);
        });
}

void shrink_level0(HNSW& h, const Index& storage, size_t size) {
    for_each_live_node(h, storage,
                       [&](size_t i, GraphDistance& dist, std::vector<HNSWCandidate>& cands,
                           std::vector<HNSWCandidate>& picked) {
                           level0_candidates(h, i, dist, cands);
                           if (cands.size() <= size) return;
                           select_neighbors(dist, cands, size, picked);
                           write_level0(h, i, picked);
                       });
}

void reorder_level0(HNSW& h, const Index& storage) {
    for_each_live_node(h, storage,
                       [&](size_t i, GraphDistance& dist, std::vector<HNSWCandidate>& cands,
                           std::vector<HNSWCandidate>&) {
                           level0_candidates(h, i, dist, cands);
                           write_level0(h, i, cands);
                       });
}

}  // namespace internal

}  // namespace faiss
