// Storage, maintenance and generic exhaustive search of flat code indexes.
#include <faiss/IndexFlatCodes.h>

#include <faiss/IDSelector.h>
#include <faiss/RangeSearchResult.h>
#include <faiss/internal/checks.h>
#include <faiss/internal/index_checks.h>
#include <faiss/internal/topk_search.h>

#include <cstring>
#include <typeinfo>

namespace faiss {

IndexFlatCodes::IndexFlatCodes() : Index(0, METRIC_L2), code_size(0) {}

IndexFlatCodes::IndexFlatCodes(size_t code_size, idx_t d, MetricType metric)
    : Index(d, metric), code_size(code_size) {}

void IndexFlatCodes::check_codes_writable(const char* operation) const {
    FAISS_REQUIRE(!codes.is_read_only(), unsupported,
                  "%s: this index is memory-mapped read-only (%s, loaded with IO_FLAG_MMAP | "
                  "IO_FLAG_READ_ONLY). To modify it, read it without IO_FLAG_READ_ONLY "
                  "(copy-on-write) or without IO_FLAG_MMAP, or copy it with clone_index()",
                  operation, codes.origin().c_str());
}

void IndexFlatCodes::add(idx_t n, const float* x) {
    check_codes_writable("add");
    internal::check_add(*this, n, x);
    if (n == 0) return;
    const size_t old_size = codes.size();
    codes.resize(old_size + size_t(n) * code_size);
    try {
        sa_encode(n, x, codes.data() + old_size);
    } catch (...) {
        codes.resize(old_size);
        throw;
    }
    ntotal += n;
}

void IndexFlatCodes::add_sa_codes(idx_t n, const uint8_t* codes_in, const idx_t* xids) {
    check_codes_writable("add_sa_codes");
    FAISS_REQUIRE(n >= 0, invalid_argument, "number of codes must be >= 0, got %lld", (long long)n);
    FAISS_REQUIRE(n == 0 || codes_in, invalid_argument, "codes pointer is null for n=%lld",
                  (long long)n);
    FAISS_REQUIRE(!xids, unsupported,
                  "a flat code index numbers vectors sequentially; wrap it in an IndexIDMap "
                  "to attach ids");
    codes.insert(codes.end(), codes_in, codes_in + size_t(n) * code_size);
    ntotal += n;
}

void IndexFlatCodes::reset() {
    check_codes_writable("reset");
    codes.clear();
    ntotal = 0;
}

void IndexFlatCodes::reconstruct_n(idx_t i0, idx_t ni, float* recons) const {
    FAISS_REQUIRE(ni >= 0 && i0 >= 0 && i0 <= ntotal && ni <= ntotal - i0, invalid_argument,
                  "range [%lld, %lld + %lld) is outside [0, ntotal=%lld)", (long long)i0,
                  (long long)i0, (long long)ni, (long long)ntotal);
    FAISS_REQUIRE(ni == 0 || recons, invalid_argument, "recons is null");
    if (ni == 0) return;
    sa_decode(ni, codes.data() + size_t(i0) * code_size, recons);
}

void IndexFlatCodes::reconstruct(idx_t key, float* recons) const {
    internal::check_key(*this, key);
    FAISS_REQUIRE(recons, invalid_argument, "recons is null");
    sa_decode(1, codes.data() + size_t(key) * code_size, recons);
}

size_t IndexFlatCodes::sa_code_size() const {
    return code_size;
}

size_t IndexFlatCodes::remove_ids(const IDSelector& sel) {
    check_codes_writable("remove_ids");
    size_t kept = 0;
    for (idx_t i = 0; i < ntotal; i++) {
        if (sel.is_member(i)) continue;
        if (kept != size_t(i)) {
            std::memmove(codes.data() + kept * code_size, codes.data() + size_t(i) * code_size,
                         code_size);
        }
        kept++;
    }
    const size_t removed = size_t(ntotal) - kept;
    codes.resize(kept * code_size);
    ntotal = idx_t(kept);
    return removed;
}

namespace {

// The exact engine's view of a codes index: it decodes blocks of codes with sa_decode.
internal::ExactDatabase decoding_database(const IndexFlatCodes& index,
                                          const SearchParameters* params) {
    FAISS_REQUIRE(is_known_metric(index.metric_type), invalid_argument, "unknown metric type %d",
                  int(index.metric_type));
    internal::ExactDatabase db;
    db.d = size_t(index.d);
    db.nb = size_t(index.ntotal);
    db.decode_block = [&index](size_t i0, size_t ni, float* out) {
        index.sa_decode(idx_t(ni), index.codes.data() + i0 * index.code_size, out);
    };
    db.metric = index.metric_type;
    db.metric_arg = index.metric_arg;
    db.sel = params ? params->sel : nullptr;
    return db;
}

}  // namespace

void IndexFlatCodes::search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                            const SearchParameters* params) const {
    internal::check_search_outputs(*this, n, x, k, distances, labels);
    const internal::ExactDatabase db = decoding_database(*this, params);
    internal::exact_knn(db, size_t(n), x, size_t(k), distances, labels);
}

void IndexFlatCodes::range_search(idx_t n, const float* x, float radius, RangeSearchResult* result,
                                  const SearchParameters* params) const {
    internal::check_range_search(*this, n, x, result);
    const internal::ExactDatabase db = decoding_database(*this, params);
    internal::exact_range_search(db, size_t(n), x, radius, result);
}

void IndexFlatCodes::check_compatible_for_merge(const Index& other) const {
    const auto* o = dynamic_cast<const IndexFlatCodes*>(&other);
    FAISS_REQUIRE(o && typeid(*o) == typeid(*this), invalid_argument,
                  "cannot merge an index of another type into this flat code index");
    FAISS_REQUIRE(o->d == d && o->code_size == code_size, invalid_argument,
                  "cannot merge: d=%d code_size=%zu vs d=%d code_size=%zu", o->d, o->code_size, d,
                  code_size);
    FAISS_REQUIRE(o->metric_type == metric_type && o->metric_arg == metric_arg, invalid_argument,
                  "cannot merge: metric %s vs %s", metric_name(o->metric_type),
                  metric_name(metric_type));
}

void IndexFlatCodes::merge_from(Index& other, idx_t add_id) {
    FAISS_REQUIRE(add_id == 0, invalid_argument,
                  "a flat code index numbers vectors sequentially; add_id must be 0, got %lld",
                  (long long)add_id);
    FAISS_REQUIRE(&other != this, invalid_argument, "cannot merge an index into itself");
    check_compatible_for_merge(other);
    auto& o = static_cast<IndexFlatCodes&>(other);
    check_codes_writable("merge_from");
    o.check_codes_writable("merge_from (the merged index is emptied)");
    codes.insert(codes.end(), o.codes.begin(), o.codes.end());
    ntotal += o.ntotal;
    o.reset();
}

void IndexFlatCodes::permute_entries(const idx_t* perm) {
    check_codes_writable("permute_entries");
    FAISS_REQUIRE(ntotal == 0 || perm, invalid_argument, "perm is null");
    std::vector<uint8_t> seen(size_t(ntotal), 0);
    for (idx_t i = 0; i < ntotal; i++) {
        FAISS_REQUIRE(perm[i] >= 0 && perm[i] < ntotal && !seen[size_t(perm[i])], invalid_argument,
                      "perm is not a permutation: perm[%lld]=%lld", (long long)i,
                      (long long)perm[i]);
        seen[size_t(perm[i])] = 1;
    }
    std::vector<uint8_t> permuted(codes.size());
    for (idx_t i = 0; i < ntotal; i++) {
        std::memcpy(permuted.data() + size_t(i) * code_size,
                    codes.data() + size_t(perm[i]) * code_size, code_size);
    }
    codes.swap(permuted);
}

}  // namespace faiss
