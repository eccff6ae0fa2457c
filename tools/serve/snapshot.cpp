// Copy-on-write snapshots: publishing writes, searching base + delta, merging.
#include "snapshot.h"

#include "paced_io.h"

#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/clone_index.h>
#include <faiss/index_io.h>
#include <faiss/utils/distances.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <typeinfo>

namespace faiss_serve {

namespace {

/// One candidate of a merged result; better() orders by the metric.
struct Hit {
    float dis;
    int64_t id;
};

/// Appends the visible, allowed rows of list strictly better than bound to hits (dis:
/// scratch). Rows no better than the base's k-th result cannot enter the top k, and
/// skipping them spares reading their ids and seqs.
void search_list(const Snapshot& s, const DeltaList& list, const float* q, bool ip, float bound,
                 const std::unordered_set<int64_t>* allow, std::vector<float>& dis,
                 std::vector<Hit>& hits) {
    if (list.n == 0) return;
    const DeltaRows& r = *list.rows;
    dis.resize(list.n);
    if (ip) {
        faiss::fvec_inner_products_ny(dis.data(), q, r.x(), r.d(), list.n);
    } else {
        faiss::fvec_L2sqr_ny(dis.data(), q, r.x(), r.d(), list.n);
    }
    for (size_t i = 0; i < list.n; i++) {
        if (!(ip ? dis[i] > bound : dis[i] < bound)) continue;  // also drops NaN
        if (!s.visible(r.ids()[i], r.seqs()[i])) continue;
        if (allow && !allow->count(r.ids()[i])) continue;
        hits.push_back({dis[i], r.ids()[i]});
    }
}

/// Asks for the rows of the nprobe lists (list -1 skipped) to be brought into cache.
/// The base scan has just streamed megabytes through it, so they come from memory, in
/// short runs the hardware prefetcher hardly starts on: read one by one they cost a
/// memory latency per cache line (about 110 us a query for 150 rows of d = 128 on the
/// 2-core test machine), requested together the latencies overlap.
void prefetch_lists(const DeltaLists& delta, const faiss::idx_t* lists, size_t nprobe) {
    for (size_t j = 0; j < nprobe; j++) {
        if (lists[j] < 0 || size_t(lists[j]) >= delta.size()) continue;
        const DeltaList& list = delta.get(size_t(lists[j]));
        if (!list.n) continue;
        const char* x = reinterpret_cast<const char*>(list.rows->x());
        for (size_t b = 0; b < list.n * list.rows->d() * sizeof(float); b += 64)
            __builtin_prefetch(x + b);
        __builtin_prefetch(list.rows->ids());
        __builtin_prefetch(list.rows->seqs());
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
faiss::Index* copy_of_base(const faiss::Index& base, const std::string& base_file, Pacer* pacer) {
    if (!base_file.empty()) {
        try {
            std::unique_ptr<faiss::Index> copy;
            if (pacer) {
                PacedFileReader reader(base_file, *pacer);
                copy.reset(faiss::read_index(&reader));
            } else {
                copy.reset(faiss::read_index(base_file.c_str()));
            }
            if (copy->d == base.d && copy->ntotal == base.ntotal &&
                copy->metric_type == base.metric_type && typeid(*copy) == typeid(base)) {
                return copy.release();
            }
        } catch (const std::exception&) {
            if (pacer && pacer->cancelled()) throw;
            // Unreadable: clone instead.
        }
    }
    return faiss::clone_index(&base);
}

/// Adds the visible vectors of delta list l to index (one call per list, so that a
/// pacer can step between lists: each add reallocates the list it extends).
void add_delta_list(const Snapshot& s, size_t l, faiss::Index& index, Pacer* pacer,
                    std::vector<float>& x, std::vector<faiss::idx_t>& ids) {
    const DeltaList& list = s.delta->get(l);
    const size_t d = size_t(index.d);
    x.clear();
    ids.clear();
    for (size_t i = 0; i < list.n; i++) {
        if (!s.visible(list.rows->ids()[i], list.rows->seqs()[i])) continue;
        const float* row = list.rows->x() + i * d;
        x.insert(x.end(), row, row + d);
        ids.push_back(list.rows->ids()[i]);
    }
    if (ids.empty()) return;
    index.add_with_ids(faiss::idx_t(ids.size()), x.data(), ids.data());
    if (!pacer) return;
    size_t bytes = ids.size() * d * sizeof(float);
    if (const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(&index)) {
        if (l < ivf->nlist) bytes += ivf->invlists->list_size(l) * ivf->code_size;
    }
    pacer->step(bytes);
}

}  // namespace

std::vector<int64_t> assign_lists(const faiss::Index& base, size_t n, const float* x) {
    const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(&base);
    if (!ivf) return std::vector<int64_t>(n, 0);
    std::vector<faiss::idx_t> lists(n);
    if (n) ivf->quantizer->assign(faiss::idx_t(n), x, lists.data());
    return std::vector<int64_t>(lists.begin(), lists.end());
}

DeltaRows::DeltaRows(size_t d, size_t capacity) : d_(d), capacity_(capacity) {
    const size_t x_words = (d * capacity + 1) / 2;  // floats rounded up to 8 bytes
    storage_.reset(new uint64_t[x_words + 2 * capacity]);
    x_ = reinterpret_cast<float*>(storage_.get());
    ids_ = reinterpret_cast<int64_t*>(storage_.get() + x_words);
    seqs_ = storage_.get() + x_words + capacity;
}

DeltaList DeltaList::appended(size_t d, size_t m, const float* x, const int64_t* ids,
                              uint64_t seq) const {
    DeltaList out = *this;
    // In place only at the newest view's end: rows past n belong to a later snapshot.
    if (!rows || rows->used_ != n || n + m > rows->capacity_) {
        auto bigger = std::make_shared<DeltaRows>(d, std::max<size_t>(2 * (n + m), 16));
        if (n) {
            std::copy(rows->x_, rows->x_ + n * d, bigger->x_);
            std::copy(rows->ids_, rows->ids_ + n, bigger->ids_);
            std::copy(rows->seqs_, rows->seqs_ + n, bigger->seqs_);
        }
        bigger->used_ = n;
        out.rows = std::move(bigger);
    }
    DeltaRows& r = *out.rows;
    std::copy(x, x + m * d, r.x_ + n * d);
    std::copy(ids, ids + m, r.ids_ + n);
    std::fill(r.seqs_ + n, r.seqs_ + n + m, seq);
    r.used_ = n + m;
    out.n = n + m;
    return out;
}

DeltaLists::DeltaLists(size_t nlist) : nlist_(nlist) {
    const auto empty = std::make_shared<Block>(kBlock);
    blocks_.assign((nlist + kBlock - 1) / kBlock, empty);
}

void DeltaLists::set(size_t l, DeltaList list) {
    auto& block = blocks_[l / kBlock];
    // A block only this copy holds was copied by an earlier set(): change it in place.
    if (block.use_count() != 1) block = std::make_shared<Block>(*block);
    (*block)[l % kBlock] = std::move(list);
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
        const DeltaList& list = delta->get(l);
        for (size_t i = 0; i < list.n; i++)
            n += visible(list.rows->ids()[i], list.rows->seqs()[i]);
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
    // The rows of each touched list, in the add's order.
    std::map<int64_t, std::vector<size_t>> rows_of;
    for (size_t i = 0; i < ids.size(); i++) {
        if (lists[i] >= 0 && size_t(lists[i]) < s.delta->size()) rows_of[lists[i]].push_back(i);
    }
    auto delta = std::make_shared<DeltaLists>(*s.delta);
    std::vector<float> xs;
    std::vector<int64_t> is;
    size_t n_added = 0;
    for (const auto& kv : rows_of) {
        xs.clear();
        is.clear();
        for (size_t i : kv.second) {
            xs.insert(xs.end(), x.begin() + i * d, x.begin() + (i + 1) * d);
            is.push_back(ids[i]);
        }
        const DeltaList& list = delta->get(size_t(kv.first));
        delta->set(size_t(kv.first), list.appended(d, is.size(), xs.data(), is.data(), seq));
        n_added += is.size();
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
    float bound = 0;
    auto visit = [&](size_t list, const float* q) {
        search_list(s, delta.get(list), q, ip, bound, req.allow, dis, hits);
    };
    for (size_t q = 0; q < n; q++) {
        hits.clear();
        for (size_t j = 0; j < k; j++) {
            if (b.I[q * k + j] >= 0) hits.push_back({b.D[q * k + j], b.I[q * k + j]});
        }
        // The base answers best first: with k results, its last one bounds the rest.
        const float none =
            ip ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity();
        bound = hits.size() == k ? hits.back().dis : none;
        if (s.delta_size && b.probed.empty()) visit(0, req.x + q * d);
        if (s.delta_size && b.nprobe) {
            const faiss::idx_t* lists = b.probed.data() + q * b.nprobe;
            prefetch_lists(delta, lists, b.nprobe);
            for (size_t j = 0; j < b.nprobe; j++) {
                if (lists[j] >= 0 && size_t(lists[j]) < delta.size())
                    visit(size_t(lists[j]), req.x + q * d);
            }
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

faiss::Index* merged_base(const Snapshot& s, const std::string& base_file, Pacer* pacer) {
    std::unique_ptr<faiss::Index> index(copy_of_base(*s.base, base_file, pacer));
    if (!s.tombstones->empty()) {
        std::vector<faiss::idx_t> gone;
        gone.reserve(s.tombstones->size());
        for (const auto& t : *s.tombstones)
            gone.push_back(t.first);
        remove_from(*index, faiss::IDSelectorBatch(gone.size(), gone.data()));
    }
    std::vector<float> x;
    std::vector<faiss::idx_t> ids;
    // List by list: the base assigns each vector to the same list again, where the
    // vectors keep their add order.
    for (size_t l = 0; l < s.delta->size(); l++)
        add_delta_list(s, l, *index, pacer, x, ids);
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
        const DeltaList& list = s.delta->get(l);
        DeltaList later;
        for (size_t i = 0; i < list.n; i++) {
            const uint64_t seq = list.rows->seqs()[i];
            if (seq <= merged_seq) continue;
            later = later.appended(d, 1, list.rows->x() + i * d, list.rows->ids() + i, seq);
        }
        if (!later.n) continue;
        next->delta_size += later.n;
        delta->set(l, std::move(later));
    }
    next->delta = std::move(delta);
    return next;
}

}  // namespace faiss_serve
