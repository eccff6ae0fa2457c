// C bindings of faiss::IndexIDMap and faiss::IndexIDMap2.
#include "IndexIDMap_c.h"

#include "internal/boundary.h"

#include <faiss/IndexIDMap.h>

#include <memory>

using faiss_c::Boundary;

namespace {

template <class MapType>
int new_map(const char* func, FaissIndex** p_index, FaissIndex* index) {
    Boundary b(func);
    return b.run([&] {
        b.need(p_index, "p_index");
        auto* sub = b.obj<faiss::Index>(index, "index");
        std::unique_ptr<faiss::Index> map = std::make_unique<MapType>(sub);
        *p_index = faiss_c::handle_of<FaissIndex, faiss::Index>(map.release());
    });
}

template <class MapType>
const char* type_name();
template <>
const char* type_name<faiss::IndexIDMap>() {
    return "an IndexIDMap";
}
template <>
const char* type_name<faiss::IndexIDMap2>() {
    return "an IndexIDMap2";
}

template <class MapType, class H>
auto* map_of(const Boundary& b, H* index) {
    return b.typed<MapType, faiss::Index>(index, "index", type_name<MapType>());
}

template <class MapType>
int own_fields(const char* func, const FaissIndex* index) {
    Boundary b(func);
    return b.get(-1, [&] { return int(map_of<MapType>(b, index)->own_fields); });
}

template <class MapType>
int set_own_fields(const char* func, FaissIndex* index, int own) {
    Boundary b(func);
    return b.run([&] { map_of<MapType>(b, index)->own_fields = own != 0; });
}

template <class MapType>
int id_map(const char* func, FaissIndex* index, idx_t** p_id_map, size_t* p_size) {
    Boundary b(func);
    return b.run([&] {
        auto* map = map_of<MapType>(b, index);
        b.need(p_id_map, "p_id_map");
        b.need(p_size, "p_size");
        *p_id_map = map->id_map.data();
        *p_size = map->id_map.size();
    });
}

template <class MapType>
FaissIndex* sub_index(const char* func, FaissIndex* index) {
    Boundary b(func);
    return b.get(static_cast<FaissIndex*>(nullptr), [&] {
        return faiss_c::handle_of<FaissIndex, faiss::Index>(map_of<MapType>(b, index)->index);
    });
}

template <class MapType>
FaissIndex* cast_map(FaissIndex* index) {
    auto* base = reinterpret_cast<faiss::Index*>(index);
    return dynamic_cast<MapType*>(base) ? index : nullptr;
}

}  // namespace

extern "C" {

int faiss_IndexIDMap_new(FaissIndexIDMap** p_index, FaissIndex* index) {
    return new_map<faiss::IndexIDMap>(__func__, p_index, index);
}

FaissIndexIDMap* faiss_IndexIDMap_cast(FaissIndex* index) {
    return cast_map<faiss::IndexIDMap>(index);
}

int faiss_IndexIDMap_own_fields(const FaissIndexIDMap* index) {
    return own_fields<faiss::IndexIDMap>(__func__, index);
}

int faiss_IndexIDMap_set_own_fields(FaissIndexIDMap* index, int own) {
    return set_own_fields<faiss::IndexIDMap>(__func__, index, own);
}

int faiss_IndexIDMap_id_map(FaissIndexIDMap* index, idx_t** p_id_map, size_t* p_size) {
    return id_map<faiss::IndexIDMap>(__func__, index, p_id_map, p_size);
}

FaissIndex* faiss_IndexIDMap_sub_index(FaissIndexIDMap* index) {
    return sub_index<faiss::IndexIDMap>(__func__, index);
}

void faiss_IndexIDMap_free(FaissIndexIDMap* obj) {
    faiss_Index_free(obj);
}

int faiss_IndexIDMap2_new(FaissIndexIDMap2** p_index, FaissIndex* index) {
    return new_map<faiss::IndexIDMap2>(__func__, p_index, index);
}

int faiss_IndexIDMap2_construct_rev_map(FaissIndexIDMap2* index) {
    Boundary b(__func__);
    return b.run([&] { map_of<faiss::IndexIDMap2>(b, index)->construct_rev_map(); });
}

FaissIndexIDMap2* faiss_IndexIDMap2_cast(FaissIndex* index) {
    return cast_map<faiss::IndexIDMap2>(index);
}

int faiss_IndexIDMap2_own_fields(const FaissIndexIDMap2* index) {
    return own_fields<faiss::IndexIDMap2>(__func__, index);
}

int faiss_IndexIDMap2_set_own_fields(FaissIndexIDMap2* index, int own) {
    return set_own_fields<faiss::IndexIDMap2>(__func__, index, own);
}

int faiss_IndexIDMap2_id_map(FaissIndexIDMap2* index, idx_t** p_id_map, size_t* p_size) {
    return id_map<faiss::IndexIDMap2>(__func__, index, p_id_map, p_size);
}

FaissIndex* faiss_IndexIDMap2_sub_index(FaissIndexIDMap2* index) {
    return sub_index<faiss::IndexIDMap2>(__func__, index);
}

void faiss_IndexIDMap2_free(FaissIndexIDMap2* obj) {
    faiss_Index_free(obj);
}

}  // extern "C"
