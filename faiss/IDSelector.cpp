#include <faiss/IDSelector.h>

#include <faiss/internal/checks.h>

#include <algorithm>

namespace faiss {

IDSelectorRange::IDSelectorRange(idx_t imin, idx_t imax, bool assume_sorted)
    : imin(imin), imax(imax), assume_sorted(assume_sorted) {
    FAISS_REQUIRE(imin <= imax, invalid_argument,
                  "IDSelectorRange needs imin <= imax, got imin=%lld imax=%lld", (long long)imin,
                  (long long)imax);
}

bool IDSelectorRange::is_member(idx_t id) const {
    return id >= imin && id < imax;
}

void IDSelectorRange::find_sorted_ids_bounds(size_t list_size, const idx_t* ids, size_t* jmin,
                                             size_t* jmax) const {
    FAISS_REQUIRE(jmin && jmax, invalid_argument, "jmin or jmax is null");
    FAISS_REQUIRE(list_size == 0 || ids, invalid_argument, "ids is null for list_size=%zu",
                  list_size);
    const idx_t* end = ids + list_size;
    const idx_t* lo = std::lower_bound(ids, end, imin);
    const idx_t* hi = std::lower_bound(lo, end, imax);
    *jmin = size_t(lo - ids);
    *jmax = size_t(hi - ids);
}

IDSelectorArray::IDSelectorArray(size_t n, const idx_t* ids) : n(n), ids(ids) {
    FAISS_REQUIRE(n == 0 || ids, invalid_argument, "IDSelectorArray: ids is null for n=%zu", n);
}

bool IDSelectorArray::is_member(idx_t id) const {
    for (size_t i = 0; i < n; i++) {
        if (ids[i] == id) return true;
    }
    return false;
}

namespace {

// A strong 64-bit mixer (the splitmix64 finaliser), so consecutive ids spread over
// the whole bloom filter.
uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

}  // namespace

IDSelectorBatch::IDSelectorBatch(size_t n, const idx_t* indices) {
    FAISS_REQUIRE(n == 0 || indices, invalid_argument, "IDSelectorBatch: indices is null for n=%zu",
                  n);
    // About 8 filter bits per id keeps false positives near 1/8 with one hash; the cap
    // bounds the filter at 32 MiB for very large sets.
    nbits = 6;
    while (nbits < 28 && (size_t(1) << nbits) < 8 * n)
        nbits++;
    mask = (idx_t(1) << nbits) - 1;
    bloom.assign(size_t(1) << (nbits - 3), 0);
    set.reserve(n);
    for (size_t i = 0; i < n; i++) {
        set.insert(indices[i]);
        size_t bit = bloom_bit(indices[i]);
        bloom[bit >> 3] |= uint8_t(1u << (bit & 7));
    }
}

size_t IDSelectorBatch::bloom_bit(idx_t id) const {
    return size_t(mix64(uint64_t(id)) & uint64_t(mask));
}

bool IDSelectorBatch::is_member(idx_t id) const {
    size_t bit = bloom_bit(id);
    if (!((bloom[bit >> 3] >> (bit & 7)) & 1)) return false;
    return set.count(id) != 0;
}

IDSelectorBitmap::IDSelectorBitmap(size_t n, const uint8_t* bitmap) : n(n), bitmap(bitmap) {
    FAISS_REQUIRE(n == 0 || bitmap, invalid_argument,
                  "IDSelectorBitmap: bitmap is null for n=%zu bytes", n);
}

bool IDSelectorBitmap::is_member(idx_t id) const {
    if (id < 0) return false;
    uint64_t byte = uint64_t(id) >> 3;
    if (byte >= n) return false;
    return (bitmap[byte] >> (id & 7)) & 1;
}

IDSelectorNot::IDSelectorNot(const IDSelector* sel) : sel(sel) {
    FAISS_REQUIRE(sel, invalid_argument, "IDSelectorNot: sel is null");
}

bool IDSelectorNot::is_member(idx_t id) const {
    return !sel->is_member(id);
}

bool IDSelectorAll::is_member(idx_t) const {
    return true;
}

namespace {

void check_operands(const char* name, const IDSelector* lhs, const IDSelector* rhs) {
    FAISS_REQUIRE(lhs && rhs, invalid_argument, "%s: %s is null", name,
                  lhs ? "rhs" : (rhs ? "lhs" : "lhs and rhs"));
}

}  // namespace

IDSelectorAnd::IDSelectorAnd(const IDSelector* lhs, const IDSelector* rhs) : lhs(lhs), rhs(rhs) {
    check_operands("IDSelectorAnd", lhs, rhs);
}

bool IDSelectorAnd::is_member(idx_t id) const {
    return lhs->is_member(id) && rhs->is_member(id);
}

IDSelectorOr::IDSelectorOr(const IDSelector* lhs, const IDSelector* rhs) : lhs(lhs), rhs(rhs) {
    check_operands("IDSelectorOr", lhs, rhs);
}

bool IDSelectorOr::is_member(idx_t id) const {
    return lhs->is_member(id) || rhs->is_member(id);
}

IDSelectorXOr::IDSelectorXOr(const IDSelector* lhs, const IDSelector* rhs) : lhs(lhs), rhs(rhs) {
    check_operands("IDSelectorXOr", lhs, rhs);
}

bool IDSelectorXOr::is_member(idx_t id) const {
    return lhs->is_member(id) != rhs->is_member(id);
}

}  // namespace faiss
