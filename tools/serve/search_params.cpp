// Building per-call SearchParameters along the wrappers of an index.
#include "search_params.h"

#include "api_error.h"

#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/IndexRefine.h>

namespace faiss_serve {

namespace {

struct Builder {
    const CallOptions& opts;
    const faiss::IDSelector* sel;
    ParamsChain chain;
    bool used_nprobe = false, used_ef = false, used_kf = false;

    template <typename P>
    P* make() {
        auto p = std::make_unique<P>();
        p->sel = sel;
        P* raw = p.get();
        chain.owned.push_back(std::move(p));
        return raw;
    }

    faiss::SearchParameters* build(const faiss::Index* index) {
        if (auto* m = dynamic_cast<const faiss::IndexIDMap*>(index)) return build(m->index);
        if (auto* t = dynamic_cast<const faiss::IndexPreTransform*>(index)) {
            auto* p = make<faiss::SearchParametersPreTransform>();
            p->index_params = build(t->index);
            return p;
        }
        if (auto* r = dynamic_cast<const faiss::IndexRefine*>(index)) {
            auto* p = make<faiss::IndexRefineSearchParameters>();
            p->k_factor = opts.k_factor.value_or(r->k_factor);
            used_kf = true;
            p->base_index_params = build(r->base_index);
            return p;
        }
        if (auto* ivf = dynamic_cast<const faiss::IndexIVF*>(index)) {
            auto* p = make<faiss::SearchParametersIVF>();
            p->nprobe = opts.nprobe.value_or(ivf->nprobe);
            p->max_codes = ivf->max_codes;
            used_nprobe = true;
            return p;
        }
        if (auto* h = dynamic_cast<const faiss::IndexHNSW*>(index)) {
            auto* p = make<faiss::SearchParametersHNSW>();
            p->efSearch = opts.efSearch.value_or(h->hnsw.efSearch);
            used_ef = true;
            return p;
        }
        return make<faiss::SearchParameters>();
    }
};

}  // namespace

ParamsChain build_search_params(const faiss::Index& index, const CallOptions& opts,
                                const faiss::IDSelector* sel) {
    Builder b{opts, sel, {}};
    if (!opts.nprobe && !opts.efSearch && !opts.k_factor) {
        if (sel) b.chain.top = b.make<faiss::SearchParameters>();
        return std::move(b.chain);
    }
    b.chain.top = b.build(&index);
    if (opts.nprobe && !b.used_nprobe)
        throw ApiError(400, "params.nprobe does not apply to this index (no IVF part)");
    if (opts.efSearch && !b.used_ef)
        throw ApiError(400, "params.efSearch does not apply to this index (no HNSW part)");
    if (opts.k_factor && !b.used_kf)
        throw ApiError(400, "params.k_factor does not apply to this index (no refine part)");
    return std::move(b.chain);
}

}  // namespace faiss_serve
