#pragma once

// Helpers of the GPU IVF tests: comparing a GPU IVF index with a CPU IndexIVF holding
// the same centroids and codes, and round trips through the CPU types and index files.

#include <faiss/IndexIVF.h>
#include <faiss/gpu/GpuIndexIVF.h>

#include <cstddef>
#include <memory>
#include <vector>

namespace faiss::gpu::test {

/// Expects two result sets (nq x k) to agree: every distance within tol * (largest
/// |distance| of the row, at least 1e-6) of the other side's at the same rank, and the
/// same ids except where the distance ties (within that tolerance) with another
/// result or the row's last one. Padding (-1) must match.
void expect_same_ivf_results(size_t nq, size_t k, MetricType metric,
                             const std::vector<float>& cpu_d, const std::vector<idx_t>& cpu_i,
                             const std::vector<float>& gpu_d, const std::vector<idx_t>& gpu_i,
                             double tol);

/// Searches gpu and, with the lists the GPU quantizer picks (so near-ties between
/// centroids cannot send the two sides to different lists), cpu's search_preassigned;
/// expects the same results (expect_same_ivf_results). nprobe is set on both.
void expect_gpu_matches_cpu(const IndexIVF& cpu, const GpuIndexIVF& gpu, const float* xq, size_t nq,
                            size_t k, size_t nprobe, double tol);

/// Expects gpu.reconstruct(id) to equal cpu.reconstruct(id) (relative 1e-5) for every id;
/// makes cpu's direct map first (the GPU index keeps its own).
void expect_same_reconstruction(const GpuIndexIVF& gpu, IndexIVF& cpu,
                                const std::vector<idx_t>& ids);

/// Fraction of the rows of two searches (nq x k labels) that are identical.
double identical_rows(const std::vector<idx_t>& a, const std::vector<idx_t>& b, size_t nq,
                      size_t k);

/// Writes a CPU index to a memory buffer and reads it back (the CPU file path).
std::unique_ptr<Index> write_and_read(const Index& index);

}  // namespace faiss::gpu::test
