#include <faiss/gpu/GpuIndexIVFScalarQuantizer.h>

#include <faiss/IndexFlat.h>
#include <faiss/gpu/impl/IVFCodecDevice.h>
#include <faiss/internal/checks.h>

#include <algorithm>

namespace faiss::gpu {

namespace {

const faiss::IndexIVFScalarQuantizer& checked(const faiss::IndexIVFScalarQuantizer* index) {
    FAISS_REQUIRE(index, invalid_argument, "GpuIndexIVFScalarQuantizer: null CPU index");
    return *index;
}

void check_qtype(faiss::ScalarQuantizer::QuantizerType qtype) {
    FAISS_REQUIRE(
        qtype == ScalarQuantizer::QT_8bit || qtype == ScalarQuantizer::QT_fp16, unsupported,
        "GpuIndexIVFScalarQuantizer supports QT_8bit and QT_fp16, got qtype %d", int(qtype));
}

}  // namespace

GpuIndexIVFScalarQuantizer::GpuIndexIVFScalarQuantizer(GpuResourcesProvider* provider,
                                                       const faiss::IndexIVFScalarQuantizer* index,
                                                       GpuIndexIVFScalarQuantizerConfig config)
    : GpuIndexIVF(provider, checked(index).d, checked(index).metric_type, checked(index).metric_arg,
                  idx_t(std::max<size_t>(checked(index).nlist, 1)), config) {
    copyFrom(index);
}

GpuIndexIVFScalarQuantizer::GpuIndexIVFScalarQuantizer(GpuResourcesProvider* provider, int dims,
                                                       idx_t nlist,
                                                       faiss::ScalarQuantizer::QuantizerType qtype,
                                                       faiss::MetricType metric,
                                                       bool encodeResidual,
                                                       GpuIndexIVFScalarQuantizerConfig config)
    : GpuIndexIVF(provider, dims, metric, 0.f, nlist, config) {
    check_qtype(qtype);
    installCodec_(qtype, encodeResidual);
}

GpuIndexIVFScalarQuantizer::~GpuIndexIVFScalarQuantizer() = default;

void GpuIndexIVFScalarQuantizer::installCodec_(faiss::ScalarQuantizer::QuantizerType qtype,
                                               bool residual) {
    Index* q = metric_type == METRIC_L2 ? static_cast<Index*>(new IndexFlatL2(d))
                                        : static_cast<Index*>(new IndexFlatIP(d));
    auto codec = std::make_unique<IndexIVFScalarQuantizer>(q, size_t(d), size_t(nlist), qtype,
                                                           metric_type, residual);
    codec->own_fields = true;
    codec->is_trained = !codec->sq.needs_training();
    sq = codec->sq;
    by_residual = residual;
    setCodec_(std::move(codec));
}

void GpuIndexIVFScalarQuantizer::copyFrom(const faiss::IndexIVFScalarQuantizer* index) {
    checkCopySource_(index);
    check_qtype(index->sq.qtype);
    FAISS_REQUIRE(index->sq.d == size_t(index->d), invalid_argument,
                  "copyFrom: scalar quantizer of dimension %zu for d = %d", index->sq.d, index->d);
    d = index->d;
    metric_type = index->metric_type;
    nlist = idx_t(index->nlist);
    installCodec_(index->sq.qtype, index->by_residual);
    auto* codec = static_cast<IndexIVFScalarQuantizer*>(codec_.get());
    codec->sq = index->sq;
    sq = index->sq;
    GpuIndexIVF::copyFrom(index);
}

void GpuIndexIVFScalarQuantizer::copyTo(faiss::IndexIVFScalarQuantizer* index) const {
    FAISS_REQUIRE(index, invalid_argument, "copyTo: null CPU index");
    index->sq = static_cast<const IndexIVFScalarQuantizer*>(codec_.get())->sq;
    GpuIndexIVF::copyTo(index);
}

void GpuIndexIVFScalarQuantizer::uploadCodec_(detail::IvfCodecDevice& dev) {
    const auto& codec_sq = static_cast<const IndexIVFScalarQuantizer*>(codec_.get())->sq;
    sq = codec_sq;
    if (codec_sq.qtype == ScalarQuantizer::QT_fp16) {
        dev.args.codec = kernels::IvfCodec::fp16;
        return;
    }
    FAISS_REQUIRE(codec_sq.trained.size() == 2 * size_t(d), internal,
                  "QT_8bit ranges hold %zu floats for d = %d", codec_sq.trained.size(), d);
    dev.args.codec = kernels::IvfCodec::sq8;
    detail::IvfCodecDevice::upload(resources_.get(), config_.device, codec_sq.trained.data(),
                                   codec_sq.trained.size(), dev.params);
    dev.args.sq_trained = static_cast<const float*>(dev.params.get());
}

void GpuIndexIVFScalarQuantizer::decode_(idx_t list, const uint8_t* code, float* out) const {
    static_cast<const IndexIVFScalarQuantizer*>(codec_.get())->sq.decode(code, out, 1);
    if (!by_residual) return;
    const float* c = static_cast<const IndexFlat*>(codec_->quantizer)->get_xb() + size_t(list) * d;
    for (int j = 0; j < d; ++j)
        out[j] += c[j];
}

}  // namespace faiss::gpu
