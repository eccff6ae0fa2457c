#include <faiss/gpu/impl/KnnEngine.h>

#include <faiss/gpu/impl/CudaCheck.h>

#include <algorithm>
#include <atomic>
#include <climits>

namespace faiss::gpu::detail {

namespace {

std::atomic<int> g_tile_queries{0};
std::atomic<int> g_tile_vectors{0};

constexpr int kTileVectors = 16384;
constexpr size_t kTileBytes = size_t(64) << 20;
constexpr size_t kMinBudget = size_t(256) << 20;

/// What one search needs on its device.
struct Context {
    GpuResources* res;
    int device;
    cudaStream_t stream;
    cublasHandle_t blas;

    GpuMemoryReservation alloc(size_t bytes) {
        return res->allocMemoryHandle(
            AllocRequest(AllocType::Other, device, MemorySpace::Temporary, stream, bytes));
    }
};

size_t elem_bytes(ElemType t) {
    return static_cast<size_t>(kernels::elem_size(t));
}

/// Rows [r0, r0 + cnt) of m, same storage.
MatrixView rows_of(const MatrixView& m, idx_t r0, idx_t cnt) {
    MatrixView v = m;
    const char* base = static_cast<const char*>(m.data);
    const size_t es = elem_bytes(m.type);
    v.data = m.row_major ? base + r0 * m.ld * es : base + r0 * es;
    v.n = cnt;
    return v;
}

/// Rows of a matrix on the device: `source` in the matrix's own type (for norms) and
/// `gemm` in the GEMM's type; the buffers are held until destruction (copy first, so
/// the stack pool frees them in reverse order).
struct Staged {
    MatrixView source;
    MatrixView gemm;
    GpuMemoryReservation copy;
    GpuMemoryReservation converted;
};

void stage_rows(Context& c, const MatrixView& m, idx_t r0, idx_t cnt, ElemType t, Staged& s) {
    MatrixView sub = rows_of(m, r0, cnt);
    const int64_t dense_ld = m.row_major ? m.d : cnt;
    const int64_t rows = m.row_major ? cnt : m.d;
    const int64_t cols = m.row_major ? m.d : cnt;
    if (!m.on_device) {
        const size_t es = elem_bytes(m.type);
        s.copy = c.alloc(size_t(cnt) * m.d * es);
        if (m.ld == dense_ld) {
            // Dense rows: one linear copy (a pitched copy of pageable memory may go row
            // by row, and its pitch is limited to the device's memPitch).
            FAISS_CUDA_CHECK(cudaMemcpyAsync(s.copy.get(), sub.data, size_t(cnt) * m.d * es,
                                             cudaMemcpyHostToDevice, c.stream));
        } else {
            FAISS_CUDA_CHECK(cudaMemcpy2DAsync(s.copy.get(), dense_ld * es, sub.data, m.ld * es,
                                               cols * es, rows, cudaMemcpyHostToDevice, c.stream));
        }
        sub.data = s.copy.get();
        sub.ld = dense_ld;
        sub.on_device = true;
    }
    s.source = sub;
    s.gemm = sub;
    if (t != m.type) {
        s.converted = c.alloc(size_t(cnt) * m.d * elem_bytes(t));
        kernels::convert_matrix(sub.data, m.type, sub.ld, s.converted.get(), t, dense_ld, rows,
                                cols, c.stream);
        s.gemm.data = s.converted.get();
        s.gemm.type = t;
        s.gemm.ld = dense_ld;
    }
}

/// tile (qi x bj, row stride tile_ld) = queries[i0 ..] . vectors[j0 ..]^T, through
/// cuBLAS's column-major view: tile^T (bj x qi) = V_tile (bj x d) . Q_tile^T (d x qi).
void gemm_tile(Context& c, const MatrixView& v, idx_t j0, int bj, const MatrixView& q, idx_t i0,
               int qi, float* tile, int64_t tile_ld) {
    const size_t es = elem_bytes(v.type);
    const char* a = static_cast<const char*>(v.data) + (v.row_major ? j0 * v.ld : j0) * es;
    const char* b = static_cast<const char*>(q.data) + (q.row_major ? i0 * q.ld : i0) * es;
    const cudaDataType_t dt = v.type == ElemType::f16 ? CUDA_R_16F : CUDA_R_32F;
    const float alpha = 1.f, beta = 0.f;
    FAISS_CUBLAS_CHECK(cublasGemmEx(
        c.blas, v.row_major ? CUBLAS_OP_T : CUBLAS_OP_N, q.row_major ? CUBLAS_OP_N : CUBLAS_OP_T,
        bj, qi, v.d, &alpha, a, dt, static_cast<int>(v.ld), b, dt, static_cast<int>(q.ld), &beta,
        tile, CUDA_R_32F, static_cast<int>(tile_ld), CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
}

/// How a search is cut: tile sizes, query chunk and database page (rows).
struct Plan {
    int tile_queries;
    int tile_vectors;
    idx_t chunk;
    idx_t page;
};

Plan make_plan(Context& c, const MatrixView& vectors, bool norms_needed, const MatrixView& queries,
               ElemType gt, int k, bool out_host, const KnnLimits& limits) {
    const idx_t nq = queries.n, nb = vectors.n;
    const size_t d = static_cast<size_t>(queries.d);
    Plan p;
    int tv = limits.tile_vectors ? limits.tile_vectors : g_tile_vectors.load();
    int tq = limits.tile_queries ? limits.tile_queries : g_tile_queries.load();
    if (tv <= 0) tv = kTileVectors;
    p.tile_vectors = static_cast<int>(std::max<idx_t>(1, std::min<idx_t>(tv, (nb + 7) / 8 * 8)));
    if (tq <= 0) tq = static_cast<int>(std::max<size_t>(64, kTileBytes / (4 * p.tile_vectors)));
    p.tile_queries = static_cast<int>(std::max<idx_t>(1, std::min<idx_t>(tq, nq)));

    size_t budget = std::max(c.res->getTempMemoryAvailable(c.device), kMinBudget);
    const size_t tile_bytes = size_t(p.tile_queries) * p.tile_vectors * 4;
    size_t avail = budget > tile_bytes ? budget - tile_bytes : 0;

    const size_t v_raw = d * elem_bytes(vectors.type);
    const size_t v_row = (vectors.on_device ? 0 : v_raw) +
                         (vectors.type != gt ? d * elem_bytes(gt) : 0) + (norms_needed ? 4 : 0);
    p.page = nb;
    if (!vectors.on_device || vectors.type != gt || limits.vectors_bytes) {
        size_t rows = limits.vectors_bytes ? limits.vectors_bytes / v_raw
                                           : avail / 2 / std::max<size_t>(v_row, 1);
        p.page = std::max<idx_t>(1, std::min<idx_t>(nb, static_cast<idx_t>(rows)));
    }
    const size_t page_bytes = size_t(p.page) * v_row;
    avail = avail > page_bytes ? avail - page_bytes : 0;

    const size_t q_raw = d * elem_bytes(queries.type);
    const size_t kp = static_cast<size_t>(kernels::select_slots(k));
    const size_t q_row = (queries.on_device ? 0 : q_raw) +
                         (queries.type != gt ? d * elem_bytes(gt) : 0) + 4 + kp * 12 +
                         (out_host ? size_t(k) * 12 : 0);
    size_t rows = avail / q_row;
    if (limits.queries_bytes) rows = std::min(rows, limits.queries_bytes / q_raw);
    // The selection kernels take the chunk's row count as an int.
    rows = std::min<size_t>(rows, size_t(1) << 30);
    p.chunk = std::max<idx_t>(1, std::min<idx_t>(nq, static_cast<idx_t>(rows)));
    return p;
}

/// Squared norms of rows [p0, p0 + pc) of the database on the device.
const float* page_norms(Context& c, const Staged& vs, const float* given, bool given_on_device,
                        idx_t p0, idx_t pc, GpuMemoryReservation& buf) {
    if (given && given_on_device) return given + p0;
    buf = c.alloc(size_t(pc) * sizeof(float));
    float* out = static_cast<float*>(buf.get());
    if (given) {
        FAISS_CUDA_CHECK(cudaMemcpyAsync(out, given + p0, size_t(pc) * sizeof(float),
                                         cudaMemcpyHostToDevice, c.stream));
    } else {
        const MatrixView& s = vs.source;
        kernels::vector_norms(s.data, s.type, pc, s.d, s.row_major, s.ld, out, c.stream);
    }
    return out;
}

/// Writes rows [q0, q0 + qc) of the results from the selection state.
void write_results(Context& c, const kernels::SelectState& st, idx_t q0, idx_t qc, bool l2,
                   const KnnOutput& out) {
    const size_t k = static_cast<size_t>(st.k);
    const size_t label_bytes = out.labels_i32 ? 4 : 8;
    GpuMemoryReservation dist_buf, label_buf;
    float* dist = nullptr;
    if (out.distances) {
        if (out.distances_on_device) {
            dist = out.distances + q0 * k;
        } else {
            dist_buf = c.alloc(qc * k * sizeof(float));
            dist = static_cast<float*>(dist_buf.get());
        }
    }
    char* labels = static_cast<char*>(out.labels) + q0 * k * label_bytes;
    void* lab = labels;
    if (!out.labels_on_device) {
        label_buf = c.alloc(qc * k * label_bytes);
        lab = label_buf.get();
    }
    kernels::select_finalize(st, static_cast<int>(qc), l2, dist, lab, out.labels_i32, c.stream);
    if (dist_buf.get()) {
        FAISS_CUDA_CHECK(cudaMemcpyAsync(out.distances + q0 * k, dist, qc * k * sizeof(float),
                                         cudaMemcpyDeviceToHost, c.stream));
    }
    if (label_buf.get()) {
        FAISS_CUDA_CHECK(
            cudaMemcpyAsync(labels, lab, qc * k * label_bytes, cudaMemcpyDeviceToHost, c.stream));
    }
    // The staging buffers go back to the pool; host copies must be complete first.
    if (dist_buf.get() || label_buf.get()) FAISS_CUDA_CHECK(cudaStreamSynchronize(c.stream));
}

}  // namespace

void set_default_tiles(int tile_queries, int tile_vectors) {
    g_tile_queries = std::max(0, tile_queries);
    g_tile_vectors = std::max(0, tile_vectors);
}

void knn_search(GpuResources* res, int device, MetricType metric, const MatrixView& vectors,
                const float* vector_norms, bool norms_on_device, const MatrixView& queries, int k,
                const KnnOutput& out, const KnnLimits& limits) {
    FAISS_REQUIRE(metric == METRIC_L2 || metric == METRIC_INNER_PRODUCT, unsupported,
                  "GPU exact search supports METRIC_L2 and METRIC_INNER_PRODUCT, got metric %d",
                  static_cast<int>(metric));
    FAISS_REQUIRE(k >= 1 && k <= kMaxKSelection, unsupported,
                  "k = %d is not supported on the GPU (1 .. %d)", k, kMaxKSelection);
    FAISS_REQUIRE(vectors.ld <= INT_MAX && queries.ld <= INT_MAX, unsupported,
                  "GPU exact search: a leading dimension above %d is not supported", INT_MAX);
    if (queries.n == 0) return;
    Context c{res, device, res->getDefaultStream(device), res->getBlasHandle(device)};
    FAISS_CUBLAS_CHECK(cublasSetStream(c.blas, c.stream));
    const bool l2 = metric == METRIC_L2;
    const ElemType gt = (vectors.type == ElemType::f16 || queries.type == ElemType::f16)
                            ? ElemType::f16
                            : ElemType::f32;
    const bool out_host = !out.labels_on_device || (out.distances && !out.distances_on_device);
    const Plan p = make_plan(c, vectors, l2 && !vector_norms, queries, gt, k, out_host, limits);

    GpuMemoryReservation tile = c.alloc(size_t(p.tile_queries) * p.tile_vectors * sizeof(float));
    for (idx_t q0 = 0; q0 < queries.n; q0 += p.chunk) {
        const idx_t qc = std::min(p.chunk, queries.n - q0);
        Staged qs;
        stage_rows(c, queries, q0, qc, gt, qs);
        GpuMemoryReservation qnorms;
        if (l2) {
            qnorms = c.alloc(size_t(qc) * sizeof(float));
            kernels::vector_norms(qs.source.data, qs.source.type, qc, qs.source.d,
                                  qs.source.row_major, qs.source.ld,
                                  static_cast<float*>(qnorms.get()), c.stream);
        }
        kernels::SelectState st;
        st.k = k;
        st.kp = kernels::select_slots(k);
        GpuMemoryReservation keys = c.alloc(size_t(qc) * st.kp * sizeof(float));
        GpuMemoryReservation ids = c.alloc(size_t(qc) * st.kp * sizeof(int64_t));
        st.keys = static_cast<float*>(keys.get());
        st.ids = static_cast<int64_t*>(ids.get());
        kernels::select_init(st, static_cast<int>(qc), c.stream);

        for (idx_t p0 = 0; p0 < vectors.n; p0 += p.page) {
            const idx_t pc = std::min(p.page, vectors.n - p0);
            Staged vs;
            stage_rows(c, vectors, p0, pc, gt, vs);
            GpuMemoryReservation vn_buf;
            const float* vn =
                l2 ? page_norms(c, vs, vector_norms, norms_on_device, p0, pc, vn_buf) : nullptr;
            for (idx_t i0 = 0; i0 < qc; i0 += p.tile_queries) {
                const int qi = static_cast<int>(std::min<idx_t>(p.tile_queries, qc - i0));
                kernels::SelectState sub = st;
                sub.keys += i0 * st.kp;
                sub.ids += i0 * st.kp;
                const float* qn = l2 ? static_cast<const float*>(qnorms.get()) + i0 : nullptr;
                for (idx_t j0 = 0; j0 < pc; j0 += p.tile_vectors) {
                    const int bj = static_cast<int>(std::min<idx_t>(p.tile_vectors, pc - j0));
                    float* t = static_cast<float*>(tile.get());
                    gemm_tile(c, vs.gemm, j0, bj, qs.gemm, i0, qi, t, p.tile_vectors);
                    kernels::select_tile(t, p.tile_vectors, qi, bj, l2, qn, vn ? vn + j0 : nullptr,
                                         p0 + j0, sub, c.stream);
                }
            }
        }
        write_results(c, st, q0, qc, l2, out);
    }
    FAISS_CUDA_CHECK(cudaStreamSynchronize(c.stream));
}

}  // namespace faiss::gpu::detail
