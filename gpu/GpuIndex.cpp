#include <faiss/gpu/GpuIndex.h>

#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexIVFScalarQuantizer.h>
#include <faiss/gpu/impl/CudaCheck.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <typeinfo>
#include <vector>

namespace faiss::gpu {

namespace {

constexpr size_t kMinPageSize = size_t(256) << 20;
constexpr size_t kAddPageBytes = size_t(64) << 20;

std::shared_ptr<GpuResources> checked_resources(std::shared_ptr<GpuResources> r) {
    FAISS_REQUIRE(r, invalid_argument, "GpuIndex: null GpuResources");
    return r;
}

}  // namespace

GpuIndex::GpuIndex(std::shared_ptr<GpuResources> resources, int dims, faiss::MetricType metric,
                   float metricArg, GpuIndexConfig config)
    : Index(dims, metric),
      resources_(checked_resources(std::move(resources))),
      config_(config),
      minPagedSize_(kMinPageSize) {
    metric_arg = metricArg;
    FAISS_REQUIRE(dims > 0, invalid_argument, "GpuIndex: dimension must be > 0, got %d", dims);
    FAISS_REQUIRE(!config.use_cuvs, unsupported,
                  "GpuIndexConfig::use_cuvs: this library has no cuVS backend");
    FAISS_REQUIRE(
        config.memorySpace == MemorySpace::Device || config.memorySpace == MemorySpace::Unified,
        invalid_argument, "GpuIndexConfig::memorySpace must be Device or Unified, got %d",
        static_cast<int>(config.memorySpace));
    detail::require_device(config.device, "GpuIndex");
    resources_->initializeForDevice(config.device);
}

GpuIndex::~GpuIndex() = default;

int GpuIndex::getDevice() const {
    return config_.device;
}

std::shared_ptr<GpuResources> GpuIndex::getResources() {
    return resources_;
}

void GpuIndex::setMinPagingSize(size_t size) {
    minPagedSize_ = size;
}

size_t GpuIndex::getMinPagingSize() const {
    return minPagedSize_;
}

bool GpuIndex::isDevicePointer_(const void* p) const {
    return detail::pointer_kind(p, config_.device, "an array argument") ==
           detail::PointerKind::device;
}

void GpuIndex::add(idx_t n, const float* x) {
    add_with_ids(n, x, nullptr);
}

void GpuIndex::add_with_ids(idx_t n, const float* x, const idx_t* ids) {
    FAISS_REQUIRE(n >= 0, invalid_argument, "add: n must be >= 0, got %lld", (long long)n);
    FAISS_REQUIRE(n == 0 || x, invalid_argument, "add: null vectors for n = %lld", (long long)n);
    FAISS_REQUIRE(is_trained, not_trained, "add: the index is not trained");
    FAISS_REQUIRE(!ids || addImplRequiresIDs_(), unsupported,
                  "add_with_ids is not supported by this GPU index (vectors are numbered "
                  "sequentially); use add");
    if (n == 0) return;
    auto lock = resources_->lockDevice(config_.device);
    detail::DeviceScope scope(config_.device);
    addPaged_(n, x, ids);
}

void GpuIndex::addPaged_(idx_t n, const float* x, const idx_t* ids) {
    if (isDevicePointer_(x)) {
        addImpl_(n, x, ids);
        return;
    }
    cudaStream_t stream = resources_->getDefaultStream(config_.device);
    const size_t row = size_t(d) * sizeof(float);
    const idx_t rows = std::max<idx_t>(1, std::min<idx_t>(n, kAddPageBytes / row));
    GpuMemoryReservation buf = resources_->allocMemoryHandle(AllocRequest(
        AllocType::Other, config_.device, MemorySpace::Temporary, stream, size_t(rows) * row));
    for (idx_t i0 = 0; i0 < n; i0 += rows) {
        const idx_t c = std::min(rows, n - i0);
        FAISS_CUDA_CHECK(cudaMemcpyAsync(buf.get(), x + size_t(i0) * d, size_t(c) * row,
                                         cudaMemcpyHostToDevice, stream));
        addImpl_(c, static_cast<const float*>(buf.get()), ids ? ids + i0 : nullptr);
    }
    FAISS_CUDA_CHECK(cudaStreamSynchronize(stream));
}

void GpuIndex::assign(idx_t n, const float* x, idx_t* labels, idx_t k) const {
    FAISS_REQUIRE(n >= 0 && k > 0, invalid_argument, "assign: bad n = %lld or k = %lld",
                  (long long)n, (long long)k);
    std::vector<float> distances(size_t(n) * size_t(k));
    search(n, x, k, distances.data(), labels);
}

void GpuIndex::search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                      const SearchParameters* params) const {
    FAISS_REQUIRE(n >= 0, invalid_argument, "search: n must be >= 0, got %lld", (long long)n);
    FAISS_REQUIRE(k > 0, invalid_argument, "search: k must be > 0, got %lld", (long long)k);
    FAISS_REQUIRE(k <= detail::kMaxKSelection, unsupported,
                  "search: k = %lld is not supported on the GPU (at most %d)", (long long)k,
                  detail::kMaxKSelection);
    FAISS_REQUIRE(!params || !params->sel, unsupported,
                  "search: GPU indexes do not support an IDSelector in SearchParameters");
    if (n == 0) return;
    FAISS_REQUIRE(x && distances && labels, invalid_argument,
                  "search: null queries, distances or labels");
    auto lock = resources_->lockDevice(config_.device);
    detail::DeviceScope scope(config_.device);
    searchImpl_(n, x, static_cast<int>(k), distances, labels, params);
}

void GpuIndex::search_and_reconstruct(idx_t n, const float* x, idx_t k, float* distances,
                                      idx_t* labels, float* recons,
                                      const SearchParameters* params) const {
    FAISS_REQUIRE(n == 0 || recons, invalid_argument, "search_and_reconstruct: null recons");
    FAISS_REQUIRE(!isDevicePointer_(labels) && !isDevicePointer_(recons), unsupported,
                  "search_and_reconstruct: labels and recons must be host memory");
    search(n, x, k, distances, labels, params);
    std::vector<idx_t> keys;
    std::vector<size_t> where;
    for (size_t i = 0; i < size_t(n) * size_t(k); ++i) {
        if (labels[i] >= 0) {
            keys.push_back(labels[i]);
            where.push_back(i);
        } else {
            std::fill(recons + i * d, recons + (i + 1) * d,
                      std::numeric_limits<float>::quiet_NaN());
        }
    }
    std::vector<float> rows(keys.size() * size_t(d));
    if (!keys.empty()) reconstruct_batch(idx_t(keys.size()), keys.data(), rows.data());
    for (size_t j = 0; j < keys.size(); ++j) {
        std::copy(rows.begin() + j * d, rows.begin() + (j + 1) * d, recons + where[j] * d);
    }
}

void GpuIndex::compute_residual(const float* x, float* residual, idx_t key) const {
    FAISS_REQUIRE(x && residual, invalid_argument, "compute_residual: null pointer");
    FAISS_REQUIRE(!isDevicePointer_(x) && !isDevicePointer_(residual), unsupported,
                  "compute_residual: x and residual must be host memory");
    reconstruct(key, residual);
    for (int i = 0; i < d; ++i)
        residual[i] = x[i] - residual[i];
}

void GpuIndex::compute_residual_n(idx_t n, const float* xs, float* residuals,
                                  const idx_t* keys) const {
    FAISS_REQUIRE(n >= 0, invalid_argument, "compute_residual_n: n must be >= 0");
    if (n == 0) return;
    FAISS_REQUIRE(xs && residuals && keys, invalid_argument, "compute_residual_n: null pointer");
    FAISS_REQUIRE(!isDevicePointer_(xs) && !isDevicePointer_(residuals), unsupported,
                  "compute_residual_n: xs and residuals must be host memory");
    reconstruct_batch(n, keys, residuals);
    for (size_t i = 0; i < size_t(n) * size_t(d); ++i)
        residuals[i] = xs[i] - residuals[i];
}

void GpuIndex::copyFrom(const faiss::Index* index) {
    FAISS_REQUIRE(index, invalid_argument, "copyFrom: null index");
    d = index->d;
    metric_type = index->metric_type;
    metric_arg = index->metric_arg;
    ntotal = index->ntotal;
    is_trained = index->is_trained;
}

void GpuIndex::copyTo(faiss::Index* index) const {
    FAISS_REQUIRE(index, invalid_argument, "copyTo: null index");
    index->d = d;
    index->metric_type = metric_type;
    index->metric_arg = metric_arg;
    index->ntotal = ntotal;
    index->is_trained = is_trained;
}

bool isGpuIndex(const faiss::Index* index) {
    return dynamic_cast<const GpuIndex*>(index) != nullptr;
}

bool isGpuIndexImplemented(const faiss::Index* index) {
    if (!index) return false;
    const std::type_info& t = typeid(*index);
    const bool known =
        dynamic_cast<const faiss::IndexFlat*>(index) || t == typeid(faiss::IndexIVFFlat) ||
        t == typeid(faiss::IndexIVFScalarQuantizer) || t == typeid(faiss::IndexIVFPQ);
    return known && (index->metric_type == METRIC_L2 || index->metric_type == METRIC_INNER_PRODUCT);
}

}  // namespace faiss::gpu
