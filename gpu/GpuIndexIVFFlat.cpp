#include <faiss/gpu/GpuIndexIVFFlat.h>

#include <faiss/IndexFlat.h>
#include <faiss/gpu/impl/IVFCodecDevice.h>
#include <faiss/internal/checks.h>

#include <algorithm>
#include <cstring>

namespace faiss::gpu {

namespace {

const faiss::IndexIVF& checked(const faiss::IndexIVF* index) {
    FAISS_REQUIRE(index, invalid_argument, "GPU IVF index: null CPU index");
    return *index;
}

}  // namespace

GpuIndexIVFFlat::GpuIndexIVFFlat(GpuResourcesProvider* provider, const faiss::IndexIVFFlat* index,
                                 GpuIndexIVFFlatConfig config)
    : GpuIndexIVF(provider, checked(index).d, checked(index).metric_type, checked(index).metric_arg,
                  idx_t(std::max<size_t>(checked(index).nlist, 1)), config) {
    copyFrom(index);
}

GpuIndexIVFFlat::GpuIndexIVFFlat(GpuResourcesProvider* provider, int dims, idx_t nlist,
                                 faiss::MetricType metric, GpuIndexIVFFlatConfig config)
    : GpuIndexIVF(provider, dims, metric, 0.f, nlist, config) {
    installCodec_();
}

GpuIndexIVFFlat::~GpuIndexIVFFlat() = default;

void GpuIndexIVFFlat::installCodec_() {
    Index* q = metric_type == METRIC_L2 ? static_cast<Index*>(new IndexFlatL2(d))
                                        : static_cast<Index*>(new IndexFlatIP(d));
    auto codec = std::make_unique<IndexIVFFlat>(q, size_t(d), size_t(nlist), metric_type);
    codec->own_fields = true;
    codec->is_trained = true;  // no encoder to train
    setCodec_(std::move(codec));
}

void GpuIndexIVFFlat::copyFrom(const faiss::IndexIVFFlat* index) {
    checkCopySource_(index);
    d = index->d;
    metric_type = index->metric_type;
    nlist = idx_t(index->nlist);
    installCodec_();
    GpuIndexIVF::copyFrom(index);
}

void GpuIndexIVFFlat::copyTo(faiss::IndexIVFFlat* index) const {
    FAISS_REQUIRE(index, invalid_argument, "copyTo: null CPU index");
    GpuIndexIVF::copyTo(index);
}

void GpuIndexIVFFlat::uploadCodec_(detail::IvfCodecDevice& dev) {
    dev.args.codec = kernels::IvfCodec::flat;
}

void GpuIndexIVFFlat::decode_(idx_t, const uint8_t* code, float* out) const {
    std::memcpy(out, code, sizeof(float) * size_t(d));
}

}  // namespace faiss::gpu
