#include <faiss/gpu/GpuDistance.h>

#include <faiss/gpu/impl/CudaCheck.h>
#include <faiss/gpu/impl/KnnEngine.h>

namespace faiss::gpu {

namespace {

detail::ElemType elem_type(DistanceDataType t, const char* what) {
    FAISS_REQUIRE(t == DistanceDataType::F32 || t == DistanceDataType::F16, unsupported,
                  "bfKnn: %s type %d not supported (F32 or F16)", what, static_cast<int>(t));
    return t == DistanceDataType::F16 ? detail::ElemType::f16 : detail::ElemType::f32;
}

void check_args(GpuResourcesProvider* resources, const GpuDistanceParams& a) {
    FAISS_REQUIRE(resources, invalid_argument, "bfKnn: null GpuResourcesProvider");
    FAISS_REQUIRE(!a.use_cuvs, unsupported, "bfKnn: this library has no cuVS backend");
    FAISS_REQUIRE(a.metric == METRIC_L2 || a.metric == METRIC_INNER_PRODUCT, unsupported,
                  "bfKnn supports METRIC_L2 and METRIC_INNER_PRODUCT, got metric %d",
                  static_cast<int>(a.metric));
    FAISS_REQUIRE(a.k != -1, unsupported,
                  "bfKnn: k = -1 (all pairwise distances) is not "
                  "supported");
    FAISS_REQUIRE(a.k > 0, invalid_argument, "bfKnn: k must be > 0, got %d", a.k);
    FAISS_REQUIRE(a.k <= detail::kMaxKSelection, unsupported,
                  "bfKnn: k = %d is not supported on the GPU (at most %d)", a.k,
                  detail::kMaxKSelection);
    FAISS_REQUIRE(a.dims > 0, invalid_argument, "bfKnn: dims must be > 0, got %d", a.dims);
    FAISS_REQUIRE(a.numVectors >= 0 && a.numQueries >= 0, invalid_argument,
                  "bfKnn: negative numVectors %lld or numQueries %lld", (long long)a.numVectors,
                  (long long)a.numQueries);
    FAISS_REQUIRE(a.numVectors == 0 || a.vectors, invalid_argument, "bfKnn: null vectors");
    FAISS_REQUIRE(a.numQueries == 0 || a.queries, invalid_argument, "bfKnn: null queries");
    FAISS_REQUIRE(a.numQueries == 0 || a.outIndices, invalid_argument, "bfKnn: null outIndices");
    FAISS_REQUIRE(a.numQueries == 0 || a.ignoreOutDistances || a.outDistances, invalid_argument,
                  "bfKnn: null outDistances (set ignoreOutDistances)");
    FAISS_REQUIRE(
        a.outIndicesType == IndicesDataType::I64 || a.outIndicesType == IndicesDataType::I32,
        invalid_argument, "bfKnn: bad outIndicesType");
    FAISS_REQUIRE(a.outIndicesType == IndicesDataType::I64 || a.numVectors <= INT32_MAX,
                  invalid_argument, "bfKnn: int32 indices cannot hold %lld vectors",
                  (long long)a.numVectors);
    elem_type(a.vectorType, "vector");
    elem_type(a.queryType, "query");
}

detail::MatrixView make_view(const void* data, detail::ElemType t, idx_t n, int d, bool row_major,
                             int device, const char* what) {
    detail::MatrixView v;
    v.data = data;
    v.type = t;
    v.n = n;
    v.d = d;
    v.row_major = row_major;
    v.ld = row_major ? d : n;
    v.on_device = detail::pointer_kind(data, device, what) == detail::PointerKind::device;
    return v;
}

}  // namespace

bool should_use_cuvs(GpuDistanceParams args) {
    return false;
}

void bfKnn(GpuResourcesProvider* resources, const GpuDistanceParams& args) {
    bfKnn_tiling(resources, args, 0, 0);
}

void bfKnn_tiling(GpuResourcesProvider* resources, const GpuDistanceParams& args,
                  size_t vectorsMemoryLimit, size_t queriesMemoryLimit) {
    check_args(resources, args);
    const char* why = "";
    if (detail::device_count(&why) == 0) {
        FAISS_THROW_CODE(cuda_error, "bfKnn: no CUDA device is present: %s", why);
    }
    int device = args.device;
    if (device == -1) FAISS_CUDA_CHECK(cudaGetDevice(&device));
    detail::require_device(device, "bfKnn");
    std::shared_ptr<GpuResources> res = resources->getResources();
    FAISS_REQUIRE(res, invalid_argument, "bfKnn: the provider gave null resources");
    res->initializeForDevice(device);
    if (args.numQueries == 0) return;

    auto lock = res->lockDevice(device);
    detail::DeviceScope scope(device);
    detail::MatrixView v =
        make_view(args.vectors, elem_type(args.vectorType, "vector"), args.numVectors, args.dims,
                  args.vectorsRowMajor, device, "bfKnn vectors");
    detail::MatrixView q =
        make_view(args.queries, elem_type(args.queryType, "query"), args.numQueries, args.dims,
                  args.queriesRowMajor, device, "bfKnn queries");
    const bool norms_dev = detail::pointer_kind(args.vectorNorms, device, "bfKnn vectorNorms") ==
                           detail::PointerKind::device;
    detail::KnnOutput out;
    if (!args.ignoreOutDistances) {
        out.distances = args.outDistances;
        out.distances_on_device =
            detail::pointer_kind(args.outDistances, device, "bfKnn outDistances") ==
            detail::PointerKind::device;
    }
    out.labels = args.outIndices;
    out.labels_i32 = args.outIndicesType == IndicesDataType::I32;
    out.labels_on_device = detail::pointer_kind(args.outIndices, device, "bfKnn outIndices") ==
                           detail::PointerKind::device;
    detail::KnnLimits limits;
    limits.vectors_bytes = vectorsMemoryLimit;
    limits.queries_bytes = queriesMemoryLimit;
    const float* norms = args.metric == METRIC_L2 ? args.vectorNorms : nullptr;
    detail::knn_search(res.get(), device, args.metric, v, norms, norms_dev, q, args.k, out, limits);
}

void bruteForceKnn(GpuResourcesProvider* resources, faiss::MetricType metric, const float* vectors,
                   bool vectorsRowMajor, idx_t numVectors, const float* queries,
                   bool queriesRowMajor, idx_t numQueries, int dims, int k, float* outDistances,
                   idx_t* outIndices) {
    GpuDistanceParams args;
    args.metric = metric;
    args.k = k;
    args.dims = dims;
    args.vectors = vectors;
    args.vectorsRowMajor = vectorsRowMajor;
    args.numVectors = numVectors;
    args.queries = queries;
    args.queriesRowMajor = queriesRowMajor;
    args.numQueries = numQueries;
    args.outDistances = outDistances;
    args.outIndices = outIndices;
    bfKnn(resources, args);
}

}  // namespace faiss::gpu
