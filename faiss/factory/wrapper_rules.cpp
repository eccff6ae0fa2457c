// Factory rules for the wrappers Faiss reads first: "IDMap2," / ",IDMap2", "IDMap," /
// ",IDMap" (prefix or suffix), then the refinement suffixes ",RFlat" and ",Refine(...)".
#include <faiss/factory/parser.h>

#include <faiss/IndexIDMap.h>
#include <faiss/IndexRefine.h>

namespace faiss::factory {

namespace {

template <class IDMapType>
std::unique_ptr<Index> wrap_id_map(const Parser& p, int d, const Tokens& toks, MetricType metric,
                                   const char* name) {
    if (toks.size() == 1) {
        if (toks[0].text == name) {
            p.fail(toks[0], ErrorCode::invalid_argument,
                   std::string(name) + " wraps an index: expected \"" + name +
                       ",<index>\" or \"<index>," + name + "\"");
        }
        return nullptr;
    }
    Tokens inner;
    if (toks.back().text == name) {
        inner.assign(toks.begin(), toks.end() - 1);
    } else if (toks.front().text == name) {
        inner.assign(toks.begin() + 1, toks.end());
    } else {
        return nullptr;
    }
    std::unique_ptr<Index> sub = p.build(d, inner, metric);
    auto index = std::make_unique<IDMapType>(sub.get());
    sub.release();
    index->own_fields = true;
    return index;
}

}  // namespace

std::unique_ptr<Index> id_map_rule(const Parser& p, int d, const Tokens& toks, MetricType metric) {
    if (auto index = wrap_id_map<IndexIDMap2>(p, d, toks, metric, "IDMap2")) return index;
    return wrap_id_map<IndexIDMap>(p, d, toks, metric, "IDMap");
}

std::unique_ptr<Index> refine_rule(const Parser& p, int d, const Tokens& toks, MetricType metric) {
    const Token& last = toks.back();
    const bool rflat = last.text == "RFlat";
    const bool refine = starts_with(last.text, "Refine(");
    if (!rflat && !refine) {
        if (starts_with(last.text, "RefinePanorama")) {
            p.unsupported(last, "RefinePanorama is not implemented");
        }
        return nullptr;
    }
    if (toks.size() == 1) {
        p.fail(last, ErrorCode::invalid_argument,
               "a refinement needs a base index before it: expected \"<index>," + last.text + "\"");
    }
    std::unique_ptr<Index> base = p.build(d, Tokens(toks.begin(), toks.end() - 1), metric);
    if (rflat) {
        auto index = std::make_unique<IndexRefineFlat>(base.get());
        base.release();
        index->own_fields = true;
        return index;
    }
    std::unique_ptr<Index> refine_index = p.build_inner(d, last, 6, metric);
    auto index = std::make_unique<IndexRefine>(base.get(), refine_index.get());
    base.release();
    refine_index.release();
    index->own_fields = true;
    index->own_refine_index = true;
    return index;
}

}  // namespace faiss::factory
