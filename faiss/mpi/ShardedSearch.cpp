// Sharded search: broadcast, local search (routed by IVF list when possible), and the
// top-k merge as an MPI reduction operator.
#include <faiss/mpi/ShardedSearch.h>

#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/internal/checks.h>
#include <faiss/mpi/mpi_utils.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <numeric>

namespace faiss::mpi {

namespace {

/// Shape of the per-query records of one reduction, attached to their MPI datatype.
struct RecordShape {
    size_t k;
    bool similarity;
};

/// Order of results: valid before padding, then by distance, then by smaller label.
inline bool better(float da, idx_t la, float db, idx_t lb, bool similarity) {
    if ((la < 0) != (lb < 0)) return lb < 0;
    if (da != db) return similarity ? da > db : da < db;
    return la < lb;
}

int record_keyval() {
    static int keyval = [] {
        int kv = MPI_KEYVAL_INVALID;
        MPI_Type_create_keyval(MPI_TYPE_NULL_COPY_FN, MPI_TYPE_NULL_DELETE_FN, &kv, nullptr);
        return kv;
    }();
    return keyval;
}

/// A record is one query's k distances (float) then k labels (int64), unaligned. The
/// operator merges the two sorted lists of each record of in into inout.
void merge_records(void* in, void* inout, int* len, MPI_Datatype* dtype) {
    void* attr = nullptr;
    int found = 0;
    MPI_Type_get_attr(*dtype, record_keyval(), &attr, &found);
    if (!found) return;
    const RecordShape& shape = *static_cast<const RecordShape*>(attr);
    const size_t k = shape.k, rec = k * (sizeof(float) + sizeof(idx_t));
    std::vector<float> da(k), db(k), dm(k);
    std::vector<idx_t> la(k), lb(k), lm(k);
    for (int r = 0; r < *len; r++) {
        const uint8_t* a = static_cast<const uint8_t*>(in) + size_t(r) * rec;
        uint8_t* b = static_cast<uint8_t*>(inout) + size_t(r) * rec;
        std::memcpy(da.data(), a, k * sizeof(float));
        std::memcpy(la.data(), a + k * sizeof(float), k * sizeof(idx_t));
        std::memcpy(db.data(), b, k * sizeof(float));
        std::memcpy(lb.data(), b + k * sizeof(float), k * sizeof(idx_t));
        size_t i = 0, j = 0;
        for (size_t o = 0; o < k; o++) {
            if (better(da[i], la[i], db[j], lb[j], shape.similarity)) {
                dm[o] = da[i];
                lm[o] = la[i++];
            } else {
                dm[o] = db[j];
                lm[o] = lb[j++];
            }
        }
        std::memcpy(b, dm.data(), k * sizeof(float));
        std::memcpy(b + k * sizeof(float), lm.data(), k * sizeof(idx_t));
    }
}

MPI_Op merge_op() {
    static MPI_Op op = [] {
        MPI_Op o;
        MPI_Op_create(&merge_records, 1, &o);
        return o;
    }();
    return op;
}

bool shard_stores_ids(const Index& index) {
    return try_extract_index_ivf(&index) != nullptr ||
           dynamic_cast<const IndexIDMap*>(&index) != nullptr;
}

/// nprobe and the per-call options of an IVF search, as IndexIVF::search reads them.
SearchParametersIVF ivf_params(const IndexIVF& ivf, const SearchParameters* params) {
    SearchParametersIVF p;
    p.nprobe = ivf.nprobe;
    p.max_codes = ivf.max_codes;
    if (params) {
        p.sel = params->sel;
        if (auto* q = dynamic_cast<const SearchParametersIVF*>(params)) {
            p.nprobe = q->nprobe;
            p.max_codes = q->max_codes;
            p.quantizer_params = q->quantizer_params;
        }
    }
    FAISS_REQUIRE(p.nprobe > 0, invalid_argument, "nprobe must be > 0, got 0");
    p.nprobe = std::min(p.nprobe, ivf.nlist);
    return p;
}

}  // namespace

ShardedSearch::ShardedSearch(MPI_Comm comm, const Index* shard, ShardLabels labels)
    : comm_(comm), shard_(shard) {
    run_collectively(comm, [&] {
        FAISS_REQUIRE(shard != nullptr, invalid_argument, "ShardedSearch: null shard");
    });
    const auto* ivf = dynamic_cast<const IndexIVF*>(shard);
    int64_t mine[4] = {shard->d, int64_t(shard->metric_type), ivf != nullptr,
                       ivf ? int64_t(ivf->nlist) : 0};
    int64_t lo[4], hi[4];
    MPI_Allreduce(mine, lo, 4, MPI_INT64_T, MPI_MIN, comm);
    MPI_Allreduce(mine, hi, 4, MPI_INT64_T, MPI_MAX, comm);
    FAISS_REQUIRE(lo[0] == hi[0] && lo[1] == hi[1], invalid_argument,
                  "ShardedSearch: the shards differ in dimension (%lld..%lld) or metric "
                  "(%lld..%lld)",
                  (long long)lo[0], (long long)hi[0], (long long)lo[1], (long long)hi[1]);
    routed_ = lo[2] == 1 && lo[3] == hi[3];
    const int64_t before = exclusive_prefix_sum(comm, shard->ntotal, &ntotal_);
    const bool offset = labels == ShardLabels::rank_offset ||
                        (labels == ShardLabels::automatic && !shard_stores_ids(*shard));
    label_offset_ = offset ? before : 0;
}

void ShardedSearch::local_search(idx_t n, const float* x, idx_t k, const idx_t* assign,
                                 const float* cdis, size_t nprobe, const SearchParameters* params,
                                 float* distances, idx_t* labels) const {
    const size_t d = size_t(shard_->d);
    if (!routed_) {
        last_local_queries_ = n;
        if (n > 0) shard_->search(n, x, k, distances, labels, params);
        return;
    }
    const auto& ivf = dynamic_cast<const IndexIVF&>(*shard_);
    const SearchParametersIVF p = ivf_params(ivf, params);
    // Queries with at least one probed list that is non-empty here, and those lists.
    std::vector<idx_t> keep, sub_assign;
    std::vector<float> sub_x, sub_cdis;
    for (idx_t i = 0; i < n; i++) {
        bool any = false;
        for (size_t j = 0; j < nprobe; j++) {
            const idx_t l = assign[size_t(i) * nprobe + j];
            any = any || (l >= 0 && ivf.invlists->list_size(size_t(l)) > 0);
        }
        if (!any) continue;
        keep.push_back(i);
        for (size_t j = 0; j < nprobe; j++) {
            const idx_t l = assign[size_t(i) * nprobe + j];
            sub_assign.push_back(l >= 0 && ivf.invlists->list_size(size_t(l)) > 0 ? l : -1);
            sub_cdis.push_back(cdis[size_t(i) * nprobe + j]);
        }
        sub_x.insert(sub_x.end(), x + size_t(i) * d, x + size_t(i + 1) * d);
    }
    last_local_queries_ = idx_t(keep.size());
    const size_t nk = keep.size();
    std::vector<float> sub_d(nk * size_t(k));
    std::vector<idx_t> sub_l(nk * size_t(k));
    if (nk > 0) {
        ivf.search_preassigned(idx_t(nk), sub_x.data(), k, sub_assign.data(), sub_cdis.data(),
                               sub_d.data(), sub_l.data(), false, &p);
    }
    for (size_t t = 0; t < nk; t++) {
        std::copy_n(sub_d.data() + t * size_t(k), size_t(k),
                    distances + size_t(keep[t]) * size_t(k));
        std::copy_n(sub_l.data() + t * size_t(k), size_t(k), labels + size_t(keep[t]) * size_t(k));
    }
}

void ShardedSearch::search(idx_t n, const float* x, idx_t k, float* distances, idx_t* labels,
                           const SearchParameters* params, int root) const {
    const int rank = comm_rank(comm_);
    const size_t d = size_t(shard_->d);
    int64_t shape[2] = {n, k};
    run_collectively(comm_, [&] {
        FAISS_REQUIRE(root >= 0 && root < comm_size(comm_), invalid_argument,
                      "root %d is not a rank of the communicator", root);
        if (rank != root) return;
        FAISS_REQUIRE(n >= 0, invalid_argument, "n must be >= 0, got %lld", (long long)n);
        FAISS_REQUIRE(k > 0, invalid_argument, "k must be > 0, got %lld", (long long)k);
        FAISS_REQUIRE(n == 0 || (x && distances && labels), invalid_argument,
                      "null queries or result arrays on the root rank");
        FAISS_REQUIRE(size_t(k) * (sizeof(float) + sizeof(idx_t)) <= size_t(INT_MAX),
                      invalid_argument, "k = %lld is too large", (long long)k);
    });
    MPI_Bcast(shape, 2, MPI_INT64_T, root, comm_);
    n = shape[0];
    k = shape[1];
    if (n == 0) return;
    std::vector<float> xq;
    run_collectively(comm_, [&] {
        if (rank == root)
            xq.assign(x, x + size_t(n) * d);
        else
            xq.resize(size_t(n) * d);
    });
    broadcast_raw(comm_, xq.data(), xq.size() * sizeof(float), root);

    // Routed IVF: root assigns the queries to lists once for every rank.
    size_t nprobe = 0;
    std::vector<idx_t> assign;
    std::vector<float> cdis;
    if (routed_) {
        run_collectively(comm_, [&] {
            const auto& ivf = dynamic_cast<const IndexIVF&>(*shard_);
            const SearchParametersIVF p = ivf_params(ivf, params);
            nprobe = p.nprobe;
            assign.resize(size_t(n) * nprobe);
            cdis.resize(size_t(n) * nprobe);
            if (rank == root)
                ivf.quantizer->search(n, xq.data(), idx_t(nprobe), cdis.data(), assign.data(),
                                      p.quantizer_params);
        });
        broadcast_raw(comm_, assign.data(), assign.size() * sizeof(idx_t), root);
        broadcast_raw(comm_, cdis.data(), cdis.size() * sizeof(float), root);
    }

    const bool similarity = is_similarity_metric(shard_->metric_type);
    const size_t rec = size_t(k) * (sizeof(float) + sizeof(idx_t));
    std::vector<uint8_t> mine;
    run_collectively(comm_, [&] {
        std::vector<float> dl(size_t(n) * size_t(k), similarity ? -INFINITY : INFINITY);
        std::vector<idx_t> ll(size_t(n) * size_t(k), -1);
        local_search(n, xq.data(), k, assign.data(), cdis.data(), nprobe, params, dl.data(),
                     ll.data());
        // Global labels, each list in the operator's order, packed as records.
        mine.resize(size_t(n) * rec);
        std::vector<size_t> order(static_cast<size_t>(k));
        std::vector<float> ds(static_cast<size_t>(k));
        std::vector<idx_t> ls(static_cast<size_t>(k));
        for (idx_t i = 0; i < n; i++) {
            float* di = dl.data() + size_t(i) * size_t(k);
            idx_t* li = ll.data() + size_t(i) * size_t(k);
            for (idx_t j = 0; j < k; j++) {
                if (li[j] >= 0) li[j] += label_offset_;
            }
            std::iota(order.begin(), order.end(), size_t(0));
            std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
                return better(di[a], li[a], di[b], li[b], similarity);
            });
            for (size_t j = 0; j < size_t(k); j++) {
                ds[j] = di[order[j]];
                ls[j] = li[order[j]];
            }
            uint8_t* r = mine.data() + size_t(i) * rec;
            std::memcpy(r, ds.data(), size_t(k) * sizeof(float));
            std::memcpy(r + size_t(k) * sizeof(float), ls.data(), size_t(k) * sizeof(idx_t));
        }
    });

    MPI_Datatype record;
    MPI_Type_contiguous(int(rec), MPI_BYTE, &record);
    MPI_Type_commit(&record);
    RecordShape shape_attr{size_t(k), similarity};
    MPI_Type_set_attr(record, record_keyval(), &shape_attr);
    std::vector<uint8_t> merged(rank == root ? mine.size() : 0);
    // Reductions in pieces of at most 1 GiB: counts are int.
    const size_t per = std::max<size_t>(1, (size_t(1) << 30) / rec);
    for (size_t i0 = 0; i0 < size_t(n); i0 += per) {
        const size_t m = std::min(per, size_t(n) - i0);
        MPI_Reduce(mine.data() + i0 * rec, rank == root ? merged.data() + i0 * rec : nullptr,
                   int(m), record, merge_op(), root, comm_);
    }
    MPI_Type_free(&record);
    if (rank != root) return;
    for (idx_t i = 0; i < n; i++) {
        const uint8_t* r = merged.data() + size_t(i) * rec;
        std::memcpy(distances + size_t(i) * size_t(k), r, size_t(k) * sizeof(float));
        std::memcpy(labels + size_t(i) * size_t(k), r + size_t(k) * sizeof(float),
                    size_t(k) * sizeof(idx_t));
    }
}

}  // namespace faiss::mpi
