#include <faiss/gpu/impl/IVFSearch.h>

#include <faiss/gpu/impl/CudaCheck.h>
#include <faiss/gpu/impl/FlatStorage.h>
#include <faiss/gpu/impl/IVFLists.h>
#include <faiss/gpu/impl/KnnEngine.h>

#include <algorithm>
#include <climits>
#include <vector>

namespace faiss::gpu::detail {

namespace {

/// Queries per chunk (also bounds the scan grid's second dimension, <= 65535).
constexpr idx_t kQueryChunk = 8192;
constexpr size_t kMinCandidateBytes = size_t(64) << 20;

struct Scratch {
    GpuResources* res;
    int device;
    cudaStream_t stream;

    GpuMemoryReservation alloc(size_t bytes) const {
        return res->allocMemoryHandle(
            AllocRequest(AllocType::Other, device, MemorySpace::Temporary, stream, bytes));
    }
};

MatrixView query_view(const float* x, idx_t n, int d, bool on_device) {
    MatrixView q;
    q.data = x;
    q.type = ElemType::f32;
    q.n = n;
    q.d = d;
    q.row_major = true;
    q.ld = d;
    q.on_device = on_device;
    return q;
}

/// Per-row offsets of the probed lists in the candidate buffer and the row totals.
void plan_offsets(const IVFLists& lists, const std::vector<idx_t>& probes, idx_t rows, int nprobe,
                  std::vector<int64_t>& offsets, std::vector<int64_t>& totals) {
    offsets.resize(size_t(rows) * nprobe);
    totals.resize(rows);
    for (idx_t r = 0; r < rows; ++r) {
        int64_t acc = 0;
        for (int p = 0; p < nprobe; ++p) {
            const size_t s = size_t(r) * nprobe + p;
            offsets[s] = acc;
            const idx_t l = probes[s];
            if (l >= 0) acc += int64_t(lists.length(size_t(l)));
        }
        totals[r] = acc;
    }
}

/// Rows [r0, r1) of the chunk through scan, selection and mapping; results to the
/// chunk's output rows.
struct RowBatch {
    idx_t r0, r1;
    int64_t ld;
};

void run_batch(const IvfSearchContext& ctx, const Scratch& s, const RowBatch& b, int k, int nprobe,
               const float* queries, const int64_t* probes, const int64_t* offsets,
               const int64_t* totals, const IVFLists::DeviceTables& tables, float* dist_out,
               int64_t* label_out) {
    const int rows = static_cast<int>(b.r1 - b.r0);
    GpuMemoryReservation buf = s.alloc(size_t(rows) * b.ld * sizeof(float));
    kernels::IvfScanArgs a = ctx.codec;
    a.nprobe = nprobe;
    a.rows = rows;
    a.queries = queries + size_t(b.r0) * a.d;
    a.probes = probes + size_t(b.r0) * nprobe;
    a.offsets = offsets + size_t(b.r0) * nprobe;
    a.list_codes = tables.codes;
    a.list_lengths = tables.lengths;
    a.out = static_cast<float*>(buf.get());
    a.out_ld = b.ld;
    kernels::ivf_scan(a, s.stream);
    kernels::ivf_pad_rows(a.out, b.ld, totals + b.r0, rows, s.stream);

    kernels::SelectState st;
    st.k = k;
    st.kp = kernels::select_slots(k);
    GpuMemoryReservation keys = s.alloc(size_t(rows) * st.kp * sizeof(float));
    GpuMemoryReservation ids = s.alloc(size_t(rows) * st.kp * sizeof(int64_t));
    st.keys = static_cast<float*>(keys.get());
    st.ids = static_cast<int64_t*>(ids.get());
    kernels::select_init(st, rows, s.stream);
    // Scores are selected as "inner products" (key = -score): the best score wins.
    kernels::select_tile(a.out, b.ld, rows, static_cast<int>(b.ld), false, nullptr, nullptr, 0, st,
                         s.stream);
    GpuMemoryReservation scores = s.alloc(size_t(rows) * k * sizeof(float));
    GpuMemoryReservation positions = s.alloc(size_t(rows) * k * sizeof(int64_t));
    kernels::select_finalize(st, rows, false, static_cast<float*>(scores.get()), positions.get(),
                             false, s.stream);
    kernels::ivf_map_results(static_cast<const int64_t*>(positions.get()),
                             static_cast<const float*>(scores.get()), rows, k, nprobe, a.probes,
                             a.offsets, tables.ids, ctx.metric == METRIC_L2,
                             dist_out + size_t(b.r0) * k, label_out + size_t(b.r0) * k, s.stream);
    // The pool reuses these buffers for the next batch only after this one ran.
    FAISS_CUDA_CHECK(cudaStreamSynchronize(s.stream));
}

/// Cuts rows [0, rows) into batches whose candidate buffers fit `bytes`.
std::vector<RowBatch> plan_batches(const std::vector<int64_t>& totals, idx_t rows, int k,
                                   size_t bytes) {
    const size_t per_row = size_t(kernels::select_slots(k)) * 12 + size_t(k) * 12;
    std::vector<RowBatch> out;
    RowBatch cur{0, 0, 1};
    for (idx_t r = 0; r < rows; ++r) {
        const int64_t ld = std::max<int64_t>(cur.ld, std::max<int64_t>(totals[r], 1));
        const size_t need = size_t(r - cur.r0 + 1) * (size_t(ld) * 4 + per_row);
        if (r > cur.r0 && need > bytes) {
            cur.r1 = r;
            out.push_back(cur);
            cur = RowBatch{r, r, std::max<int64_t>(totals[r], 1)};
        } else {
            cur.ld = ld;
        }
    }
    cur.r1 = rows;
    out.push_back(cur);
    for (const RowBatch& b : out) {
        FAISS_REQUIRE(b.ld <= INT_MAX, unsupported,
                      "IVF search: a query's probed lists hold %lld entries (at most %d)",
                      (long long)b.ld, INT_MAX);
    }
    return out;
}

/// Copies rows x k results from the device staging buffers to the caller's arrays.
void deliver(const Scratch& s, const IvfSearchIO& io, idx_t q0, idx_t rows, int k,
             const float* dist, const int64_t* labels) {
    const size_t cnt = size_t(rows) * k;
    if (!io.distances_on_device) {
        FAISS_CUDA_CHECK(cudaMemcpyAsync(io.distances + size_t(q0) * k, dist, cnt * sizeof(float),
                                         cudaMemcpyDeviceToHost, s.stream));
    }
    if (!io.labels_on_device) {
        FAISS_CUDA_CHECK(cudaMemcpyAsync(io.labels + size_t(q0) * k, labels, cnt * sizeof(int64_t),
                                         cudaMemcpyDeviceToHost, s.stream));
    }
    FAISS_CUDA_CHECK(cudaStreamSynchronize(s.stream));
}

}  // namespace

void ivf_search(const IvfSearchContext& ctx, idx_t n, int k, int nprobe, const IvfSearchIO& io) {
    if (n == 0) return;
    const Scratch s{ctx.res, ctx.device, ctx.res->getDefaultStream(ctx.device)};
    const int d = ctx.codec.d;
    const idx_t chunk = std::min<idx_t>(n, kQueryChunk);
    std::vector<idx_t> probes_host;
    std::vector<int64_t> offsets_host, totals_host;
    for (idx_t q0 = 0; q0 < n; q0 += chunk) {
        const idx_t qc = std::min(chunk, n - q0);
        const float* xq = io.x + size_t(q0) * d;
        GpuMemoryReservation qbuf;
        if (!io.x_on_device) {
            qbuf = s.alloc(size_t(qc) * d * sizeof(float));
            FAISS_CUDA_CHECK(cudaMemcpyAsync(qbuf.get(), xq, size_t(qc) * d * sizeof(float),
                                             cudaMemcpyHostToDevice, s.stream));
            xq = static_cast<const float*>(qbuf.get());
        }
        const size_t slots = size_t(qc) * nprobe;
        GpuMemoryReservation probes = s.alloc(slots * sizeof(int64_t));
        KnnOutput coarse;
        coarse.labels = probes.get();
        coarse.labels_on_device = true;
        knn_search(ctx.res, ctx.device, ctx.metric, ctx.centroids->view(), ctx.centroids->norms(),
                   true, query_view(xq, qc, d, true), nprobe, coarse);
        probes_host.resize(slots);
        FAISS_CUDA_CHECK(cudaMemcpy(probes_host.data(), probes.get(), slots * sizeof(int64_t),
                                    cudaMemcpyDeviceToHost));
        plan_offsets(*ctx.lists, probes_host, qc, nprobe, offsets_host, totals_host);

        GpuMemoryReservation offsets = s.alloc(slots * sizeof(int64_t));
        GpuMemoryReservation totals = s.alloc(size_t(qc) * sizeof(int64_t));
        FAISS_CUDA_CHECK(cudaMemcpyAsync(offsets.get(), offsets_host.data(),
                                         slots * sizeof(int64_t), cudaMemcpyHostToDevice,
                                         s.stream));
        FAISS_CUDA_CHECK(cudaMemcpyAsync(totals.get(), totals_host.data(),
                                         size_t(qc) * sizeof(int64_t), cudaMemcpyHostToDevice,
                                         s.stream));
        GpuMemoryReservation dist_buf, label_buf;
        float* dist = io.distances + size_t(q0) * k;
        int64_t* labels = io.labels + size_t(q0) * k;
        if (!io.distances_on_device) {
            dist_buf = s.alloc(size_t(qc) * k * sizeof(float));
            dist = static_cast<float*>(dist_buf.get());
        }
        if (!io.labels_on_device) {
            label_buf = s.alloc(size_t(qc) * k * sizeof(int64_t));
            labels = static_cast<int64_t*>(label_buf.get());
        }
        const IVFLists::DeviceTables tables = ctx.lists->tables(s.stream);
        const size_t budget =
            std::max(ctx.res->getTempMemoryAvailable(ctx.device) / 10 * 8, kMinCandidateBytes);
        for (const RowBatch& b : plan_batches(totals_host, qc, k, budget)) {
            run_batch(ctx, s, b, k, nprobe, xq, static_cast<const int64_t*>(probes.get()),
                      static_cast<const int64_t*>(offsets.get()),
                      static_cast<const int64_t*>(totals.get()), tables, dist, labels);
        }
        deliver(s, io, q0, qc, k, dist, labels);
    }
}

void ivf_assign(GpuResources* res, int device, MetricType metric, const FlatStorage& centroids,
                idx_t n, const float* x, bool x_on_device, idx_t* assign) {
    if (n == 0) return;
    KnnOutput out;
    out.labels = assign;
    out.labels_on_device = false;
    knn_search(res, device, metric, centroids.view(), centroids.norms(), true,
               query_view(x, n, centroids.dim(), x_on_device), 1, out);
}

}  // namespace faiss::gpu::detail
