// IndexPreTransform: a chain of vector transforms in front of a sub-index.
#include <faiss/IndexPreTransform.h>

#include <faiss/DistanceComputer.h>
#include <faiss/VectorTransform.h>
#include <faiss/internal/checks.h>
#include <faiss/internal/index_checks.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

namespace faiss {

namespace {

/// Vectors that are either borrowed (the input itself) or owned (a transformed copy).
struct Vectors {
    const float* data = nullptr;
    std::unique_ptr<const float[]> owned;
};

Vectors apply_all(const std::vector<VectorTransform*>& chain, idx_t n, const float* x) {
    Vectors v;
    v.data = x;
    for (const VectorTransform* t : chain) {
        std::unique_ptr<const float[]> next(t->apply(n, v.data));
        v.owned = std::move(next);
        v.data = v.owned.get();
    }
    return v;
}

/// The sub-index's computer fed with transformed queries.
struct PreTransformDistanceComputer : DistanceComputer {
    const IndexPreTransform& index;
    std::unique_ptr<DistanceComputer> sub;
    std::vector<float> query;  // the transformed query, owned here

    PreTransformDistanceComputer(const IndexPreTransform& index, DistanceComputer* sub)
        : index(index), sub(sub), query(size_t(index.index->d)) {}

    void set_query(const float* x) override {
        Vectors v = apply_all(index.chain, 1, x);
        std::copy(v.data, v.data + query.size(), query.begin());
        sub->set_query(query.data());
    }
    float operator()(idx_t i) override { return (*sub)(i); }
    void distances_by_ids(size_t n, const idx_t* ids, float* out) override {
        sub->distances_by_ids(n, ids, out);
    }
    float symmetric_dis(idx_t i, idx_t j) override { return sub->symmetric_dis(i, j); }
};

}  // namespace

IndexPreTransform::IndexPreTransform(Index* index)
    : Index(index ? index->d : 0, index ? index->metric_type : METRIC_L2), index(index) {
    FAISS_REQUIRE(index != nullptr, invalid_argument, "IndexPreTransform: index is null");
    metric_arg = index->metric_arg;
    is_trained = index->is_trained;
    ntotal = index->ntotal;
}

IndexPreTransform::IndexPreTransform(VectorTransform* ltrans, Index* index)
    : IndexPreTransform(index) {
    FAISS_REQUIRE(ltrans != nullptr, invalid_argument, "IndexPreTransform: transform is null");
    prepend_transform(ltrans);
}

IndexPreTransform::IndexPreTransform() = default;

IndexPreTransform::~IndexPreTransform() {
    if (!own_fields) return;
    for (VectorTransform* t : chain)
        delete t;
    delete index;
}

void IndexPreTransform::check_index() const {
    FAISS_REQUIRE(index != nullptr, invalid_argument, "IndexPreTransform has no sub-index");
    int dim = d;
    for (size_t i = 0; i < chain.size(); i++) {
        FAISS_REQUIRE(chain[i] != nullptr, invalid_argument,
                      "IndexPreTransform: transform %zu of the chain is null", i);
        FAISS_REQUIRE(chain[i]->d_in == dim, invalid_argument,
                      "IndexPreTransform: transform %zu takes d_in=%d, but receives %d "
                      "dimensions",
                      i, chain[i]->d_in, dim);
        dim = chain[i]->d_out;
    }
    FAISS_REQUIRE(index->d == dim, invalid_argument,
                  "IndexPreTransform: the chain outputs %d dimensions, the sub-index has d=%d", dim,
                  index->d);
}

void IndexPreTransform::prepend_transform(VectorTransform* ltrans) {
    FAISS_REQUIRE(ltrans != nullptr, invalid_argument, "prepend_transform: transform is null");
    FAISS_REQUIRE(ltrans->d_out == d, invalid_argument,
                  "prepend_transform: the transform outputs d_out=%d dimensions, the index "
                  "takes d=%d",
                  ltrans->d_out, d);
    chain.insert(chain.begin(), ltrans);
    d = ltrans->d_in;
    is_trained = is_trained && ltrans->is_trained;
}

void IndexPreTransform::train(idx_t n, const float* x) {
    internal::check_vectors(*this, n, x, "training");
    check_index();
    // Only the steps up to the last untrained one need the (transformed) data.
    size_t last = chain.size();
    if (index->is_trained) {
        last = 0;
        for (size_t i = chain.size(); i-- > 0;)
            if (!chain[i]->is_trained) {
                last = i;
                break;
            }
    }
    Vectors v;
    v.data = x;
    for (size_t i = 0; i <= last; i++) {
        if (i == chain.size()) {
            if (verbose) std::printf("IndexPreTransform::train: training the sub-index\n");
            index->train(n, v.data);
            break;
        }
        VectorTransform* t = chain[i];
        if (!t->is_trained) {
            if (verbose)
                std::printf("IndexPreTransform::train: training transform %zu (%d -> %d)\n", i,
                            t->d_in, t->d_out);
            t->train(n, v.data);
        }
        if (i == last) break;
        std::unique_ptr<const float[]> next(t->apply(n, v.data));
        v.owned = std::move(next);
        v.data = v.owned.get();
    }
    is_trained = index->is_trained;
    for (const VectorTransform* t : chain)
        is_trained = is_trained && t->is_trained;
}

const float* IndexPreTransform::apply_chain(idx_t n, const float* x) const {
    FAISS_REQUIRE(n >= 0, invalid_argument, "apply_chain: n must be >= 0, got %lld", (long long)n);
    check_index();
    Vectors v = apply_all(chain, n, x);
    return v.owned ? v.owned.release() : x;
}

void IndexPreTransform::reverse_chain(idx_t n, const float* xt, float* x) const {
    FAISS_REQUIRE(n >= 0, invalid_argument, "reverse_chain: n must be >= 0, got %lld",
                  (long long)n);
    FAISS_REQUIRE(n == 0 || (xt && x), invalid_argument, "reverse_chain: null array");
    check_index();
    if (chain.empty()) {
        std::copy(xt, xt + size_t(n) * size_t(d), x);
        return;
    }
    std::unique_ptr<float[]> cur;
    const float* in = xt;
    for (size_t i = chain.size(); i-- > 0;) {
        const VectorTransform* t = chain[i];
        if (i == 0) {
            t->reverse_transform(n, in, x);
            break;
        }
        std::unique_ptr<float[]> out(new float[size_t(n) * size_t(t->d_in)]);
        t->reverse_transform(n, in, out.get());
        cur = std::move(out);
        in = cur.get();
    }
}

void IndexPreTransform::add(idx_t n, const float* x) {
    internal::check_add(*this, n, x);
    check_index();
    Vectors v = apply_all(chain, n, x);
    index->add(n, v.data);
    ntotal = index->ntotal;
}

void IndexPreTransform::add_with_ids(idx_t n, const float* x, const idx_t* xids) {
    internal::check_add(*this, n, x);
    FAISS_REQUIRE(n == 0 || xids != nullptr, invalid_argument, "add_with_ids: ids are null");
    check_index();
    Vectors v = apply_all(chain, n, x);
    index->add_with_ids(n, v.data, xids);
    ntotal = index->ntotal;
}

void IndexPreTransform::reset() {
    check_index();
    index->reset();
    ntotal = 0;
}

size_t IndexPreTransform::remove_ids(const IDSelector& sel) {
    check_index();
    const size_t removed = index->remove_ids(sel);
    ntotal = index->ntotal;
    return removed;
}

const SearchParameters* IndexPreTransform::sub_params(const SearchParameters* params,
                                                      SearchParameters& sel_only) const {
    const auto* pt = dynamic_cast<const SearchParametersPreTransform*>(params);
    if (!pt) return params;
    if (pt->index_params) return pt->index_params;
    if (!pt->sel) return nullptr;
    sel_only.sel = pt->sel;
    return &sel_only;
}

void IndexPreTransform::search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                               const SearchParameters* params) const {
    internal::check_search_outputs(*this, n, x, k, distances, labels);
    check_index();
    SearchParameters sel_only;
    Vectors v = apply_all(chain, n, x);
    index->search(n, v.data, k, distances, labels, sub_params(params, sel_only));
}

void IndexPreTransform::range_search(idx_t n, const float* x, float radius,
                                     RangeSearchResult* result,
                                     const SearchParameters* params) const {
    internal::check_range_search(*this, n, x, result);
    check_index();
    SearchParameters sel_only;
    Vectors v = apply_all(chain, n, x);
    index->range_search(n, v.data, radius, result, sub_params(params, sel_only));
}

void IndexPreTransform::reconstruct(idx_t key, float* recons) const {
    FAISS_REQUIRE(recons != nullptr, invalid_argument, "reconstruct: output is null");
    check_index();
    std::vector<float> xt(size_t(index->d));
    index->reconstruct(key, xt.data());
    reverse_chain(1, xt.data(), recons);
}

void IndexPreTransform::reconstruct_n(idx_t i0, idx_t ni, float* recons) const {
    FAISS_REQUIRE(i0 >= 0 && ni >= 0 && i0 + ni <= ntotal, invalid_argument,
                  "reconstruct_n: range [%lld, %lld) is outside [0, ntotal=%lld)", (long long)i0,
                  (long long)(i0 + ni), (long long)ntotal);
    FAISS_REQUIRE(ni == 0 || recons != nullptr, invalid_argument, "reconstruct_n: output is null");
    check_index();
    std::vector<float> xt(size_t(ni) * size_t(index->d));
    index->reconstruct_n(i0, ni, xt.data());
    reverse_chain(ni, xt.data(), recons);
}

void IndexPreTransform::reconstruct_batch(idx_t n, const idx_t* keys, float* recons) const {
    FAISS_REQUIRE(n >= 0, invalid_argument, "reconstruct_batch: n must be >= 0, got %lld",
                  (long long)n);
    FAISS_REQUIRE(n == 0 || (keys && recons), invalid_argument,
                  "reconstruct_batch: keys or output is null");
    check_index();
    std::vector<float> xt(size_t(n) * size_t(index->d));
    index->reconstruct_batch(n, keys, xt.data());
    reverse_chain(n, xt.data(), recons);
}

void IndexPreTransform::search_and_reconstruct(idx_t n, const float* x, idx_t k, float* distances,
                                               idx_t* labels, float* recons,
                                               const SearchParameters* params) const {
    internal::check_search_outputs(*this, n, x, k, distances, labels);
    FAISS_REQUIRE(n == 0 || recons != nullptr, invalid_argument,
                  "search_and_reconstruct: recons is null");
    check_index();
    SearchParameters sel_only;
    Vectors v = apply_all(chain, n, x);
    const size_t nk = size_t(n) * size_t(k);
    std::vector<float> rt(nk * size_t(index->d));
    index->search_and_reconstruct(n, v.data, k, distances, labels, rt.data(),
                                  sub_params(params, sel_only));
    // Padding results carry NaN vectors; a linear reverse map keeps them NaN.
    reverse_chain(idx_t(nk), rt.data(), recons);
}

size_t IndexPreTransform::sa_code_size() const {
    check_index();
    return index->sa_code_size();
}

void IndexPreTransform::sa_encode(idx_t n, const float* x, uint8_t* bytes) const {
    internal::check_vectors(*this, n, x, "encoded");
    FAISS_REQUIRE(n == 0 || bytes != nullptr, invalid_argument, "sa_encode: output is null");
    check_index();
    Vectors v = apply_all(chain, n, x);
    index->sa_encode(n, v.data, bytes);
}

void IndexPreTransform::sa_decode(idx_t n, const uint8_t* bytes, float* x) const {
    FAISS_REQUIRE(n >= 0, invalid_argument, "sa_decode: n must be >= 0, got %lld", (long long)n);
    FAISS_REQUIRE(n == 0 || (bytes && x), invalid_argument, "sa_decode: codes or output is null");
    check_index();
    std::vector<float> xt(size_t(n) * size_t(index->d));
    index->sa_decode(n, bytes, xt.data());
    reverse_chain(n, xt.data(), x);
}

DistanceComputer* IndexPreTransform::get_distance_computer() const {
    check_index();
    std::unique_ptr<DistanceComputer> sub(index->get_distance_computer());
    FAISS_REQUIRE(sub != nullptr, internal, "the sub-index returned no distance computer");
    return new PreTransformDistanceComputer(*this, sub.release());
}

void IndexPreTransform::check_compatible_for_merge(const Index& other_in) const {
    const auto* other = dynamic_cast<const IndexPreTransform*>(&other_in);
    FAISS_REQUIRE(other != nullptr, invalid_argument,
                  "merge_from: the other index is not an IndexPreTransform");
    FAISS_REQUIRE(other != this, invalid_argument, "merge_from: cannot merge an index into itself");
    check_index();
    other->check_index();
    FAISS_REQUIRE(other->chain.size() == chain.size(), invalid_argument,
                  "merge_from: the chains have %zu and %zu transforms", chain.size(),
                  other->chain.size());
    for (size_t i = 0; i < chain.size(); i++)
        chain[i]->check_identical(*other->chain[i]);
    index->check_compatible_for_merge(*other->index);
}

void IndexPreTransform::merge_from(Index& other_in, idx_t add_id) {
    check_compatible_for_merge(other_in);
    auto& other = static_cast<IndexPreTransform&>(other_in);
    index->merge_from(*other.index, add_id);
    ntotal = index->ntotal;
    other.ntotal = other.index->ntotal;
}

}  // namespace faiss
