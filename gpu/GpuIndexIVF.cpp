#include <faiss/gpu/GpuIndexIVF.h>

#include <faiss/IDSelector.h>
#include <faiss/IndexFlat.h>
#include <faiss/gpu/impl/CudaCheck.h>
#include <faiss/gpu/impl/FlatStorage.h>
#include <faiss/gpu/impl/IVFCodecDevice.h>
#include <faiss/gpu/impl/IVFLists.h>
#include <faiss/gpu/impl/IVFSearch.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

namespace faiss::gpu {

namespace {

/// Vectors per piece when adding (bounds the host codes and assignment buffers).
constexpr size_t kAddPageBytes = size_t(64) << 20;

std::shared_ptr<GpuResources> provider_resources(GpuResourcesProvider* provider) {
    FAISS_REQUIRE(provider, invalid_argument, "GpuIndexIVF: null GpuResourcesProvider");
    return provider->getResources();
}

GpuIndexFlatConfig quantizer_config(const GpuIndexIVFConfig& config) {
    GpuIndexFlatConfig f = config.flatConfig;
    f.device = config.device;
    f.memorySpace = config.memorySpace;
    return f;
}

idx_t page_rows(int d) {
    return std::max<idx_t>(1, idx_t(kAddPageBytes / (size_t(d) * sizeof(float))));
}

}  // namespace

void detail::IvfCodecDevice::upload(GpuResources* res, int device, const float* host, size_t n,
                                    GpuMemoryReservation& dst) {
    cudaStream_t stream = res->getDefaultStream(device);
    dst = res->allocMemoryHandle(
        AllocRequest(AllocType::Quantizer, device, MemorySpace::Device, stream, n * sizeof(float)));
    FAISS_CUDA_CHECK(
        cudaMemcpyAsync(dst.get(), host, n * sizeof(float), cudaMemcpyHostToDevice, stream));
    FAISS_CUDA_CHECK(cudaStreamSynchronize(stream));
}

GpuIndexIVF::GpuIndexIVF(GpuResourcesProvider* provider, int dims, faiss::MetricType metric,
                         float metricArg, idx_t nlist_in, GpuIndexIVFConfig config)
    : GpuIndex(provider_resources(provider), dims, metric, metricArg, config),
      nlist(nlist_in),
      ivfConfig_(config) {
    FAISS_REQUIRE(metric == METRIC_L2 || metric == METRIC_INNER_PRODUCT, unsupported,
                  "GPU IVF indexes support METRIC_L2 and METRIC_INNER_PRODUCT, got metric %d",
                  int(metric));
    FAISS_REQUIRE(nlist_in > 0, invalid_argument, "GpuIndexIVF: nlist must be > 0, got %lld",
                  (long long)nlist_in);
    FAISS_REQUIRE(dims <= kernels::kIvfMaxDim, unsupported,
                  "GPU IVF indexes support d <= %d, got %d", kernels::kIvfMaxDim, dims);
    FAISS_REQUIRE(config.indicesOptions == INDICES_64_BIT, unsupported,
                  "GpuIndexIVFConfig::indicesOptions: only INDICES_64_BIT is supported, got %d",
                  int(config.indicesOptions));
    FAISS_REQUIRE(!config.allowCpuCoarseQuantizer, unsupported,
                  "GpuIndexIVFConfig::allowCpuCoarseQuantizer: a CPU coarse quantizer is not "
                  "supported");
    cp.niter = 10;
    ownedQuantizer_ =
        std::make_unique<GpuIndexFlat>(resources_, dims, metric, quantizer_config(config));
    quantizer = ownedQuantizer_.get();
    codecDev_ = std::make_unique<detail::IvfCodecDevice>();
    is_trained = false;
}

GpuIndexIVF::~GpuIndexIVF() {
    // Freeing returns memory to the resources, which other threads may be using.
    auto lock = resources_->lockDevice(config_.device);
    lists_.reset();
    codecDev_.reset();
}

void GpuIndexIVF::setCodec_(std::unique_ptr<faiss::IndexIVF> codec) {
    auto lock = resources_->lockDevice(config_.device);
    detail::DeviceScope scope(config_.device);
    codec_ = std::move(codec);
    lists_ = std::make_unique<detail::IVFLists>(resources_.get(), config_.device, size_t(nlist),
                                                codec_->code_size, config_.memorySpace);
    codecDev_ = std::make_unique<detail::IvfCodecDevice>();
}

void GpuIndexIVF::uploadAll_() {
    detail::IvfCodecDevice& dev = *codecDev_;
    dev.centroids.release();
    dev.params.release();
    dev.args = kernels::IvfScanArgs();
    dev.args.l2 = metric_type == METRIC_L2;
    dev.args.d = d;
    dev.args.by_residual = codec_->by_residual;
    if (!is_trained) return;
    if (codec_->by_residual) {
        const auto* cq = static_cast<const IndexFlat*>(codec_->quantizer);
        detail::IvfCodecDevice::upload(resources_.get(), config_.device, cq->get_xb(),
                                       size_t(nlist) * d, dev.centroids);
        dev.args.centroids = static_cast<const float*>(dev.centroids.get());
    }
    uploadCodec_(dev);
}

void GpuIndexIVF::checkCopySource_(const faiss::IndexIVF* index) {
    FAISS_REQUIRE(index, invalid_argument, "copyFrom: null CPU index");
    FAISS_REQUIRE(index->d > 0 && index->d <= kernels::kIvfMaxDim, unsupported,
                  "copyFrom: GPU IVF indexes support 0 < d <= %d, got %d", kernels::kIvfMaxDim,
                  index->d);
    FAISS_REQUIRE(index->metric_type == METRIC_L2 || index->metric_type == METRIC_INNER_PRODUCT,
                  unsupported, "copyFrom: GPU IVF indexes support L2 and inner product, got %d",
                  int(index->metric_type));
    FAISS_REQUIRE(index->nlist > 0 && index->quantizer && index->invlists, invalid_argument,
                  "copyFrom: the CPU index has no lists or no quantizer");
    FAISS_REQUIRE(!index->is_trained || size_t(index->quantizer->ntotal) == index->nlist,
                  invalid_argument, "copyFrom: the quantizer holds %lld centroids for nlist %zu",
                  (long long)index->quantizer->ntotal, index->nlist);
}

void GpuIndexIVF::copyFrom(const faiss::IndexIVF* index) {
    checkCopySource_(index);
    FAISS_REQUIRE(codec_, internal, "copyFrom: the subclass installs its codec first");
    FAISS_REQUIRE(
        index->code_size == codec_->code_size && index->invlists->code_size == codec_->code_size,
        invalid_argument, "copyFrom: code size %zu (lists %zu), expected %zu", index->code_size,
        index->invlists->code_size, codec_->code_size);
    GpuIndex::copyFrom(index);
    nlist = idx_t(index->nlist);
    nprobe = index->nprobe;
    cp = index->cp;
    ownedQuantizer_ =
        std::make_unique<GpuIndexFlat>(resources_, d, metric_type, quantizer_config(ivfConfig_));
    quantizer = ownedQuantizer_.get();
    auto* cq = static_cast<IndexFlat*>(codec_->quantizer);
    cq->reset();
    if (index->is_trained) codec_->is_trained = true;
    if (index->is_trained) {
        std::vector<float> centroids(size_t(nlist) * d);
        index->quantizer->reconstruct_n(0, nlist, centroids.data());
        ownedQuantizer_->add(nlist, centroids.data());
        cq->add(nlist, centroids.data());
    }
    auto lock = resources_->lockDevice(config_.device);
    detail::DeviceScope scope(config_.device);
    cudaStream_t stream = resources_->getDefaultStream(config_.device);
    lists_ = std::make_unique<detail::IVFLists>(resources_.get(), config_.device, size_t(nlist),
                                                codec_->code_size, config_.memorySpace);
    for (size_t l = 0; l < index->nlist; ++l) {
        const size_t n = index->invlists->list_size(l);
        if (n == 0) continue;
        lists_->append(l, n, index->invlists->get_codes(l), index->invlists->get_ids(l), stream);
    }
    FAISS_CUDA_CHECK(cudaStreamSynchronize(stream));
    uploadAll_();
}

void GpuIndexIVF::copyTo(faiss::IndexIVF* index) const {
    FAISS_REQUIRE(index, invalid_argument, "copyTo: null CPU index");
    GpuIndex::copyTo(index);
    index->nlist = size_t(nlist);
    index->nprobe = nprobe;
    index->cp = cp;
    index->code_size = codec_->code_size;
    index->by_residual = codec_->by_residual;
    index->direct_map = DirectMap();
    IndexFlat* q = metric_type == METRIC_L2 ? static_cast<IndexFlat*>(new IndexFlatL2(d))
                                            : static_cast<IndexFlat*>(new IndexFlatIP(d));
    if (index->own_fields) delete index->quantizer;
    index->quantizer = q;
    index->own_fields = true;
    const auto* cq = static_cast<const IndexFlat*>(codec_->quantizer);
    if (cq->ntotal > 0) q->add(cq->ntotal, cq->get_xb());
    auto* il = new ArrayInvertedLists(size_t(nlist), codec_->code_size);
    index->replace_invlists(il, true);
    auto lock = resources_->lockDevice(config_.device);
    detail::DeviceScope scope(config_.device);
    cudaStream_t stream = resources_->getDefaultStream(config_.device);
    std::vector<uint8_t> codes;
    for (size_t l = 0; l < size_t(nlist); ++l) {
        const size_t n = lists_->length(l);
        if (n == 0) continue;
        codes.resize(n * codec_->code_size);
        lists_->read_codes(l, 0, n, codes.data(), stream);
        il->add_entries(l, n, lists_->ids(l).data(), codes.data());
    }
}

void GpuIndexIVF::updateQuantizer() {
    FAISS_REQUIRE(ownedQuantizer_->ntotal == nlist, invalid_argument,
                  "updateQuantizer: the quantizer holds %lld centroids, nlist is %lld",
                  (long long)ownedQuantizer_->ntotal, (long long)nlist);
    std::vector<float> centroids(size_t(nlist) * d);
    ownedQuantizer_->reconstruct_n(0, nlist, centroids.data());
    auto* cq = static_cast<IndexFlat*>(codec_->quantizer);
    cq->reset();
    cq->add(nlist, centroids.data());
    auto lock = resources_->lockDevice(config_.device);
    detail::DeviceScope scope(config_.device);
    is_trained = codec_->is_trained;
    uploadAll_();
}

idx_t GpuIndexIVF::getNumLists() const {
    return nlist;
}

void GpuIndexIVF::checkList_(idx_t listId) const {
    FAISS_REQUIRE(listId >= 0 && listId < nlist, invalid_argument,
                  "list number %lld outside [0, %lld)", (long long)listId, (long long)nlist);
}

idx_t GpuIndexIVF::getListLength(idx_t listId) const {
    checkList_(listId);
    return idx_t(lists_->length(size_t(listId)));
}

std::vector<idx_t> GpuIndexIVF::getListIndices(idx_t listId) const {
    checkList_(listId);
    return lists_->ids(size_t(listId));
}

std::vector<uint8_t> GpuIndexIVF::getListVectorData(idx_t listId, bool gpuFormat) const {
    checkList_(listId);
    auto lock = resources_->lockDevice(config_.device);
    detail::DeviceScope scope(config_.device);
    const size_t n = lists_->length(size_t(listId));
    std::vector<uint8_t> out(n * codec_->code_size);
    lists_->read_codes(size_t(listId), 0, n, out.data(),
                       resources_->getDefaultStream(config_.device));
    return out;
}

GpuIndexFlat* GpuIndexIVF::getQuantizer() {
    return ownedQuantizer_.get();
}

void GpuIndexIVF::reserveMemory(size_t numVecs) {
    auto lock = resources_->lockDevice(config_.device);
    detail::DeviceScope scope(config_.device);
    cudaStream_t stream = resources_->getDefaultStream(config_.device);
    const size_t per_list = numVecs / size_t(nlist) + 1;
    for (size_t l = 0; l < size_t(nlist); ++l)
        lists_->reserve(l, lists_->length(l) + per_list, stream);
}

size_t GpuIndexIVF::reclaimMemory() {
    return 0;
}

void GpuIndexIVF::reset() {
    auto lock = resources_->lockDevice(config_.device);
    detail::DeviceScope scope(config_.device);
    lists_->reset();
    ntotal = 0;
}

void GpuIndexIVF::train(idx_t n, const float* x) {
    FAISS_REQUIRE(n >= 0, invalid_argument, "train: n must be >= 0, got %lld", (long long)n);
    if (is_trained) return;
    const bool need_centroids = ownedQuantizer_->ntotal != nlist;
    FAISS_REQUIRE(!need_centroids || n >= nlist, invalid_argument,
                  "train: k-means of nlist = %lld centroids needs at least that many vectors, "
                  "got %lld",
                  (long long)nlist, (long long)n);
    FAISS_REQUIRE(n == 0 || x, invalid_argument, "train: null vectors");
    std::vector<float> host;
    if (n > 0 && isDevicePointer_(x)) {
        host.resize(size_t(n) * d);
        auto lock = resources_->lockDevice(config_.device);
        detail::DeviceScope scope(config_.device);
        FAISS_CUDA_CHECK(
            cudaMemcpy(host.data(), x, host.size() * sizeof(float), cudaMemcpyDeviceToHost));
        x = host.data();
    }
    if (need_centroids) {
        Clustering clus(d, int(nlist), cp);
        clus.verbose = verbose || cp.verbose;
        clus.train(n, x, *ownedQuantizer_);
        ownedQuantizer_->reset();
        ownedQuantizer_->add(nlist, clus.centroids.data());
    }
    std::vector<float> centroids(size_t(nlist) * d);
    ownedQuantizer_->reconstruct_n(0, nlist, centroids.data());
    auto* cq = static_cast<IndexFlat*>(codec_->quantizer);
    cq->reset();
    cq->add(nlist, centroids.data());
    std::vector<idx_t> assign;
    if (codec_->by_residual && n > 0) {
        assign.resize(n);
        ownedQuantizer_->assign(n, x, assign.data());
    }
    codec_->train_encoder(n, x, assign.empty() ? nullptr : assign.data());
    codec_->is_trained = true;
    auto lock = resources_->lockDevice(config_.device);
    detail::DeviceScope scope(config_.device);
    is_trained = true;
    uploadAll_();
}

void GpuIndexIVF::add_with_ids(idx_t n, const float* x, const idx_t* xids) {
    FAISS_REQUIRE(n >= 0, invalid_argument, "add: n must be >= 0, got %lld", (long long)n);
    FAISS_REQUIRE(is_trained, not_trained, "add: the GPU IVF index is not trained");
    if (n == 0) return;
    FAISS_REQUIRE(x, invalid_argument, "add: null vectors for n = %lld", (long long)n);
    FAISS_REQUIRE(!xids || !isDevicePointer_(xids), unsupported,
                  "add_with_ids: ids must be host memory");
    auto lock = resources_->lockDevice(config_.device);
    detail::DeviceScope scope(config_.device);
    if (isDevicePointer_(x)) {
        addImpl_(n, x, xids);
    } else {
        addHost_(n, x, xids);
    }
}

bool GpuIndexIVF::addImplRequiresIDs_() const {
    return true;
}

void GpuIndexIVF::addImpl_(idx_t n, const float* x, const idx_t* ids) {
    // Codes are made by the CPU encoder: device vectors come to the host in pieces.
    cudaStream_t stream = resources_->getDefaultStream(config_.device);
    const idx_t rows = std::min<idx_t>(n, page_rows(d));
    std::vector<float> host(size_t(rows) * d);
    for (idx_t i0 = 0; i0 < n; i0 += rows) {
        const idx_t c = std::min(rows, n - i0);
        FAISS_CUDA_CHECK(cudaMemcpyAsync(host.data(), x + size_t(i0) * d,
                                         size_t(c) * d * sizeof(float), cudaMemcpyDeviceToHost,
                                         stream));
        FAISS_CUDA_CHECK(cudaStreamSynchronize(stream));
        addHost_(c, host.data(), ids ? ids + i0 : nullptr);
    }
}

void GpuIndexIVF::addHost_(idx_t n, const float* x, const idx_t* ids) {
    cudaStream_t stream = resources_->getDefaultStream(config_.device);
    const size_t cs = codec_->code_size;
    const idx_t rows = std::min<idx_t>(n, page_rows(d));
    std::vector<idx_t> assign(rows), all_ids(rows);
    std::vector<uint8_t> codes(size_t(rows) * cs), grouped(size_t(rows) * cs);
    std::vector<idx_t> grouped_ids(rows);
    std::vector<size_t> start(size_t(nlist) + 1);
    GpuMemoryReservation dev_codes = resources_->allocMemoryHandle(AllocRequest(
        AllocType::Other, config_.device, MemorySpace::Temporary, stream, size_t(rows) * cs));
    GpuMemoryReservation dev_ids = resources_->allocMemoryHandle(
        AllocRequest(AllocType::Other, config_.device, MemorySpace::Temporary, stream,
                     size_t(rows) * sizeof(int64_t)));
    for (idx_t i0 = 0; i0 < n; i0 += rows) {
        const idx_t c = std::min(rows, n - i0);
        const float* xp = x + size_t(i0) * d;
        detail::ivf_assign(resources_.get(), config_.device, metric_type,
                           *ownedQuantizer_->getGpuData(), c, xp, false, assign.data());
        codec_->encode_vectors(c, xp, assign.data(), codes.data());
        for (idx_t i = 0; i < c; ++i)
            all_ids[i] = ids ? ids[i0 + i] : ntotal + i;
        // Counting sort by list, so each list gets one contiguous append.
        std::fill(start.begin(), start.end(), 0);
        for (idx_t i = 0; i < c; ++i)
            if (assign[i] >= 0) start[size_t(assign[i]) + 1]++;
        for (size_t l = 0; l < size_t(nlist); ++l)
            start[l + 1] += start[l];
        std::vector<size_t> pos(start.begin(), start.end() - 1);
        for (idx_t i = 0; i < c; ++i) {
            if (assign[i] < 0) continue;
            const size_t p = pos[size_t(assign[i])]++;
            std::memcpy(grouped.data() + p * cs, codes.data() + size_t(i) * cs, cs);
            grouped_ids[p] = all_ids[i];
        }
        // One upload of the grouped piece, then device-to-device copies into the lists
        // (thousands of small host-to-device copies would each wait for staging).
        const size_t stored = start[size_t(nlist)];
        if (stored > 0) {
            FAISS_CUDA_CHECK(cudaMemcpyAsync(dev_codes.get(), grouped.data(), stored * cs,
                                             cudaMemcpyHostToDevice, stream));
            FAISS_CUDA_CHECK(cudaMemcpyAsync(dev_ids.get(), grouped_ids.data(),
                                             stored * sizeof(int64_t), cudaMemcpyHostToDevice,
                                             stream));
        }
        for (size_t l = 0; l < size_t(nlist); ++l) {
            const size_t cnt = start[l + 1] - start[l];
            if (cnt == 0) continue;
            lists_->append_from_device(l, cnt,
                                       static_cast<const uint8_t*>(dev_codes.get()) + start[l] * cs,
                                       static_cast<const int64_t*>(dev_ids.get()) + start[l],
                                       grouped_ids.data() + start[l], stream);
        }
        // The host buffers are refilled by the next piece.
        FAISS_CUDA_CHECK(cudaStreamSynchronize(stream));
        ntotal += c;
    }
    FAISS_CUDA_CHECK(cudaStreamSynchronize(stream));
}

void GpuIndexIVF::searchImpl_(idx_t n, const float* x, int k, float* distances, idx_t* labels,
                              const SearchParameters* params) const {
    FAISS_REQUIRE(is_trained, not_trained, "search: the GPU IVF index is not trained");
    size_t np = nprobe;
    if (auto ivf = dynamic_cast<const SearchParametersIVF*>(params)) np = ivf->nprobe;
    FAISS_REQUIRE(np > 0, invalid_argument, "search: nprobe must be > 0");
    FAISS_REQUIRE(np <= size_t(detail::kMaxKSelection), unsupported,
                  "search: nprobe = %zu is not supported on the GPU (at most %d)", np,
                  detail::kMaxKSelection);
    np = std::min(np, size_t(nlist));
    detail::IvfSearchContext ctx;
    ctx.res = resources_.get();
    ctx.device = config_.device;
    ctx.metric = metric_type;
    ctx.centroids = ownedQuantizer_->getGpuData();
    ctx.lists = lists_.get();
    ctx.codec = codecDev_->args;
    detail::IvfSearchIO io;
    io.x = x;
    io.x_on_device = isDevicePointer_(x);
    io.distances = distances;
    io.distances_on_device = isDevicePointer_(distances);
    io.labels = labels;
    io.labels_on_device = isDevicePointer_(labels);
    detail::ivf_search(ctx, n, k, int(np), io);
}

size_t GpuIndexIVF::remove_ids(const IDSelector& sel) {
    auto lock = resources_->lockDevice(config_.device);
    detail::DeviceScope scope(config_.device);
    cudaStream_t stream = resources_->getDefaultStream(config_.device);
    const size_t cs = codec_->code_size;
    size_t removed = 0;
    std::vector<uint8_t> codes;
    for (size_t l = 0; l < size_t(nlist); ++l) {
        std::vector<idx_t> ids = lists_->ids(l);
        if (std::none_of(ids.begin(), ids.end(), [&](idx_t id) { return sel.is_member(id); })) {
            continue;
        }
        size_t m = ids.size();
        codes.resize(m * cs);
        lists_->read_codes(l, 0, m, codes.data(), stream);
        // As the CPU lists: the last entry moves into each freed slot.
        for (size_t j = 0; j < m;) {
            if (sel.is_member(ids[j])) {
                --m;
                ids[j] = ids[m];
                std::memmove(codes.data() + j * cs, codes.data() + m * cs, cs);
                ++removed;
            } else {
                ++j;
            }
        }
        lists_->assign(l, m, codes.data(), ids.data(), stream);
    }
    FAISS_CUDA_CHECK(cudaStreamSynchronize(stream));
    ntotal -= idx_t(removed);
    return removed;
}

void GpuIndexIVF::reconstruct(idx_t key, float* recons) const {
    reconstruct_batch(1, &key, recons);
}

void GpuIndexIVF::reconstruct_n(idx_t i0, idx_t ni, float* recons) const {
    FAISS_REQUIRE(i0 >= 0 && ni >= 0, invalid_argument,
                  "reconstruct_n: i0 and ni must be >= 0, got %lld, %lld", (long long)i0,
                  (long long)ni);
    std::vector<idx_t> keys(ni);
    for (idx_t i = 0; i < ni; ++i)
        keys[i] = i0 + i;
    reconstruct_batch(ni, keys.data(), recons);
}

void GpuIndexIVF::reconstruct_batch(idx_t n, const idx_t* keys, float* recons) const {
    FAISS_REQUIRE(n >= 0, invalid_argument, "reconstruct_batch: n must be >= 0");
    if (n == 0) return;
    FAISS_REQUIRE(keys && recons, invalid_argument, "reconstruct_batch: null keys or output");
    FAISS_REQUIRE(!isDevicePointer_(keys), unsupported, "reconstruct: keys must be host memory");
    std::unordered_multimap<idx_t, size_t> wanted;
    for (idx_t i = 0; i < n; ++i)
        wanted.emplace(keys[i], size_t(i));
    std::vector<float> out(size_t(n) * d);
    std::vector<uint8_t> found(n, 0), code(codec_->code_size);
    auto lock = resources_->lockDevice(config_.device);
    detail::DeviceScope scope(config_.device);
    cudaStream_t stream = resources_->getDefaultStream(config_.device);
    for (size_t l = 0; l < size_t(nlist); ++l) {
        const std::vector<idx_t>& ids = lists_->ids(l);
        for (size_t o = 0; o < ids.size(); ++o) {
            auto range = wanted.equal_range(ids[o]);
            if (range.first == range.second || found[range.first->second]) continue;
            lists_->read_codes(l, o, 1, code.data(), stream);
            for (auto it = range.first; it != range.second; ++it) {
                decode_(idx_t(l), code.data(), out.data() + it->second * d);
                found[it->second] = 1;
            }
        }
    }
    for (idx_t i = 0; i < n; ++i) {
        FAISS_REQUIRE(found[i], invalid_argument, "reconstruct: no stored vector has id %lld",
                      (long long)keys[i]);
    }
    if (isDevicePointer_(recons)) {
        FAISS_CUDA_CHECK(
            cudaMemcpy(recons, out.data(), out.size() * sizeof(float), cudaMemcpyHostToDevice));
    } else {
        std::copy(out.begin(), out.end(), recons);
    }
}

void GpuIndexIVF::range_search(idx_t, const float*, float, RangeSearchResult*,
                               const SearchParameters*) const {
    FAISS_THROW_CODE(unsupported, "range_search is not supported by the GPU IVF indexes");
}

}  // namespace faiss::gpu
