// Product quantizer: training by per-sub-space k-means, encoding, decoding and the
// look-up tables of asymmetric / symmetric distance computation.
#include <faiss/quantizers/ProductQuantizer.h>

#include <faiss/IndexFlat.h>
#include <faiss/internal/checks.h>
#include <faiss/internal/kmeans_small_d.h>
#include <faiss/internal/kmeans_steps.h>
#include <faiss/internal/omp_exceptions.h>
#include <faiss/simd/pq_dispatch.h>
#include <faiss/utils/distances.h>
#include <faiss/utils/progress.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>

#include <omp.h>

namespace faiss {

namespace {

// Sub-vectors m of the n vectors x (n x d) into out (n x dsub).
void extract_subvectors(const float* x, size_t n, size_t d, size_t dsub, size_t m, float* out) {
    for (size_t i = 0; i < n; i++) {
        std::memcpy(out + i * dsub, x + i * d + m * dsub, dsub * sizeof(float));
    }
}

// Vectors per block when encoding many vectors through the exact k-NN engine: bounds
// the gathered sub-vectors and the label buffers.
constexpr size_t kEncodeBlock = 16384;
// Below this many vectors, encoding goes vector by vector through distance tables.
constexpr size_t kEncodeBatchMin = 32;
// Sub-spaces narrower than this are encoded with direct distances (as Faiss does): the
// GEMM gains little there.
constexpr size_t kEncodeGemmMinDsub = 16;
// Sub-spaces up to this width are clustered with the direct nearest-centroid kernel
// (internal::kmeans::SmallDimL2Assigner) instead of IndexFlatL2's GEMM.
constexpr size_t kTrainDirectMaxDsub = 32;

}  // namespace

PQEncoderGeneric::PQEncoderGeneric(uint8_t* code, int nbits) : code(code), nbits(nbits) {}

void PQEncoderGeneric::encode(uint64_t x) {
    // A sub-code of at most 16 bits starting at any bit offset spans at most 3 bytes.
    uint32_t v = uint32_t(x & ((uint64_t(1) << nbits) - 1)) << (bit_pos & 7);
    uint8_t* p = code + (bit_pos >> 3);
    const size_t last = ((bit_pos & 7) + size_t(nbits) - 1) >> 3;
    for (size_t b = 0; b <= last; b++) {
        p[b] |= uint8_t(v >> (8 * b));
    }
    bit_pos += size_t(nbits);
}

PQDecoderGeneric::PQDecoderGeneric(const uint8_t* code, int nbits) : code(code), nbits(nbits) {}

uint64_t PQDecoderGeneric::decode() {
    const uint8_t* p = code + (bit_pos >> 3);
    const size_t shift = bit_pos & 7;
    const size_t last = (shift + size_t(nbits) - 1) >> 3;  // never reads past the code
    uint32_t v = 0;
    for (size_t b = 0; b <= last; b++) {
        v |= uint32_t(p[b]) << (8 * b);
    }
    bit_pos += size_t(nbits);
    return (v >> shift) & ((uint32_t(1) << nbits) - 1);
}

ProductQuantizer::ProductQuantizer() = default;

ProductQuantizer::ProductQuantizer(size_t d, size_t M, size_t nbits) : d(d), M(M), nbits(nbits) {
    set_derived_values();
}

void ProductQuantizer::set_derived_values() {
    FAISS_REQUIRE(M > 0, invalid_argument, "number of sub-quantizers M must be > 0, got %zu", M);
    FAISS_REQUIRE(d % M == 0, invalid_argument,
                  "dimension d=%zu must be a multiple of the number of sub-quantizers M=%zu", d, M);
    FAISS_REQUIRE(nbits >= 1 && nbits <= 16, invalid_argument, "nbits must be in 1..16, got %zu",
                  nbits);
    dsub = d / M;
    ksub = size_t(1) << nbits;
    code_size = (M * nbits + 7) / 8;
    centroids.assign(d * ksub, 0.0f);
}

float* ProductQuantizer::get_centroids(size_t m, size_t i) {
    return centroids.data() + (m * ksub + i) * dsub;
}

const float* ProductQuantizer::get_centroids(size_t m, size_t i) const {
    return centroids.data() + (m * ksub + i) * dsub;
}

void ProductQuantizer::set_params(const float* cents, int m) {
    FAISS_REQUIRE(m >= 0 && size_t(m) < M, invalid_argument,
                  "sub-quantizer %d is outside [0, M=%zu)", m, M);
    FAISS_REQUIRE(cents, invalid_argument, "centroids pointer is null");
    std::memcpy(get_centroids(size_t(m), 0), cents, ksub * dsub * sizeof(float));
}

void ProductQuantizer::train_one(size_t n, const float* xsub, float* out_centroids) const {
    Clustering clus(int(dsub), int(ksub), cp);
    clus.verbose = cp.verbose || verbose;
    if (dsub <= kTrainDirectMaxDsub) {
        internal::kmeans::SmallDimL2Assigner assign_index{idx_t(dsub)};
        clus.train(idx_t(n), xsub, assign_index);
    } else {
        IndexFlatL2 assign_index{idx_t(dsub)};
        clus.train(idx_t(n), xsub, assign_index);
    }
    std::memcpy(out_centroids, clus.centroids.data(), ksub * dsub * sizeof(float));
}

void ProductQuantizer::train(size_t n, const float* x) {
    FAISS_REQUIRE(ksub > 0 && d > 0, invalid_argument,
                  "product quantizer is not configured (d=%zu, M=%zu, nbits=%zu)", d, M, nbits);
    FAISS_REQUIRE(train_type == Train_default || train_type == Train_shared, unsupported,
                  "product quantizer train_type %d is not supported (only Train_default and "
                  "Train_shared)",
                  int(train_type));
    FAISS_REQUIRE(n >= ksub, invalid_argument,
                  "product quantizer training needs at least ksub=%zu vectors (2^nbits, "
                  "nbits=%zu), got n=%zu; %zu or more are recommended",
                  ksub, nbits, n, ksub * size_t(std::max(cp.min_points_per_centroid, 1)));
    FAISS_REQUIRE(x, invalid_argument, "training vectors pointer is null");
    if (train_type == Train_shared) {
        // Every sub-space shares one codebook trained on all n * M sub-vectors; x read
        // as (n * M) x dsub is exactly that set.
        std::vector<float> shared(ksub * dsub);
        ProgressScope progress("ProductQuantizer::train", 1);
        train_one(n * M, x, shared.data());
        progress.update(1);
        for (size_t m = 0; m < M; m++)
            set_params(shared.data(), int(m));
        return;
    }
    // The sample k-means would draw in every sub-space (same seed, so the same points):
    // drawn once here, so that only sampled rows are sliced.
    std::vector<float> sample, no_weights;
    const idx_t ns = internal::kmeans::subsample_for_training(
        d, ksub, idx_t(n), x, nullptr, cp.max_points_per_centroid, 0, cp.seed, sample, no_weights);
    const float* xs = sample.empty() ? x : sample.data();
    // One k-means per sub-space, the sub-spaces spread over the threads (each k-means
    // then runs on one thread); the result does not depend on the thread count.
    const int nt = omp_in_parallel() ? 1 : int(std::min<size_t>(omp_get_max_threads(), M));
    internal::ExceptionCollector errors;
    ProgressScope progress("ProductQuantizer::train", M);
#pragma omp parallel num_threads(nt) if (nt > 1)
    {
        std::vector<float> xsub(size_t(ns) * dsub);
#pragma omp for schedule(dynamic, 1)
        for (int64_t m = 0; m < int64_t(M); m++) {
            errors.run([&] {
                if (verbose)
                    std::printf("Training PQ sub-quantizer %lld / %zu\n", (long long)m + 1, M);
                extract_subvectors(xs, size_t(ns), d, dsub, size_t(m), xsub.data());
                train_one(size_t(ns), xsub.data(), get_centroids(size_t(m), 0));
                progress.advance();
            });
        }
    }
    errors.rethrow();
    progress.update(M);
}

void ProductQuantizer::compute_code_from_distance_table(const float* tab, uint8_t* code) const {
    // Per sub-quantizer the first position of the row minimum (NaN never wins; an
    // all-NaN row gives centroid 0).
    uint32_t stack_idx[64];
    std::vector<uint32_t> heap_idx(M > 64 ? M : 0);
    uint32_t* idx = M > 64 ? heap_idx.data() : stack_idx;
    simd::pq_kernels().table_argmins(tab, M, ksub, idx);
    if (nbits == 8) {
        for (size_t m = 0; m < M; m++)
            code[m] = uint8_t(idx[m]);
        return;
    }
    std::memset(code, 0, code_size);
    PQEncoderGeneric enc(code, int(nbits));
    for (size_t m = 0; m < M; m++)
        enc.encode(idx[m]);
}

void ProductQuantizer::compute_code(const float* x, uint8_t* code) const {
    std::vector<float> tab(M * ksub);
    compute_distance_table(x, tab.data());
    compute_code_from_distance_table(tab.data(), code);
}

void ProductQuantizer::compute_codes(const float* x, uint8_t* codes, size_t n) const {
    if (n == 0) return;
    FAISS_REQUIRE(x && codes, invalid_argument, "null pointer passed to compute_codes");
    if (n < kEncodeBatchMin || dsub < kEncodeGemmMinDsub) {
        // Direct distances: exact also for data far from the origin, where the
        // norms-minus-dot-product form of the GEMM path loses precision.
        encode_direct(x, codes, n);
        return;
    }
    // Nearest centroid per sub-space through the exact k-NN engine (GEMM, threads).
    const size_t bs = std::min(n, kEncodeBlock);
    std::vector<float> xsub(bs * dsub), dis(bs);
    std::vector<int64_t> assign(bs * M);
    for (size_t i0 = 0; i0 < n; i0 += bs) {
        const size_t ni = std::min(bs, n - i0);
        for (size_t m = 0; m < M; m++) {
            extract_subvectors(x + i0 * d, ni, d, dsub, m, xsub.data());
            knn_L2sqr(xsub.data(), get_centroids(m, 0), dsub, ni, ksub, 1, dis.data(),
                      assign.data() + m * bs);
        }
        for (size_t i = 0; i < ni; i++) {
            uint8_t* code = codes + (i0 + i) * code_size;
            std::memset(code, 0, code_size);
            PQEncoderGeneric enc(code, int(nbits));
            // A NaN sub-vector has no nearest centroid (-1); it gets centroid 0.
            for (size_t m = 0; m < M; m++) {
                enc.encode(uint64_t(std::max<int64_t>(assign[m * bs + i], 0)));
            }
        }
    }
}

void ProductQuantizer::encode_direct(const float* x, uint8_t* codes, size_t n) const {
    // Centroids transposed per sub-space (dsub x ksub): the distance kernel then runs
    // over centroids with unit stride, which vectorises for any dsub.
    const simd::PQKernels& kernels = simd::pq_kernels();
    std::vector<float> ct(M * dsub * ksub);
    transposed_centroids(ct.data());
#pragma omp parallel for if (n > 64)
    for (int64_t i = 0; i < int64_t(n); i++) {
        const float* xi = x + size_t(i) * d;
        uint8_t* code = codes + size_t(i) * code_size;
        std::memset(code, 0, code_size);
        PQEncoderGeneric enc(code, int(nbits));
        for (size_t m = 0; m < M; m++) {
            enc.encode(kernels.l2_transposed_argmin(xi + m * dsub, ct.data() + m * dsub * ksub,
                                                    dsub, ksub));
        }
    }
}

void ProductQuantizer::transposed_centroids(float* ct) const {
    for (size_t m = 0; m < M; m++) {
        for (size_t j = 0; j < ksub; j++) {
            const float* c = get_centroids(m, j);
            for (size_t t = 0; t < dsub; t++)
                ct[(m * dsub + t) * ksub + j] = c[t];
        }
    }
}

void ProductQuantizer::decode(const uint8_t* code, float* x) const {
    PQDecoderGeneric dec(code, int(nbits));
    for (size_t m = 0; m < M; m++) {
        std::memcpy(x + m * dsub, get_centroids(m, size_t(dec.decode())), dsub * sizeof(float));
    }
}

void ProductQuantizer::decode(const uint8_t* code, float* x, size_t n) const {
#pragma omp parallel for if (n > 1000)
    for (int64_t i = 0; i < int64_t(n); i++) {
        decode(code + size_t(i) * code_size, x + size_t(i) * d);
    }
}

void ProductQuantizer::compute_distance_table(const float* x, float* dis_table) const {
    for (size_t m = 0; m < M; m++) {
        fvec_L2sqr_ny(dis_table + m * ksub, x + m * dsub, get_centroids(m, 0), dsub, ksub);
    }
}

void ProductQuantizer::compute_inner_prod_table(const float* x, float* dis_table) const {
    for (size_t m = 0; m < M; m++) {
        fvec_inner_products_ny(dis_table + m * ksub, x + m * dsub, get_centroids(m, 0), dsub, ksub);
    }
}

void ProductQuantizer::compute_distance_tables(size_t nx, const float* x, float* dis_tables) const {
#pragma omp parallel for if (nx > 16)
    for (int64_t i = 0; i < int64_t(nx); i++) {
        compute_distance_table(x + size_t(i) * d, dis_tables + size_t(i) * M * ksub);
    }
}

void ProductQuantizer::compute_inner_prod_tables(size_t nx, const float* x,
                                                 float* dis_tables) const {
#pragma omp parallel for if (nx > 16)
    for (int64_t i = 0; i < int64_t(nx); i++) {
        compute_inner_prod_table(x + size_t(i) * d, dis_tables + size_t(i) * M * ksub);
    }
}

void ProductQuantizer::compute_sdc_table() {
    sdc_table.resize(M * ksub * ksub);
#pragma omp parallel for if (M * ksub > 64)
    for (int64_t mi = 0; mi < int64_t(M * ksub); mi++) {
        const size_t m = size_t(mi) / ksub;
        const size_t i = size_t(mi) % ksub;
        fvec_L2sqr_ny(sdc_table.data() + size_t(mi) * ksub, get_centroids(m, i),
                      get_centroids(m, 0), dsub, ksub);
    }
}

}  // namespace faiss
