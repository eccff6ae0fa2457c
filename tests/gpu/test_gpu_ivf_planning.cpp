// Host-side logic of the GPU IVF search, checked without a device: the mapping of a
// candidate position back to its probed list (ivf_probe_of, also used by the device
// kernel) against a linear scan, with empty and skipped lists anywhere.

#include <faiss/gpu/kernels/IVFKernels.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace {

TEST(GpuIvfPlanning, ProbeOfPositionMatchesLinearScan) {
    std::mt19937 rng(5);
    for (int trial = 0; trial < 2000; ++trial) {
        const int nprobe = 1 + int(rng() % 40);
        std::vector<int64_t> lengths(nprobe), offsets(nprobe);
        int64_t total = 0;
        for (int p = 0; p < nprobe; ++p) {
            // A third of the probes are empty (skipped lists or empty lists).
            lengths[p] = rng() % 3 == 0 ? 0 : int64_t(rng() % 7);
            offsets[p] = total;
            total += lengths[p];
        }
        for (int64_t pos = 0; pos < total; ++pos) {
            int expected = -1;
            for (int p = 0; p < nprobe; ++p) {
                if (offsets[p] <= pos && pos < offsets[p] + lengths[p]) expected = p;
            }
            ASSERT_GE(expected, 0);
            const int got = faiss::gpu::kernels::ivf_probe_of(offsets.data(), nprobe, pos);
            ASSERT_EQ(got, expected) << "trial " << trial << " pos " << pos;
            ASSERT_GT(lengths[got], 0);
        }
    }
}

}  // namespace
