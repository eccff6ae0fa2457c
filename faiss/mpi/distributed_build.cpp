// Distributed training, adding, merging and list sharding (faiss/mpi/distributed_build.h).
#include <faiss/mpi/distributed_build.h>

#include <faiss/IndexFlat.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/VectorTransform.h>
#include <faiss/internal/checks.h>
#include <faiss/internal/kmeans_steps.h>
#include <faiss/invlists/InvertedLists.h>
#include <faiss/mpi/DistributedClustering.h>
#include <faiss/mpi/mpi_utils.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <typeinfo>

namespace faiss::mpi {

namespace km = faiss::internal::kmeans;

namespace {

/// Every rank must hold an index of the same dimension and training state.
void check_same_index(MPI_Comm comm, const Index* index) {
    // The class (name hashed) decides which collectives follow: it must match too.
    const int64_t type_hash =
        index ? int64_t(std::hash<std::string>()(typeid(*index).name()) >> 1) : -1;
    int64_t mine[4] = {index ? index->d : -1, index ? int64_t(index->is_trained) : -1,
                       index ? int64_t(index->metric_type) : -1, type_hash};
    int64_t lo[4], hi[4];
    MPI_Allreduce(mine, lo, 4, MPI_INT64_T, MPI_MIN, comm);
    MPI_Allreduce(mine, hi, 4, MPI_INT64_T, MPI_MAX, comm);
    FAISS_REQUIRE(index != nullptr, invalid_argument, "null index");
    FAISS_REQUIRE(lo[3] == hi[3], invalid_argument,
                  "the ranks hold indexes of different classes (this rank: %s): every rank must "
                  "pass the same index structure",
                  typeid(*index).name());
    FAISS_REQUIRE(lo[0] == hi[0] && lo[1] == hi[1] && lo[2] == hi[2], invalid_argument,
                  "the ranks hold different indexes (d %lld..%lld, is_trained %lld..%lld, "
                  "metric %lld..%lld): every rank must pass the same index structure",
                  (long long)lo[0], (long long)hi[0], (long long)lo[1], (long long)hi[1],
                  (long long)lo[2], (long long)hi[2]);
}

/// Coarse quantizer of ivf by distributed k-means, as Level1Quantizer::train_q1 does on
/// one process for quantizer_trains_alone 0 and 2. False when it does not apply.
bool train_coarse_distributed(MPI_Comm comm, IndexIVF& ivf, idx_t nt, const float* xt,
                              bool verbose) {
    if (ivf.quantizer == nullptr || ivf.quantizer_trains_alone == 1) return false;
    if (ivf.quantizer->is_trained && size_t(ivf.quantizer->ntotal) == ivf.nlist) return true;
    DistributedClustering clus(comm, ivf.d, int(ivf.nlist), ivf.cp);
    clus.verbose = verbose || ivf.cp.verbose;
    if (ivf.quantizer_trains_alone == 2) {
        IndexFlatL2 assigner(ivf.d);
        clus.train(nt, xt, assigner);
        run_collectively(comm, [&] {
            ivf.quantizer->reset();
            ivf.quantizer->train(idx_t(ivf.nlist), clus.centroids.data());
            ivf.quantizer->add(idx_t(ivf.nlist), clus.centroids.data());
        });
        return true;
    }
    Index& assigner = ivf.clustering_index ? *ivf.clustering_index : *ivf.quantizer;
    clus.train(nt, xt, assigner);
    run_collectively(comm, [&] {
        if (ivf.clustering_index) {
            ivf.quantizer->reset();
            ivf.quantizer->add(idx_t(ivf.nlist), clus.centroids.data());
        }
        ivf.quantizer->is_trained = true;
    });
    return true;
}

/// The m rows of the global training set at the positions of a seeded draw (all rows in
/// order when m == n_global), on rank 0 in draw order; empty elsewhere.
std::vector<float> gather_sample(MPI_Comm comm, size_t d, idx_t nt, const float* xt, idx_t n_global,
                                 idx_t m, int seed) {
    const int rank = comm_rank(comm), size = comm_size(comm);
    std::vector<int64_t> counts(static_cast<size_t>(size));
    MPI_Allgather(&nt, 1, MPI_INT64_T, counts.data(), 1, MPI_INT64_T, comm);
    std::vector<int64_t> offsets(size_t(size) + 1, 0);
    for (int r = 0; r < size; r++)
        offsets[size_t(r) + 1] = offsets[size_t(r)] + counts[size_t(r)];
    std::vector<idx_t> pick;
    if (m < n_global) pick = km::random_sample(n_global, m, uint64_t(int64_t(seed)));
    auto owner = [&](idx_t g) {
        return int(std::upper_bound(offsets.begin(), offsets.end(), g) - offsets.begin()) - 1;
    };
    // Rows sent by each rank, in draw order; positions in the sample kept on rank 0.
    std::vector<float> send;
    std::vector<std::vector<idx_t>> positions(static_cast<size_t>(size));
    run_collectively(comm, [&] {
        FAISS_REQUIRE(size_t(m) * d <= size_t(INT_MAX), unsupported,
                      "a training sample of %lld x %zu floats is past MPI's int counts; lower "
                      "max_root_train",
                      (long long)m, d);
        if (pick.empty()) {
            send.assign(xt, xt + size_t(nt) * d);
            return;
        }
        for (idx_t p = 0; p < m; p++) {
            const idx_t g = pick[size_t(p)];
            const int r = owner(g);
            if (rank == 0) positions[size_t(r)].push_back(p);
            if (r == rank) {
                const float* row = xt + size_t(g - offsets[size_t(rank)]) * d;
                send.insert(send.end(), row, row + d);
            }
        }
    });
    std::vector<int> rcounts(static_cast<size_t>(size)), displs(static_cast<size_t>(size));
    int scount = int(send.size());
    MPI_Gather(&scount, 1, MPI_INT, rcounts.data(), 1, MPI_INT, 0, comm);
    std::vector<float> gathered;
    if (rank == 0) {
        for (int r = 1; r < size; r++)
            displs[size_t(r)] = displs[size_t(r) - 1] + rcounts[size_t(r) - 1];
        gathered.resize(size_t(m) * d);
    }
    MPI_Gatherv(send.data(), scount, MPI_FLOAT, gathered.data(), rcounts.data(), displs.data(),
                MPI_FLOAT, 0, comm);
    if (rank != 0 || pick.empty()) return gathered;
    std::vector<float> ordered(size_t(m) * d);
    for (int r = 0; r < size; r++) {
        const float* src = gathered.data() + displs[size_t(r)];
        for (size_t i = 0; i < positions[size_t(r)].size(); i++)
            std::memcpy(ordered.data() + size_t(positions[size_t(r)][i]) * d, src + i * d,
                        d * sizeof(float));
    }
    return ordered;
}

/// IndexPreTransform over an IVF index ("PCA64,IVF1024,Flat", "OPQ16,IVF256,PQ16"): the
/// transforms are trained on rank 0 on the gathered sample and broadcast, each rank
/// applies them to its training part, and the IVF index inside is trained by
/// train_index_distributed (coarse quantizer by distributed k-means). False when index
/// is not of that shape.
bool train_pretransform_distributed(MPI_Comm comm, std::unique_ptr<Index>& index, idx_t nt,
                                    const float* xt, idx_t n_global,
                                    const DistributedTrainOptions& opts) {
    auto* pt = dynamic_cast<IndexPreTransform*>(index.get());
    if (!pt || !dynamic_cast<IndexIVF*>(pt->index) || !pt->own_fields) return false;
    const size_t d = size_t(index->d);
    const idx_t m = std::min<idx_t>(n_global, opts.max_root_train);
    std::vector<float> sample = gather_sample(comm, d, nt, xt, n_global, m, opts.seed);
    run_collectively(comm, [&] {
        if (comm_rank(comm) != 0) return;
        std::vector<float> cur = std::move(sample);
        for (VectorTransform* vt : pt->chain) {
            if (!vt->is_trained) vt->train(m, cur.data());
            std::unique_ptr<float[]> next(vt->apply(m, cur.data()));
            cur.assign(next.get(), next.get() + size_t(m) * size_t(vt->d_out));
        }
    });
    index = broadcast_index(comm, index.get(), 0);
    pt = dynamic_cast<IndexPreTransform*>(index.get());
    std::unique_ptr<const float[]> owned;
    const float* xt_inner = xt;
    run_collectively(comm, [&] {
        if (nt == 0) return;
        xt_inner = pt->apply_chain(nt, xt);
        if (xt_inner != xt) owned.reset(xt_inner);
    });
    std::unique_ptr<Index> inner(pt->index);
    pt->index = nullptr;
    try {
        train_index_distributed(comm, inner, nt, xt_inner, opts);
    } catch (...) {
        pt->index = inner.release();  // the wrapper keeps its (untrained) sub-index
        throw;
    }
    pt->index = inner.release();
    pt->is_trained = true;
    return true;
}

}  // namespace

void train_index_distributed(MPI_Comm comm, std::unique_ptr<Index>& index, idx_t nt,
                             const float* xt, const DistributedTrainOptions& opts) {
    run_collectively(comm, [&] {
        FAISS_REQUIRE(nt >= 0, invalid_argument,
                      "number of training vectors must be >= 0, got %lld", (long long)nt);
        FAISS_REQUIRE(nt == 0 || xt != nullptr, invalid_argument,
                      "training vectors pointer is null");
        FAISS_REQUIRE(opts.max_root_train > 0, invalid_argument, "max_root_train must be > 0");
    });
    run_collectively(comm, [&] { check_same_index(comm, index.get()); });
    if (index->is_trained) return;
    const size_t d = size_t(index->d);
    int64_t n_global = 0;
    exclusive_prefix_sum(comm, nt, &n_global);
    FAISS_REQUIRE(n_global > 0, invalid_argument, "no training vectors on any of the %d ranks",
                  comm_size(comm));

    if (train_pretransform_distributed(comm, index, nt, xt, n_global, opts)) return;
    auto* ivf = dynamic_cast<IndexIVF*>(index.get());
    bool coarse_done = false;
    if (ivf) coarse_done = train_coarse_distributed(comm, *ivf, nt, xt, opts.verbose);
    if (coarse_done && typeid(*ivf) == typeid(IndexIVFFlat)) {
        ivf->is_trained = true;  // IndexIVFFlat has no encoder to train
        // A quantizer that builds a structure from the centroids (HNSW, with
        // quantizer_trains_alone 2) may build it differently on each rank (threads):
        // every rank takes rank 0's.
        if (ivf->quantizer_trains_alone == 2) index = broadcast_index(comm, index.get(), 0);
        return;
    }
    idx_t m = std::min<idx_t>(n_global, opts.max_root_train);
    int seed = opts.seed;
    if (auto* ivfpq = dynamic_cast<IndexIVFPQ*>(index.get()); ivfpq && coarse_done) {
        const size_t max_points =
            ivfpq->pq.ksub * size_t(std::max(ivfpq->pq.cp.max_points_per_centroid, 1));
        m = std::min<idx_t>(n_global, idx_t(max_points));
        seed = ivfpq->pq.cp.seed;
    }
    std::vector<float> sample = gather_sample(comm, d, nt, xt, n_global, m, seed);
    run_collectively(comm, [&] {
        if (comm_rank(comm) != 0) return;
        if (opts.verbose)
            std::printf("training %s on rank 0 with %lld of %lld vectors\n",
                        coarse_done ? "the IVF encoder" : "the index", (long long)m,
                        (long long)n_global);
        index->train(m, sample.data());
    });
    sample = std::vector<float>();
    index = broadcast_index(comm, index.get(), 0);
}

namespace {

bool stores_ids(const Index& index) {
    return try_extract_index_ivf(&index) != nullptr ||
           dynamic_cast<const IndexIDMap*>(&index) != nullptr;
}

}  // namespace

idx_t add_distributed(MPI_Comm comm, Index& index, idx_t n, const float* x, const idx_t* ids) {
    run_collectively(comm, [&] {
        FAISS_REQUIRE(n >= 0, invalid_argument, "number of vectors must be >= 0, got %lld",
                      (long long)n);
        FAISS_REQUIRE(n == 0 || x != nullptr, invalid_argument, "vectors pointer is null");
    });
    const idx_t offset = exclusive_prefix_sum(comm, n);
    run_collectively(comm, [&] {
        if (n == 0) return;
        if (ids) {
            index.add_with_ids(n, x, ids);
        } else if (stores_ids(index)) {
            std::vector<idx_t> global(static_cast<size_t>(n));
            for (idx_t i = 0; i < n; i++)
                global[size_t(i)] = offset + i;
            index.add_with_ids(n, x, global.data());
        } else {
            index.add(n, x);
        }
    });
    return offset;
}

void merge_index_to_root(MPI_Comm comm, Index& index) {
    const int rank = comm_rank(comm), size = comm_size(comm);
    constexpr int kTag = 7301;
    std::exception_ptr error;
    bool broken = error != nullptr;  // a failure below in the tree: pass it up, merge nothing
    for (int step = 1; step < size; step *= 2) {
        if (rank % (2 * step) == step) {
            std::vector<uint8_t> bytes;
            int ok = !broken;
            if (ok) {
                try {
                    bytes = index_to_bytes(index);
                } catch (...) {
                    error = std::current_exception();
                    ok = 0;
                }
            }
            MPI_Send(&ok, 1, MPI_INT, rank - step, kTag, comm);
            if (ok) {
                send_bytes(comm, bytes, rank - step, kTag);
                try {
                    index.reset();
                } catch (...) {  // e.g. a read-only memory-mapped index: agreed below
                    error = std::current_exception();
                }
            }
            break;
        }
        if (rank % (2 * step) != 0 || rank + step >= size) continue;
        int ok = 0;
        MPI_Recv(&ok, 1, MPI_INT, rank + step, kTag, comm, MPI_STATUS_IGNORE);
        if (!ok) {
            broken = true;
            continue;
        }
        std::vector<uint8_t> bytes = recv_bytes(comm, rank + step, kTag);
        if (broken) continue;
        try {
            std::unique_ptr<Index> other = index_from_bytes(bytes);
            bytes = std::vector<uint8_t>();
            index.merge_from(*other, 0);
        } catch (...) {
            error = std::current_exception();
            broken = true;
        }
    }
    agree(comm, error);
}

namespace {

/// The entries of the lists owned by dest, packed: per owned list its count (uint64),
/// then all ids, then all codes.
std::vector<uint8_t> pack_lists(const InvertedLists& il, int dest, int size) {
    size_t nl = 0, nent = 0;
    for (size_t l = size_t(dest); l < il.nlist; l += size_t(size)) {
        nl++;
        nent += il.list_size(l);
    }
    std::vector<uint8_t> buf(nl * 8 + nent * (8 + il.code_size));
    uint8_t* counts = buf.data();
    uint8_t* ids = counts + nl * 8;
    uint8_t* codes = ids + nent * 8;
    for (size_t l = size_t(dest); l < il.nlist; l += size_t(size)) {
        const uint64_t ls = il.list_size(l);
        std::memcpy(counts, &ls, 8);
        counts += 8;
        if (ls == 0) continue;
        std::memcpy(ids, il.get_ids(l), ls * 8);
        ids += ls * 8;
        std::memcpy(codes, il.get_codes(l), ls * il.code_size);
        codes += ls * il.code_size;
    }
    return buf;
}

/// Blocking exchange of byte buffers of any size with two partners at once.
std::vector<uint8_t> sendrecv_bytes(MPI_Comm comm, const std::vector<uint8_t>& out, int dest,
                                    int source, int tag) {
    uint64_t nout = out.size(), nin = 0;
    MPI_Sendrecv(&nout, 1, MPI_UINT64_T, dest, tag, &nin, 1, MPI_UINT64_T, source, tag, comm,
                 MPI_STATUS_IGNORE);
    std::vector<uint8_t> in(static_cast<size_t>(nin));
    const size_t piece = size_t(1) << 30;
    for (size_t off = 0; off < std::max(out.size(), in.size()); off += piece) {
        const int so = int(off < out.size() ? std::min(piece, out.size() - off) : 0);
        const int si = int(off < in.size() ? std::min(piece, in.size() - off) : 0);
        MPI_Sendrecv(out.data() + (so ? off : 0), so, MPI_BYTE, dest, tag,
                     in.data() + (si ? off : 0), si, MPI_BYTE, source, tag, comm,
                     MPI_STATUS_IGNORE);
    }
    return in;
}

}  // namespace

void shard_ivf_by_list(MPI_Comm comm, IndexIVF& index) {
    const int rank = comm_rank(comm), size = comm_size(comm);
    std::vector<std::vector<uint8_t>> outgoing(static_cast<size_t>(size));
    run_collectively(comm, [&] {
        FAISS_REQUIRE(index.invlists != nullptr, invalid_argument, "the IVF index has no lists");
        FAISS_REQUIRE(index.direct_map.no(), unsupported,
                      "shard_ivf_by_list: drop the direct map first (make_direct_map(false))");
        for (int r = 0; r < size; r++) {
            if (r != rank) outgoing[size_t(r)] = pack_lists(*index.invlists, r, size);
        }
    });
    std::vector<std::vector<uint8_t>> incoming(static_cast<size_t>(size));
    for (int s = 1; s < size; s++) {
        const int dest = (rank + s) % size, source = (rank - s + size) % size;
        incoming[size_t(source)] = sendrecv_bytes(comm, outgoing[size_t(dest)], dest, source, 7302);
        outgoing[size_t(dest)] = std::vector<uint8_t>();
    }
    run_collectively(comm, [&] {
        const InvertedLists& il = *index.invlists;
        incoming[size_t(rank)] = pack_lists(il, rank, size);
        auto fresh = std::make_unique<ArrayInvertedLists>(il.nlist, il.code_size);
        const size_t cs = il.code_size;
        size_t nl = 0;
        for (size_t l = size_t(rank); l < il.nlist; l += size_t(size))
            nl++;
        for (int src = 0; src < size; src++) {
            const std::vector<uint8_t>& buf = incoming[size_t(src)];
            size_t nent = 0;
            for (size_t j = 0; j < nl; j++) {
                uint64_t c;
                std::memcpy(&c, buf.data() + j * 8, 8);
                nent += c;
            }
            FAISS_REQUIRE(buf.size() == nl * 8 + nent * (8 + cs), internal,
                          "list exchange: %zu bytes from rank %d, expected %zu", buf.size(), src,
                          nl * 8 + nent * (8 + cs));
            const uint8_t* ids = buf.data() + nl * 8;
            const uint8_t* codes = ids + nent * 8;
            for (size_t j = 0; j < nl; j++) {
                uint64_t c;
                std::memcpy(&c, buf.data() + j * 8, 8);
                if (c == 0) continue;
                std::vector<idx_t> idv(c);
                std::memcpy(idv.data(), ids, c * 8);
                fresh->add_entries(size_t(rank) + j * size_t(size), c, idv.data(), codes);
                ids += c * 8;
                codes += c * cs;
            }
        }
        index.replace_invlists(fresh.release(), true);
        index.ntotal = idx_t(index.invlists->compute_ntotal());
    });
}

}  // namespace faiss::mpi
