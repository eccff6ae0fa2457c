// Training-set sampling shared by the vector transforms.
#include <faiss/internal/kmeans_steps.h>
#include <faiss/internal/transform_training.h>

#include <cstdio>
#include <cstring>

namespace faiss::internal {

const float* subsample_training_rows(size_t d, idx_t& n, size_t max_points, const float* x,
                                     std::vector<float>& storage, const char* who, bool verbose) {
    if (max_points == 0 || size_t(n) <= max_points) return x;
    if (verbose)
        std::printf("%s: sampling %zu of %lld training vectors\n", who, max_points, (long long)n);
    const std::vector<idx_t> rows = kmeans::random_sample(n, idx_t(max_points), 1234);
    storage.resize(max_points * d);
    for (size_t i = 0; i < max_points; i++)
        std::memcpy(storage.data() + i * d, x + size_t(rows[i]) * d, d * sizeof(float));
    n = idx_t(max_points);
    return storage.data();
}

}  // namespace faiss::internal
