#include <faiss/IndexIVFFlat.h>

#include <faiss/IDSelector.h>
#include <faiss/internal/checks.h>
#include <faiss/internal/topk.h>
#include <faiss/utils/distances.h>

#include <cstring>

namespace faiss {

namespace {

/// Exact L2 / inner-product scanner over raw float codes. Distances are computed for a
/// block of codes with one kernel call, then offered to the heap.
class FlatScanner : public InvertedListScanner {
  public:
    FlatScanner(size_t d, MetricType metric, bool store_pairs, const IDSelector* sel)
        : InvertedListScanner(store_pairs, sel), d_(d), ip_(metric == METRIC_INNER_PRODUCT) {
        keep_max = ip_;
        code_size = d * sizeof(float);
    }

    void set_query(const float* q) override { q_ = q; }
    void set_list(idx_t l, float) override { list_no = l; }
    bool cheap_query_switch() const override { return true; }

    float distance_to_code(const uint8_t* code) const override {
        const float* y = reinterpret_cast<const float*>(code);
        return ip_ ? fvec_inner_product(q_, y, d_) : fvec_L2sqr(q_, y, d_);
    }

    void score_codes(const uint8_t* codes, size_t nb, size_t, float* out) const override {
        const float* y = reinterpret_cast<const float*>(codes);
        if (ip_) {
            fvec_inner_products_ny(out, q_, y, d_, nb);
        } else {
            fvec_L2sqr_ny(out, q_, y, d_, nb);
        }
    }

  private:
    size_t d_;
    bool ip_;
    const float* q_ = nullptr;
};

}  // namespace

IndexIVFFlat::IndexIVFFlat(Index* quantizer, size_t d, size_t nlist, MetricType metric)
    : IndexIVF(quantizer, d, nlist, d * sizeof(float), metric) {
    FAISS_REQUIRE(metric == METRIC_L2 || metric == METRIC_INNER_PRODUCT, unsupported,
                  "IndexIVFFlat supports METRIC_L2 and METRIC_INNER_PRODUCT only, got metric %d",
                  int(metric));
    by_residual = false;
}

IndexIVFFlat::IndexIVFFlat() {
    by_residual = false;
}

void IndexIVFFlat::encode_vectors(idx_t n, const float* x, const idx_t*, uint8_t* codes) const {
    if (n > 0) std::memcpy(codes, x, size_t(n) * code_size);
}

InvertedListScanner* IndexIVFFlat::get_InvertedListScanner(bool store_pairs,
                                                           const IDSelector* sel) const {
    FAISS_REQUIRE(metric_type == METRIC_L2 || metric_type == METRIC_INNER_PRODUCT, unsupported,
                  "IndexIVFFlat supports METRIC_L2 and METRIC_INNER_PRODUCT only, got metric %d",
                  int(metric_type));
    return new FlatScanner(size_t(d), metric_type, store_pairs, sel);
}

void IndexIVFFlat::reconstruct_from_offset(int64_t list_no, int64_t offset, float* recons) const {
    std::memcpy(recons, invlists->get_single_code(size_t(list_no), size_t(offset)), code_size);
}

}  // namespace faiss
