// IndexIVFScalarQuantizer: residual encoding with a ScalarQuantizer and a list scanner
// that scores codes with the SQ code-domain kernels.
#include <faiss/IndexIVFScalarQuantizer.h>

#include <faiss/IDSelector.h>
#include <faiss/internal/checks.h>
#include <faiss/internal/index_checks.h>
#include <faiss/internal/omp_exceptions.h>
#include <faiss/internal/sq_scanner.h>
#include <faiss/internal/topk.h>
#include <faiss/utils/distances.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

namespace faiss {

namespace {

void check_metric(MetricType metric) {
    FAISS_REQUIRE(metric == METRIC_L2 || metric == METRIC_INNER_PRODUCT, unsupported,
                  "IndexIVFScalarQuantizer supports L2 and inner product, not %s",
                  is_known_metric(int(metric)) ? metric_name(metric) : "an unknown metric");
}

/// Scores one query against the SQ codes of one list at a time. With residuals, L2
/// scans with (query - centroid) as the kernel's query; inner product scans with the
/// query and adds <query, centroid> (bias_) to every score.
class SQListScanner : public InvertedListScanner {
  public:
    SQListScanner(const IndexIVFScalarQuantizer& ivf, bool store_pairs, const IDSelector* sel)
        : InvertedListScanner(store_pairs, sel),
          ivf_(ivf),
          ip_(ivf.metric_type == METRIC_INNER_PRODUCT),
          sq_scanner_(ivf.sq, ivf.metric_type),
          centroid_(size_t(ivf.d)),
          residual_(size_t(ivf.d)) {
        keep_max = ip_;
        code_size = ivf.code_size;
    }

    void set_query(const float* q) override {
        q_ = q;
        if (!ivf_.by_residual || ip_) sq_scanner_.set_query(q);
    }

    void set_list(idx_t l, float) override {
        list_no = l;
        if (!ivf_.by_residual) return;
        ivf_.quantizer->reconstruct(l, centroid_.data());
        const size_t d = size_t(ivf_.d);
        if (ip_) {
            bias_ = fvec_inner_product(q_, centroid_.data(), d);
        } else {
            for (size_t j = 0; j < d; j++)
                residual_[j] = q_[j] - centroid_[j];
            sq_scanner_.set_query(residual_.data());
        }
    }

    // Both cost O(d): one residual (or one query transform) per list and query.
    bool cheap_query_switch() const override { return true; }

    float distance_to_code(const uint8_t* code) const override {
        float dis;
        sq_scanner_.scan(code, 1, &dis);
        return dis + bias_;
    }

    void score_codes(const uint8_t* codes, size_t nb, size_t, float* out) const override {
        sq_scanner_.scan(codes, nb, out);
        if (bias_ != 0) {
            for (size_t j = 0; j < nb; j++)
                out[j] += bias_;
        }
    }

  private:
    const IndexIVFScalarQuantizer& ivf_;
    bool ip_;
    // The SQ scanner keeps per-query state; scanning does not change what it computes.
    mutable internal::SQQueryScanner sq_scanner_;
    const float* q_ = nullptr;
    std::vector<float> centroid_, residual_;
    float bias_ = 0;
};

}  // namespace

IndexIVFScalarQuantizer::IndexIVFScalarQuantizer(Index* quantizer, size_t d, size_t nlist,
                                                 ScalarQuantizer::QuantizerType qtype,
                                                 MetricType metric, bool by_residual)
    : IndexIVF(quantizer, d, nlist, ScalarQuantizer(d, qtype).code_size, metric), sq(d, qtype) {
    check_metric(metric);
    this->by_residual = by_residual;
    is_trained = is_trained && !sq.needs_training();
}

IndexIVFScalarQuantizer::IndexIVFScalarQuantizer() {
    by_residual = true;
}

void IndexIVFScalarQuantizer::train_encoder(idx_t n, const float* x, const idx_t* assign) {
    FAISS_REQUIRE(sq.d == size_t(d), invalid_argument,
                  "index d=%d does not match the scalar quantizer's d=%zu", d, sq.d);
    if (!sq.needs_training()) return;
    if (!by_residual) {
        sq.train(size_t(n), x);
        return;
    }
    FAISS_REQUIRE(assign != nullptr, invalid_argument, "residual training needs the assignment");
    // Uninitialised: every residual is written before training reads it.
    std::unique_ptr<float[]> residuals(new float[size_t(n) * size_t(d)]);
    quantizer->compute_residual_n(n, x, residuals.get(), assign);
    sq.train(size_t(n), residuals.get());
}

void IndexIVFScalarQuantizer::encode_vectors(idx_t n, const float* x, const idx_t* list_nos,
                                             uint8_t* codes) const {
    FAISS_REQUIRE(n >= 0, invalid_argument, "n must be >= 0, got %lld", (long long)n);
    if (n == 0) return;
    FAISS_REQUIRE(x && codes, invalid_argument, "encode_vectors: null vectors or codes");
    FAISS_REQUIRE(sq.is_ready(), not_trained,
                  "IndexIVFScalarQuantizer: the scalar quantizer is not trained");
    if (!by_residual) {
        sq.compute_codes(x, codes, size_t(n));
        return;
    }
    FAISS_REQUIRE(list_nos != nullptr, invalid_argument, "encode_vectors: null list numbers");
    // Residuals are encoded a block at a time, so the encoder's per-call set-up is paid
    // once per block rather than per vector.
    constexpr size_t kBlock = 256;
    const size_t dd = size_t(d), nn = size_t(n);
    const int64_t nblocks = int64_t((nn + kBlock - 1) / kBlock);
    internal::ExceptionCollector errors;
#pragma omp parallel if (n > 1000)
    {
        std::vector<float> residuals(kBlock * dd);
#pragma omp for schedule(static)
        for (int64_t b = 0; b < nblocks; b++) {
            errors.run([&] {
                const size_t i0 = size_t(b) * kBlock, m = std::min(kBlock, nn - i0);
                for (size_t t = 0; t < m; t++) {
                    float* r = residuals.data() + t * dd;
                    const idx_t list_no = list_nos[i0 + t];
                    if (list_no < 0) {
                        std::fill(r, r + dd, 0.f);
                    } else {
                        quantizer->compute_residual(x + (i0 + t) * dd, r, list_no);
                    }
                }
                uint8_t* block_codes = codes + i0 * code_size;
                sq.compute_codes(residuals.data(), block_codes, m);
                for (size_t t = 0; t < m; t++) {
                    if (list_nos[i0 + t] < 0)
                        std::memset(block_codes + t * code_size, 0, code_size);
                }
            });
        }
    }
    errors.rethrow();
}

InvertedListScanner* IndexIVFScalarQuantizer::get_InvertedListScanner(bool store_pairs,
                                                                      const IDSelector* sel) const {
    check_metric(metric_type);
    FAISS_REQUIRE(sq.is_ready(), not_trained,
                  "IndexIVFScalarQuantizer: the scalar quantizer is not trained");
    return new SQListScanner(*this, store_pairs, sel);
}

void IndexIVFScalarQuantizer::reconstruct_from_offset(int64_t list_no, int64_t offset,
                                                      float* recons) const {
    FAISS_REQUIRE(sq.is_ready(), not_trained,
                  "IndexIVFScalarQuantizer: the scalar quantizer is not trained");
    sq.decode(invlists->get_single_code(size_t(list_no), size_t(offset)), recons, 1);
    if (!by_residual) return;
    std::vector<float> centroid(static_cast<size_t>(d));
    quantizer->reconstruct(list_no, centroid.data());
    for (int j = 0; j < d; j++)
        recons[j] += centroid[size_t(j)];
}

size_t IndexIVFScalarQuantizer::coarse_code_size() const {
    size_t nbytes = 0;
    for (size_t rest = nlist > 0 ? nlist - 1 : 0; rest > 0; rest >>= 8)
        nbytes++;
    return nbytes;
}

size_t IndexIVFScalarQuantizer::sa_code_size() const {
    return coarse_code_size() + code_size;
}

void IndexIVFScalarQuantizer::sa_encode(idx_t n, const float* x, uint8_t* bytes) const {
    internal::check_vectors(*this, n, x, "encoded");
    FAISS_REQUIRE(is_trained && sq.is_ready(), not_trained,
                  "IndexIVFScalarQuantizer must be trained before encoding");
    if (n == 0) return;
    FAISS_REQUIRE(bytes != nullptr, invalid_argument, "output codes are null");
    check_ready();
    std::vector<idx_t> lists(static_cast<size_t>(n));
    quantizer->assign(n, x, lists.data());
    std::vector<uint8_t> codes(size_t(n) * code_size);
    encode_vectors(n, x, lists.data(), codes.data());
    const size_t cs = coarse_code_size(), total = sa_code_size();
    for (idx_t i = 0; i < n; i++) {
        uint8_t* out = bytes + size_t(i) * total;
        uint64_t l = uint64_t(std::max<idx_t>(lists[size_t(i)], 0));
        for (size_t b = 0; b < cs; b++, l >>= 8)
            out[b] = uint8_t(l & 0xff);
        std::memcpy(out + cs, codes.data() + size_t(i) * code_size, code_size);
    }
}

void IndexIVFScalarQuantizer::sa_decode(idx_t n, const uint8_t* bytes, float* x) const {
    FAISS_REQUIRE(n >= 0, invalid_argument, "number of codes must be >= 0, got %lld", (long long)n);
    FAISS_REQUIRE(n == 0 || (bytes && x), invalid_argument, "codes or output is null");
    FAISS_REQUIRE(is_trained && sq.is_ready(), not_trained,
                  "IndexIVFScalarQuantizer must be trained before decoding");
    check_ready();
    const size_t cs = coarse_code_size(), total = sa_code_size(), dd = size_t(d);
    std::vector<float> centroid(dd);
    for (idx_t i = 0; i < n; i++) {
        const uint8_t* in = bytes + size_t(i) * total;
        uint64_t l = 0;
        for (size_t b = 0; b < cs; b++)
            l |= uint64_t(in[b]) << (8 * b);
        FAISS_REQUIRE(l < nlist, invalid_argument, "code %lld names list %llu, outside [0, %zu)",
                      (long long)i, (unsigned long long)l, nlist);
        float* out = x + size_t(i) * dd;
        sq.decode(in + cs, out, 1);
        if (!by_residual) continue;
        quantizer->reconstruct(idx_t(l), centroid.data());
        for (size_t j = 0; j < dd; j++)
            out[j] += centroid[j];
    }
}

void IndexIVFScalarQuantizer::check_compatible_for_merge(const Index& other) const {
    IndexIVF::check_compatible_for_merge(other);
    const auto& o = static_cast<const IndexIVFScalarQuantizer&>(other);
    FAISS_REQUIRE(o.sq.qtype == sq.qtype && o.sq.trained == sq.trained, invalid_argument,
                  "cannot merge: the scalar quantizers differ (qtype %d vs %d, or trained "
                  "ranges)",
                  int(o.sq.qtype), int(sq.qtype));
}

}  // namespace faiss
