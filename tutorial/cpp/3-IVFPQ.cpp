// Tutorial 3: compressed vectors with IndexIVFPQ, re-ranked with IndexRefineFlat.
//
// A product quantizer cuts each vector into m pieces and stores, for each piece, the id
// of the nearest of 256 learned centroids: m bytes per vector instead of 4 * d.
// Distances become approximate; re-ranking a few candidates with the exact vectors
// recovers most of the lost recall.
#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexRefine.h>

#include <cstdio>
#include <random>
#include <vector>

namespace {

/// Fraction of queries whose true nearest neighbour is among their first 10 results.
double one_recall_at_10(const std::vector<faiss::idx_t>& nearest,
                        const std::vector<faiss::idx_t>& labels, int nq) {
    int found = 0;
    for (int i = 0; i < nq; i++)
        for (int j = 0; j < 10; j++)
            found += int(labels[i * 10 + j] == nearest[i]);
    return double(found) / nq;
}

}  // namespace

int main() {
    const int d = 64, nb = 20000, nq = 100;
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

    const int nlist = 100, m = 8;  // d must be a multiple of m
    faiss::IndexFlatL2 quantizer(d);
    faiss::IndexIVFPQ index(&quantizer, d, nlist, m, 8);  // 8 bits per sub-vector code
    index.train(nb, xb.data());  // the cells, then the PQ centroids on the residuals
    index.add(nb, xb.data());
    index.nprobe = 10;
    std::printf("bytes per vector: %zu instead of %d\n", index.pq.code_size, 4 * d);

    faiss::IndexFlatL2 exact(d);
    exact.add(nb, xb.data());
    std::vector<faiss::idx_t> nearest(nq), labels(size_t(10) * nq);
    std::vector<float> distances(size_t(10) * nq);
    exact.search(nq, xq.data(), 1, distances.data(), nearest.data());

    index.search(nq, xq.data(), 10, distances.data(), labels.data());
    double recall = one_recall_at_10(nearest, labels, nq);
    std::printf("1-recall@10, IVFPQ alone: %.2f\n", recall);

    // Re-ranking: the refine index keeps exact copies of the vectors, asks its base
    // index for k_factor * k candidates and orders them by their exact distances.
    faiss::IndexFlatL2 quantizer2(d);
    faiss::IndexIVFPQ base(&quantizer2, d, nlist, m, 8);
    base.nprobe = 10;
    faiss::IndexRefineFlat refined(&base);  // base must be empty here
    refined.k_factor = 4;
    refined.train(nb, xb.data());
    refined.add(nb, xb.data());
    refined.search(nq, xq.data(), 10, distances.data(), labels.data());
    double refined_recall = one_recall_at_10(nearest, labels, nq);
    std::printf("1-recall@10, re-ranking 40 candidates: %.2f\n", refined_recall);
    return refined_recall >= recall - 0.05 ? 0 : 1;
}
