#include <faiss/invlists/DirectMap.h>

#include <faiss/IDSelector.h>
#include <faiss/internal/checks.h>
#include <faiss/internal/omp_exceptions.h>
#include <faiss/invlists/InvertedLists.h>

#include <cstdint>

namespace faiss {

void DirectMap::set_type(Type new_type, const InvertedLists* invlists, size_t ntotal) {
    FAISS_REQUIRE(new_type == NoMap || new_type == Array || new_type == Hashtable, invalid_argument,
                  "unknown direct map type %d", int(new_type));
    FAISS_REQUIRE(new_type == NoMap || invlists != nullptr, invalid_argument,
                  "a direct map needs inverted lists");
    type = NoMap;
    array.clear();
    hashtable.clear();
    if (new_type == NoMap) return;
    if (new_type == Array) {
        array.assign(ntotal, -1);
    } else {
        hashtable.reserve(ntotal);
    }
    for (size_t l = 0; l < invlists->nlist; l++) {
        size_t n = invlists->list_size(l);
        const idx_t* ids = invlists->get_ids(l);
        for (size_t o = 0; o < n; o++) {
            idx_t id = ids[o];
            idx_t lo = lo_build(idx_t(l), idx_t(o));
            if (new_type == Array) {
                if (id < 0 || size_t(id) >= ntotal || array[id] != -1) {
                    array.clear();
                    FAISS_THROW_CODE(invalid_argument,
                                     "an Array direct map needs ids 0..ntotal-1 (ntotal = %zu), "
                                     "found id %lld; use DirectMap::Hashtable for chosen ids",
                                     ntotal, (long long)id);
                }
                array[id] = lo;
            } else if (!hashtable.emplace(id, lo).second) {
                hashtable.clear();
                FAISS_THROW_CODE(invalid_argument,
                                 "a Hashtable direct map needs unique ids, id %lld appears twice",
                                 (long long)id);
            }
        }
    }
    type = new_type;
}

idx_t DirectMap::get(idx_t key) const {
    FAISS_REQUIRE(type != NoMap, invalid_argument,
                  "no direct map: call make_direct_map() (or set_direct_map_type) on the IVF "
                  "index before reconstructing by id");
    if (type == Array) {
        FAISS_REQUIRE(key >= 0 && size_t(key) < array.size() && array[key] >= 0, invalid_argument,
                      "id %lld is not in the index", (long long)key);
        return array[key];
    }
    auto it = hashtable.find(key);
    FAISS_REQUIRE(it != hashtable.end(), invalid_argument, "id %lld is not in the index",
                  (long long)key);
    return it->second;
}

void DirectMap::check_can_add(const idx_t* ids) const {
    FAISS_REQUIRE(!(type == Array && ids != nullptr), unsupported,
                  "cannot add with ids to an index with an Array direct map; use "
                  "DirectMap::Hashtable");
}

void DirectMap::add_single_id(idx_t id, idx_t list_no, size_t offset) {
    if (type == NoMap) return;
    idx_t lo = list_no >= 0 ? lo_build(list_no, idx_t(offset)) : -1;
    if (type == Array) {
        FAISS_REQUIRE(id == idx_t(array.size()), internal,
                      "Array direct map expects id %zu, got %lld", array.size(), (long long)id);
        array.push_back(lo);
    } else if (list_no >= 0) {
        hashtable[id] = lo;
    } else {
        hashtable.erase(id);
    }
}

void DirectMap::clear() {
    array.clear();
    hashtable.clear();
}

size_t DirectMap::remove_ids(const IDSelector& sel, InvertedLists* invlists) {
    FAISS_REQUIRE(type != Array, unsupported,
                  "remove_ids is not supported with an Array direct map; switch to "
                  "DirectMap::Hashtable or NoMap first");
    FAISS_REQUIRE(invlists != nullptr, invalid_argument, "remove_ids: no inverted lists");
    const size_t nlist = invlists->nlist;
    const size_t cs = invlists->code_size;
    std::vector<size_t> removed(nlist, 0);
    internal::ExceptionCollector errors;
    // Lists are independent: each thread compacts its own lists. The hashtable is only
    // updated afterwards, sequentially.
#pragma omp parallel for schedule(dynamic)
    for (int64_t l = 0; l < int64_t(nlist); l++) {
        errors.run([&] {
            size_t n = invlists->list_size(l);
            size_t o = 0;
            while (o < n) {
                idx_t id = invlists->get_ids(l)[o];
                if (!sel.is_member(id)) {
                    o++;
                    continue;
                }
                n--;
                if (o < n) {
                    idx_t last_id = invlists->get_ids(l)[n];
                    std::vector<uint8_t> code(invlists->get_codes(l) + n * cs,
                                              invlists->get_codes(l) + (n + 1) * cs);
                    invlists->update_entry(l, o, last_id, code.data());
                }
                removed[l]++;
            }
            invlists->resize(l, n);
        });
    }
    errors.rethrow();
    size_t total = 0;
    for (size_t r : removed)
        total += r;
    if (type == Hashtable && total > 0) {
        for (auto it = hashtable.begin(); it != hashtable.end();) {
            if (sel.is_member(it->first)) {
                it = hashtable.erase(it);
            } else {
                ++it;
            }
        }
        for (size_t l = 0; l < nlist; l++) {
            size_t n = invlists->list_size(l);
            const idx_t* ids = invlists->get_ids(l);
            for (size_t o = 0; o < n; o++)
                hashtable[ids[o]] = lo_build(idx_t(l), idx_t(o));
        }
    }
    return total;
}

}  // namespace faiss
