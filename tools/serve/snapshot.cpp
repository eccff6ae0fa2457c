// Copy-on-write snapshots: publishing writes, searching base + delta, merging.
#include "snapshot.h"

#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/clone_index.h>
#include <faiss/utils/distances.h>

#include <algorithm>
#include <cmath>

namespace faiss_serve {

namespace {

/// One candidate of a merged result; better() orders by the metric.
struct Hit {
    float dis;
    int64_t id;
};

void merge_trailing_chunks(std::vector<std::shared_ptr<const DeltaChunk>>& chunks) {
    // Binary-counter rule: the last chunk absorbs its predecessor while that one is at
    // most twice its size, so sizes grow geometrically and stay O(log n) in number.
    while (chunks.size() >= 2 && chunks[chunks.size() - 2]->size() <= 2 * chunks.back()->size()) {
        auto merged = std::make_shared<DeltaChunk>(*chunks[chunks.size() - 2]);
        const DeltaChunk& last = *chunks.back();
        merged->x.insert(merged->x.end(), last.x.begin(), last.x.end());
        merged->ids.insert(merged->ids.end(), last.ids.begin(), last.ids.end());
        merged->seqs.insert(merged->seqs.end(), last.seqs.begin(), last.seqs.end());
        merged->lists.insert(merged->lists.end(), last.lists.begin(), last.lists.end());
        chunks.pop_back();
        chunks.back() = std::move(merged);
    }
}

/// Appends the visible, allowed vectors of c to hits; probed (nlist flags, or null)
/// limits them to the query's IVF lists.
void search_chunk(const Snapshot& s, const DeltaChunk& c, const float* q, size_t d, bool ip,
                  const std::unordered_set<int64_t>* allow, const uint8_t* probed,
                  std::vector<float>& dis, std::vector<Hit>& hits) {
    auto keep = [&](size_t i) {
        return s.visible(c.ids[i], c.seqs[i]) && (!allow || allow->count(c.ids[i]));
    };
    if (probed && c.lists.size() == c.size()) {
        for (size_t i = 0; i < c.size(); i++) {
            if (c.lists[i] < 0 || !probed[c.lists[i]] || !keep(i)) continue;
            const float* y = c.x.data() + i * d;
            const float v = ip ? faiss::fvec_inner_product(q, y, d) : faiss::fvec_L2sqr(q, y, d);
            if (!std::isnan(v)) hits.push_back({v, c.ids[i]});
        }
        return;
    }
    dis.resize(c.size());
    if (ip) {
        faiss::fvec_inner_products_ny(dis.data(), q, c.x.data(), d, c.size());
    } else {
        faiss::fvec_L2sqr_ny(dis.data(), q, c.x.data(), d, c.size());
    }
    for (size_t i = 0; i < c.size(); i++) {
        if (!std::isnan(dis[i]) && keep(i)) hits.push_back({dis[i], c.ids[i]});
    }
}

/// For an IVF base, the lists each query probes (n x nprobe), as the base search
/// chooses them; empty otherwise.
std::vector<faiss::idx_t> probed_lists(const Snapshot& s, const SearchRequest& req,
                                       size_t& nprobe) {
    const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(s.base.get());
    if (!ivf || s.delta_size == 0) return {};
    nprobe = std::min(req.nprobe ? req.nprobe : ivf->nprobe, ivf->nlist);
    std::vector<float> dis(req.n * nprobe);
    std::vector<faiss::idx_t> lists(req.n * nprobe);
    ivf->quantizer->search(faiss::idx_t(req.n), req.x, faiss::idx_t(nprobe), dis.data(),
                           lists.data());
    return lists;
}

/// index.remove_ids(sel), except for IndexIDMap over IndexHNSW: HNSW keeps the slots of
/// removed vectors (ntotal unchanged), which IndexIDMap::remove_ids refuses; there the
/// positions are removed, the graph compacted and id_map renumbered to match.
void remove_from(faiss::Index& index, const faiss::IDSelector& sel) {
    auto* map = dynamic_cast<faiss::IndexIDMap*>(&index);
    auto* hnsw = map ? dynamic_cast<faiss::IndexHNSW*>(map->index) : nullptr;
    if (!hnsw) {
        index.remove_ids(sel);
        return;
    }
    std::vector<faiss::idx_t> positions;
    for (size_t i = 0; i < map->id_map.size(); i++) {
        if (sel.is_member(map->id_map[i])) positions.push_back(faiss::idx_t(i));
    }
    if (positions.empty()) return;
    hnsw->remove_ids(faiss::IDSelectorBatch(positions.size(), positions.data()));
    std::vector<faiss::idx_t> old_to_new(size_t(hnsw->ntotal));
    hnsw->compact(old_to_new.data());
    std::vector<faiss::idx_t> ids(size_t(hnsw->ntotal));
    for (size_t i = 0; i < old_to_new.size(); i++) {
        if (old_to_new[i] >= 0) ids[size_t(old_to_new[i])] = map->id_map[i];
    }
    map->id_map = std::move(ids);
    map->ntotal = hnsw->ntotal;
}

}  // namespace

std::vector<int64_t> assign_lists(const faiss::Index& base, size_t n, const float* x) {
    const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(&base);
    if (!ivf || n == 0) return {};
    std::vector<faiss::idx_t> lists(n);
    ivf->quantizer->assign(faiss::idx_t(n), x, lists.data());
    return std::vector<int64_t>(lists.begin(), lists.end());
}

bool Snapshot::visible(int64_t id, uint64_t add_seq) const {
    if (!tombstones || tombstones->empty()) return true;
    const auto it = tombstones->find(id);
    return it == tombstones->end() || it->second < add_seq;
}

int64_t Snapshot::ntotal_estimate() const {
    int64_t n = base->ntotal;
    for (const auto& c : chunks) {
        for (size_t i = 0; i < c->size(); i++)
            n += visible(c->ids[i], c->seqs[i]);
    }
    return n;
}

bool ServeSelector::is_member(faiss::idx_t id) const {
    if (allow && !allow->count(id)) return false;
    return !tombstones || !tombstones->count(id);
}

std::shared_ptr<const Snapshot> with_added(const Snapshot& s, std::shared_ptr<DeltaChunk> chunk,
                                           uint64_t seq) {
    auto next = std::make_shared<Snapshot>(s);
    next->delta_size += chunk->size();
    next->chunks.push_back(std::move(chunk));
    merge_trailing_chunks(next->chunks);
    next->seq = seq;
    return next;
}

std::shared_ptr<const Snapshot> with_removed(const Snapshot& s, const std::vector<int64_t>& ids,
                                             uint64_t seq) {
    auto next = std::make_shared<Snapshot>(s);
    auto tomb = std::make_shared<Tombstones>(*s.tombstones);
    for (int64_t id : ids)
        (*tomb)[id] = seq;
    next->tombstones = std::move(tomb);
    next->seq = seq;
    return next;
}

SearchResult search_snapshot(const Snapshot& s, const SearchRequest& req) {
    const faiss::Index& base = *s.base;
    const size_t d = size_t(base.d), n = req.n, k = req.k;
    const bool ip = faiss::is_similarity_metric(base.metric_type);
    std::vector<float> D(n * k);
    std::vector<faiss::idx_t> I(n * k);
    base.search(faiss::idx_t(n), req.x, faiss::idx_t(k), D.data(), I.data(), req.params);

    size_t nprobe = 0;
    const std::vector<faiss::idx_t> lists = probed_lists(s, req, nprobe);
    const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(s.base.get());
    std::vector<uint8_t> probed(lists.empty() ? 0 : ivf->nlist, 0);

    SearchResult out;
    out.ids.resize(n);
    out.distances.resize(n);
    std::vector<Hit> hits;
    std::vector<float> dis;
    for (size_t q = 0; q < n; q++) {
        hits.clear();
        for (size_t j = 0; j < k; j++) {
            if (I[q * k + j] >= 0) hits.push_back({D[q * k + j], I[q * k + j]});
        }
        for (size_t j = 0; j < nprobe && !lists.empty(); j++) {
            if (lists[q * nprobe + j] >= 0) probed[size_t(lists[q * nprobe + j])] = 1;
        }
        for (const auto& c : s.chunks) {
            search_chunk(s, *c, req.x + q * d, d, ip, req.allow,
                         lists.empty() ? nullptr : probed.data(), dis, hits);
        }
        for (size_t j = 0; j < nprobe && !lists.empty(); j++) {
            if (lists[q * nprobe + j] >= 0) probed[size_t(lists[q * nprobe + j])] = 0;
        }
        const size_t keep = std::min(k, hits.size());
        std::partial_sort(
            hits.begin(), hits.begin() + keep, hits.end(),
            [ip](const Hit& a, const Hit& b) { return ip ? a.dis > b.dis : a.dis < b.dis; });
        for (size_t j = 0; j < keep; j++) {
            out.ids[q].push_back(hits[j].id);
            out.distances[q].push_back(hits[j].dis);
        }
    }
    return out;
}

faiss::Index* merged_base(const Snapshot& s) {
    std::unique_ptr<faiss::Index> index(faiss::clone_index(s.base.get()));
    if (!s.tombstones->empty()) {
        std::vector<faiss::idx_t> gone;
        gone.reserve(s.tombstones->size());
        for (const auto& t : *s.tombstones)
            gone.push_back(t.first);
        remove_from(*index, faiss::IDSelectorBatch(gone.size(), gone.data()));
    }
    const size_t d = size_t(index->d);
    std::vector<float> x;
    std::vector<faiss::idx_t> ids;
    for (const auto& c : s.chunks) {
        for (size_t i = 0; i < c->size(); i++) {
            if (!s.visible(c->ids[i], c->seqs[i])) continue;
            x.insert(x.end(), c->x.begin() + i * d, c->x.begin() + (i + 1) * d);
            ids.push_back(c->ids[i]);
        }
    }
    if (!ids.empty()) index->add_with_ids(faiss::idx_t(ids.size()), x.data(), ids.data());
    return index.release();
}

std::shared_ptr<const Snapshot> rebased(const Snapshot& s,
                                        std::shared_ptr<const faiss::Index> new_base,
                                        uint64_t merged_seq) {
    auto next = std::make_shared<Snapshot>();
    next->base = std::move(new_base);
    next->seq = s.seq;
    next->base_seq = merged_seq;
    auto tomb = std::make_shared<Tombstones>();
    for (const auto& t : *s.tombstones) {
        if (t.second > merged_seq) tomb->insert(t);
    }
    next->tombstones = std::move(tomb);
    auto later = std::make_shared<DeltaChunk>();
    const size_t d = size_t(next->base->d);
    for (const auto& c : s.chunks) {
        for (size_t i = 0; i < c->size(); i++) {
            if (c->seqs[i] <= merged_seq) continue;
            later->x.insert(later->x.end(), c->x.begin() + i * d, c->x.begin() + (i + 1) * d);
            later->ids.push_back(c->ids[i]);
            later->seqs.push_back(c->seqs[i]);
            if (c->lists.size() == c->size()) later->lists.push_back(c->lists[i]);
        }
    }
    next->delta_size = later->size();
    if (later->size()) next->chunks.push_back(std::move(later));
    return next;
}

}  // namespace faiss_serve
