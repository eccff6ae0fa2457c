#include <faiss/IndexIDMap.h>

#include <faiss/IndexFlatCodes.h>
#include <faiss/IndexHNSW.h>

#include <faiss/RangeSearchResult.h>
#include <faiss/internal/checks.h>
#include <faiss/internal/index_checks.h>

#include <mutex>
#include <optional>
#include <typeinfo>
#include <unordered_set>

namespace faiss {

namespace {

/// Serializes the calls that temporarily swap the selector of one shared
/// SearchParameters subclass object. Striped by address; recursive so that an IndexIDMap
/// nested in another one (same params object, same thread) can take it again.
std::recursive_mutex& params_lock(const SearchParameters* params) {
    static std::recursive_mutex stripes[64];
    const auto address = reinterpret_cast<uintptr_t>(params);
    return stripes[(address >> 4) % 64];
}

/// The parameters the sub-index sees: the caller's, with sel (external ids) replaced by
/// a selector over sub-index positions. A plain SearchParameters is copied; a subclass
/// has its sel swapped under a lock and restored on destruction.
class SubIndexParams {
  public:
    SubIndexParams(const SearchParameters* params, const std::vector<idx_t>& id_map) {
        forwarded_ = params;
        if (!params) return;
        if (typeid(*params) == typeid(SearchParameters)) {
            // never swapped by anyone, so reading sel needs no lock
            if (!params->sel) return;
            translated_.emplace(id_map, params->sel);
            copy_.sel = &*translated_;
            forwarded_ = &copy_;
            return;
        }
        // Lock before reading sel: another call may have it swapped right now.
        lock_ = std::unique_lock<std::recursive_mutex>(params_lock(params));
        if (!params->sel) {
            lock_.unlock();
            return;
        }
        translated_.emplace(id_map, params->sel);
        swapped_ = const_cast<SearchParameters*>(params);
        saved_sel_ = swapped_->sel;
        swapped_->sel = &*translated_;
    }

    ~SubIndexParams() {
        if (swapped_) swapped_->sel = saved_sel_;
    }

    SubIndexParams(const SubIndexParams&) = delete;
    SubIndexParams& operator=(const SubIndexParams&) = delete;

    const SearchParameters* get() const { return forwarded_; }

  private:
    std::unique_lock<std::recursive_mutex> lock_;  // released last, after the restore
    std::optional<IDSelectorTranslated> translated_;
    SearchParameters copy_;
    SearchParameters* swapped_ = nullptr;
    const IDSelector* saved_sel_ = nullptr;
    const SearchParameters* forwarded_ = nullptr;
};

/// Sub-index positions -> external ids, in place; negative labels (padding) stay.
void translate_labels(size_t count, idx_t* labels, const std::vector<idx_t>& id_map) {
    const idx_t size = idx_t(id_map.size());
    for (size_t i = 0; i < count; i++) {
        const idx_t label = labels[i];
        if (label < 0) continue;
        FAISS_REQUIRE(label < size, internal,
                      "sub-index returned label %lld, but it holds only %lld vectors",
                      (long long)label, (long long)size);
        labels[i] = id_map[size_t(label)];
    }
}

}  // namespace

IndexIDMap::IndexIDMap(Index* index) : index(index), own_fields(false) {
    FAISS_REQUIRE(index, invalid_argument, "IndexIDMap: the sub-index is null");
    FAISS_REQUIRE(index->ntotal == 0, invalid_argument,
                  "IndexIDMap: the sub-index must be empty, it holds %lld vectors",
                  (long long)index->ntotal);
    d = index->d;
    metric_type = index->metric_type;
    metric_arg = index->metric_arg;
    is_trained = index->is_trained;
    verbose = index->verbose;
}

IndexIDMap::IndexIDMap() : index(nullptr), own_fields(false) {}

IndexIDMap::~IndexIDMap() {
    if (own_fields) delete index;
}

Index& IndexIDMap::sub_index() const {
    FAISS_REQUIRE(index, invalid_argument, "IndexIDMap has no sub-index");
    FAISS_REQUIRE(index->ntotal == idx_t(id_map.size()), invalid_argument,
                  "the sub-index holds %lld vectors but id_map %zu ids: it was modified "
                  "outside the IndexIDMap",
                  (long long)index->ntotal, id_map.size());
    return *index;
}

void IndexIDMap::append_ids(idx_t n, const idx_t* xids, idx_t add_id) {
    for (idx_t i = 0; i < n; i++)
        id_map.push_back(xids[i] + add_id);
    ntotal = idx_t(id_map.size());
}

void IndexIDMap::add_with_ids(idx_t n, const float* x, const idx_t* xids) {
    internal::check_add(*this, n, x);
    FAISS_REQUIRE(n == 0 || xids, invalid_argument, "xids is null for n=%lld", (long long)n);
    Index& sub = sub_index();
    const auto* hnsw = dynamic_cast<const IndexHNSW*>(&sub);
    FAISS_REQUIRE(!hnsw || hnsw->hnsw.free_slots.empty(), unsupported,
                  "IndexIDMap: the IndexHNSW it wraps has %zu removed slots that an add would "
                  "fill out of order; call compact() on it (or remove through the IndexIDMap)",
                  hnsw ? hnsw->hnsw.free_slots.size() : size_t(0));
    // Reserve first so that, once the sub-index has accepted the vectors, recording
    // their ids cannot fail and leave the two out of step.
    id_map.reserve(id_map.size() + size_t(n));
    sub.add(n, x);
    FAISS_REQUIRE(sub.ntotal == idx_t(id_map.size()) + n, internal,
                  "sub-index grew to %lld vectors after adding %lld to %zu", (long long)sub.ntotal,
                  (long long)n, id_map.size());
    append_ids(n, xids, 0);
}

void IndexIDMap::add(idx_t, const float*) {
    FAISS_THROW_CODE(unsupported,
                     "add does not work on an IndexIDMap: vectors need ids, use add_with_ids");
}

void IndexIDMap::search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                        const SearchParameters* params) const {
    internal::check_search_outputs(*this, n, x, k, distances, labels);
    const Index& sub = sub_index();
    SubIndexParams sub_params(params, id_map);
    sub.search(n, x, k, distances, labels, sub_params.get());
    translate_labels(size_t(n) * size_t(k), labels, id_map);
}

void IndexIDMap::range_search(idx_t n, const float* x, float radius, RangeSearchResult* result,
                              const SearchParameters* params) const {
    internal::check_range_search(*this, n, x, result);
    const Index& sub = sub_index();
    SubIndexParams sub_params(params, id_map);
    sub.range_search(n, x, radius, result, sub_params.get());
    translate_labels(result->lims[result->nq], result->labels, id_map);
}

void IndexIDMap::train(idx_t n, const float* x) {
    internal::check_vectors(*this, n, x, "training");
    Index& sub = sub_index();
    sub.train(n, x);
    is_trained = sub.is_trained;
}

void IndexIDMap::reset() {
    FAISS_REQUIRE(index, invalid_argument, "IndexIDMap has no sub-index");
    index->reset();
    id_map.clear();
    ntotal = 0;
}

namespace {

// IndexHNSW keeps the slots of removed vectors (ntotal unchanged, later adds fill them),
// which would break the position -> id table. Under an IndexIDMap the graph is compacted
// right after a removal so positions stay dense; this is the HNSW it wraps, or null.
IndexHNSW* slot_keeping_hnsw(Index& sub) {
    auto* hnsw = dynamic_cast<IndexHNSW*>(&sub);
    if (!hnsw) return nullptr;
    FAISS_REQUIRE(dynamic_cast<const IndexFlatCodes*>(hnsw->storage), unsupported,
                  "IndexIDMap over an IndexHNSW can remove ids only when the HNSW storage "
                  "is a flat-code index (IndexFlat, IndexScalarQuantizer, IndexPQ)");
    return hnsw;
}

}  // namespace

size_t IndexIDMap::remove_ids(const IDSelector& sel) {
    Index& sub = sub_index();
    IndexHNSW* hnsw = slot_keeping_hnsw(sub);
    // Ask sel once per vector and hand the sub-index the resulting bitmap of positions,
    // so the sub-index and id_map see the same decisions even for a stateful selector.
    const size_t count = id_map.size();
    std::vector<uint8_t> doomed((count + 7) / 8, 0);
    size_t nremove = 0;
    for (size_t i = 0; i < count; i++) {
        if (sel.is_member(id_map[i])) {
            doomed[i >> 3] |= uint8_t(1u << (i & 7));
            nremove++;
        }
    }
    if (nremove == 0) return 0;
    IDSelectorBitmap positions(doomed.size(), doomed.data());
    const size_t removed = sub.remove_ids(positions);
    if (hnsw) {
        std::vector<idx_t> old_to_new(count);
        hnsw->compact(old_to_new.data());
        for (size_t i = 0; i < count; i++) {
            if (old_to_new[i] >= 0) id_map[size_t(old_to_new[i])] = id_map[i];
        }
    } else {
        size_t kept = 0;
        for (size_t i = 0; i < count; i++) {
            if (!((doomed[i >> 3] >> (i & 7)) & 1)) id_map[kept++] = id_map[i];
        }
    }
    FAISS_REQUIRE(removed == nremove && sub.ntotal == idx_t(count - nremove), internal,
                  "sub-index removed %zu vectors (now %lld), expected %zu (to %zu)", removed,
                  (long long)sub.ntotal, nremove, count - nremove);
    id_map.resize(count - nremove);
    ntotal = idx_t(count - nremove);
    return nremove;
}

void IndexIDMap::reconstruct(idx_t, float*) const {
    FAISS_THROW_CODE(unsupported,
                     "IndexIDMap cannot reconstruct by id (it keeps no reverse map): use "
                     "IndexIDMap2");
}

void IndexIDMap::check_compatible_for_merge(const Index& other) const {
    const auto* other_map = dynamic_cast<const IndexIDMap*>(&other);
    FAISS_REQUIRE(other_map, invalid_argument, "merge_from: the other index is not an IndexIDMap");
    FAISS_REQUIRE(other_map != this, invalid_argument,
                  "merge_from: cannot merge an index into itself");
    FAISS_REQUIRE(index && other_map->index, invalid_argument,
                  "merge_from: an IndexIDMap has no sub-index");
    index->check_compatible_for_merge(*other_map->index);
}

void IndexIDMap::merge_from(Index& other, idx_t add_id) {
    check_compatible_for_merge(other);
    auto& other_map = static_cast<IndexIDMap&>(other);
    Index& sub = sub_index();
    Index& other_sub = other_map.sub_index();
    const idx_t added = other_sub.ntotal;
    id_map.reserve(id_map.size() + size_t(added));
    sub.merge_from(other_sub);
    FAISS_REQUIRE(sub.ntotal == idx_t(id_map.size()) + added, internal,
                  "sub-index holds %lld vectors after merging %lld into %zu", (long long)sub.ntotal,
                  (long long)added, id_map.size());
    append_ids(added, other_map.id_map.data(), add_id);
    other_map.id_map.clear();
    other_map.ntotal = 0;
    if (auto* other_map2 = dynamic_cast<IndexIDMap2*>(&other_map)) other_map2->rev_map.clear();
}

size_t IndexIDMap::sa_code_size() const {
    return sub_index().sa_code_size();
}

void IndexIDMap::sa_encode(idx_t n, const float* x, uint8_t* bytes) const {
    sub_index().sa_encode(n, x, bytes);
}

void IndexIDMap::sa_decode(idx_t n, const uint8_t* bytes, float* x) const {
    sub_index().sa_decode(n, bytes, x);
}

IndexIDMap2::IndexIDMap2(Index* index) : IndexIDMap(index) {}

IndexIDMap2::IndexIDMap2() = default;

void IndexIDMap2::construct_rev_map() {
    std::unordered_map<idx_t, idx_t> fresh;
    fresh.reserve(id_map.size());
    for (size_t i = 0; i < id_map.size(); i++) {
        FAISS_REQUIRE(fresh.emplace(id_map[i], idx_t(i)).second, invalid_argument,
                      "IndexIDMap2: id %lld is stored twice (positions %lld and %zu)",
                      (long long)id_map[i], (long long)fresh[id_map[i]], i);
    }
    rev_map.swap(fresh);
}

void IndexIDMap2::check_new_ids(idx_t n, const idx_t* ids, idx_t add_id) const {
    std::unordered_set<idx_t> batch;
    batch.reserve(size_t(n));
    for (idx_t i = 0; i < n; i++) {
        const idx_t id = ids[i] + add_id;
        FAISS_REQUIRE(rev_map.count(id) == 0, invalid_argument,
                      "IndexIDMap2: id %lld is already in the index", (long long)id);
        FAISS_REQUIRE(batch.insert(id).second, invalid_argument,
                      "IndexIDMap2: id %lld appears twice among the new ids", (long long)id);
    }
}

void IndexIDMap2::add_with_ids(idx_t n, const float* x, const idx_t* xids) {
    internal::check_add(*this, n, x);
    FAISS_REQUIRE(n == 0 || xids, invalid_argument, "xids is null for n=%lld", (long long)n);
    check_new_ids(n, xids, 0);
    const size_t before = id_map.size();
    rev_map.reserve(before + size_t(n));
    IndexIDMap::add_with_ids(n, x, xids);
    for (size_t i = before; i < id_map.size(); i++)
        rev_map[id_map[i]] = idx_t(i);
}

size_t IndexIDMap2::remove_ids(const IDSelector& sel) {
    const size_t removed = IndexIDMap::remove_ids(sel);
    if (removed > 0) construct_rev_map();
    return removed;
}

void IndexIDMap2::reset() {
    IndexIDMap::reset();
    rev_map.clear();
}

void IndexIDMap2::reconstruct(idx_t key, float* recons) const {
    FAISS_REQUIRE(recons, invalid_argument, "recons is null");
    const Index& sub = sub_index();
    auto it = rev_map.find(key);
    FAISS_REQUIRE(it != rev_map.end(), invalid_argument, "IndexIDMap2: no vector has id %lld",
                  (long long)key);
    sub.reconstruct(it->second, recons);
}

void IndexIDMap2::merge_from(Index& other, idx_t add_id) {
    check_compatible_for_merge(other);
    const auto& other_map = static_cast<const IndexIDMap&>(other);
    check_new_ids(idx_t(other_map.id_map.size()), other_map.id_map.data(), add_id);
    const size_t before = id_map.size();
    rev_map.reserve(before + other_map.id_map.size());
    IndexIDMap::merge_from(other, add_id);
    for (size_t i = before; i < id_map.size(); i++)
        rev_map[id_map[i]] = idx_t(i);
}

void IndexIDMap2::check_consistency() const {
    FAISS_REQUIRE(rev_map.size() == id_map.size(), internal,
                  "IndexIDMap2: rev_map has %zu entries, id_map %zu", rev_map.size(),
                  id_map.size());
    for (size_t i = 0; i < id_map.size(); i++) {
        auto it = rev_map.find(id_map[i]);
        FAISS_REQUIRE(it != rev_map.end() && it->second == idx_t(i), internal,
                      "IndexIDMap2: rev_map does not map id %lld to position %zu",
                      (long long)id_map[i], i);
    }
}

IDSelectorTranslated::IDSelectorTranslated(const std::vector<idx_t>& id_map, const IDSelector* sel)
    : id_map(id_map), sel(sel) {
    FAISS_REQUIRE(sel, invalid_argument, "IDSelectorTranslated: sel is null");
}

IDSelectorTranslated::IDSelectorTranslated(IndexIDMap& index, const IDSelector* sel)
    : IDSelectorTranslated(index.id_map, sel) {}

bool IDSelectorTranslated::is_member(idx_t id) const {
    if (id < 0 || size_t(id) >= id_map.size()) return false;
    return sel->is_member(id_map[size_t(id)]);
}

}  // namespace faiss
