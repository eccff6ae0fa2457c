#include <faiss/gpu/GpuIndexIVFPQ.h>

#include <faiss/IndexFlat.h>
#include <faiss/gpu/impl/IVFCodecDevice.h>
#include <faiss/internal/checks.h>

#include <algorithm>

namespace faiss::gpu {

namespace {

/// Opt-in shared memory per block of the devices this backend targets (227 KiB on sm_80 /
/// sm_90), less a margin for the kernel's static shared variables.
constexpr size_t kMaxSharedBytes = size_t(226) << 10;

const faiss::IndexIVFPQ& checked(const faiss::IndexIVFPQ* index) {
    FAISS_REQUIRE(index, invalid_argument, "GpuIndexIVFPQ: null CPU index");
    return *index;
}

void check_pq(int d, size_t M, size_t nbits) {
    FAISS_REQUIRE(nbits == 8, unsupported, "GpuIndexIVFPQ supports 8-bit codes, got nbits = %zu",
                  nbits);
    FAISS_REQUIRE(M > 0 && d % int(M) == 0, invalid_argument,
                  "GpuIndexIVFPQ: M = %zu must divide d = %d", M, d);
    FAISS_REQUIRE(kernels::ivf_pq_shared_bytes(d, int(M)) <= kMaxSharedBytes, unsupported,
                  "GpuIndexIVFPQ: M = %zu with d = %d needs %zu bytes of shared memory (at "
                  "most %zu)",
                  M, d, kernels::ivf_pq_shared_bytes(d, int(M)), kMaxSharedBytes);
}

}  // namespace

GpuIndexIVFPQ::GpuIndexIVFPQ(GpuResourcesProvider* provider, const faiss::IndexIVFPQ* index,
                             GpuIndexIVFPQConfig config)
    : GpuIndexIVF(provider, checked(index).d, checked(index).metric_type, checked(index).metric_arg,
                  idx_t(std::max<size_t>(checked(index).nlist, 1)), config),
      usePrecomputed_(config.usePrecomputedTables) {
    copyFrom(index);
}

GpuIndexIVFPQ::GpuIndexIVFPQ(GpuResourcesProvider* provider, int dims, idx_t nlist,
                             idx_t subQuantizers, idx_t bitsPerCode, faiss::MetricType metric,
                             GpuIndexIVFPQConfig config)
    : GpuIndexIVF(provider, dims, metric, 0.f, nlist, config),
      usePrecomputed_(config.usePrecomputedTables) {
    FAISS_REQUIRE(subQuantizers > 0 && bitsPerCode > 0, invalid_argument,
                  "GpuIndexIVFPQ: subQuantizers and bitsPerCode must be > 0");
    check_pq(dims, size_t(subQuantizers), size_t(bitsPerCode));
    installCodec_(size_t(subQuantizers), size_t(bitsPerCode), true);
}

GpuIndexIVFPQ::~GpuIndexIVFPQ() = default;

void GpuIndexIVFPQ::installCodec_(size_t M, size_t nbits, bool residual) {
    Index* q = metric_type == METRIC_L2 ? static_cast<Index*>(new IndexFlatL2(d))
                                        : static_cast<Index*>(new IndexFlatIP(d));
    auto codec = std::make_unique<IndexIVFPQ>(q, size_t(d), size_t(nlist), M, nbits, metric_type);
    codec->own_fields = true;
    codec->by_residual = residual;
    // The host codec only encodes and decodes: no search table.
    codec->use_precomputed_table = -1;
    codec->is_trained = false;
    pq = codec->pq;
    setCodec_(std::move(codec));
}

void GpuIndexIVFPQ::copyFrom(const faiss::IndexIVFPQ* index) {
    checkCopySource_(index);
    check_pq(index->d, index->pq.M, index->pq.nbits);
    FAISS_REQUIRE(index->polysemous_ht == 0, unsupported,
                  "GpuIndexIVFPQ: the polysemous filter (polysemous_ht = %d) is not supported",
                  index->polysemous_ht);
    d = index->d;
    metric_type = index->metric_type;
    nlist = idx_t(index->nlist);
    installCodec_(index->pq.M, index->pq.nbits, index->by_residual);
    auto* codec = static_cast<IndexIVFPQ*>(codec_.get());
    codec->pq = index->pq;
    pq = index->pq;
    GpuIndexIVF::copyFrom(index);
}

void GpuIndexIVFPQ::copyTo(faiss::IndexIVFPQ* index) const {
    FAISS_REQUIRE(index, invalid_argument, "copyTo: null CPU index");
    index->pq = static_cast<const IndexIVFPQ*>(codec_.get())->pq;
    index->precomputed_table.clear();
    if (index->use_precomputed_table == 1) index->use_precomputed_table = 0;
    GpuIndexIVF::copyTo(index);
    if (index->is_trained && index->by_residual) index->precompute_table();
}

void GpuIndexIVFPQ::setPrecomputedCodes(bool enable) {
    usePrecomputed_ = enable;
}

bool GpuIndexIVFPQ::getPrecomputedCodes() const {
    return usePrecomputed_;
}

int GpuIndexIVFPQ::getNumSubQuantizers() const {
    return int(pq.M);
}

int GpuIndexIVFPQ::getBitsPerCode() const {
    return int(pq.nbits);
}

int GpuIndexIVFPQ::getCentroidsPerSubQuantizer() const {
    return int(pq.ksub);
}

void GpuIndexIVFPQ::uploadCodec_(detail::IvfCodecDevice& dev) {
    const auto& codec_pq = static_cast<const IndexIVFPQ*>(codec_.get())->pq;
    pq = codec_pq;
    dev.args.codec = kernels::IvfCodec::pq8;
    dev.args.M = int(codec_pq.M);
    detail::IvfCodecDevice::upload(resources_.get(), config_.device, codec_pq.centroids.data(),
                                   codec_pq.centroids.size(), dev.params);
    dev.args.pq_centroids = static_cast<const float*>(dev.params.get());
}

void GpuIndexIVFPQ::decode_(idx_t list, const uint8_t* code, float* out) const {
    const auto* codec = static_cast<const IndexIVFPQ*>(codec_.get());
    codec->pq.decode(code, out);
    if (!codec->by_residual) return;
    const float* c = static_cast<const IndexFlat*>(codec_->quantizer)->get_xb() + size_t(list) * d;
    for (int j = 0; j < d; ++j)
        out[j] += c[j];
}

}  // namespace faiss::gpu
