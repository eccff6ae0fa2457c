// Tutorial 4: graph search with IndexHNSWFlat.
//
// HNSW links every vector to a few dozen close neighbours, in several layers. A query
// walks the graph greedily towards its neighbours and looks at a few hundred vectors
// instead of all of them: high recall at low latency for one query at a time, paid for
// with memory for the links and a slower add. No training.
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <set>
#include <vector>

int main() {
    const int d = 64, nb = 20000, nq = 200, k = 10;
    std::mt19937 rng(1234);
    std::uniform_real_distribution<float> uniform(0, 1);
    std::vector<float> xb(size_t(nb) * d), xq(size_t(nq) * d);
    for (auto& v : xb)
        v = uniform(rng);
    for (auto& v : xq)
        v = uniform(rng);

    faiss::IndexHNSWFlat index(d, 32);  // 32 links per vector (64 on the bottom layer)
    index.hnsw.efConstruction = 40;     // breadth of the search choosing each new vector's links
    index.add(nb, xb.data());

    faiss::IndexFlatL2 exact(d);
    exact.add(nb, xb.data());
    std::vector<faiss::idx_t> truth(size_t(k) * nq), labels(size_t(k) * nq);
    std::vector<float> distances(size_t(k) * nq);
    exact.search(nq, xq.data(), k, distances.data(), truth.data());

    double recall = 0;
    for (int ef : {16, 32, 64, 128}) {
        index.hnsw.efSearch = ef;  // breadth of the search at query time: the recall knob
        auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < nq; i++)  // one query at a time, as a serving system would
            index.search(1, xq.data() + size_t(i) * d, k, distances.data() + size_t(i) * k,
                         labels.data() + size_t(i) * k);
        double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        int found = 0;
        for (int i = 0; i < nq; i++) {
            std::set<faiss::idx_t> expected(truth.begin() + i * k, truth.begin() + (i + 1) * k);
            for (int j = 0; j < k; j++)
                found += int(expected.count(labels[i * k + j]));
        }
        recall = double(found) / (nq * k);
        std::printf("efSearch=%4d  recall@%d = %.3f  %8.0f queries/s\n", ef, k, recall,
                    nq / seconds);
    }
    return recall > 0.9 ? 0 : 1;
}
