// Host stand-ins for the launchers of gpu/kernels/*.cu (Kernels.h, IVFKernels.h,
// KmeansKernels.h), for the host simulation (gpu/hostsim/run.sh). Each one computes what
// its kernel computes, with the same index arithmetic on the same buffers, after
// checking that every range the kernel would read or write lies inside one device
// allocation (an out-of-range access aborts with the launcher's name). The selection
// mirrors select_tile_kernel's rounds: candidate pool of next_pow2(kp + 1024) slots,
// threshold = the k-th best key so far, a flush (sort by (key, id)) whenever the buffer
// could overflow in the next round.

#include <faiss/gpu/kernels/IVFKernels.h>
#include <faiss/gpu/kernels/Kernels.h>
#include <faiss/gpu/kernels/KmeansKernels.h>
#include <faiss/utils/fp16.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <vector>

extern "C" int hostsim_device_range(const void* p, size_t bytes);

namespace faiss::gpu::kernels {

namespace {

constexpr int kRound = 1024;
constexpr float kInf = std::numeric_limits<float>::infinity();

void need(const void* p, size_t bytes, const char* what, const char* launcher) {
    if (bytes == 0) return;
    if (!p || !hostsim_device_range(p, bytes)) {
        std::fprintf(stderr,
                     "hostsim: %s: %s [%p, +%zu bytes) is not inside one device allocation\n",
                     launcher, what, p, bytes);
        std::abort();
    }
}

float load(const void* x, ElemType t, int64_t i) {
    if (t == ElemType::f16) return decode_fp16(static_cast<const uint16_t*>(x)[i]);
    return static_cast<const float*>(x)[i];
}

void store(void* x, ElemType t, int64_t i, float v) {
    if (t == ElemType::f16) {
        static_cast<uint16_t*>(x)[i] = encode_fp16(v);
    } else {
        static_cast<float*>(x)[i] = v;
    }
}

int next_pow2(int v) {
    int p = 1;
    while (p < v)
        p <<= 1;
    return p;
}

bool pair_less(float ka, int64_t ia, float kb, int64_t ib) {
    return ka < kb || (ka == kb && ia < ib);
}

}  // namespace

void vector_norms(const void* x, ElemType type, int64_t n, int d, bool row_major, int64_t ld,
                  float* out, cudaStream_t) {
    if (n <= 0) return;
    const size_t es = elem_size(type);
    need(x, row_major ? ((n - 1) * ld + d) * es : ((int64_t(d) - 1) * ld + n) * es, "x",
         "vector_norms");
    need(out, n * sizeof(float), "out", "vector_norms");
    for (int64_t v = 0; v < n; ++v) {
        float s = 0.f;
        for (int j = 0; j < d; ++j) {
            const float f = load(x, type, row_major ? v * ld + j : j * ld + v);
            s = std::fma(f, f, s);
        }
        out[v] = s;
    }
}

void convert_matrix(const void* src, ElemType src_type, int64_t src_ld, void* dst,
                    ElemType dst_type, int64_t dst_ld, int64_t rows, int64_t cols, cudaStream_t) {
    if (rows <= 0 || cols <= 0) return;
    need(src, ((rows - 1) * src_ld + cols) * elem_size(src_type), "src", "convert_matrix");
    need(dst, ((rows - 1) * dst_ld + cols) * elem_size(dst_type), "dst", "convert_matrix");
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
            store(dst, dst_type, r * dst_ld + c, load(src, src_type, r * src_ld + c));
}

void gather_rows(const void* x, ElemType type, int d, int64_t ld, const int64_t* keys, int64_t n,
                 float* out, cudaStream_t) {
    if (n <= 0 || d <= 0) return;
    need(keys, n * sizeof(int64_t), "keys", "gather_rows");
    need(out, n * d * sizeof(float), "out", "gather_rows");
    for (int64_t i = 0; i < n; ++i) {
        need(static_cast<const char*>(x) + keys[i] * ld * elem_size(type), d * elem_size(type),
             "row", "gather_rows");
        for (int j = 0; j < d; ++j)
            out[i * d + j] = load(x, type, keys[i] * ld + j);
    }
}

int select_slots(int k) {
    return next_pow2(k);
}

void select_init(const SelectState& st, int rows, cudaStream_t) {
    const int64_t total = int64_t(rows) * st.kp;
    if (total <= 0) return;
    need(st.keys, total * sizeof(float), "keys", "select_init");
    need(st.ids, total * sizeof(int64_t), "ids", "select_init");
    std::fill(st.keys, st.keys + total, kInf);
    std::fill(st.ids, st.ids + total, int64_t(-1));
}

namespace {

void flush(std::vector<float>& keys, std::vector<int64_t>& ids, int kp, int* count, float* th,
           int k) {
    const int pool = int(keys.size());
    std::vector<int> order(pool);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](int a, int b) { return pair_less(keys[a], ids[a], keys[b], ids[b]); });
    std::vector<float> k2(pool);
    std::vector<int64_t> i2(pool);
    for (int i = 0; i < pool; ++i) {
        k2[i] = i < kp ? keys[order[i]] : kInf;
        i2[i] = i < kp ? ids[order[i]] : -1;
    }
    keys.swap(k2);
    ids.swap(i2);
    *count = 0;
    *th = keys[k - 1];
}

}  // namespace

void select_tile(const float* tile, int64_t tile_ld, int rows, int cols, bool l2,
                 const float* qnorms, const float* vnorms, int64_t id_base, const SelectState& st,
                 cudaStream_t) {
    if (rows <= 0 || cols <= 0) return;
    if (tile_ld < cols || st.k < 1 || st.kp < st.k) {
        std::fprintf(stderr, "hostsim: select_tile: tile_ld %lld cols %d k %d kp %d\n",
                     (long long)tile_ld, cols, st.k, st.kp);
        std::abort();
    }
    need(tile, ((int64_t(rows) - 1) * tile_ld + cols) * sizeof(float), "tile", "select_tile");
    need(st.keys, int64_t(rows) * st.kp * sizeof(float), "state keys", "select_tile");
    need(st.ids, int64_t(rows) * st.kp * sizeof(int64_t), "state ids", "select_tile");
    if (l2) {
        need(qnorms, rows * sizeof(float), "qnorms", "select_tile");
        need(vnorms, cols * sizeof(float), "vnorms", "select_tile");
    }
    const int kp = st.kp, pool = next_pow2(kp + kRound), capacity = pool - kp;
    for (int row = 0; row < rows; ++row) {
        float* rk = st.keys + int64_t(row) * kp;
        int64_t* ri = st.ids + int64_t(row) * kp;
        std::vector<float> keys(pool, kInf);
        std::vector<int64_t> ids(pool, -1);
        std::copy(rk, rk + kp, keys.begin());
        std::copy(ri, ri + kp, ids.begin());
        int count = 0;
        float th = rk[st.k - 1];
        bool changed = false;
        const float* src = tile + int64_t(row) * tile_ld;
        const float qn = l2 ? qnorms[row] : 0.f;
        for (int64_t base = 0; base < cols; base += kRound) {
            if (count > capacity - kRound) {
                flush(keys, ids, kp, &count, &th, st.k);
                changed = true;
            }
            for (int64_t j = base; j < std::min<int64_t>(cols, base + kRound); ++j) {
                const float ip = src[j];
                const float key = l2 ? std::fma(-2.f, ip, qn + vnorms[j]) : -ip;
                if (key < th) {
                    keys[kp + count] = key;
                    ids[kp + count] = id_base + j;
                    ++count;
                }
            }
        }
        if (count > 0) {
            flush(keys, ids, kp, &count, &th, st.k);
            changed = true;
        }
        if (changed) {
            std::copy(keys.begin(), keys.begin() + kp, rk);
            std::copy(ids.begin(), ids.begin() + kp, ri);
        }
    }
}

void select_finalize(const SelectState& st, int rows, bool l2, float* distances, void* labels,
                     bool labels_i32, cudaStream_t) {
    const int64_t total = int64_t(rows) * st.k;
    if (total <= 0) return;
    need(st.keys, int64_t(rows) * st.kp * sizeof(float), "keys", "select_finalize");
    need(st.ids, int64_t(rows) * st.kp * sizeof(int64_t), "ids", "select_finalize");
    if (distances) need(distances, total * sizeof(float), "distances", "select_finalize");
    need(labels, total * (labels_i32 ? 4 : 8), "labels", "select_finalize");
    for (int64_t t = 0; t < total; ++t) {
        const int64_t r = t / st.k, c = t % st.k;
        const float key = st.keys[r * st.kp + c];
        const int64_t id = st.ids[r * st.kp + c];
        const float dist = id < 0 ? (l2 ? kInf : -kInf) : (l2 ? std::max(key, 0.f) : -key);
        if (distances) distances[t] = dist;
        if (labels_i32) {
            static_cast<int32_t*>(labels)[t] = int32_t(id);
        } else {
            static_cast<int64_t*>(labels)[t] = id;
        }
    }
}

// ---- IVF -------------------------------------------------------------------------------

size_t ivf_pq_shared_bytes(int d, int M) {
    return (size_t(M) * 256 + size_t(d)) * sizeof(float);
}

namespace {

float decode_entry(const IvfScanArgs& a, const unsigned char* codes, int64_t j, int i) {
    const int d = a.d;
    switch (a.codec) {
        case IvfCodec::flat:
            return reinterpret_cast<const float*>(codes)[j * d + i];
        case IvfCodec::sq8:
            return a.sq_trained[i] +
                   a.sq_trained[d + i] * ((float(codes[j * d + i]) + 0.5f) / 255.f);
        case IvfCodec::fp16:
            return decode_fp16(reinterpret_cast<const uint16_t*>(codes)[j * d + i]);
        default:
            return 0.f;
    }
}

}  // namespace

void ivf_scan(const IvfScanArgs& a, cudaStream_t) {
    if (a.rows <= 0 || a.nprobe <= 0) return;
    const char* L = "ivf_scan";
    const int d = a.d;
    const int64_t slots = int64_t(a.rows) * a.nprobe;
    need(a.queries, int64_t(a.rows) * d * sizeof(float), "queries", L);
    need(a.probes, slots * sizeof(int64_t), "probes", L);
    need(a.offsets, slots * sizeof(int64_t), "offsets", L);
    const bool pq = a.codec == IvfCodec::pq8;
    const size_t code_size = pq ? size_t(a.M)
                                : size_t(d) * (a.codec == IvfCodec::flat   ? 4
                                               : a.codec == IvfCodec::fp16 ? 2
                                                                           : 1);
    if (a.codec == IvfCodec::sq8) need(a.sq_trained, 2 * d * sizeof(float), "sq ranges", L);
    if (pq) need(a.pq_centroids, size_t(d) * 256 * sizeof(float), "pq centroids", L);
    std::vector<float> q(d), table;
    for (int row = 0; row < a.rows; ++row) {
        for (int p = 0; p < a.nprobe; ++p) {
            const int64_t slot = int64_t(row) * a.nprobe + p;
            const int64_t list = a.probes[slot];
            if (list < 0) continue;
            need(a.list_lengths + list, sizeof(int), "list length", L);
            need(a.list_codes + list, sizeof(void*), "list codes pointer", L);
            const int len = a.list_lengths[list];
            if (len == 0) continue;
            const float* xq = a.queries + int64_t(row) * d;
            const float* c = a.by_residual ? a.centroids + list * d : nullptr;
            if (c) need(c, d * sizeof(float), "centroid", L);
            for (int i = 0; i < d; ++i)
                q[i] = a.by_residual && a.l2 ? xq[i] - c[i] : xq[i];
            float extra = 0.f;
            if (a.by_residual && !a.l2) {
                for (int i = 0; i < d; ++i)
                    extra = std::fma(xq[i], c[i], extra);
            }
            const auto* codes = static_cast<const unsigned char*>(a.list_codes[list]);
            need(codes, size_t(len) * code_size, "list codes", L);
            if (a.offsets[slot] < 0 || a.offsets[slot] + len > a.out_ld) {
                std::fprintf(
                    stderr,
                    "hostsim: ivf_scan: row %d probe %d writes [%lld, %lld) of a row of %lld\n",
                    row, p, (long long)a.offsets[slot], (long long)(a.offsets[slot] + len),
                    (long long)a.out_ld);
                std::abort();
            }
            float* out = a.out + int64_t(row) * a.out_ld + a.offsets[slot];
            need(out, size_t(len) * sizeof(float), "out", L);
            if (pq) {
                const int M = a.M, dsub = d / M;
                table.assign(size_t(M) * 256, 0.f);
                for (int e = 0; e < M * 256; ++e) {
                    const float* cen = a.pq_centroids + int64_t(e) * dsub;
                    const float* qm = q.data() + (e / 256) * dsub;
                    float s = 0.f;
                    for (int t = 0; t < dsub; ++t)
                        s += a.l2 ? (qm[t] - cen[t]) * (qm[t] - cen[t]) : qm[t] * cen[t];
                    table[e] = s;
                }
                for (int64_t j = 0; j < len; ++j) {
                    float s = 0.f;
                    for (int m = 0; m < M; ++m)
                        s += table[m * 256 + codes[j * M + m]];
                    out[j] = a.l2 ? -s : s + extra;
                }
                continue;
            }
            for (int64_t j = 0; j < len; ++j) {
                float s = 0.f;
                for (int i = 0; i < d; ++i) {
                    const float v = decode_entry(a, codes, j, i);
                    s += a.l2 ? (q[i] - v) * (q[i] - v) : q[i] * v;
                }
                out[j] = a.l2 ? -s : s + extra;
            }
        }
    }
}

void ivf_pad_rows(float* out, int64_t ld, const int64_t* totals, int rows, cudaStream_t) {
    if (rows <= 0) return;
    need(totals, rows * sizeof(int64_t), "totals", "ivf_pad_rows");
    need(out, int64_t(rows) * ld * sizeof(float), "out", "ivf_pad_rows");
    for (int r = 0; r < rows; ++r)
        for (int64_t j = totals[r]; j < ld; ++j)
            out[int64_t(r) * ld + j] = -kInf;
}

void ivf_map_results(const int64_t* positions, const float* scores, int rows, int k, int nprobe,
                     const int64_t* probes, const int64_t* offsets, const int64_t* const* list_ids,
                     bool l2, float* distances, int64_t* labels, cudaStream_t) {
    const int64_t total = int64_t(rows) * k;
    if (total <= 0) return;
    const char* L = "ivf_map_results";
    need(positions, total * 8, "positions", L);
    need(scores, total * 4, "scores", L);
    need(probes, int64_t(rows) * nprobe * 8, "probes", L);
    need(offsets, int64_t(rows) * nprobe * 8, "offsets", L);
    need(distances, total * 4, "distances", L);
    need(labels, total * 8, "labels", L);
    for (int64_t e = 0; e < total; ++e) {
        const int64_t r = e / k, pos = positions[e];
        if (pos < 0) {
            labels[e] = -1;
            distances[e] = l2 ? kInf : -kInf;
            continue;
        }
        const int64_t* off = offsets + r * nprobe;
        const int lo = ivf_probe_of(off, nprobe, pos);
        const int64_t list = probes[r * nprobe + lo];
        need(list_ids + list, sizeof(void*), "list ids pointer", L);
        need(list_ids[list] + (pos - off[lo]), 8, "list id", L);
        labels[e] = list_ids[list][pos - off[lo]];
        distances[e] = l2 ? -scores[e] : scores[e];
    }
}

// ---- k-means ---------------------------------------------------------------------------

void kmeans_count(const int64_t* assign, int64_t n, unsigned long long* counts, cudaStream_t) {
    if (n <= 0) return;
    need(assign, n * 8, "assign", "kmeans_count");
    for (int64_t i = 0; i < n; ++i) {
        if (assign[i] < 0) continue;
        need(counts + assign[i], 8, "count", "kmeans_count");
        counts[assign[i]]++;
    }
}

void kmeans_scatter(const int64_t* assign, int64_t n, unsigned long long* cursor, int64_t* order,
                    cudaStream_t) {
    if (n <= 0) return;
    need(assign, n * 8, "assign", "kmeans_scatter");
    for (int64_t i = 0; i < n; ++i) {
        if (assign[i] < 0) continue;
        need(cursor + assign[i], 8, "cursor", "kmeans_scatter");
        need(order + cursor[assign[i]], 8, "order", "kmeans_scatter");
        order[cursor[assign[i]]++] = i;
    }
}

void kmeans_means(const float* x, int d, const int64_t* order, const int64_t* offsets, int k,
                  float* centroids, cudaStream_t) {
    if (k <= 0) return;
    need(offsets, (int64_t(k) + 1) * 8, "offsets", "kmeans_means");
    need(centroids, int64_t(k) * d * 4, "centroids", "kmeans_means");
    for (int c = 0; c < k; ++c) {
        const int64_t b = offsets[c], e = offsets[c + 1];
        if (b == e) continue;
        need(order + b, (e - b) * 8, "order", "kmeans_means");
        for (int t = 0; t < d; ++t) {
            double s = 0;
            for (int64_t p = b; p < e; ++p) {
                need(x + order[p] * d + t, 4, "x", "kmeans_means");
                s += double(x[order[p] * d + t]);
            }
            centroids[int64_t(c) * d + t] = float(s / double(e - b));
        }
    }
}

}  // namespace faiss::gpu::kernels
