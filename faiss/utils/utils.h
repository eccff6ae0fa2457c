#pragma once
// Small utilities Faiss code reaches for: wall-clock milliseconds, the process's resident
// memory, and the imbalance factor of an assignment. All functions are thread-safe.

#include <faiss/Index.h>

#include <cstddef>
#include <cstdint>

namespace faiss {

/// Milliseconds since an arbitrary fixed point (a monotonic clock); differences of two
/// calls measure elapsed time.
double getmillisecs();

/// Resident set size of this process in KiB (VmRSS of /proc/self/status); 0 where the
/// platform does not report it.
size_t get_mem_usage_kb();

/// Imbalance factor of an assignment of n points to k clusters: k * sum(size_c^2) / n^2.
/// 1 means perfectly balanced, k means everything in one cluster. assign: n labels, each
/// in [0, k) (throws FaissException naming the first label out of range); n > 0, k > 0.
double imbalance_factor(idx_t n, int k, const idx_t* assign);

/// Histogram of n values in [0, vmax): hist (vmax entries) receives the counts. Returns
/// the number of values outside [0, vmax), which are not counted.
int ivec_hist(size_t n, const int* v, int vmax, int* hist);

}  // namespace faiss
