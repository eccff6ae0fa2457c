// Tutorial 1: exact search with IndexFlatL2.
//
// An exact ("flat") index stores the vectors as they are and compares every query with
// every stored vector. It needs no training, and its answers are the true nearest
// neighbours: the baseline every other index is measured against.
#include <faiss/IndexFlat.h>

#include <cstdio>
#include <random>
#include <vector>

int main() {
    const int d = 64;      // dimension of the vectors
    const int nb = 20000;  // vectors in the database
    const int nq = 100;    // queries

    // Synthetic data, one vector after the other (row-major nb x d floats). The first
    // component drifts with the row number so that neighbouring rows are close.
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

    faiss::IndexFlatL2 index(d);  // squared Euclidean distance
    std::printf("is_trained = %d\n", int(index.is_trained));
    index.add(nb, xb.data());  // the vectors get the ids 0 .. nb-1
    std::printf("ntotal = %lld\n", (long long)index.ntotal);

    const int k = 4;
    // The results: for each query, k ids and k distances, best first.
    std::vector<faiss::idx_t> labels(size_t(k) * nq);
    std::vector<float> distances(size_t(k) * nq);

    // Sanity check: a database vector finds itself first, at distance 0.
    index.search(5, xb.data(), k, distances.data(), labels.data());
    for (int i = 0; i < 5; i++) {
        std::printf("database vector %d: nearest %lld at %g\n", i, (long long)labels[i * k],
                    distances[i * k]);
        if (labels[i * k] != i) return 1;
    }

    index.search(nq, xq.data(), k, distances.data(), labels.data());
    for (int i = 0; i < 5; i++) {
        std::printf("query %d:", i);
        for (int j = 0; j < k; j++)
            std::printf(" %5lld", (long long)labels[i * k + j]);
        std::printf("\n");
    }
    return 0;
}
