// Uses the installed library through its public headers only: builds an IndexFlatL2 over
// a few vectors and checks that each finds itself as nearest neighbour.
#include <faiss/IndexFlat.h>

#include <cstdio>
#include <vector>

int main() {
    const int d = 8;
    const int n = 100;
    std::vector<float> xb(size_t(n) * d);
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < d; j++) {
            xb[size_t(i) * d + j] = float((i * 31 + j * 17) % 97) + 0.01f * i;
        }
    }

    faiss::IndexFlatL2 index(d);
    index.add(n, xb.data());

    const int k = 3;
    std::vector<float> distances(size_t(n) * k);
    std::vector<faiss::idx_t> labels(size_t(n) * k);
    index.search(n, xb.data(), k, distances.data(), labels.data());

    int wrong = 0;
    for (int i = 0; i < n; i++) {
        const float* dis = distances.data() + size_t(i) * k;
        if (labels[size_t(i) * k] != i || !(dis[0] <= dis[1] && dis[1] <= dis[2])) {
            wrong++;
        }
    }
    if (index.ntotal != n || wrong != 0) {
        std::printf(
            "faiss_consumer: FAILED: ntotal %lld, %d of %d queries did not find "
            "themselves first\n",
            (long long)index.ntotal, wrong, n);
        return 1;
    }
    std::printf("faiss_consumer: OK, %d queries found themselves in an installed IndexFlatL2\n", n);
    return 0;
}
