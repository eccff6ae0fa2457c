// C bindings of faiss::IndexRefine and faiss::IndexRefineFlat.
#include "IndexRefine_c.h"

#include "internal/boundary.h"

#include <faiss/IndexRefine.h>

#include <memory>

using faiss_c::Boundary;

namespace {

template <class H>
auto* refine(const Boundary& b, H* index) {
    return b.typed<faiss::IndexRefine, faiss::Index>(index, "index", "an IndexRefine");
}

}  // namespace

extern "C" {

int faiss_IndexRefine_new(FaissIndexRefine** p_index, FaissIndex* base_index,
                          FaissIndex* refine_index) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_index, "p_index");
        auto* base = b.obj<faiss::Index>(base_index, "base_index");
        auto* ref = b.obj<faiss::Index>(refine_index, "refine_index");
        std::unique_ptr<faiss::Index> index = std::make_unique<faiss::IndexRefine>(base, ref);
        *p_index = faiss_c::handle_of<FaissIndex, faiss::Index>(index.release());
    });
}

int faiss_IndexRefineFlat_new(FaissIndexRefineFlat** p_index, FaissIndex* base_index) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_index, "p_index");
        auto* base = b.obj<faiss::Index>(base_index, "base_index");
        std::unique_ptr<faiss::Index> index = std::make_unique<faiss::IndexRefineFlat>(base);
        *p_index = faiss_c::handle_of<FaissIndex, faiss::Index>(index.release());
    });
}

FaissIndexRefine* faiss_IndexRefine_cast(FaissIndex* index) {
    auto* base = reinterpret_cast<faiss::Index*>(index);
    return dynamic_cast<faiss::IndexRefine*>(base) ? index : nullptr;
}

FaissIndexRefineFlat* faiss_IndexRefineFlat_cast(FaissIndex* index) {
    auto* base = reinterpret_cast<faiss::Index*>(index);
    return dynamic_cast<faiss::IndexRefineFlat*>(base) ? index : nullptr;
}

void faiss_IndexRefine_free(FaissIndexRefine* obj) {
    faiss_Index_free(obj);
}

void faiss_IndexRefineFlat_free(FaissIndexRefineFlat* obj) {
    faiss_Index_free(obj);
}

FaissIndex* faiss_IndexRefine_base_index(const FaissIndexRefine* index) {
    Boundary b(__func__);
    return b.get<FaissIndex*>(nullptr, [&] {
        return faiss_c::handle_of<FaissIndex, faiss::Index>(refine(b, index)->base_index);
    });
}

FaissIndex* faiss_IndexRefine_refine_index(const FaissIndexRefine* index) {
    Boundary b(__func__);
    return b.get<FaissIndex*>(nullptr, [&] {
        return faiss_c::handle_of<FaissIndex, faiss::Index>(refine(b, index)->refine_index);
    });
}

float faiss_IndexRefine_k_factor(const FaissIndexRefine* index) {
    Boundary b(__func__);
    return b.get(-1.0f, [&] { return refine(b, index)->k_factor; });
}

int faiss_IndexRefine_set_k_factor(FaissIndexRefine* index, float k_factor) {
    Boundary b(__func__);
    return b.run([&] {
        b.require(k_factor >= 1, "k_factor must be >= 1");
        refine(b, index)->k_factor = k_factor;
    });
}

float faiss_IndexRefineFlat_k_factor(const FaissIndexRefineFlat* index) {
    return faiss_IndexRefine_k_factor(index);
}

int faiss_IndexRefineFlat_set_k_factor(FaissIndexRefineFlat* index, float k_factor) {
    return faiss_IndexRefine_set_k_factor(index, k_factor);
}

int faiss_IndexRefine_own_fields(const FaissIndexRefine* index) {
    Boundary b(__func__);
    return b.get(-1, [&] { return refine(b, index)->own_fields ? 1 : 0; });
}

int faiss_IndexRefine_set_own_fields(FaissIndexRefine* index, int own_fields) {
    Boundary b(__func__);
    return b.run([&] { refine(b, index)->own_fields = own_fields != 0; });
}

int faiss_IndexRefineFlat_own_fields(const FaissIndexRefineFlat* index) {
    return faiss_IndexRefine_own_fields(index);
}

int faiss_IndexRefineFlat_set_own_fields(FaissIndexRefineFlat* index, int own_fields) {
    return faiss_IndexRefine_set_own_fields(index, own_fields);
}

int faiss_IndexRefine_own_refine_index(const FaissIndexRefine* index) {
    Boundary b(__func__);
    return b.get(-1, [&] { return refine(b, index)->own_refine_index ? 1 : 0; });
}

int faiss_IndexRefine_set_own_refine_index(FaissIndexRefine* index, int own) {
    Boundary b(__func__);
    return b.run([&] { refine(b, index)->own_refine_index = own != 0; });
}

}  // extern "C"
