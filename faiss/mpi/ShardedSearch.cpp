// Sharded search: broadcast, local search (routed by IVF list when possible), and the
// top-k merge as an MPI reduction operator.
#include <faiss/mpi/ShardedSearch.h>

#include <faiss/IndexFlatCodes.h>
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

/// Order of results: valid before padding, then by distance, then by smaller label.
inline bool better(float da, idx_t la, float db, idx_t lb, bool similarity) {
    if ((la < 0) != (lb < 0)) return lb < 0;
    if (da != db) return similarity ? da > db : da < db;
    return la < lb;
}

/// A record is one query's k distances (float) then k labels (int64), unaligned. Merges
/// the two sorted lists of each of the n records of in into inout (k best kept).
void merge_records(const uint8_t* in, uint8_t* inout, size_t n, size_t k, bool similarity) {
    const size_t rec = k * (sizeof(float) + sizeof(idx_t));
    std::vector<float> da(k), db(k), dm(k);
    std::vector<idx_t> la(k), lb(k), lm(k);
    for (size_t r = 0; r < n; r++) {
        const uint8_t* a = in + r * rec;
        uint8_t* b = inout + r * rec;
        std::memcpy(da.data(), a, k * sizeof(float));
        std::memcpy(la.data(), a + k * sizeof(float), k * sizeof(idx_t));
        std::memcpy(db.data(), b, k * sizeof(float));
        std::memcpy(lb.data(), b + k * sizeof(float), k * sizeof(idx_t));
        size_t i = 0, j = 0;
        for (size_t o = 0; o < k; o++) {
            if (better(da[i], la[i], db[j], lb[j], similarity)) {
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

/// Binomial-tree reduction of the records to root: at step s, the rank 2^s above (in
/// root-relative numbering) sends its merged buffer and this rank merges it in; log2(size)
/// steps, each moving one buffer of n records. tmp has the size of buf.
void tree_merge(MPI_Comm comm, int root, std::vector<uint8_t>& buf, std::vector<uint8_t>& tmp,
                size_t n, size_t k, bool similarity) {
    const int rank = comm_rank(comm), size = comm_size(comm);
    const int vrank = (rank - root + size) % size;
    constexpr int kTag = 7303;
    const size_t piece = size_t(1) << 30;
    for (int step = 1; step < size; step *= 2) {
        if (vrank % (2 * step) == step) {
            const int dest = (vrank - step + root) % size;
            for (size_t off = 0; off < buf.size(); off += piece)
                MPI_Send(buf.data() + off, int(std::min(piece, buf.size() - off)), MPI_BYTE, dest,
                         kTag, comm);
            return;
        }
        if (vrank % (2 * step) != 0 || vrank + step >= size) continue;
        const int source = (vrank + step + root) % size;
        for (size_t off = 0; off < tmp.size(); off += piece)
            MPI_Recv(tmp.data() + off, int(std::min(piece, tmp.size() - off)), MPI_BYTE, source,
                     kTag, comm, MPI_STATUS_IGNORE);
        merge_records(tmp.data(), buf.data(), n, k, similarity);
    }
}

/// Fingerprint of an IVF coarse quantizer, so that ranks route only when they share it:
/// FNV-1a over the codes of a flat quantizer (the usual case), ntotal and d otherwise.
uint64_t quantizer_fingerprint(const IndexIVF& ivf) {
    uint64_t h = 1469598103934665603ULL;
    auto mix = [&h](const uint8_t* p, size_t n) {
        for (size_t i = 0; i < n; i++)
            h = (h ^ p[i]) * 1099511628211ULL;
    };
    const int64_t shape[2] = {ivf.quantizer->ntotal, ivf.quantizer->d};
    mix(reinterpret_cast<const uint8_t*>(shape), sizeof(shape));
    if (auto* flat = dynamic_cast<const IndexFlatCodes*>(ivf.quantizer))
        mix(flat->codes.data(), size_t(flat->ntotal) * flat->code_size);
    return h;
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
    uint64_t fp = 0;
    run_collectively(comm, [&] {
        if (ivf && ivf->quantizer) fp = quantizer_fingerprint(*ivf);
    });
    int64_t mine[5] = {shard->d, int64_t(shard->metric_type), ivf != nullptr && ivf->quantizer,
                       ivf ? int64_t(ivf->nlist) : 0, int64_t(fp >> 1)};
    int64_t lo[5], hi[5];
    MPI_Allreduce(mine, lo, 5, MPI_INT64_T, MPI_MIN, comm);
    MPI_Allreduce(mine, hi, 5, MPI_INT64_T, MPI_MAX, comm);
    FAISS_REQUIRE(lo[0] == hi[0] && lo[1] == hi[1], invalid_argument,
                  "ShardedSearch: the shards differ in dimension (%lld..%lld) or metric "
                  "(%lld..%lld)",
                  (long long)lo[0], (long long)hi[0], (long long)lo[1], (long long)hi[1]);
    // Routing needs one coarse quantizer for all; IVF shards trained apart still give
    // the right results on the generic path (each assigns its own lists).
    routed_ = lo[2] == 1 && lo[3] == hi[3] && lo[4] == hi[4];
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

namespace {

/// Routed IVF: the n queries are assigned to lists once, each rank taking an even slice
/// with its copy of the (shared) quantizer, and every rank gathers all assignments.
void assign_routed(MPI_Comm comm, const IndexIVF& ivf, idx_t n, const float* xq,
                   const SearchParameters* params, size_t* nprobe_out, std::vector<idx_t>& assign,
                   std::vector<float>& cdis) {
    const int rank = comm_rank(comm), size = comm_size(comm);
    const size_t d = size_t(ivf.d);
    std::vector<int> counts(static_cast<size_t>(size)), displs(static_cast<size_t>(size));
    run_collectively(comm, [&] {
        const SearchParametersIVF p = ivf_params(ivf, params);
        const size_t nprobe = p.nprobe;
        *nprobe_out = nprobe;
        FAISS_REQUIRE(size_t(n) * nprobe * sizeof(idx_t) <= size_t(INT_MAX), invalid_argument,
                      "a batch of %lld queries x nprobe %zu is too large: split it", (long long)n,
                      nprobe);
        assign.resize(size_t(n) * nprobe);
        cdis.resize(size_t(n) * nprobe);
        for (int r = 0; r < size; r++) {
            int64_t first, count;
            even_split(n, r, size, &first, &count);
            counts[size_t(r)] = int(count * int64_t(nprobe));
            displs[size_t(r)] = int(first * int64_t(nprobe));
        }
        const size_t lo = size_t(displs[size_t(rank)]) / nprobe;
        const size_t cnt = size_t(counts[size_t(rank)]) / nprobe;
        if (cnt > 0)
            ivf.quantizer->search(idx_t(cnt), xq + lo * d, idx_t(nprobe), cdis.data() + lo * nprobe,
                                  assign.data() + lo * nprobe, p.quantizer_params);
    });
    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_INT64_T, assign.data(), counts.data(), displs.data(),
                   MPI_INT64_T, comm);
    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_FLOAT, cdis.data(), counts.data(), displs.data(), MPI_FLOAT,
                   comm);
}

/// The local results (n x k) as merge records: labels made global (+ offset), each list
/// in the merge order (sorted only when it is not already).
std::vector<uint8_t> pack_records(std::vector<float>& dl, std::vector<idx_t>& ll, idx_t n, idx_t k,
                                  idx_t offset, bool similarity) {
    const size_t rec = size_t(k) * (sizeof(float) + sizeof(idx_t));
    std::vector<uint8_t> out(size_t(n) * rec);
    std::vector<size_t> order(static_cast<size_t>(k));
    std::vector<float> ds(static_cast<size_t>(k));
    std::vector<idx_t> ls(static_cast<size_t>(k));
    for (idx_t i = 0; i < n; i++) {
        float* di = dl.data() + size_t(i) * size_t(k);
        idx_t* li = ll.data() + size_t(i) * size_t(k);
        for (idx_t j = 0; j < k; j++) {
            if (li[j] >= 0) li[j] += offset;
        }
        bool ordered = true;
        for (idx_t j = 1; j < k && ordered; j++)
            ordered = !better(di[j], li[j], di[j - 1], li[j - 1], similarity);
        if (!ordered) {
            std::iota(order.begin(), order.end(), size_t(0));
            std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
                return better(di[a], li[a], di[b], li[b], similarity);
            });
            for (size_t j = 0; j < size_t(k); j++) {
                ds[j] = di[order[j]];
                ls[j] = li[order[j]];
            }
            std::copy(ds.begin(), ds.end(), di);
            std::copy(ls.begin(), ls.end(), li);
        }
        uint8_t* r = out.data() + size_t(i) * rec;
        std::memcpy(r, di, size_t(k) * sizeof(float));
        std::memcpy(r + size_t(k) * sizeof(float), li, size_t(k) * sizeof(idx_t));
    }
    return out;
}

}  // namespace

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

    size_t nprobe = 0;
    std::vector<idx_t> assign;
    std::vector<float> cdis;
    if (routed_) {
        assign_routed(comm_, dynamic_cast<const IndexIVF&>(*shard_), n, xq.data(), params, &nprobe,
                      assign, cdis);
    }
    const bool similarity = is_similarity_metric(shard_->metric_type);
    std::vector<uint8_t> mine, merged;
    run_collectively(comm_, [&] {
        merged.resize(size_t(n) * size_t(k) * (sizeof(float) + sizeof(idx_t)));
        std::vector<float> dl(size_t(n) * size_t(k), similarity ? -INFINITY : INFINITY);
        std::vector<idx_t> ll(size_t(n) * size_t(k), -1);
        local_search(n, xq.data(), k, assign.data(), cdis.data(), nprobe, params, dl.data(),
                     ll.data());
        mine = pack_records(dl, ll, n, k, label_offset_, similarity);
    });
    tree_merge(comm_, root, mine, merged, size_t(n), size_t(k), similarity);
    if (rank != root) return;
    const size_t rec = size_t(k) * (sizeof(float) + sizeof(idx_t));
    for (idx_t i = 0; i < n; i++) {
        const uint8_t* r = mine.data() + size_t(i) * rec;
        std::memcpy(distances + size_t(i) * size_t(k), r, size_t(k) * sizeof(float));
        std::memcpy(labels + size_t(i) * size_t(k), r + size_t(k) * sizeof(float),
                    size_t(k) * sizeof(idx_t));
    }
}

}  // namespace faiss::mpi
