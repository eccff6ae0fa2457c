// MPI session and error handling of the faiss-cli mpi-* subcommands.
#include "mpi_common.h"

#include <faiss/FaissException.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdarg>
#include <cstdio>

namespace faiss_cli {

int run_mpi_command(const char* name, int argc, char** argv,
                    const std::function<int(MPI_Comm, int, char**)>& body) {
    int initialized = 0, provided = 0;
    MPI_Initialized(&initialized);
    if (!initialized) MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm comm = MPI_COMM_WORLD;
    int status = 2;
    try {
        status = body(comm, argc, argv);
    } catch (const faiss::mpi::CollectiveError& e) {
        if (faiss::mpi::comm_rank(comm) == 0) {
            std::fflush(stdout);
            std::fprintf(stderr, "faiss-cli %s: %s\n", name, e.message().c_str());
        }
    } catch (const faiss::FaissException& e) {
        faiss::mpi::abort_job(comm, std::string("faiss-cli ") + name + ": " + e.message());
    } catch (const std::exception& e) {
        faiss::mpi::abort_job(comm, std::string("faiss-cli ") + name + ": " + e.what());
    }
    std::fflush(stdout);
    if (!initialized) MPI_Finalize();
    return status;
}

std::vector<float> read_my_rows(VectorFile& f, MPI_Comm comm, int64_t* first) {
    int64_t f0 = 0, count = 0;
    faiss::mpi::even_split(int64_t(f.n()), faiss::mpi::comm_rank(comm), faiss::mpi::comm_size(comm),
                           &f0, &count);
    std::vector<float> x(size_t(count) * f.d());
    if (count > 0) f.read_floats(size_t(f0), size_t(count), x.data());
    if (first) *first = f0;
    return x;
}

void say(MPI_Comm comm, const char* fmt, ...) {
    if (faiss::mpi::comm_rank(comm) != 0) return;
    va_list ap;
    va_start(ap, fmt);
    std::vprintf(fmt, ap);
    va_end(ap);
    std::fflush(stdout);
}

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void report_cpu_time(MPI_Comm comm, const char* what) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    const double cpu = double(ru.ru_utime.tv_sec) + 1e-6 * double(ru.ru_utime.tv_usec) +
                       double(ru.ru_stime.tv_sec) + 1e-6 * double(ru.ru_stime.tv_usec);
    double mx = 0, sum = 0;
    MPI_Reduce(&cpu, &mx, 1, MPI_DOUBLE, MPI_MAX, 0, comm);
    MPI_Reduce(&cpu, &sum, 1, MPI_DOUBLE, MPI_SUM, 0, comm);
    say(comm, "%s CPU time: %.3f s on the busiest rank, %.3f s over all ranks\n", what, mx, sum);
}

std::string shard_path(const std::string& prefix, int rank) {
    return prefix + "." + std::to_string(rank);
}

}  // namespace faiss_cli
