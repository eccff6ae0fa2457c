// Tutorial 6: filtered search and deletes.
//
// A search can be restricted to the ids an IDSelector accepts (metadata filters), and
// vectors can be removed. Shown on an IVF index and on an HNSW graph (HNSW deletes are
// beyond Faiss).
#include <faiss/IDSelector.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVFFlat.h>

#include <cstdio>
#include <random>
#include <vector>

int main() {
    const int d = 32, nb = 10000, nq = 5, k = 5;
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> uniform(0, 1);
    std::vector<float> xb(size_t(nb) * d), xq(size_t(nq) * d);
    for (auto& v : xb)
        v = uniform(rng);
    for (auto& v : xq)
        v = uniform(rng);
    std::vector<faiss::idx_t> labels(size_t(nq) * k);
    std::vector<float> distances(size_t(nq) * k);

    faiss::IndexFlatL2 quantizer(d);
    faiss::IndexIVFFlat ivf(&quantizer, d, 64);
    ivf.train(nb, xb.data());
    ivf.add(nb, xb.data());

    // Only ids 1000 .. 1999 may be returned; the filter runs while lists are scanned.
    faiss::IDSelectorRange in_range(1000, 2000);
    faiss::SearchParametersIVF params;
    params.sel = &in_range;  // not owned: must outlive the search
    params.nprobe = 64;
    ivf.search(nq, xq.data(), k, distances.data(), labels.data(), &params);
    for (auto id : labels)
        if (id < 1000 || id >= 2000) return 1;
    std::printf("IVF, ids in [1000, 2000): query 0 -> %lld %lld %lld\n", (long long)labels[0],
                (long long)labels[1], (long long)labels[2]);

    // remove_ids takes any selector and returns how many vectors went away.
    faiss::IDSelectorRange first_half(0, 5000);
    size_t removed = ivf.remove_ids(first_half);
    std::printf("IVF: removed %zu, %lld left\n", removed, (long long)ivf.ntotal);

    // HNSW: removed vectors leave the graph; their neighbours are re-linked.
    faiss::IndexHNSWFlat hnsw(d, 16);
    hnsw.add(nb, xb.data());
    std::vector<faiss::idx_t> every_third;
    for (faiss::idx_t i = 0; i < nb; i += 3)
        every_third.push_back(i);
    faiss::IDSelectorBatch to_remove(every_third.size(), every_third.data());
    removed = hnsw.remove_ids(to_remove);
    hnsw.search(nq, xq.data(), k, distances.data(), labels.data());
    for (auto id : labels)
        if (id % 3 == 0) return 1;
    std::printf("HNSW: removed %zu; query 0 -> %lld %lld %lld\n", removed, (long long)labels[0],
                (long long)labels[1], (long long)labels[2]);
    return 0;
}
