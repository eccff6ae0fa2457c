#pragma once
// Shared pieces of the faiss-cli mpi-* subcommands (built with FAISS_ENABLE_MPI only):
// MPI start-up and shut-down, errors agreed between ranks, and each rank's share of a
// vector file.
#include "../cli.h"
#include "../vector_file.h"

#include <faiss/mpi/mpi_utils.h>

#include <functional>
#include <string>
#include <vector>

namespace faiss_cli {

/// Runs an mpi-* subcommand on this rank between MPI_Init_thread and MPI_Finalize.
/// body(comm, argc, argv) must run its local steps through faiss::mpi::run_collectively,
/// so that errors reach every rank: such an error is printed once, by rank 0, as
/// "faiss-cli <name>: rank R of N: <message>", and every rank returns 2. Any other
/// exception means the ranks may no longer meet: the job ends through abort_job
/// (MPI_Abort) with the message of the rank that failed. Never hangs on an error.
int run_mpi_command(const char* name, int argc, char** argv,
                    const std::function<int(MPI_Comm, int, char**)>& body);

/// This rank's even share of the rows of f (faiss::mpi::even_split), as float; *first
/// receives the global index of its first row.
std::vector<float> read_my_rows(VectorFile& f, MPI_Comm comm, int64_t* first = nullptr);

/// printf on rank 0 only, flushed.
void say(MPI_Comm comm, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

/// Seconds on a monotonic clock.
double now_s();

/// Collective: prints on rank 0 the CPU time (user + system) of the ranks' processes so
/// far, the largest and the sum: on a machine shared with other work, the largest is the
/// wall time the job would take with a core per rank (waiting inside MPI counts too).
void report_cpu_time(MPI_Comm comm, const char* what);

/// Shard file of rank r: "<prefix>.<r>".
std::string shard_path(const std::string& prefix, int rank);

}  // namespace faiss_cli
