// IndexRefine: candidates from the base index, exact distances from the refine index.
#include <faiss/IndexRefine.h>

#include <faiss/IndexFlat.h>
#include <faiss/internal/checks.h>
#include <faiss/internal/index_checks.h>
#include <faiss/internal/omp_exceptions.h>
#include <faiss/internal/topk.h>
#include <faiss/utils/distances.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

namespace faiss {

namespace {

void check_pair(const Index* base, const Index* refine) {
    FAISS_REQUIRE(base != nullptr, invalid_argument, "IndexRefine: base_index is null");
    FAISS_REQUIRE(refine != nullptr, invalid_argument, "IndexRefine: refine_index is null");
    FAISS_REQUIRE(base->d == refine->d, invalid_argument,
                  "IndexRefine: base_index d=%d differs from refine_index d=%d", base->d,
                  refine->d);
    FAISS_REQUIRE(base->ntotal == refine->ntotal, invalid_argument,
                  "IndexRefine: base_index holds %lld vectors, refine_index %lld",
                  (long long)base->ntotal, (long long)refine->ntotal);
}

}  // namespace

IndexRefine::IndexRefine(Index* base_index, Index* refine_index)
    : Index(base_index ? base_index->d : 0, base_index ? base_index->metric_type : METRIC_L2),
      base_index(base_index),
      refine_index(refine_index) {
    check_pair(base_index, refine_index);
    metric_arg = base_index->metric_arg;
    ntotal = base_index->ntotal;
    is_trained = base_index->is_trained && refine_index->is_trained;
}

IndexRefine::IndexRefine() = default;

IndexRefine::~IndexRefine() {
    if (own_fields) delete base_index;
    if (own_refine_index) delete refine_index;
}

void IndexRefine::train(idx_t n, const float* x) {
    internal::check_vectors(*this, n, x, "training");
    check_pair(base_index, refine_index);
    base_index->train(n, x);
    refine_index->train(n, x);
    is_trained = true;
}

void IndexRefine::add(idx_t n, const float* x) {
    internal::check_add(*this, n, x);
    check_pair(base_index, refine_index);
    base_index->add(n, x);
    refine_index->add(n, x);
    ntotal = refine_index->ntotal;
}

void IndexRefine::reset() {
    check_pair(base_index, refine_index);
    base_index->reset();
    refine_index->reset();
    ntotal = 0;
}

void IndexRefine::refine_distances(const float* x, size_t nc, const idx_t* labels, float* out,
                                   float* scratch) const {
    if (auto* flat = dynamic_cast<const IndexFlat*>(refine_index)) {
        flat->compute_distance_subset(1, x, idx_t(nc), out, labels);
        return;
    }
    const bool ip = metric_type == METRIC_INNER_PRODUCT;
    for (size_t j = 0; j < nc; j++) {
        if (labels[j] < 0) {
            out[j] = std::numeric_limits<float>::quiet_NaN();
            continue;
        }
        refine_index->reconstruct(labels[j], scratch);
        out[j] = ip ? fvec_inner_product(x, scratch, size_t(d)) : fvec_L2sqr(x, scratch, size_t(d));
    }
}

void IndexRefine::search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                         const SearchParameters* params) const {
    internal::check_search_outputs(*this, n, x, k, distances, labels);
    check_pair(base_index, refine_index);
    float kf = k_factor;
    const SearchParameters* base_params = params;
    SearchParameters sel_only;
    if (auto* rp = dynamic_cast<const IndexRefineSearchParameters*>(params)) {
        kf = rp->k_factor;
        sel_only.sel = rp->sel;
        base_params =
            rp->base_index_params ? rp->base_index_params : (rp->sel ? &sel_only : nullptr);
    }
    FAISS_REQUIRE(std::isfinite(kf) && kf >= 1, invalid_argument,
                  "IndexRefine: k_factor must be a finite value >= 1, got %g", double(kf));
    FAISS_REQUIRE(dynamic_cast<const IndexFlat*>(refine_index) || metric_type == METRIC_L2 ||
                      metric_type == METRIC_INNER_PRODUCT,
                  unsupported,
                  "IndexRefine re-ranks with a non-flat refine index by L2 or inner product "
                  "only, not %s",
                  metric_name(metric_type));
    if (n == 0) return;
    // More candidates than stored vectors only adds padding.
    const double wanted = std::ceil(double(k) * double(kf));
    const idx_t k_base = idx_t(std::min(wanted, double(std::max<idx_t>(k, ntotal))));
    const size_t kb = size_t(k_base), kk = size_t(k), dd = size_t(d);
    std::vector<float> base_dis(size_t(n) * kb);
    std::vector<idx_t> base_lab(size_t(n) * kb);
    base_index->search(n, x, k_base, base_dis.data(), base_lab.data(), base_params);

    const bool ip = metric_type == METRIC_INNER_PRODUCT;
    internal::ExceptionCollector errors;
#pragma omp parallel if (n > 1)
    {
        std::vector<float> exact(kb), scratch(dd);
#pragma omp for schedule(dynamic)
        for (idx_t i = 0; i < n; i++) {
            errors.run([&] {
                const idx_t* cand = base_lab.data() + size_t(i) * kb;
                refine_distances(x + size_t(i) * dd, kb, cand, exact.data(), scratch.data());
                float* hs = distances + size_t(i) * kk;
                idx_t* hi = labels + size_t(i) * kk;
                internal::topk_heap_init(kk, hs, hi);
                for (size_t j = 0; j < kb; j++) {
                    if (cand[j] < 0) continue;
                    internal::topk_heap_offer(kk, hs, hi, ip ? -exact[j] : exact[j], cand[j]);
                }
                internal::topk_heap_sort(kk, hs, hi);
                if (ip) internal::negate_block(hs, kk);
            });
        }
    }
    errors.rethrow();
}

void IndexRefine::reconstruct(idx_t key, float* recons) const {
    check_pair(base_index, refine_index);
    refine_index->reconstruct(key, recons);
}

size_t IndexRefine::sa_code_size() const {
    check_pair(base_index, refine_index);
    return base_index->sa_code_size() + refine_index->sa_code_size();
}

void IndexRefine::sa_encode(idx_t n, const float* x, uint8_t* bytes) const {
    internal::check_vectors(*this, n, x, "encoded");
    if (n == 0) return;
    FAISS_REQUIRE(bytes != nullptr, invalid_argument, "output codes are null");
    const size_t cb = base_index->sa_code_size(), cr = refine_index->sa_code_size();
    std::vector<uint8_t> b(size_t(n) * cb), r(size_t(n) * cr);
    base_index->sa_encode(n, x, b.data());
    refine_index->sa_encode(n, x, r.data());
    for (size_t i = 0; i < size_t(n); i++) {
        std::memcpy(bytes + i * (cb + cr), b.data() + i * cb, cb);
        std::memcpy(bytes + i * (cb + cr) + cb, r.data() + i * cr, cr);
    }
}

void IndexRefine::sa_decode(idx_t n, const uint8_t* bytes, float* x) const {
    FAISS_REQUIRE(n >= 0, invalid_argument, "number of codes must be >= 0, got %lld", (long long)n);
    if (n == 0) return;
    FAISS_REQUIRE(bytes && x, invalid_argument, "codes or output is null");
    const size_t cb = base_index->sa_code_size(), cr = refine_index->sa_code_size();
    std::vector<uint8_t> r(size_t(n) * cr);
    for (size_t i = 0; i < size_t(n); i++)
        std::memcpy(r.data() + i * cr, bytes + i * (cb + cr) + cb, cr);
    refine_index->sa_decode(n, r.data(), x);
}

/*** IndexRefineFlat ***/

namespace {

/// An IndexFlat of base's dimension and metric holding base's ntotal vectors xb (xb may
/// be null only for an empty base). Checked here, before IndexRefine takes the pointer.
std::unique_ptr<IndexFlat> flat_like(const Index* base, const float* xb, bool with_data) {
    FAISS_REQUIRE(base != nullptr, invalid_argument, "IndexRefineFlat: base_index is null");
    const idx_t nb = base->ntotal;
    FAISS_REQUIRE(with_data || nb == 0, invalid_argument,
                  "IndexRefineFlat: base_index must be empty (holds %lld vectors); pass its "
                  "vectors as xb instead",
                  (long long)nb);
    auto flat = std::make_unique<IndexFlat>(base->d, base->metric_type);
    flat->metric_arg = base->metric_arg;
    if (nb > 0) {
        FAISS_REQUIRE(xb != nullptr, invalid_argument,
                      "IndexRefineFlat: base_index holds %lld vectors but xb is null",
                      (long long)nb);
        flat->add(nb, xb);
    }
    return flat;
}

}  // namespace

IndexRefineFlat::IndexRefineFlat(Index* base_index)
    : IndexRefine(base_index, flat_like(base_index, nullptr, false).release()) {
    own_refine_index = true;
}

IndexRefineFlat::IndexRefineFlat(Index* base_index, const float* xb)
    : IndexRefine(base_index, flat_like(base_index, xb, true).release()) {
    own_refine_index = true;
}

IndexRefineFlat::IndexRefineFlat() {
    own_refine_index = true;
}

}  // namespace faiss
