#include <faiss/gpu/GpuIndexFlat.h>

#include <faiss/gpu/impl/CudaCheck.h>
#include <faiss/gpu/impl/FlatStorage.h>
#include <faiss/gpu/impl/KnnEngine.h>

#include <algorithm>
#include <vector>

namespace faiss::gpu {

namespace {

/// Rows per piece when vectors travel through a temporary buffer.
constexpr size_t kPieceBytes = size_t(64) << 20;

std::shared_ptr<GpuResources> provider_resources(GpuResourcesProvider* provider) {
    FAISS_REQUIRE(provider, invalid_argument, "GpuIndexFlat: null GpuResourcesProvider");
    return provider->getResources();
}

int flat_dim(const faiss::IndexFlat* index) {
    FAISS_REQUIRE(index, invalid_argument, "GpuIndexFlat: null CPU index");
    return index->d;
}

faiss::MetricType flat_metric(const faiss::IndexFlat* index) {
    FAISS_REQUIRE(index, invalid_argument, "GpuIndexFlat: null CPU index");
    return index->metric_type;
}

void check_metric(faiss::MetricType metric) {
    FAISS_REQUIRE(metric == METRIC_L2 || metric == METRIC_INNER_PRODUCT, unsupported,
                  "GpuIndexFlat supports METRIC_L2 and METRIC_INNER_PRODUCT, got metric %d",
                  static_cast<int>(metric));
}

}  // namespace

GpuIndexFlat::GpuIndexFlat(GpuResourcesProvider* provider, const faiss::IndexFlat* index,
                           GpuIndexFlatConfig config)
    : GpuIndexFlat(provider_resources(provider), index, config) {}

GpuIndexFlat::GpuIndexFlat(std::shared_ptr<GpuResources> resources, const faiss::IndexFlat* index,
                           GpuIndexFlatConfig config)
    : GpuIndex(std::move(resources), flat_dim(index), flat_metric(index), 0.f, config),
      flatConfig_(config) {
    check_metric(metric_type);
    FAISS_REQUIRE(!config.storeTransposed, unsupported,
                  "GpuIndexFlatConfig::storeTransposed is not supported");
    copyFrom(index);
}

GpuIndexFlat::GpuIndexFlat(GpuResourcesProvider* provider, int dims, faiss::MetricType metric,
                           GpuIndexFlatConfig config)
    : GpuIndexFlat(provider_resources(provider), dims, metric, config) {}

GpuIndexFlat::GpuIndexFlat(std::shared_ptr<GpuResources> resources, int dims,
                           faiss::MetricType metric, GpuIndexFlatConfig config)
    : GpuIndex(std::move(resources), dims, metric, 0.f, config), flatConfig_(config) {
    check_metric(metric);
    FAISS_REQUIRE(!config.storeTransposed, unsupported,
                  "GpuIndexFlatConfig::storeTransposed is not supported");
    data_ = std::make_unique<detail::FlatStorage>(resources_.get(), config_.device, d,
                                                  flatConfig_.useFloat16, config_.memorySpace);
}

GpuIndexFlat::~GpuIndexFlat() {
    if (!data_) return;
    // Freeing returns memory to the resources, which may be shared with other threads.
    auto lock = resources_->lockDevice(config_.device);
    data_.reset();
}

void GpuIndexFlat::copyFrom(const faiss::IndexFlat* index) {
    FAISS_REQUIRE(index, invalid_argument, "copyFrom: null CPU index");
    check_metric(index->metric_type);
    FAISS_REQUIRE(index->d > 0, invalid_argument, "copyFrom: dimension must be > 0, got %d",
                  index->d);
    auto lock = resources_->lockDevice(config_.device);
    detail::DeviceScope scope(config_.device);
    data_.reset();
    GpuIndex::copyFrom(index);
    ntotal = 0;
    data_ = std::make_unique<detail::FlatStorage>(resources_.get(), config_.device, d,
                                                  flatConfig_.useFloat16, config_.memorySpace);
    if (index->ntotal == 0) return;
    data_->reserve(index->ntotal);
    addPaged_(index->ntotal, index->get_xb(), nullptr);
}

void GpuIndexFlat::copyTo(faiss::IndexFlat* index) const {
    FAISS_REQUIRE(index, invalid_argument, "copyTo: null CPU index");
    index->reset();
    index->d = d;
    index->code_size = size_t(d) * sizeof(float);
    index->metric_type = metric_type;
    index->metric_arg = metric_arg;
    index->is_trained = true;
    const idx_t rows = std::max<idx_t>(1, kPieceBytes / (size_t(d) * sizeof(float)));
    std::vector<float> buf;
    for (idx_t i0 = 0; i0 < ntotal; i0 += rows) {
        const idx_t c = std::min(rows, ntotal - i0);
        buf.resize(size_t(c) * d);
        reconstruct_n(i0, c, buf.data());
        index->add(c, buf.data());
    }
}

size_t GpuIndexFlat::getNumVecs() const {
    return static_cast<size_t>(ntotal);
}

void GpuIndexFlat::reset() {
    auto lock = resources_->lockDevice(config_.device);
    detail::DeviceScope scope(config_.device);
    data_->reset();
    ntotal = 0;
}

void GpuIndexFlat::train(idx_t n, const float* x) {
    FAISS_REQUIRE(n >= 0, invalid_argument, "train: n must be >= 0, got %lld", (long long)n);
}

void GpuIndexFlat::add(idx_t n, const float* x) {
    FAISS_REQUIRE(n >= 0, invalid_argument, "add: n must be >= 0, got %lld", (long long)n);
    FAISS_REQUIRE(n == 0 || x, invalid_argument, "add: null vectors for n = %lld", (long long)n);
    if (n == 0) return;
    auto lock = resources_->lockDevice(config_.device);
    detail::DeviceScope scope(config_.device);
    data_->grow_for(n);
    addPaged_(n, x, nullptr);
}

bool GpuIndexFlat::addImplRequiresIDs_() const {
    return false;
}

void GpuIndexFlat::addImpl_(idx_t n, const float* x, const idx_t* ids) {
    FAISS_REQUIRE(!ids, unsupported, "GpuIndexFlat numbers its vectors sequentially");
    data_->append(x, n, resources_->getDefaultStream(config_.device));
    ntotal = data_->size();
}

void GpuIndexFlat::searchImpl_(idx_t n, const float* x, int k, float* distances, idx_t* labels,
                               const SearchParameters* params) const {
    detail::MatrixView q;
    q.data = x;
    q.type = detail::ElemType::f32;
    q.n = n;
    q.d = d;
    q.row_major = true;
    q.ld = d;
    q.on_device = isDevicePointer_(x);
    detail::KnnOutput out;
    out.distances = distances;
    out.distances_on_device = isDevicePointer_(distances);
    out.labels = labels;
    out.labels_on_device = isDevicePointer_(labels);
    detail::KnnLimits limits;
    if (!q.on_device) limits.queries_bytes = minPagedSize_;
    detail::knn_search(resources_.get(), config_.device, metric_type, data_->view(), data_->norms(),
                       true, q, k, out, limits);
}

void GpuIndexFlat::reconstruct(idx_t key, float* out) const {
    FAISS_REQUIRE(key >= 0 && key < ntotal, invalid_argument,
                  "reconstruct: key %lld outside [0, %lld)", (long long)key, (long long)ntotal);
    reconstruct_n(key, 1, out);
}

void GpuIndexFlat::reconstruct_n(idx_t i0, idx_t num, float* out) const {
    FAISS_REQUIRE(i0 >= 0 && num >= 0 && i0 + num <= ntotal, invalid_argument,
                  "reconstruct_n: range [%lld, %lld) outside [0, %lld)", (long long)i0,
                  (long long)(i0 + num), (long long)ntotal);
    if (num == 0) return;
    FAISS_REQUIRE(out, invalid_argument, "reconstruct_n: null output");
    auto lock = resources_->lockDevice(config_.device);
    detail::DeviceScope scope(config_.device);
    cudaStream_t stream = resources_->getDefaultStream(config_.device);
    if (isDevicePointer_(out)) {
        data_->read_rows(i0, num, out, stream);
        FAISS_CUDA_CHECK(cudaStreamSynchronize(stream));
        return;
    }
    const size_t row = size_t(d) * sizeof(float);
    const idx_t rows = std::max<idx_t>(1, std::min<idx_t>(num, kPieceBytes / row));
    GpuMemoryReservation buf = resources_->allocMemoryHandle(AllocRequest(
        AllocType::Other, config_.device, MemorySpace::Temporary, stream, size_t(rows) * row));
    for (idx_t p = 0; p < num; p += rows) {
        const idx_t c = std::min(rows, num - p);
        data_->read_rows(i0 + p, c, static_cast<float*>(buf.get()), stream);
        FAISS_CUDA_CHECK(cudaMemcpyAsync(out + size_t(p) * d, buf.get(), size_t(c) * row,
                                         cudaMemcpyDeviceToHost, stream));
        FAISS_CUDA_CHECK(cudaStreamSynchronize(stream));
    }
}

void GpuIndexFlat::reconstruct_batch(idx_t n, const idx_t* keys, float* out) const {
    FAISS_REQUIRE(n >= 0, invalid_argument, "reconstruct_batch: n must be >= 0");
    if (n == 0) return;
    FAISS_REQUIRE(keys && out, invalid_argument, "reconstruct_batch: null keys or output");
    auto lock = resources_->lockDevice(config_.device);
    detail::DeviceScope scope(config_.device);
    cudaStream_t stream = resources_->getDefaultStream(config_.device);
    // Keys are checked on the host, so device keys are read back first.
    std::vector<idx_t> host_keys;
    const idx_t* hk = keys;
    if (isDevicePointer_(keys)) {
        host_keys.resize(n);
        FAISS_CUDA_CHECK(
            cudaMemcpy(host_keys.data(), keys, size_t(n) * sizeof(idx_t), cudaMemcpyDeviceToHost));
        hk = host_keys.data();
    }
    for (idx_t i = 0; i < n; ++i) {
        FAISS_REQUIRE(hk[i] >= 0 && hk[i] < ntotal, invalid_argument,
                      "reconstruct_batch: key %lld outside [0, %lld)", (long long)hk[i],
                      (long long)ntotal);
    }
    const bool out_dev = isDevicePointer_(out);
    const size_t row = size_t(d) * sizeof(float);
    const idx_t rows = std::max<idx_t>(1, std::min<idx_t>(n, kPieceBytes / row));
    auto temp = [&](size_t bytes) {
        return resources_->allocMemoryHandle(
            AllocRequest(AllocType::Other, config_.device, MemorySpace::Temporary, stream, bytes));
    };
    GpuMemoryReservation kbuf = temp(size_t(rows) * sizeof(int64_t));
    GpuMemoryReservation vbuf;
    if (!out_dev) vbuf = temp(size_t(rows) * row);
    for (idx_t p = 0; p < n; p += rows) {
        const idx_t c = std::min(rows, n - p);
        FAISS_CUDA_CHECK(cudaMemcpyAsync(kbuf.get(), hk + p, size_t(c) * sizeof(int64_t),
                                         cudaMemcpyHostToDevice, stream));
        float* dst = out_dev ? out + size_t(p) * d : static_cast<float*>(vbuf.get());
        data_->gather(static_cast<const int64_t*>(kbuf.get()), c, dst, stream);
        if (!out_dev) {
            FAISS_CUDA_CHECK(cudaMemcpyAsync(out + size_t(p) * d, dst, size_t(c) * row,
                                             cudaMemcpyDeviceToHost, stream));
        }
        FAISS_CUDA_CHECK(cudaStreamSynchronize(stream));
    }
}

void GpuIndexFlat::compute_residual(const float* x, float* residual, idx_t key) const {
    GpuIndex::compute_residual(x, residual, key);
}

void GpuIndexFlat::compute_residual_n(idx_t n, const float* xs, float* residuals,
                                      const idx_t* keys) const {
    GpuIndex::compute_residual_n(n, xs, residuals, keys);
}

GpuIndexFlatL2::GpuIndexFlatL2(GpuResourcesProvider* provider, faiss::IndexFlatL2* index,
                               GpuIndexFlatConfig config)
    : GpuIndexFlat(provider, index, config) {}

GpuIndexFlatL2::GpuIndexFlatL2(std::shared_ptr<GpuResources> resources, faiss::IndexFlatL2* index,
                               GpuIndexFlatConfig config)
    : GpuIndexFlat(std::move(resources), index, config) {}

GpuIndexFlatL2::GpuIndexFlatL2(GpuResourcesProvider* provider, int dims, GpuIndexFlatConfig config)
    : GpuIndexFlat(provider, dims, METRIC_L2, config) {}

GpuIndexFlatL2::GpuIndexFlatL2(std::shared_ptr<GpuResources> resources, int dims,
                               GpuIndexFlatConfig config)
    : GpuIndexFlat(std::move(resources), dims, METRIC_L2, config) {}

void GpuIndexFlatL2::copyFrom(faiss::IndexFlat* index) {
    FAISS_REQUIRE(index && index->metric_type == METRIC_L2, invalid_argument,
                  "GpuIndexFlatL2::copyFrom needs a METRIC_L2 IndexFlat");
    GpuIndexFlat::copyFrom(index);
}

void GpuIndexFlatL2::copyTo(faiss::IndexFlat* index) {
    FAISS_REQUIRE(index && index->metric_type == METRIC_L2, invalid_argument,
                  "GpuIndexFlatL2::copyTo needs a METRIC_L2 IndexFlat");
    GpuIndexFlat::copyTo(index);
}

GpuIndexFlatIP::GpuIndexFlatIP(GpuResourcesProvider* provider, faiss::IndexFlatIP* index,
                               GpuIndexFlatConfig config)
    : GpuIndexFlat(provider, index, config) {}

GpuIndexFlatIP::GpuIndexFlatIP(std::shared_ptr<GpuResources> resources, faiss::IndexFlatIP* index,
                               GpuIndexFlatConfig config)
    : GpuIndexFlat(std::move(resources), index, config) {}

GpuIndexFlatIP::GpuIndexFlatIP(GpuResourcesProvider* provider, int dims, GpuIndexFlatConfig config)
    : GpuIndexFlat(provider, dims, METRIC_INNER_PRODUCT, config) {}

GpuIndexFlatIP::GpuIndexFlatIP(std::shared_ptr<GpuResources> resources, int dims,
                               GpuIndexFlatConfig config)
    : GpuIndexFlat(std::move(resources), dims, METRIC_INNER_PRODUCT, config) {}

void GpuIndexFlatIP::copyFrom(faiss::IndexFlat* index) {
    FAISS_REQUIRE(index && index->metric_type == METRIC_INNER_PRODUCT, invalid_argument,
                  "GpuIndexFlatIP::copyFrom needs a METRIC_INNER_PRODUCT IndexFlat");
    GpuIndexFlat::copyFrom(index);
}

void GpuIndexFlatIP::copyTo(faiss::IndexFlat* index) {
    FAISS_REQUIRE(index && index->metric_type == METRIC_INNER_PRODUCT, invalid_argument,
                  "GpuIndexFlatIP::copyTo needs a METRIC_INNER_PRODUCT IndexFlat");
    GpuIndexFlat::copyTo(index);
}

}  // namespace faiss::gpu
