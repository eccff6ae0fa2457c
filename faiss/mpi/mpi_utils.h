#pragma once

// Shared pieces of the MPI component (libfaiss_mpi, namespace faiss::mpi): rank
// queries, failure agreement between ranks, and moving large arrays and whole indexes
// between ranks.
//
// Collective calls: a function marked "collective" must be called by every rank of the
// communicator, in the same order, with the arguments each documents as equal on all
// ranks. The calls of this component never leave ranks inside different collectives
// after an error: each rank catches its own failure, the ranks agree on success before
// the next blocking exchange (agree()), and then every rank throws the same
// FaissException naming the rank that failed. Only MPI's own failures (a process that
// dies, a lost link) end the job through MPI itself (its default error handler aborts
// every rank, which mpirun reports).
//
// Thread safety: MPI needs to be initialised (MPI_Init / MPI_Init_thread) before these
// calls; a communicator is used by one thread at a time.

#include <faiss/FaissException.h>
#include <faiss/Index.h>

#include <mpi.h>

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace faiss::mpi {

/// The FaissException that agree() throws: the same code and message on every rank of
/// the communicator, so that the ranks may leave together (a caller that sees another
/// exception type knows the other ranks may not have failed and should abort_job()).
class CollectiveError : public FaissException {
  public:
    using FaissException::FaissException;
};

/// This process's rank in comm / the number of ranks of comm.
int comm_rank(MPI_Comm comm);
int comm_size(MPI_Comm comm);

/// Collective. Every rank passes the error of its local step (null when it succeeded).
/// Returns when all succeeded; otherwise every rank throws a CollectiveError with the
/// error code and message of the lowest failing rank, prefixed "rank R of N: " (and
/// "(and M other ranks failed)" when several did), so that the ranks leave together and
/// the failing rank is named in every log.
void agree(MPI_Comm comm, const std::exception_ptr& error);

/// Collective: runs fn on this rank, catching any exception, then agree().
void run_collectively(MPI_Comm comm, const std::function<void()>& fn);

/// Last resort when the ranks may no longer meet in the same collective: prints
/// "faiss::mpi: rank R: message" on stderr and calls MPI_Abort(comm, 2), which ends every
/// rank of the job. Never returns.
[[noreturn]] void abort_job(MPI_Comm comm, const std::string& message);

/// Collective. root's bytes to every rank (resized on the others). Sent in pieces of at
/// most 1 GiB, so that sizes past MPI's int counts work.
void broadcast_bytes(MPI_Comm comm, std::vector<uint8_t>& bytes, int root);

/// Collective. count bytes at data (the same count on every rank) from root to all.
void broadcast_raw(MPI_Comm comm, void* data, size_t count, int root);

/// Point-to-point transfer of a byte buffer of any size (size first, then pieces of at
/// most 1 GiB), tag chosen by the caller.
void send_bytes(MPI_Comm comm, const std::vector<uint8_t>& bytes, int dest, int tag);
std::vector<uint8_t> recv_bytes(MPI_Comm comm, int source, int tag);

/// The index in the index file format, in memory / read back (caller owns the result).
/// @throws FaissException as write_index / read_index.
std::vector<uint8_t> index_to_bytes(const Index& index);
std::unique_ptr<Index> index_from_bytes(const std::vector<uint8_t>& bytes);

/// Collective. The index of rank root, serialised and rebuilt on every rank: root gets a
/// copy too, so that every rank holds an identical object. index is only read, and only
/// on root (null elsewhere is fine). A serialisation failure on root is agreed on.
std::unique_ptr<Index> broadcast_index(MPI_Comm comm, const Index* index, int root);

/// Collective. Sum of value over the ranks below this one (0 on rank 0); *total (if not
/// null) receives the sum over all ranks.
int64_t exclusive_prefix_sum(MPI_Comm comm, int64_t value, int64_t* total = nullptr);

/// Rows [first, first + count) of a set of n rows split evenly over size ranks in rank
/// order: rank r gets rows [n * r / size, n * (r + 1) / size).
void even_split(int64_t n, int rank, int size, int64_t* first, int64_t* count);

}  // namespace faiss::mpi
