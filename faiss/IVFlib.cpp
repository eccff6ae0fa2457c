#include <faiss/IVFlib.h>

#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/IndexRefine.h>
#include <faiss/internal/checks.h>

namespace faiss {

namespace {

/// The one sub-index a wrapper searches through, or nullptr if index is not a wrapper.
const Index* wrapped_index(const Index* index) {
    if (auto idmap = dynamic_cast<const IndexIDMap*>(index)) {
        return idmap->index;
    }
    if (auto refine = dynamic_cast<const IndexRefine*>(index)) {
        return refine->base_index;
    }
    if (auto pretransform = dynamic_cast<const IndexPreTransform*>(index)) {
        return pretransform->index;
    }
    return nullptr;
}

}  // namespace

const IndexIVF* try_extract_index_ivf(const Index* index) {
    // Wrappers nest only a few levels deep; the bound guards against a cycle made by
    // hand (an index wrapping itself), which would otherwise loop forever.
    for (int depth = 0; index != nullptr && depth < 64; depth++) {
        if (auto ivf = dynamic_cast<const IndexIVF*>(index)) {
            return ivf;
        }
        index = wrapped_index(index);
    }
    return nullptr;
}

IndexIVF* try_extract_index_ivf(Index* index) {
    return const_cast<IndexIVF*>(try_extract_index_ivf(static_cast<const Index*>(index)));
}

const IndexIVF* extract_index_ivf(const Index* index) {
    FAISS_REQUIRE(index != nullptr, invalid_argument, "extract_index_ivf: index is null");
    const IndexIVF* ivf = try_extract_index_ivf(index);
    FAISS_REQUIRE(ivf != nullptr, invalid_argument,
                  "extract_index_ivf: the index (d=%d, ntotal=%lld) is not an IndexIVF and "
                  "holds none behind IndexIDMap, IndexRefine or IndexPreTransform",
                  index->d, (long long)index->ntotal);
    return ivf;
}

IndexIVF* extract_index_ivf(Index* index) {
    return const_cast<IndexIVF*>(extract_index_ivf(static_cast<const Index*>(index)));
}

}  // namespace faiss
