// main() of test_mpi: the GoogleTest suites run on every rank of the job (mpirun -np N).
// Only rank 0 prints the progress; the exit status is non-zero on every rank when a test
// failed on any rank, so that mpirun reports it.
#include <gtest/gtest.h>
#include <mpi.h>

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    ::testing::InitGoogleTest(&argc, argv);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank != 0) {
        auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
        delete listeners.Release(listeners.default_result_printer());
    }
    int failed = RUN_ALL_TESTS() != 0, any_failed = 0;
    MPI_Allreduce(&failed, &any_failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (failed) std::fprintf(stderr, "test_mpi: a test failed on rank %d\n", rank);
    MPI_Finalize();
    return any_failed;
}
