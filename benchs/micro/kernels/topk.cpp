// Top-k selection of the exact search engine (faiss/internal/topk.h): a max-heap fed
// block by block (k = 1: one running best; k = 10, 100: heap) and the reservoir (k = 100,
// 1000), over 1M scores offered in blocks of 4096 as the engine does. "random" scores:
// after the first blocks nearly every chunk is rejected by the threshold test (the usual
// case); "decreasing": every score beats the current k-th (the worst case).
//
// These routines have no per-level kernels (they are built once, for baseline x86-64, and
// the compiler vectorises the threshold test), so each is registered once, "baseline".
#include "kernels_common.h"

#include <faiss/internal/topk.h>

#include <limits>

namespace kbench {
namespace {

constexpr size_t kScores = size_t(1) << 20;
constexpr size_t kBlock = 4096;

std::vector<float> make_scores(bool decreasing) {
    if (!decreasing) return random_floats(kScores, 3, 0.0f, 1.0f);
    std::vector<float> s(kScores);
    for (size_t i = 0; i < kScores; i++)
        s[i] = static_cast<float>(kScores - i);
    return s;
}

void run_heap(benchmark::State& state, size_t k, bool decreasing) {
    std::vector<float> scores = make_scores(decreasing), heap_scores(k);
    std::vector<int64_t> heap_ids(k);
    for (auto _ : state) {
        faiss::internal::topk_heap_init(k, heap_scores.data(), heap_ids.data());
        for (size_t i0 = 0; i0 < kScores; i0 += kBlock) {
            if (k == 1) {
                faiss::internal::top1_offer_block(heap_scores.data(), heap_ids.data(),
                                                  scores.data() + i0, kBlock, int64_t(i0));
            } else {
                faiss::internal::topk_offer_block(k, heap_scores.data(), heap_ids.data(),
                                                  scores.data() + i0, kBlock, int64_t(i0));
            }
        }
        faiss::internal::topk_heap_sort(k, heap_scores.data(), heap_ids.data());
        benchmark::DoNotOptimize(heap_ids.data());
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kScores));
}

void run_reservoir(benchmark::State& state, size_t k, bool decreasing) {
    std::vector<float> scores = make_scores(decreasing), out_scores(k);
    std::vector<int64_t> out_ids(k);
    std::vector<faiss::internal::TopKCandidate> buf(2 * k);
    for (auto _ : state) {
        size_t size = 0;
        float threshold = std::numeric_limits<float>::infinity();
        for (size_t i0 = 0; i0 < kScores; i0 += kBlock) {
            faiss::internal::reservoir_offer_block(k, buf.data(), &size, &threshold,
                                                   scores.data() + i0, kBlock, int64_t(i0));
        }
        faiss::internal::reservoir_finish(k, buf.data(), size, out_scores.data(), out_ids.data());
        benchmark::DoNotOptimize(out_ids.data());
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kScores));
}

}  // namespace

void register_topk_benchmarks() {
    for (bool decreasing : {false, true}) {
        const std::string order = decreasing ? "decreasing" : "random";
        for (size_t k : {size_t(1), size_t(10), size_t(100)}) {
            std::string name = "topk/heap/k:" + std::to_string(k) + "/" + order + "/baseline";
            benchmark::RegisterBenchmark(
                name.c_str(), [k, decreasing](benchmark::State& s) { run_heap(s, k, decreasing); });
        }
        for (size_t k : {size_t(100), size_t(1000)}) {
            std::string name = "topk/reservoir/k:" + std::to_string(k) + "/" + order + "/baseline";
            benchmark::RegisterBenchmark(name.c_str(), [k, decreasing](benchmark::State& s) {
                run_reservoir(s, k, decreasing);
            });
        }
    }
}

}  // namespace kbench
