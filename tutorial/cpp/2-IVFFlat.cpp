// Tutorial 2: faster search with an inverted file (IndexIVFFlat).
//
// The inverted file splits the space into nlist cells with k-means (training), stores
// each vector in the list of its nearest cell, and visits only the nprobe cells nearest
// to a query. Fewer comparisons, at the price of sometimes missing a neighbour.
#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFFlat.h>

#include <cstdio>
#include <random>
#include <set>
#include <vector>

int main() {
    const int d = 64, nb = 20000, nq = 100, k = 4;
    std::mt19937 rng(1234);
    std::uniform_real_distribution<float> uniform(0, 1);
    std::vector<float> xb(size_t(nb) * d), xq(size_t(nq) * d);
    for (int i = 0; i < nb; i++) {
        for (int j = 0; j < d; j++)
            xb[size_t(i) * d + j] = uniform(rng);
        xb[size_t(i) * d] += i / 1000.0f;
    }
    for (int i = 0; i < nq; i++) {
        for (int j = 0; j < d; j++)
            xq[size_t(i) * d + j] = uniform(rng);
        xq[size_t(i) * d] += i / 1000.0f;
    }

    const int nlist = 100;
    // The coarse quantizer assigns vectors to cells. It must outlive the IVF index
    // (or set index.own_fields = true on a heap-allocated quantizer).
    faiss::IndexFlatL2 quantizer(d);
    faiss::IndexIVFFlat index(&quantizer, d, nlist);
    index.train(nb, xb.data());  // k-means: learns the nlist centroids
    index.add(nb, xb.data());

    // Exact answers, to measure what the inverted file misses.
    faiss::IndexFlatL2 exact(d);
    exact.add(nb, xb.data());
    std::vector<faiss::idx_t> truth(size_t(k) * nq), labels(size_t(k) * nq);
    std::vector<float> distances(size_t(k) * nq);
    exact.search(nq, xq.data(), k, distances.data(), truth.data());

    double recall = 0;
    for (int nprobe : {1, 10, nlist}) {
        index.nprobe = nprobe;  // cells visited per query: the speed/recall knob
        index.search(nq, xq.data(), k, distances.data(), labels.data());
        int found = 0;
        for (int i = 0; i < nq; i++) {
            std::set<faiss::idx_t> expected(truth.begin() + i * k, truth.begin() + (i + 1) * k);
            for (int j = 0; j < k; j++)
                found += int(expected.count(labels[i * k + j]));
        }
        recall = double(found) / (nq * k);
        std::printf("nprobe=%3d  recall@%d = %.3f\n", nprobe, k, recall);
    }
    // Visiting every cell is exhaustive: the exact results.
    if (recall != 1.0) return 1;

    // Per-call parameters leave the index untouched, so threads can search it with
    // different settings at the same time.
    faiss::SearchParametersIVF params;
    params.nprobe = 10;
    index.search(nq, xq.data(), k, distances.data(), labels.data(), &params);
    std::printf("nprobe=10 per call, query 0: %lld %lld %lld %lld\n", (long long)labels[0],
                (long long)labels[1], (long long)labels[2], (long long)labels[3]);
    return 0;
}
