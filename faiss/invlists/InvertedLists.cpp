#include <faiss/invlists/InvertedLists.h>

#include <faiss/internal/checks.h>

#include <cstring>

namespace faiss {

InvertedLists::InvertedLists(size_t nlist, size_t code_size) : nlist(nlist), code_size(code_size) {
    FAISS_REQUIRE(code_size > 0, invalid_argument, "inverted lists need code_size > 0");
}

InvertedLists::~InvertedLists() = default;

void InvertedLists::check_list(size_t list_no) const {
    FAISS_REQUIRE(list_no < nlist, invalid_argument, "list number %zu out of range [0, %zu)",
                  list_no, nlist);
}

idx_t InvertedLists::get_single_id(size_t list_no, size_t offset) const {
    FAISS_REQUIRE(offset < list_size(list_no), invalid_argument,
                  "offset %zu out of list %zu of size %zu", offset, list_no, list_size(list_no));
    return get_ids(list_no)[offset];
}

const uint8_t* InvertedLists::get_single_code(size_t list_no, size_t offset) const {
    FAISS_REQUIRE(offset < list_size(list_no), invalid_argument,
                  "offset %zu out of list %zu of size %zu", offset, list_no, list_size(list_no));
    return get_codes(list_no) + offset * code_size;
}

size_t InvertedLists::add_entry(size_t list_no, idx_t theid, const uint8_t* code) {
    return add_entries(list_no, 1, &theid, code);
}

void InvertedLists::update_entry(size_t list_no, size_t offset, idx_t id, const uint8_t* code) {
    update_entries(list_no, offset, 1, &id, code);
}

void InvertedLists::reset() {
    for (size_t i = 0; i < nlist; i++)
        resize(i, 0);
}

void InvertedLists::merge_from(InvertedLists* oivf, size_t add_id) {
    FAISS_REQUIRE(oivf != nullptr, invalid_argument, "merge_from: other lists are null");
    FAISS_REQUIRE(oivf != this, invalid_argument, "merge_from: cannot merge lists into themselves");
    FAISS_REQUIRE(oivf->nlist == nlist && oivf->code_size == code_size, invalid_argument,
                  "merge_from: lists differ (nlist %zu vs %zu, code_size %zu vs %zu)", oivf->nlist,
                  nlist, oivf->code_size, code_size);
    std::vector<idx_t> shifted;
    for (size_t i = 0; i < nlist; i++) {
        size_t n = oivf->list_size(i);
        if (n == 0) continue;
        const idx_t* oids = oivf->get_ids(i);
        if (add_id != 0) {
            shifted.assign(oids, oids + n);
            for (idx_t& id : shifted)
                id += idx_t(add_id);
            oids = shifted.data();
        }
        add_entries(i, n, oids, oivf->get_codes(i));
        oivf->resize(i, 0);
    }
}

size_t InvertedLists::compute_ntotal() const {
    size_t total = 0;
    for (size_t i = 0; i < nlist; i++)
        total += list_size(i);
    return total;
}

double InvertedLists::imbalance_factor() const {
    double total = 0, squares = 0;
    for (size_t i = 0; i < nlist; i++) {
        double s = double(list_size(i));
        total += s;
        squares += s * s;
    }
    return total == 0 ? 1.0 : squares * double(nlist) / (total * total);
}

ArrayInvertedLists::ArrayInvertedLists(size_t nlist, size_t code_size)
    : InvertedLists(nlist, code_size), codes(nlist), ids(nlist) {}

size_t ArrayInvertedLists::list_size(size_t list_no) const {
    check_list(list_no);
    return ids[list_no].size();
}

const uint8_t* ArrayInvertedLists::get_codes(size_t list_no) const {
    check_list(list_no);
    return codes[list_no].data();
}

const idx_t* ArrayInvertedLists::get_ids(size_t list_no) const {
    check_list(list_no);
    return ids[list_no].data();
}

size_t ArrayInvertedLists::add_entries(size_t list_no, size_t n_entry, const idx_t* ids_in,
                                       const uint8_t* code) {
    check_list(list_no);
    if (n_entry == 0) return ids[list_no].size();
    FAISS_REQUIRE(ids_in && code, invalid_argument, "add_entries: null ids or codes");
    size_t o = ids[list_no].size();
    ids[list_no].insert(ids[list_no].end(), ids_in, ids_in + n_entry);
    codes[list_no].insert(codes[list_no].end(), code, code + n_entry * code_size);
    return o;
}

void ArrayInvertedLists::update_entries(size_t list_no, size_t offset, size_t n_entry,
                                        const idx_t* ids_in, const uint8_t* code) {
    check_list(list_no);
    FAISS_REQUIRE(offset + n_entry <= ids[list_no].size(), invalid_argument,
                  "update_entries: entries %zu..%zu out of list %zu of size %zu", offset,
                  offset + n_entry, list_no, ids[list_no].size());
    if (n_entry == 0) return;
    std::memcpy(ids[list_no].data() + offset, ids_in, n_entry * sizeof(idx_t));
    std::memcpy(codes[list_no].data() + offset * code_size, code, n_entry * code_size);
}

void ArrayInvertedLists::resize(size_t list_no, size_t new_size) {
    check_list(list_no);
    ids[list_no].resize(new_size);
    codes[list_no].resize(new_size * code_size);
}

}  // namespace faiss
