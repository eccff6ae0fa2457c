// Copy-on-write snapshots: publishing writes, searching base + delta, merging.
#include "snapshot.h"

#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/clone_index.h>
#include <faiss/index_io.h>
#include <faiss/utils/distances.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <typeinfo>

namespace faiss_serve {

namespace {

/// One candidate of a merged result; better() orders by the metric.
struct Hit {
    float dis;
    int64_t id;
};

void merge_trailing_chunks(DeltaList& chunks) {
    // Binary-counter rule: the last chunk absorbs its predecessor while that one is at
    // most twice its size, so sizes shrink geometrically and stay O(log n) in number.
    while (chunks.size() >= 2 && chunks[chunks.size() - 2]->size() <= 2 * chunks.back()->size()) {
        auto merged = std::make_shared<DeltaChunk>(*chunks[chunks.size() - 2]);
        const DeltaChunk& last = *chunks.back();
        merged->x.insert(merged->x.end(), last.x.begin(), last.x.end());
        merged->ids.insert(merged->ids.end(), last.ids.begin(), last.ids.end());
        merged->seqs.insert(merged->seqs.end(), last.seqs.begin(), last.seqs.end());
        chunks.pop_back();
        chunks.back() = std::move(merged);
    }
}

/// Appends the visible, allowed vectors of c to hits (dis: scratch).
void search_chunk(const Snapshot& s, const DeltaChunk& c, const float* q, size_t d, bool ip,
                  const std::unordered_set<int64_t>* allow, std::vector<float>& dis,
                  std::vector<Hit>& hits) {
    dis.resize(c.size());
    if (ip) {
        faiss::fvec_inner_products_ny(dis.data(), q, c.x.data(), d, c.size());
    } else {
        faiss::fvec_L2sqr_ny(dis.data(), q, c.x.data(), d, c.size());
    }
    for (size_t i = 0; i < c.size(); i++) {
        if (std::isnan(dis[i]) || !s.visible(c.ids[i], c.seqs[i])) continue;
        if (allow && !allow->count(c.ids[i])) continue;
        hits.push_back({dis[i], c.ids[i]});
    }
}

/// The IVF search options of params (SearchParametersIVF or plain), as the base would
/// resolve them.
faiss::SearchParametersIVF ivf_params(const faiss::IndexIVF& ivf,
                                      const faiss::SearchParameters* params) {
    faiss::SearchParametersIVF p;
    p.nprobe = ivf.nprobe;
    p.max_codes = ivf.max_codes;
    if (params) {
        p.sel = params->sel;
        if (const auto* q = dynamic_cast<const faiss::SearchParametersIVF*>(params)) {
            p.nprobe = q->nprobe;
            p.max_codes = q->max_codes;
            p.quantizer_params = q->quantizer_params;
        }
    }
    p.nprobe = std::min(p.nprobe, ivf.nlist);
    return p;
}

/// Base results of a search (n x k) and, for an IVF base, the lists each query probed
/// (n x nprobe): the coarse assignment is done once and serves the delta too.
struct BaseResult {
    std::vector<float> D;
    std::vector<faiss::idx_t> I;
    std::vector<faiss::idx_t> probed;
    size_t nprobe = 0;
};

BaseResult search_base(const faiss::Index& base, const SearchRequest& req) {
    const size_t n = req.n, k = req.k;
    BaseResult r;
    r.D.resize(n * k);
    r.I.resize(n * k);
    const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(&base);
    if (!ivf) {
        base.search(faiss::idx_t(n), req.x, faiss::idx_t(k), r.D.data(), r.I.data(), req.params);
        return r;
    }
    const faiss::SearchParametersIVF p = ivf_params(*ivf, req.params);
    r.nprobe = p.nprobe;
    r.probed.resize(n * r.nprobe);
    std::vector<float> cdis(n * r.nprobe);
    ivf->quantizer->search(faiss::idx_t(n), req.x, faiss::idx_t(r.nprobe), cdis.data(),
                           r.probed.data(), p.quantizer_params);
    ivf->search_preassigned(faiss::idx_t(n), req.x, faiss::idx_t(k), r.probed.data(), cdis.data(),
                            r.D.data(), r.I.data(), false, &p);
    return r;
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

/// A deep copy of base, read from base_file when that holds the same index.
faiss::Index* copy_of_base(const faiss::Index& base, const std::string& base_file) {
    if (!base_file.empty()) {
        try {
            std::unique_ptr<faiss::Index> copy(faiss::read_index(base_file.c_str()));
            if (copy->d == base.d && copy->ntotal == base.ntotal &&
                copy->metric_type == base.metric_type && typeid(*copy) == typeid(base)) {
                return copy.release();
            }
        } catch (const std::exception&) {
            // Unreadable: clone instead.
        }
    }
    return faiss::clone_index(&base);
}

}  // namespace

std::vector<int64_t> assign_lists(const faiss::Index& base, size_t n, const float* x) {
    const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(&base);
    if (!ivf) return std::vector<int64_t>(n, 0);
    std::vector<faiss::idx_t> lists(n);
    if (n) ivf->quantizer->assign(faiss::idx_t(n), x, lists.data());
    return std::vector<int64_t>(lists.begin(), lists.end());
}

DeltaLists::DeltaLists(size_t nlist) : nlist_(nlist) {
    const auto empty = std::make_shared<const Block>(kBlock);
    blocks_.assign((nlist + kBlock - 1) / kBlock, empty);
}

void DeltaLists::set(size_t l, std::shared_ptr<const DeltaList> list) {
    auto block = std::make_shared<Block>(*blocks_[l / kBlock]);
    (*block)[l % kBlock] = std::move(list);
    blocks_[l / kBlock] = std::move(block);
}

size_t delta_list_count(const faiss::Index& base) {
    const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(&base);
    return ivf ? ivf->nlist : 1;
}

std::shared_ptr<Snapshot> base_snapshot(std::shared_ptr<const faiss::Index> base, uint64_t seq) {
    auto s = std::make_shared<Snapshot>();
    s->delta = std::make_shared<DeltaLists>(delta_list_count(*base));
    s->base = std::move(base);
    s->tombstones = std::make_shared<Tombstones>();
    s->seq = s->base_seq = seq;
    return s;
}

bool Snapshot::visible(int64_t id, uint64_t add_seq) const {
    if (!tombstones || tombstones->empty()) return true;
    const auto it = tombstones->find(id);
    return it == tombstones->end() || it->second < add_seq;
}

int64_t Snapshot::ntotal_estimate() const {
    int64_t n = base->ntotal;
    for (size_t l = 0; l < delta->size(); l++) {
        if (!delta->get(l)) continue;
        for (const auto& c : *delta->get(l)) {
            for (size_t i = 0; i < c->size(); i++)
                n += visible(c->ids[i], c->seqs[i]);
        }
    }
    return n;
}

bool ServeSelector::is_member(faiss::idx_t id) const {
    if (allow && !allow->count(id)) return false;
    return !tombstones || !tombstones->count(id);
}

std::shared_ptr<const Snapshot> with_added(const Snapshot& s, const std::vector<int64_t>& ids,
                                           const std::vector<float>& x,
                                           const std::vector<int64_t>& lists, uint64_t seq) {
    const size_t d = size_t(s.base->d);
    // One new chunk per touched list, rows in the add's order.
    std::map<int64_t, std::shared_ptr<DeltaChunk>> added;
    size_t n_added = 0;
    for (size_t i = 0; i < ids.size(); i++) {
        if (lists[i] < 0 || size_t(lists[i]) >= s.delta->size()) continue;
        auto& c = added[lists[i]];
        if (!c) c = std::make_shared<DeltaChunk>();
        c->x.insert(c->x.end(), x.begin() + i * d, x.begin() + (i + 1) * d);
        c->ids.push_back(ids[i]);
        c->seqs.push_back(seq);
        n_added++;
    }
    auto delta = std::make_shared<DeltaLists>(*s.delta);
    for (auto& kv : added) {
        const DeltaList* old = delta->get(size_t(kv.first));
        auto list = old ? std::make_shared<DeltaList>(*old) : std::make_shared<DeltaList>();
        list->push_back(std::move(kv.second));
        merge_trailing_chunks(*list);
        delta->set(size_t(kv.first), std::move(list));
    }
    auto next = std::make_shared<Snapshot>(s);
    next->delta = std::move(delta);
    next->delta_size += n_added;
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
    const size_t d = size_t(s.base->d), n = req.n, k = req.k;
    const bool ip = faiss::is_similarity_metric(s.base->metric_type);
    const BaseResult b = search_base(*s.base, req);
    const DeltaLists& delta = *s.delta;

    SearchResult out;
    out.ids.resize(n);
    out.distances.resize(n);
    std::vector<Hit> hits;
    std::vector<float> dis;
    auto visit = [&](size_t list, const float* q) {
        if (!delta.get(list)) return;
        for (const auto& c : *delta.get(list))
            search_chunk(s, *c, q, d, ip, req.allow, dis, hits);
    };
    for (size_t q = 0; q < n; q++) {
        hits.clear();
        for (size_t j = 0; j < k; j++) {
            if (b.I[q * k + j] >= 0) hits.push_back({b.D[q * k + j], b.I[q * k + j]});
        }
        if (s.delta_size && b.probed.empty()) visit(0, req.x + q * d);
        for (size_t j = 0; s.delta_size && j < b.nprobe; j++) {
            const faiss::idx_t list = b.probed[q * b.nprobe + j];
            if (list >= 0 && size_t(list) < delta.size()) visit(size_t(list), req.x + q * d);
        }
        const size_t keep = std::min(k, hits.size());
        std::partial_sort(
            hits.begin(), hits.begin() + keep, hits.end(),
            [ip](const Hit& x, const Hit& y) { return ip ? x.dis > y.dis : x.dis < y.dis; });
        for (size_t j = 0; j < keep; j++) {
            out.ids[q].push_back(hits[j].id);
            out.distances[q].push_back(hits[j].dis);
        }
    }
    return out;
}

faiss::Index* merged_base(const Snapshot& s, const std::string& base_file) {
    std::unique_ptr<faiss::Index> index(copy_of_base(*s.base, base_file));
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
    // List by list: the base assigns each vector to the same list again, where the
    // vectors keep their add order.
    for (size_t l = 0; l < s.delta->size(); l++) {
        if (!s.delta->get(l)) continue;
        for (const auto& c : *s.delta->get(l)) {
            for (size_t i = 0; i < c->size(); i++) {
                if (!s.visible(c->ids[i], c->seqs[i])) continue;
                x.insert(x.end(), c->x.begin() + i * d, c->x.begin() + (i + 1) * d);
                ids.push_back(c->ids[i]);
            }
        }
    }
    if (!ids.empty()) index->add_with_ids(faiss::idx_t(ids.size()), x.data(), ids.data());
    return index.release();
}

std::shared_ptr<const Snapshot> rebased(const Snapshot& s,
                                        std::shared_ptr<const faiss::Index> new_base,
                                        uint64_t merged_seq) {
    auto next = base_snapshot(std::move(new_base), merged_seq);
    next->seq = s.seq;
    auto tomb = std::make_shared<Tombstones>();
    for (const auto& t : *s.tombstones) {
        if (t.second > merged_seq) tomb->insert(t);
    }
    next->tombstones = std::move(tomb);
    auto delta = std::make_shared<DeltaLists>(*next->delta);
    const size_t d = size_t(next->base->d);
    for (size_t l = 0; l < s.delta->size() && l < delta->size(); l++) {
        if (!s.delta->get(l)) continue;
        auto later = std::make_shared<DeltaChunk>();
        for (const auto& c : *s.delta->get(l)) {
            for (size_t i = 0; i < c->size(); i++) {
                if (c->seqs[i] <= merged_seq) continue;
                later->x.insert(later->x.end(), c->x.begin() + i * d, c->x.begin() + (i + 1) * d);
                later->ids.push_back(c->ids[i]);
                later->seqs.push_back(c->seqs[i]);
            }
        }
        if (!later->size()) continue;
        next->delta_size += later->size();
        delta->set(l, std::make_shared<DeltaList>(DeltaList{std::move(later)}));
    }
    next->delta = std::move(delta);
    return next;
}

}  // namespace faiss_serve
