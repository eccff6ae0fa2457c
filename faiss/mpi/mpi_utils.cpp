#include <faiss/mpi/mpi_utils.h>

#include <faiss/index_io.h>
#include <faiss/internal/checks.h>
#include <faiss/io/io.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <new>

namespace faiss::mpi {

namespace {

// MPI counts are int: large buffers go in pieces of this many bytes.
constexpr size_t kPiece = size_t(1) << 30;

/// Code and message of a caught exception.
void describe(const std::exception_ptr& error, ErrorCode* code, std::string* message) {
    try {
        std::rethrow_exception(error);
    } catch (const FaissException& e) {
        *code = e.code();
        *message = e.message();
    } catch (const std::bad_alloc&) {
        *code = ErrorCode::out_of_memory;
        *message = "out of memory";
    } catch (const std::exception& e) {
        *code = ErrorCode::internal;
        *message = e.what();
    } catch (...) {
        *code = ErrorCode::internal;
        *message = "unknown exception";
    }
}

}  // namespace

int comm_rank(MPI_Comm comm) {
    int r = 0;
    MPI_Comm_rank(comm, &r);
    return r;
}

int comm_size(MPI_Comm comm) {
    int s = 1;
    MPI_Comm_size(comm, &s);
    return s;
}

void agree(MPI_Comm comm, const std::exception_ptr& error) {
    const int rank = comm_rank(comm), size = comm_size(comm);
    int mine = error ? rank : size, first = size;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
    if (first == size) return;
    int failed_here = error ? 1 : 0, nfailed = 0;
    MPI_Allreduce(&failed_here, &nfailed, 1, MPI_INT, MPI_SUM, comm);
    ErrorCode code = ErrorCode::internal;
    std::string message;
    if (rank == first) describe(error, &code, &message);
    int icode = int(code);
    MPI_Bcast(&icode, 1, MPI_INT, first, comm);
    std::vector<uint8_t> text(message.begin(), message.end());
    broadcast_bytes(comm, text, first);
    message = "rank " + std::to_string(first) + " of " + std::to_string(size) + ": " +
              std::string(text.begin(), text.end());
    if (nfailed > 1) {
        message += " (and " + std::to_string(nfailed - 1) + " other rank" +
                   (nfailed > 2 ? "s" : "") + " failed)";
    }
    throw CollectiveError(ErrorCode(icode), message, __func__, __FILE__, __LINE__);
}

void run_collectively(MPI_Comm comm, const std::function<void()>& fn) {
    std::exception_ptr error;
    try {
        fn();
    } catch (...) {
        error = std::current_exception();
    }
    agree(comm, error);
}

void abort_job(MPI_Comm comm, const std::string& message) {
    std::fprintf(stderr, "faiss::mpi: rank %d: %s\n", comm_rank(comm), message.c_str());
    std::fflush(stderr);
    MPI_Abort(comm, 2);
    std::abort();  // MPI_Abort does not return; this only satisfies [[noreturn]]
}

void broadcast_raw(MPI_Comm comm, void* data, size_t count, int root) {
    auto* p = static_cast<uint8_t*>(data);
    for (size_t off = 0; off < count; off += kPiece) {
        const size_t m = std::min(kPiece, count - off);
        MPI_Bcast(p + off, int(m), MPI_BYTE, root, comm);
    }
}

void broadcast_bytes(MPI_Comm comm, std::vector<uint8_t>& bytes, int root) {
    uint64_t n = bytes.size();
    MPI_Bcast(&n, 1, MPI_UINT64_T, root, comm);
    if (comm_rank(comm) != root) bytes.resize(size_t(n));
    broadcast_raw(comm, bytes.data(), size_t(n), root);
}

void send_bytes(MPI_Comm comm, const std::vector<uint8_t>& bytes, int dest, int tag) {
    uint64_t n = bytes.size();
    MPI_Send(&n, 1, MPI_UINT64_T, dest, tag, comm);
    for (size_t off = 0; off < bytes.size(); off += kPiece) {
        const size_t m = std::min(kPiece, bytes.size() - off);
        MPI_Send(bytes.data() + off, int(m), MPI_BYTE, dest, tag, comm);
    }
}

std::vector<uint8_t> recv_bytes(MPI_Comm comm, int source, int tag) {
    uint64_t n = 0;
    MPI_Recv(&n, 1, MPI_UINT64_T, source, tag, comm, MPI_STATUS_IGNORE);
    std::vector<uint8_t> bytes(static_cast<size_t>(n));
    for (size_t off = 0; off < bytes.size(); off += kPiece) {
        const size_t m = std::min(kPiece, bytes.size() - off);
        MPI_Recv(bytes.data() + off, int(m), MPI_BYTE, source, tag, comm, MPI_STATUS_IGNORE);
    }
    return bytes;
}

std::vector<uint8_t> index_to_bytes(const Index& index) {
    VectorIOWriter w;
    write_index(&index, &w);
    return std::move(w.data);
}

std::unique_ptr<Index> index_from_bytes(const std::vector<uint8_t>& bytes) {
    VectorIOReader r;
    r.data = bytes;
    std::unique_ptr<Index> index(read_index(&r));
    FAISS_REQUIRE(index != nullptr, corrupt_data, "the index bytes hold a null index");
    return index;
}

std::unique_ptr<Index> broadcast_index(MPI_Comm comm, const Index* index, int root) {
    std::vector<uint8_t> bytes;
    run_collectively(comm, [&] {
        if (comm_rank(comm) != root) return;
        FAISS_REQUIRE(index != nullptr, invalid_argument, "broadcast_index: null index on root");
        bytes = index_to_bytes(*index);
    });
    broadcast_bytes(comm, bytes, root);
    std::unique_ptr<Index> out;
    run_collectively(comm, [&] { out = index_from_bytes(bytes); });
    return out;
}

int64_t exclusive_prefix_sum(MPI_Comm comm, int64_t value, int64_t* total) {
    int64_t before = 0;
    MPI_Exscan(&value, &before, 1, MPI_INT64_T, MPI_SUM, comm);
    if (comm_rank(comm) == 0) before = 0;  // MPI_Exscan leaves rank 0's result undefined
    if (total) MPI_Allreduce(&value, total, 1, MPI_INT64_T, MPI_SUM, comm);
    return before;
}

void even_split(int64_t n, int rank, int size, int64_t* first, int64_t* count) {
    const int64_t lo = int64_t((__int128)n * rank / size);
    const int64_t hi = int64_t((__int128)n * (rank + 1) / size);
    *first = lo;
    *count = hi - lo;
}

}  // namespace faiss::mpi
