// reverse_index_factory: one describer per index family, tried in order; each returns
// the family's factory string or nullopt when the index is not of its family.
#include <faiss/index_factory.h>

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexIVFScalarQuantizer.h>
#include <faiss/IndexPQ.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/IndexRefine.h>
#include <faiss/IndexScalarQuantizer.h>
#include <faiss/VectorTransform.h>
#include <faiss/factory/parser.h>
#include <faiss/internal/checks.h>

#include <optional>
#include <string>
#include <typeinfo>

namespace faiss {

namespace {

using Describer = std::optional<std::string> (*)(const Index*);

std::string pq_string(const ProductQuantizer& pq) {
    return "PQ" + std::to_string(pq.M) + "x" + std::to_string(pq.nbits);
}

std::string sq_string(const ScalarQuantizer& sq) {
    std::string name = factory::sq_name(int(sq.qtype));
    FAISS_REQUIRE(!name.empty(), unsupported,
                  "reverse_index_factory: no factory string selects scalar quantizer type %d",
                  int(sq.qtype));
    return name;
}

// Exact class match: a subclass may carry state the parent's string would not rebuild.
template <class T>
const T* exactly(const Index* index) {
    return typeid(*index) == typeid(T) ? static_cast<const T*>(index) : nullptr;
}

std::optional<std::string> describe_flat(const Index* index) {
    if (exactly<IndexFlat>(index) || exactly<IndexFlatL2>(index) || exactly<IndexFlatIP>(index)) {
        return "Flat";
    }
    return std::nullopt;
}

std::optional<std::string> describe_codec(const Index* index) {
    if (auto* pq = exactly<IndexPQ>(index)) return pq_string(pq->pq);
    if (auto* sq = exactly<IndexScalarQuantizer>(index)) return sq_string(sq->sq);
    return std::nullopt;
}

// "HNSW<M>[_<codec>]"; M is the link count of the upper levels (level 0 has 2 M).
std::optional<std::string> describe_hnsw(const Index* index) {
    auto* h = dynamic_cast<const IndexHNSW*>(index);
    if (!h) return std::nullopt;
    const std::string head = "HNSW" + std::to_string(h->hnsw.nb_neighbors(1));
    FAISS_REQUIRE(h->storage, unsupported, "reverse_index_factory: IndexHNSW without storage");
    if (exactly<IndexHNSWFlat>(index)) return head;
    if (exactly<IndexHNSWSQ>(index)) {
        if (auto* sq = dynamic_cast<const IndexScalarQuantizer*>(h->storage)) {
            return head + "_" + sq_string(sq->sq);
        }
    }
    if (exactly<IndexHNSWPQ>(index)) {
        if (auto* pq = dynamic_cast<const IndexPQ*>(h->storage)) {
            return head + "_" + pq_string(pq->pq);
        }
    }
    FAISS_THROW_CODE(unsupported, "reverse_index_factory: no factory string for this HNSW index");
}

// The coarse part "IVF<nlist>[...]"; a flat quantizer is implied, others go in parentheses.
std::string describe_coarse(const IndexIVF& ivf) {
    const std::string head = "IVF" + std::to_string(ivf.nlist);
    FAISS_REQUIRE(ivf.quantizer, unsupported, "reverse_index_factory: IVF without quantizer");
    if (ivf.quantizer->metric_type == ivf.metric_type) {
        if (describe_flat(ivf.quantizer)) return head;
        if (exactly<IndexHNSWFlat>(ivf.quantizer))
            return "IVF" + std::to_string(ivf.nlist) + "_" + *describe_hnsw(ivf.quantizer);
    }
    return head + "(" + reverse_index_factory(ivf.quantizer) + ")";
}

std::optional<std::string> describe_ivf(const Index* index) {
    std::string codec;
    const IndexIVF* ivf = nullptr;
    if (auto* f = exactly<IndexIVFFlat>(index)) {
        ivf = f;
        codec = "Flat";
    } else if (auto* pq = exactly<IndexIVFPQ>(index)) {
        FAISS_REQUIRE(pq->by_residual, unsupported,
                      "reverse_index_factory: no factory string builds an IndexIVFPQ with "
                      "by_residual = false");
        ivf = pq;
        codec = pq_string(pq->pq);
    } else if (auto* sq = exactly<IndexIVFScalarQuantizer>(index)) {
        FAISS_REQUIRE(sq->by_residual, unsupported,
                      "reverse_index_factory: no factory string builds an "
                      "IndexIVFScalarQuantizer with by_residual = false");
        ivf = sq;
        codec = sq_string(sq->sq);
    } else {
        return std::nullopt;
    }
    return describe_coarse(*ivf) + "," + codec;
}

// "IDMap,X" reads right in every position but under a refinement, whose base must be
// written "X,IDMap" (the prefix form would wrap the refinement instead).
std::optional<std::string> describe_id_map(const Index* index, bool as_suffix) {
    const char* name = nullptr;
    if (exactly<IndexIDMap2>(index)) name = "IDMap2";
    if (exactly<IndexIDMap>(index)) name = "IDMap";
    if (!name) return std::nullopt;
    const std::string inner = reverse_index_factory(static_cast<const IndexIDMap*>(index)->index);
    return as_suffix ? inner + "," + name : std::string(name) + "," + inner;
}

std::optional<std::string> describe_refine(const Index* index) {
    auto* r = dynamic_cast<const IndexRefine*>(index);
    if (!r || !(exactly<IndexRefine>(index) || exactly<IndexRefineFlat>(index))) {
        return std::nullopt;
    }
    FAISS_REQUIRE(r->base_index && r->refine_index, unsupported,
                  "reverse_index_factory: IndexRefine without base or refine index");
    std::optional<std::string> base = describe_id_map(r->base_index, true);
    if (!base) base = reverse_index_factory(r->base_index);
    if (exactly<IndexRefineFlat>(index) && describe_flat(r->refine_index) &&
        r->refine_index->metric_type == r->metric_type) {
        return *base + ",RFlat";
    }
    return *base + ",Refine(" + reverse_index_factory(r->refine_index) + ")";
}

std::optional<std::string> describe_id_map_prefix(const Index* index) {
    return describe_id_map(index, false);
}

std::string describe_transform(const VectorTransform* vt) {
    FAISS_REQUIRE(vt, unsupported, "reverse_index_factory: null transform in the chain");
    const std::string n = std::to_string(vt->d_out);
    if (auto* pca = dynamic_cast<const PCAMatrix*>(vt); pca && typeid(*vt) == typeid(PCAMatrix)) {
        FAISS_REQUIRE(
            (pca->eigen_power == 0 || pca->eigen_power == -0.5f) && pca->balanced_bins == 0,
            unsupported,
            "reverse_index_factory: no factory string builds a PCAMatrix with "
            "eigen_power %g and balanced_bins %d",
            pca->eigen_power, pca->balanced_bins);
        return std::string("PCA") + (pca->eigen_power != 0 ? "W" : "") +
               (pca->random_rotation ? "R" : "") + n;
    }
    if (auto* opq = dynamic_cast<const OPQMatrix*>(vt)) {
        const std::string head = "OPQ" + std::to_string(opq->M);
        return vt->d_out == vt->d_in ? head : head + "_" + n;
    }
    if (typeid(*vt) == typeid(RandomRotationMatrix)) return "RR" + n;
    if (auto* norm = dynamic_cast<const NormalizationTransform*>(vt); norm && norm->norm == 2.0f) {
        return "L2norm";
    }
    if (auto* hr = dynamic_cast<const HadamardRotation*>(vt)) {
        return hr->seed == 12345 ? std::string("HR") : "HR" + std::to_string(hr->seed);
    }
    if (auto* itq = dynamic_cast<const ITQTransform*>(vt);
        itq && itq->do_pca == (vt->d_out != vt->d_in)) {
        return vt->d_out == vt->d_in ? std::string("ITQ") : "ITQ" + n;
    }
    FAISS_THROW_CODE(unsupported, "reverse_index_factory: no factory string for transform %s",
                     typeid(*vt).name());
}

// Suffix wrappers would bind tighter than the transforms: "PCA8,X,RFlat" is a refinement
// of the pre-transformed X, not a pre-transform of a refinement.
bool ends_with_suffix_wrapper(const std::string& s) {
    const size_t comma = s.rfind(',');
    if (comma == std::string::npos) return false;
    const std::string last = s.substr(comma + 1);
    return last == "RFlat" || last == "IDMap" || last == "IDMap2" ||
           (last.compare(0, 7, "Refine(") == 0) || s.back() == ')';
}

std::optional<std::string> describe_pretransform(const Index* index) {
    auto* pt = exactly<IndexPreTransform>(index);
    if (!pt) return std::nullopt;
    FAISS_REQUIRE(pt->index, unsupported, "reverse_index_factory: IndexPreTransform without index");
    std::string prefix;
    for (const VectorTransform* vt : pt->chain)
        prefix += describe_transform(vt) + ",";
    const std::string inner = reverse_index_factory(pt->index);
    FAISS_REQUIRE(!ends_with_suffix_wrapper(inner), unsupported,
                  "reverse_index_factory: no factory string puts a transform around \"%s\"",
                  inner.c_str());
    return prefix + inner;
}

constexpr Describer kDescribers[] = {describe_flat,        describe_codec,         describe_ivf,
                                     describe_hnsw,        describe_id_map_prefix, describe_refine,
                                     describe_pretransform};

}  // namespace

std::string reverse_index_factory(const Index* index) {
    FAISS_REQUIRE(index, invalid_argument, "reverse_index_factory: index must not be null");
    for (Describer describe : kDescribers) {
        if (std::optional<std::string> s = describe(index)) return *s;
    }
    FAISS_THROW_CODE(unsupported, "reverse_index_factory: no factory string for index type %s",
                     factory::index_type_name(*index).c_str());
}

}  // namespace faiss
