// IndexIVFPQ: IVF lists of product-quantizer codes of residuals, scanned with per-list
// look-up tables.
#include <faiss/IndexIVFPQ.h>

#include <faiss/IDSelector.h>
#include <faiss/internal/checks.h>
#include <faiss/internal/code_hamming.h>
#include <faiss/internal/index_checks.h>
#include <faiss/internal/kmeans_steps.h>
#include <faiss/internal/omp_exceptions.h>
#include <faiss/internal/topk.h>
#include <faiss/simd/hamming_dispatch.h>
#include <faiss/simd/pq_dispatch.h>
#include <faiss/utils/distances.h>
#include <faiss/utils/progress.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>

namespace faiss {

size_t precomputed_table_max_bytes = size_t(1) << 31;

namespace {

// out[i] = dis0 + sum_m tab[m * ksub + sub-code m of code i] for n codes. 8 and 4 bits
// go through the per-ISA kernels (faiss/simd/pq_dispatch.h); other widths read the
// sub-codes LSB-first through PQDecoderGeneric.
void table_scan(const ProductQuantizer& pq, const simd::PQKernels& kern, const float* tab,
                const uint8_t* codes, size_t n, float dis0, float* out) {
    if (pq.nbits == 8 || pq.nbits == 4) {
        (pq.nbits == 8 ? kern.adc_scan_u8 : kern.adc_scan_u4)(out, tab, codes, pq.M, pq.code_size,
                                                              n);
        for (size_t i = 0; i < n; i++)
            out[i] = dis0 + out[i];
        return;
    }
    for (size_t i = 0; i < n; i++) {
        PQDecoderGeneric dec(codes + i * pq.code_size, int(pq.nbits));
        float s = 0;
        for (size_t m = 0; m < pq.M; m++)
            s += tab[m * pq.ksub + dec.decode()];
        out[i] = dis0 + s;
    }
}

/// Look-up-table scanner of IndexIVFPQ. The table of a list is built lazily at the first
/// scan of that list, so lists below scan_table_threshold never pay for one.
class IVFPQScanner : public InvertedListScanner {
  public:
    IVFPQScanner(const IndexIVFPQ& index, bool store_pairs, const IDSelector* sel)
        : InvertedListScanner(store_pairs, sel),
          ix_(index),
          pq_(index.pq),
          l2_(index.metric_type == METRIC_L2),
          by_res_(index.by_residual),
          use_pre_(index.use_precomputed_table == 1 && l2_ && by_res_ &&
                   index.precomputed_table.size() == index.nlist * pq_.M * pq_.ksub),
          qtab_(pq_.M * pq_.ksub),
          ltab_(pq_.M * pq_.ksub),
          centroid_(index.d),
          work_(index.d),
          ht_(index.polysemous_ht),
          qcode_(index.pq.code_size),
          kern_(simd::pq_kernels()),
          ham_(simd::hamming_kernels()) {
        keep_max = !l2_;
        code_size = pq_.code_size;
    }

    void set_query(const float* q) override {
        q_ = q;
        // From the kTransposeAfter-th query of this scanner on, tables come from
        // centroids transposed once (unit-stride, vectorised over centroids): the
        // row-by-row dot products of narrow sub-spaces dominate a query otherwise.
        if (++nqueries_ == kTransposeAfter) {
            ct_.resize(pq_.M * pq_.dsub * pq_.ksub);
            pq_.transposed_centroids(ct_.data());
        }
        if (l2_ && !by_res_) {
            query_table(q, true, qtab_.data());
        } else if (!l2_ || use_pre_) {
            query_table(q, false, qtab_.data());
        }
    }

    void set_list(idx_t l, float coarse_dis) override {
        list_no = l;
        coarse_dis_ = coarse_dis;
        table_ready_ = false;
    }

    float distance_to_code(const uint8_t* code) const override {
        prepare_table();
        float dis;
        table_scan(pq_, kern_, tab_, code, 1, dis0_, &dis);
        return dis;
    }

    // list_size decides between the look-up table and decoding each code.
    void score_codes(const uint8_t* codes, size_t nb, size_t list_size, float* out) const override {
        if (ht_ > 0) {
            polysemous_distances(codes, nb, out);
            return;
        }
        if (list_size < ix_.scan_table_threshold) {
            direct_distances(codes, nb, out);
            return;
        }
        prepare_table();
        table_scan(pq_, kern_, tab_, codes, nb, dis0_, out);
    }

    // The polysemous scan offers only the codes that pass the Hamming filter, in list
    // order, with the tests of the default scan (L2 here: scores as they are).
    size_t scan_codes(size_t n, const uint8_t* codes, const idx_t* ids, float* heap_scores,
                      idx_t* heap_ids, size_t k) const override {
        if (ht_ <= 0)
            return InvertedListScanner::scan_codes(n, codes, ids, heap_scores, heap_ids, k);
        uint32_t pos[kScoreBlock];
        float dis[kScoreBlock];
        size_t nup = 0;
        for (size_t b = 0; b < n; b += kScoreBlock) {
            const size_t nb = std::min(kScoreBlock, n - b);
            const size_t pass = polysemous_pass(codes + b * code_size, nb, pos, dis);
            for (size_t t = 0; t < pass; t++) {
                const float s = dis[t];
                if (!(s <= heap_scores[0])) continue;
                const size_t j = b + pos[t];
                const idx_t label = label_of(ids, j);
                if (!internal::topk_ranks_after(heap_scores[0], heap_ids[0], s, label)) continue;
                if (sel && !sel->is_member(ids[j])) continue;
                internal::topk_heap_replace_top(k, heap_scores, heap_ids, s, label);
                nup++;
            }
        }
        return nup;
    }

  private:
    static constexpr size_t kTransposeAfter = 8;

    void query_table(const float* x, bool l2, float* tab) const {
        if (!ct_.empty()) {
            kern_.transposed_tables(x, ct_.data(), pq_.M, pq_.dsub, pq_.ksub, l2, tab);
        } else if (l2) {
            pq_.compute_distance_table(x, tab);
        } else {
            pq_.compute_inner_prod_table(x, tab);
        }
    }

    // The table of the current list and its constant term dis0_.
    void prepare_table() const {
        if (table_ready_) return;
        table_ready_ = true;
        const size_t nt = pq_.M * pq_.ksub;
        if (!by_res_) {
            tab_ = qtab_.data();
            dis0_ = 0;
        } else if (!l2_) {
            tab_ = qtab_.data();  // <x, c + r> = <x, c> + <x, r>
            dis0_ = coarse_dis_;
        } else if (use_pre_) {
            const float* __restrict pre = ix_.precomputed_table.data() + size_t(list_no) * nt;
            const float* __restrict qt = qtab_.data();
            float* __restrict lt = ltab_.data();
            for (size_t j = 0; j < nt; j++)
                lt[j] = pre[j] - 2 * qt[j];
            tab_ = ltab_.data();
            dis0_ = coarse_dis_;
        } else {
            ix_.quantizer->reconstruct(list_no, centroid_.data());
            for (size_t j = 0; j < centroid_.size(); j++)
                work_[j] = q_[j] - centroid_[j];
            query_table(work_.data(), true, ltab_.data());
            tab_ = ltab_.data();
            dis0_ = 0;
        }
    }

    // Polysemous filter (nbits 8, L2): codes at Hamming distance >= ht_ from the query's
    // code in this list get NaN (never selected), the others their ADC distance. Every
    // L2 table of a list is, per sub-quantizer, the residual distance up to a constant,
    // so its row argmins are the query's residual code.
    void polysemous_distances(const uint8_t* codes, size_t nb, float* out) const {
        uint32_t ids[kScoreBlock];
        float dis[kScoreBlock];
        const size_t pass = polysemous_pass(codes, nb, ids, dis);
        for (size_t j = 0; j < nb; j++)
            out[j] = std::numeric_limits<float>::quiet_NaN();
        for (size_t t = 0; t < pass; t++)
            out[ids[t]] = dis[t];
    }

    // Positions (increasing) of the nb <= kScoreBlock codes within the Hamming threshold
    // into ids, their ADC distances into dis; returns how many.
    size_t polysemous_pass(const uint8_t* codes, size_t nb, uint32_t* ids, float* dis) const {
        if (!table_ready_) {
            prepare_table();
            pq_.compute_code_from_distance_table(tab_, qcode_.data());
        }
        const size_t pass = ham_.filter(qcode_.data(), codes, code_size, nb, ht_, ids);
        internal::adc_u8_by_ids(tab_, dis0_, codes, code_size, pq_.M, ids, pass, dis);
        return pass;
    }

    // Decode each code and compare it with the query directly (small lists).
    void direct_distances(const uint8_t* codes, size_t nb, float* out) const {
        const size_t d = centroid_.size();
        if (by_res_) ix_.quantizer->reconstruct(list_no, centroid_.data());
        for (size_t j = 0; j < nb; j++) {
            pq_.decode(codes + j * code_size, work_.data());
            if (by_res_) {
                for (size_t t = 0; t < d; t++)
                    work_[t] += centroid_[t];
            }
            out[j] =
                l2_ ? fvec_L2sqr(q_, work_.data(), d) : fvec_inner_product(q_, work_.data(), d);
        }
    }

    const IndexIVFPQ& ix_;
    const ProductQuantizer& pq_;
    const bool l2_, by_res_, use_pre_;
    const float* q_ = nullptr;
    float coarse_dis_ = 0;
    std::vector<float> qtab_;
    mutable std::vector<float> ltab_, centroid_, work_;
    mutable const float* tab_ = nullptr;
    mutable float dis0_ = 0;
    mutable bool table_ready_ = false;
    const int ht_;                        // polysemous threshold, 0: no filter
    mutable std::vector<uint8_t> qcode_;  // the query's code in the current list
    const simd::PQKernels& kern_;
    const simd::HammingKernels& ham_;
    size_t nqueries_ = 0;
    std::vector<float> ct_;  // transposed centroids, once kTransposeAfter queries came
};

// code_size of the PQ, validating M and nbits before the IVF base is built.
size_t checked_code_size(size_t d, size_t M, size_t nbits) {
    FAISS_REQUIRE(M > 0, invalid_argument, "IndexIVFPQ: M must be > 0");
    FAISS_REQUIRE(d % M == 0, invalid_argument,
                  "IndexIVFPQ: M = %zu must divide the dimension d = %zu", M, d);
    FAISS_REQUIRE(nbits >= 1 && nbits <= 16, invalid_argument,
                  "IndexIVFPQ: nbits_per_idx must be in 1 .. 16, got %zu", nbits);
    return (M * nbits + 7) / 8;
}

}  // namespace

IndexIVFPQ::IndexIVFPQ(Index* quantizer, size_t d, size_t nlist, size_t M, size_t nbits_per_idx,
                       MetricType metric)
    : IndexIVF(quantizer, d, nlist, checked_code_size(d, M, nbits_per_idx), metric),
      pq(d, M, nbits_per_idx) {
    FAISS_REQUIRE(metric == METRIC_L2 || metric == METRIC_INNER_PRODUCT, unsupported,
                  "IndexIVFPQ supports METRIC_L2 and METRIC_INNER_PRODUCT only, got %s",
                  metric_name(metric));
    by_residual = true;
    is_trained = false;
}

IndexIVFPQ::IndexIVFPQ() {
    by_residual = true;
}

void IndexIVFPQ::train(idx_t n, const float* x) {
    internal::check_vectors(*this, n, x, "training");
    check_ready();
    check_retrainable();
    const bool q_trained = quantizer->is_trained && size_t(quantizer->ntotal) == nlist;
    const size_t needed = std::max(q_trained ? size_t(0) : nlist, pq.ksub);
    FAISS_REQUIRE(size_t(n) >= needed, invalid_argument,
                  "IndexIVFPQ training needs at least %zu vectors (nlist = %zu%s, 2^nbits = "
                  "%zu PQ centroids), got %lld",
                  needed, nlist, q_trained ? " already trained" : "", pq.ksub, (long long)n);
    ProgressScope progress("IndexIVF::train", 2);
    train_q1(size_t(n), x, verbose, metric_type);
    progress.update(1);
    // As Faiss, the product quantizer learns from at most ksub * max_points_per_centroid
    // vectors: they are drawn before the assignment (the seeded draw k-means would make,
    // so the codebooks are those of training on all n), and only they are assigned.
    const size_t max_points = pq.ksub * size_t(std::max(pq.cp.max_points_per_centroid, 1));
    std::vector<float> sample;
    const float* xs = x;
    idx_t ns = n;
    if (size_t(n) > max_points) {
        // Draw order, not sorted: k-means then picks its initial centroids by position,
        // as it would from Faiss's sample.
        const std::vector<idx_t> pick =
            internal::kmeans::random_sample(n, idx_t(max_points), uint64_t(int64_t(pq.cp.seed)));
        sample.resize(max_points * size_t(d));
        for (size_t i = 0; i < max_points; i++)
            std::memcpy(sample.data() + i * size_t(d), x + size_t(pick[i]) * size_t(d),
                        size_t(d) * sizeof(float));
        xs = sample.data();
        ns = idx_t(max_points);
        if (verbose)
            std::printf("IndexIVFPQ: training the product quantizer on %lld of %lld vectors\n",
                        (long long)ns, (long long)n);
    }
    std::vector<idx_t> assign;
    if (by_residual) {
        assign.resize(size_t(ns));
        quantizer->assign(ns, xs, assign.data());
    }
    train_encoder(ns, xs, assign.empty() ? nullptr : assign.data());
    is_trained = true;
    progress.update(2);
}

void IndexIVFPQ::train_encoder(idx_t n, const float* x, const idx_t* assign) {
    FAISS_REQUIRE(n >= 0 && (n == 0 || x), invalid_argument, "train_encoder: bad input");
    if (by_residual) {
        FAISS_REQUIRE(n == 0 || assign, invalid_argument,
                      "train_encoder: by_residual needs the list assignment");
        std::vector<float> residuals(size_t(n) * d);
        for (idx_t i = 0; i < n; i++) {
            float* r = residuals.data() + size_t(i) * d;
            quantizer->reconstruct(assign[i], r);
            const float* xi = x + size_t(i) * d;
            for (int t = 0; t < d; t++)
                r[t] = xi[t] - r[t];
        }
        if (verbose)
            std::printf("training %zu x %zu product quantizer on %lld residuals\n", pq.M, pq.ksub,
                        (long long)n);
        pq.verbose = verbose;
        pq.train(size_t(n), residuals.data());
        optimize_for_hamming(size_t(n), residuals.data());
        precompute_table();
    } else {
        pq.verbose = verbose;
        pq.train(size_t(n), x);
        optimize_for_hamming(size_t(n), x);
        precomputed_table.clear();
    }
}

void IndexIVFPQ::optimize_for_hamming(size_t n, const float* x) {
    pq.sdc_table.clear();  // stale: belonged to the previous centroids
    if (!do_polysemous_training) return;
    const PolysemousTraining default_training;
    const PolysemousTraining& pt = polysemous_training ? *polysemous_training : default_training;
    const size_t nperm = pt.ntrain_permutation > 0 ? std::min(n, size_t(pt.ntrain_permutation)) : n;
    pt.optimize_pq_for_hamming(pq, nperm, x);
}

void IndexIVFPQ::precompute_table() {
    FAISS_REQUIRE(use_precomputed_table != 2, unsupported,
                  "IndexIVFPQ: use_precomputed_table = 2 (MultiIndexQuantizer) is not supported");
    precomputed_table.clear();
    if (use_precomputed_table == -1 || metric_type != METRIC_L2 || !by_residual) return;
    const size_t nt = pq.M * pq.ksub;
    if (use_precomputed_table == 0) {
        if (nlist * nt * sizeof(float) > precomputed_table_max_bytes) {
            if (verbose)
                std::printf("IndexIVFPQ: precomputed table of %zu bytes exceeds %zu, not built\n",
                            nlist * nt * sizeof(float), precomputed_table_max_bytes);
            return;
        }
        use_precomputed_table = 1;
    }
    // ||r_mj||^2 for every sub-centroid.
    std::vector<float> norms(nt);
    for (size_t m = 0; m < pq.M; m++) {
        for (size_t j = 0; j < pq.ksub; j++)
            norms[m * pq.ksub + j] = fvec_norm_L2sqr(pq.get_centroids(m, j), pq.dsub);
    }
    std::vector<float> centroids(nlist * size_t(d));
    quantizer->reconstruct_n(0, idx_t(nlist), centroids.data());
    precomputed_table.resize(nlist * nt);
#pragma omp parallel for if (nlist > 16)
    for (int64_t l = 0; l < int64_t(nlist); l++) {
        float* t = precomputed_table.data() + size_t(l) * nt;
        pq.compute_inner_prod_table(centroids.data() + size_t(l) * d, t);
        for (size_t j = 0; j < nt; j++)
            t[j] = norms[j] + 2 * t[j];
    }
}

void IndexIVFPQ::encode_vectors(idx_t n, const float* x, const idx_t* list_nos,
                                uint8_t* codes) const {
    FAISS_REQUIRE(n >= 0, invalid_argument, "encode_vectors: n must be >= 0");
    if (n == 0) return;
    FAISS_REQUIRE(x && codes && (list_nos || !by_residual), invalid_argument,
                  "encode_vectors: null pointer");
    FAISS_REQUIRE(is_trained, not_trained, "IndexIVFPQ is not trained: call train() first");
    // Residuals are built in blocks so a large add does not double its memory.
    constexpr size_t kBlock = 16384;
    std::vector<float> work;
    for (size_t i0 = 0; i0 < size_t(n); i0 += kBlock) {
        const size_t nb = std::min(kBlock, size_t(n) - i0);
        const float* src = x + i0 * d;
        if (by_residual) {
            work.resize(nb * d);
            internal::ExceptionCollector errors;
#pragma omp parallel for schedule(static) if (nb > 1024)
            for (int64_t i = 0; i < int64_t(nb); i++) {
                errors.run([&] {
                    float* r = work.data() + size_t(i) * d;
                    const idx_t l = list_nos[i0 + size_t(i)];
                    if (l < 0) {
                        std::memset(r, 0, sizeof(float) * d);
                        return;
                    }
                    quantizer->reconstruct(l, r);
                    const float* xi = src + size_t(i) * d;
                    for (int t = 0; t < d; t++)
                        r[t] = xi[t] - r[t];
                });
            }
            errors.rethrow();
            src = work.data();
        }
        pq.compute_codes(src, codes + i0 * code_size, nb);
    }
    if (list_nos) {
        for (idx_t i = 0; i < n; i++) {
            if (list_nos[i] < 0) std::memset(codes + size_t(i) * code_size, 0, code_size);
        }
    }
}

void IndexIVFPQ::encode(idx_t key, const float* x, uint8_t* code) const {
    encode_vectors(1, x, &key, code);
}

void IndexIVFPQ::encode_multiple(size_t n, idx_t* keys, const float* x, uint8_t* codes,
                                 bool compute_keys) const {
    FAISS_REQUIRE(n == 0 || keys, invalid_argument, "encode_multiple: keys is null");
    if (compute_keys && n > 0) quantizer->assign(idx_t(n), x, keys);
    encode_vectors(idx_t(n), x, keys, codes);
}

void IndexIVFPQ::decode_multiple(size_t n, const idx_t* keys, const uint8_t* xcodes,
                                 float* x) const {
    FAISS_REQUIRE(n == 0 || (keys && xcodes && x), invalid_argument,
                  "decode_multiple: null pointer");
    std::vector<float> c(d);
    for (size_t i = 0; i < n; i++) {
        float* xi = x + i * d;
        pq.decode(xcodes + i * code_size, xi);
        if (!by_residual) continue;
        FAISS_REQUIRE(keys[i] >= 0 && size_t(keys[i]) < nlist, invalid_argument,
                      "decode_multiple: list %lld outside [0, %zu)", (long long)keys[i], nlist);
        quantizer->reconstruct(keys[i], c.data());
        for (int t = 0; t < d; t++)
            xi[t] += c[t];
    }
}

InvertedListScanner* IndexIVFPQ::get_InvertedListScanner(bool store_pairs,
                                                         const IDSelector* sel) const {
    FAISS_REQUIRE(polysemous_ht <= 0 || (pq.nbits == 8 && metric_type == METRIC_L2), unsupported,
                  "IndexIVFPQ: polysemous search (polysemous_ht = %d) needs nbits == 8 and "
                  "METRIC_L2 (nbits = %zu); set polysemous_ht = 0",
                  polysemous_ht, pq.nbits);
    FAISS_REQUIRE(use_precomputed_table != 2, unsupported,
                  "IndexIVFPQ: use_precomputed_table = 2 (MultiIndexQuantizer) is not supported");
    FAISS_REQUIRE(metric_type == METRIC_L2 || metric_type == METRIC_INNER_PRODUCT, unsupported,
                  "IndexIVFPQ supports METRIC_L2 and METRIC_INNER_PRODUCT only, got %s",
                  metric_name(metric_type));
    FAISS_REQUIRE(pq.d == size_t(d) && pq.code_size == code_size, invalid_argument,
                  "IndexIVFPQ: product quantizer (d=%zu, code_size=%zu) does not match the "
                  "index (d=%d, code_size=%zu)",
                  pq.d, pq.code_size, d, code_size);
    return new IVFPQScanner(*this, store_pairs, sel);
}

void IndexIVFPQ::reconstruct_from_offset(int64_t list_no, int64_t offset, float* recons) const {
    const idx_t key = list_no;
    decode_multiple(1, &key, invlists->get_single_code(size_t(list_no), size_t(offset)), recons);
}

size_t IndexIVFPQ::coarse_code_size() const {
    size_t nbytes = 0;
    for (size_t v = nlist - 1; v > 0; v >>= 8)
        nbytes++;
    return nbytes;
}

size_t IndexIVFPQ::sa_code_size() const {
    return coarse_code_size() + code_size;
}

void IndexIVFPQ::sa_encode(idx_t n, const float* x, uint8_t* bytes) const {
    internal::check_vectors(*this, n, x, "encoded");
    FAISS_REQUIRE(is_trained, not_trained, "IndexIVFPQ is not trained: call train() first");
    FAISS_REQUIRE(n == 0 || bytes, invalid_argument, "sa_encode: bytes is null");
    if (n == 0) return;
    std::vector<idx_t> keys(n);
    quantizer->assign(n, x, keys.data());
    std::vector<uint8_t> codes(size_t(n) * code_size);
    encode_vectors(n, x, keys.data(), codes.data());
    const size_t cs = coarse_code_size(), total = cs + code_size;
    for (idx_t i = 0; i < n; i++) {
        uint8_t* out = bytes + size_t(i) * total;
        uint64_t l = uint64_t(keys[i]);
        for (size_t b = 0; b < cs; b++, l >>= 8)
            out[b] = uint8_t(l & 0xff);
        std::memcpy(out + cs, codes.data() + size_t(i) * code_size, code_size);
    }
}

void IndexIVFPQ::sa_decode(idx_t n, const uint8_t* bytes, float* x) const {
    FAISS_REQUIRE(n >= 0, invalid_argument, "number of codes must be >= 0, got %lld", (long long)n);
    FAISS_REQUIRE(n == 0 || (bytes && x), invalid_argument, "null pointer passed to sa_decode");
    const size_t cs = coarse_code_size(), total = cs + code_size;
    for (idx_t i = 0; i < n; i++) {
        const uint8_t* in = bytes + size_t(i) * total;
        uint64_t l = 0;
        for (size_t b = 0; b < cs; b++)
            l |= uint64_t(in[b]) << (8 * b);
        FAISS_REQUIRE(l < nlist, invalid_argument, "sa_decode: code %lld names list %llu >= %zu",
                      (long long)i, (unsigned long long)l, nlist);
        const idx_t key = idx_t(l);
        decode_multiple(1, &key, in + cs, x + size_t(i) * d);
    }
}

void IndexIVFPQ::check_compatible_for_merge(const Index& other) const {
    IndexIVF::check_compatible_for_merge(other);
    const auto& o = static_cast<const IndexIVFPQ&>(other);
    FAISS_REQUIRE(o.pq.M == pq.M && o.pq.nbits == pq.nbits && o.pq.centroids == pq.centroids,
                  invalid_argument,
                  "cannot merge IndexIVFPQ with different product quantizers (M=%zu nbits=%zu "
                  "vs M=%zu nbits=%zu, or different centroids)",
                  o.pq.M, o.pq.nbits, pq.M, pq.nbits);
}

}  // namespace faiss
