#pragma once
// Helpers of the MPI tests: every rank builds the same seeded global data and keeps its
// even share, so that the single-process reference can be computed on each rank.
#include <faiss/mpi/mpi_utils.h>

#include <cstdint>
#include <vector>

namespace mpi_test {

inline int rank() {
    return faiss::mpi::comm_rank(MPI_COMM_WORLD);
}
inline int size() {
    return faiss::mpi::comm_size(MPI_COMM_WORLD);
}

/// Rows [first, first + count) of this rank's share of n rows (even split).
inline std::vector<float> my_rows(const std::vector<float>& x, size_t d, int64_t* first = nullptr,
                                  int64_t* count = nullptr) {
    int64_t f, c;
    faiss::mpi::even_split(int64_t(x.size() / d), rank(), size(), &f, &c);
    if (first) *first = f;
    if (count) *count = c;
    return std::vector<float>(x.begin() + f * int64_t(d), x.begin() + (f + c) * int64_t(d));
}

}  // namespace mpi_test
