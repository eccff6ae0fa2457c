// Tutorial 5: exact search on a GPU.
//
// A GPU index keeps its vectors in device memory and compares every query with every
// vector there, as IndexFlat does on the CPU, but with thousands of cores: the answers
// are the same, only much sooner for large batches of queries.
//   1. a StandardGpuResources object: the streams, cuBLAS handle and scratch memory the
//      GPU indexes of a program share;
//   2. a GpuIndexFlatL2 built and searched directly on the GPU;
//   3. an index built on the CPU, copied to the GPU with index_cpu_to_gpu (with float16
//      storage: half the memory), and copied back with index_gpu_to_cpu.
// Built only with the GPU backend (FAISS_ENABLE_GPU=ON). Exits with 77 (the "skipped"
// status of the test run) when the machine has no CUDA device.
#include <faiss/IndexFlat.h>
#include <faiss/IndexIDMap.h>
#include <faiss/gpu/GpuCloner.h>
#include <faiss/gpu/GpuIndexFlat.h>
#include <faiss/gpu/StandardGpuResources.h>
#include <faiss/gpu/utils/DeviceUtils.h>

#include <cstdio>
#include <memory>
#include <random>
#include <set>
#include <vector>

namespace {

// Share of the exact top-k ids (truth) that labels found, over nq queries.
double recall(const std::vector<faiss::idx_t>& labels, const std::vector<faiss::idx_t>& truth,
              int nq, int k) {
    int found = 0;
    for (int i = 0; i < nq; i++) {
        std::set<faiss::idx_t> expected(truth.begin() + i * k, truth.begin() + (i + 1) * k);
        for (int j = 0; j < k; j++)
            found += int(expected.count(labels[i * k + j]));
    }
    return double(found) / (nq * k);
}

}  // namespace

int main() {
    if (faiss::gpu::getNumDevices() == 0) {
        std::printf("tutorial 5: no CUDA device on this machine, skipped\n");
        return 77;
    }
    const int d = 64, nb = 100000, nq = 1000, k = 10;
    std::mt19937 rng(1234);
    std::uniform_real_distribution<float> uniform(0, 1);
    std::vector<float> xb(size_t(nb) * d), xq(size_t(nq) * d);
    for (auto& v : xb)
        v = uniform(rng);
    for (auto& v : xq)
        v = uniform(rng);

    // The exact answers, from the CPU.
    faiss::IndexFlatL2 cpu_index(d);
    cpu_index.add(nb, xb.data());
    std::vector<faiss::idx_t> truth(size_t(k) * nq), labels(size_t(k) * nq);
    std::vector<float> distances(size_t(k) * nq);
    cpu_index.search(nq, xq.data(), k, distances.data(), truth.data());

    // 1. One resources object serves every GPU index of the program (and its threads).
    faiss::gpu::StandardGpuResources res;

    // 2. A flat index made on the GPU: same calls as on the CPU, host arrays in and out.
    faiss::gpu::GpuIndexFlatConfig config;
    config.device = 0;  // the CUDA device the vectors live on
    faiss::gpu::GpuIndexFlatL2 gpu_index(&res, d, config);
    gpu_index.add(nb, xb.data());
    gpu_index.search(nq, xq.data(), k, distances.data(), labels.data());
    const double r_gpu = recall(labels, truth, nq, k);
    std::printf("GpuIndexFlatL2: ntotal = %lld, recall@%d against the CPU = %.4f\n",
                (long long)gpu_index.ntotal, k, r_gpu);

    // 3. A CPU index (here with ids of our own) copied to the GPU; float16 storage halves
    // the device memory at a small cost in accuracy.
    faiss::IndexFlatL2 inner(d);
    faiss::IndexIDMap cpu_ids(&inner);
    std::vector<faiss::idx_t> ids(nb);
    for (int i = 0; i < nb; i++)
        ids[i] = 1000000 + i;
    cpu_ids.add_with_ids(nb, xb.data(), ids.data());
    faiss::gpu::GpuClonerOptions options;
    options.useFloat16 = true;
    std::unique_ptr<faiss::Index> on_gpu(faiss::gpu::index_cpu_to_gpu(&res, 0, &cpu_ids, &options));
    on_gpu->search(nq, xq.data(), k, distances.data(), labels.data());
    for (auto& label : labels)
        label = label < 0 ? label : label - 1000000;  // back to row numbers
    const double r_fp16 = recall(labels, truth, nq, k);
    std::printf(
        "index_cpu_to_gpu (IndexIDMap around a float16 GpuIndexFlatL2): recall@%d "
        "= %.4f\n",
        k, r_fp16);

    // And back: a CPU IndexIDMap around an IndexFlatL2 again.
    std::unique_ptr<faiss::Index> back(faiss::gpu::index_gpu_to_cpu(on_gpu.get()));
    std::printf("index_gpu_to_cpu: ntotal = %lld\n", (long long)back->ntotal);
    return r_gpu > 0.999 && r_fp16 > 0.95 && back->ntotal == nb ? 0 : 1;
}
