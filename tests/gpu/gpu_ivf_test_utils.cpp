#include "gpu/gpu_ivf_test_utils.h"

#include <faiss/index_io.h>
#include <faiss/io/io.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace faiss::gpu::test {

namespace {

bool better(MetricType metric, double a, double b) {
    return metric == METRIC_L2 ? a < b : a > b;
}

}  // namespace

void expect_same_ivf_results(size_t nq, size_t k, MetricType metric,
                             const std::vector<float>& cpu_d, const std::vector<idx_t>& cpu_i,
                             const std::vector<float>& gpu_d, const std::vector<idx_t>& gpu_i,
                             double tol) {
    ASSERT_EQ(cpu_d.size(), nq * k);
    ASSERT_EQ(gpu_d.size(), nq * k);
    size_t failures = 0;
    for (size_t q = 0; q < nq && failures < 5; ++q) {
        const size_t r = q * k;
        double scale = 1e-6;
        for (size_t j = 0; j < k; ++j) {
            if (cpu_i[r + j] >= 0) scale = std::max(scale, double(std::fabs(cpu_d[r + j])));
        }
        const double eps = tol * scale;
        // The row's last real result bounds what may be cut differently by a tie.
        double last = 0;
        bool have_last = false;
        for (size_t j = 0; j < k; ++j) {
            const bool pad_c = cpu_i[r + j] < 0, pad_g = gpu_i[r + j] < 0;
            if (pad_c != pad_g) {
                ADD_FAILURE() << "query " << q << " rank " << j << ": padding differs (cpu "
                              << cpu_i[r + j] << ", gpu " << gpu_i[r + j] << ")";
                ++failures;
                break;
            }
            if (pad_c) break;
            if (std::fabs(double(cpu_d[r + j]) - double(gpu_d[r + j])) > eps) {
                ADD_FAILURE() << "query " << q << " rank " << j << ": distance cpu " << cpu_d[r + j]
                              << " gpu " << gpu_d[r + j] << " (tol " << eps << ")";
                ++failures;
                break;
            }
            last = cpu_d[r + j];
            have_last = true;
        }
        if (!have_last) continue;
        // Every id clearly inside the cut on one side is on the other side too.
        auto check_side = [&](const std::vector<float>& da, const std::vector<idx_t>& ia,
                              const std::vector<idx_t>& ib, const char* side) {
            for (size_t j = 0; j < k; ++j) {
                if (ia[r + j] < 0) break;
                if (!better(metric, double(da[r + j]) + (metric == METRIC_L2 ? eps : -eps), last)) {
                    continue;
                }
                const idx_t* b0 = ib.data() + r;
                if (std::find(b0, b0 + k, ia[r + j]) == b0 + k) {
                    ADD_FAILURE() << "query " << q << ": id " << ia[r + j] << " (distance "
                                  << da[r + j] << ", cut " << last << ") only on the " << side
                                  << " side";
                    ++failures;
                    return;
                }
            }
        };
        check_side(cpu_d, cpu_i, gpu_i, "cpu");
        check_side(gpu_d, gpu_i, cpu_i, "gpu");
    }
}

void expect_same_reconstruction(const GpuIndexIVF& gpu, IndexIVF& cpu,
                                const std::vector<idx_t>& ids) {
    cpu.make_direct_map();
    std::vector<float> a(size_t(cpu.d)), b(size_t(cpu.d));
    for (idx_t id : ids) {
        SCOPED_TRACE(testing::Message() << "id=" << id);
        gpu.reconstruct(id, a.data());
        cpu.reconstruct(id, b.data());
        for (int j = 0; j < cpu.d; ++j)
            EXPECT_NEAR(a[j], b[j], 1e-5 * (1 + std::fabs(b[j])));
    }
}

void expect_gpu_matches_cpu(const IndexIVF& cpu, const GpuIndexIVF& gpu, const float* xq, size_t nq,
                            size_t k, size_t nprobe, double tol) {
    SCOPED_TRACE(testing::Message() << "nq=" << nq << " k=" << k << " nprobe=" << nprobe);
    std::vector<float> gd(nq * k), cd(nq * k), coarse_d(nq * nprobe);
    std::vector<idx_t> gi(nq * k), ci(nq * k), coarse_i(nq * nprobe);
    SearchParametersIVF params;
    params.nprobe = nprobe;
    gpu.search(idx_t(nq), xq, idx_t(k), gd.data(), gi.data(), &params);
    gpu.quantizer->search(idx_t(nq), xq, idx_t(nprobe), coarse_d.data(), coarse_i.data());
    cpu.search_preassigned(idx_t(nq), xq, idx_t(k), coarse_i.data(), coarse_d.data(), cd.data(),
                           ci.data(), false, &params);
    expect_same_ivf_results(nq, k, cpu.metric_type, cd, ci, gd, gi, tol);
}

double identical_rows(const std::vector<idx_t>& a, const std::vector<idx_t>& b, size_t nq,
                      size_t k) {
    size_t same = 0;
    for (size_t q = 0; q < nq; ++q) {
        if (std::equal(a.begin() + q * k, a.begin() + (q + 1) * k, b.begin() + q * k)) ++same;
    }
    return nq ? double(same) / double(nq) : 1.0;
}

std::unique_ptr<Index> write_and_read(const Index& index) {
    VectorIOWriter writer;
    write_index(&index, &writer);
    VectorIOReader reader;
    reader.data = std::move(writer.data);
    return std::unique_ptr<Index>(read_index(&reader));
}

}  // namespace faiss::gpu::test
