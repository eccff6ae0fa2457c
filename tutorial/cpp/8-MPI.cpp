// Tutorial 8: one index over several processes with MPI (faiss/mpi, built with
// FAISS_ENABLE_MPI). Run it with mpirun, e.g.
//     mpirun -n 2 build/tutorial/tutorial_8_MPI
// Every process (rank) holds a part of the vectors. The index is trained once over all
// of them (the coarse k-means runs on every rank's part and combines the sums), each rank
// adds its part, the inverted lists are dealt out so that each rank owns whole lists,
// and a search on rank 0 is answered by the ranks that own the probed lists, their
// results merged into one top-k. For comparison, a copy is merged into one ordinary
// index on rank 0: both answers must be identical.
#include <faiss/index_factory.h>
#include <faiss/mpi/ShardedSearch.h>
#include <faiss/mpi/distributed_build.h>
#include <faiss/mpi/mpi_utils.h>

#include <mpi.h>

#include <cstdio>
#include <memory>
#include <random>
#include <vector>

namespace fm = faiss::mpi;

/// Vector i of the global set, the same whichever rank makes it.
void make_vector(int64_t i, int d, float* out) {
    std::mt19937 rng(static_cast<uint32_t>(i));
    std::normal_distribution<float> gauss(0, 1);
    for (int j = 0; j < d; j++)
        out[j] = gauss(rng) + float(i % 20);  // 20 loose clusters
}

int run(MPI_Comm comm) {
    const int rank = fm::comm_rank(comm), size = fm::comm_size(comm);
    const int d = 32, k = 5, nq = 20;
    const int64_t nb = 20000;
    // This rank's part of the base: rows [first, first + count) of the global set.
    int64_t first, count;
    fm::even_split(nb, rank, size, &first, &count);
    std::vector<float> xb(size_t(count) * d);
    for (int64_t i = 0; i < count; i++)
        make_vector(first + i, d, xb.data() + size_t(i) * d);

    // The same untrained index on every rank; training replaces it by a trained copy.
    std::unique_ptr<faiss::Index> index(faiss::index_factory(d, "IVF64,Flat"));
    fm::train_index_distributed(comm, index, count, xb.data());
    fm::add_distributed(comm, *index, count, xb.data());  // ids: global row numbers

    // A copy merged into one plain index on rank 0 (what mpi-build --output writes).
    std::unique_ptr<faiss::Index> merged = fm::index_from_bytes(fm::index_to_bytes(*index));
    fm::merge_index_to_root(comm, *merged);

    // Deal out the inverted lists: rank r keeps lists r, r + size, r + 2 size ...
    fm::shard_ivf_by_list(comm, dynamic_cast<faiss::IndexIVF&>(*index));
    std::printf("rank %d of %d: %lld vectors in its lists\n", rank, size, (long long)index->ntotal);

    // Queries exist on rank 0 only; every rank takes part in the search.
    std::vector<float> xq(size_t(nq) * d);
    for (int i = 0; i < nq; i++)
        make_vector(nb + i, d, xq.data() + size_t(i) * d);
    std::vector<float> D(size_t(nq) * k), D1(D.size());
    std::vector<faiss::idx_t> I(D.size()), I1(D.size());
    faiss::SearchParametersIVF params;
    params.nprobe = 4;
    fm::ShardedSearch search(comm, index.get());
    search.search(rank == 0 ? nq : 0, xq.data(), k, D.data(), I.data(), &params);
    if (rank != 0) return 0;

    merged->search(nq, xq.data(), k, D1.data(), I1.data(), &params);
    std::printf("%lld vectors over %d ranks; query 0: ids %lld %lld %lld, distance %.3f\n",
                (long long)search.ntotal(), size, (long long)I[0], (long long)I[1], (long long)I[2],
                D[0]);
    if (I != I1) {
        std::printf("the sharded search differs from the merged index\n");
        return 1;
    }
    std::printf("the sharded search equals the merged index\n");
    return 0;
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int status = 1;
    try {
        status = run(MPI_COMM_WORLD);
    } catch (const faiss::mpi::CollectiveError& e) {
        // Every rank got the same error (it names the rank that failed): report it once.
        if (fm::comm_rank(MPI_COMM_WORLD) == 0) std::fprintf(stderr, "%s\n", e.what());
    }
    MPI_Finalize();
    return status;
}
