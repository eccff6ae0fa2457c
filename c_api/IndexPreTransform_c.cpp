// C bindings of faiss::IndexPreTransform.
#include "IndexPreTransform_c.h"

#include "internal/boundary.h"

#include <faiss/IndexPreTransform.h>
#include <faiss/VectorTransform.h>

#include <memory>

using faiss_c::Boundary;

namespace {

template <class H>
auto* pretransform(const Boundary& b, H* index) {
    return b.typed<faiss::IndexPreTransform, faiss::Index>(index, "index", "an IndexPreTransform");
}

void emit(const Boundary& b, FaissIndexPreTransform** p_index,
          std::unique_ptr<faiss::Index> index) {
    b.need(p_index, "p_index");
    *p_index = faiss_c::handle_of<FaissIndex, faiss::Index>(index.release());
}

}  // namespace

extern "C" {

int faiss_IndexPreTransform_new(FaissIndexPreTransform** p_index) {
    Boundary b(__func__);
    return b.run([&] { emit(b, p_index, std::make_unique<faiss::IndexPreTransform>()); });
}

int faiss_IndexPreTransform_new_with(FaissIndexPreTransform** p_index, FaissIndex* index) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_index, "p_index");
        auto* sub = b.obj<faiss::Index>(index, "index");
        emit(b, p_index, std::make_unique<faiss::IndexPreTransform>(sub));
    });
}

int faiss_IndexPreTransform_new_with_transform(FaissIndexPreTransform** p_index,
                                               FaissVectorTransform* ltrans, FaissIndex* index) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_index, "p_index");
        auto* t = b.obj<faiss::VectorTransform>(ltrans, "ltrans");
        auto* sub = b.obj<faiss::Index>(index, "index");
        emit(b, p_index, std::make_unique<faiss::IndexPreTransform>(t, sub));
    });
}

int faiss_IndexPreTransform_prepend_transform(FaissIndexPreTransform* index,
                                              FaissVectorTransform* ltrans) {
    Boundary b(__func__);
    return b.run([&] {
        auto* t = b.obj<faiss::VectorTransform>(ltrans, "ltrans");
        pretransform(b, index)->prepend_transform(t);
    });
}

FaissIndexPreTransform* faiss_IndexPreTransform_cast(FaissIndex* index) {
    auto* base = reinterpret_cast<faiss::Index*>(index);
    return dynamic_cast<faiss::IndexPreTransform*>(base) ? index : nullptr;
}

void faiss_IndexPreTransform_free(FaissIndexPreTransform* obj) {
    faiss_Index_free(obj);
}

FaissIndex* faiss_IndexPreTransform_index(const FaissIndexPreTransform* index) {
    Boundary b(__func__);
    return b.get<FaissIndex*>(nullptr, [&] {
        return faiss_c::handle_of<FaissIndex, faiss::Index>(pretransform(b, index)->index);
    });
}

int faiss_IndexPreTransform_chain_size(const FaissIndexPreTransform* index) {
    Boundary b(__func__);
    return b.get(-1, [&] { return int(pretransform(b, index)->chain.size()); });
}

FaissVectorTransform* faiss_IndexPreTransform_chain(const FaissIndexPreTransform* index, int i) {
    Boundary b(__func__);
    return b.get<FaissVectorTransform*>(nullptr, [&] {
        const auto& chain = pretransform(b, index)->chain;
        b.require(i >= 0 && size_t(i) < chain.size(), "transform index out of range");
        return faiss_c::handle_of<FaissVectorTransform, faiss::VectorTransform>(chain[size_t(i)]);
    });
}

int faiss_IndexPreTransform_own_fields(const FaissIndexPreTransform* index) {
    Boundary b(__func__);
    return b.get(-1, [&] { return pretransform(b, index)->own_fields ? 1 : 0; });
}

int faiss_IndexPreTransform_set_own_fields(FaissIndexPreTransform* index, int own_fields) {
    Boundary b(__func__);
    return b.run([&] { pretransform(b, index)->own_fields = own_fields != 0; });
}

}  // extern "C"
