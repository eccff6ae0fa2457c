// Tutorial 7: real text embeddings, end to end.
//
// The vectors come from a sentence-embedding model (all-MiniLM-L6-v2, 384 dimensions):
// about 24,000 passages of documentation and 1,000 held-out passages used as queries.
// scripts/run_main_job.sh makes them once (scripts/make_embeddings.py) into data/minilm/:
// base.fvecs / queries.fvecs (the vectors) and base.txt / queries.txt (one passage a line,
// same order). The test run (scripts/run_tests.sh) makes a small set of the same kind
// when those are missing, data/minilm-small/ (2,000 passages, 200 queries), used then.
// This program searches them as an application would:
//   1. load the vectors and the texts,
//   2. normalise the vectors, so that inner product = cosine similarity,
//   3. build an inverted-file index (IVF) with index_factory and train it,
//   4. search a few queries and print the passages found,
//   5. measure recall against exact search,
//   6. save the index to a file, load it back and check it answers the same.
//
//   tutorial_7_embeddings [DATA_DIR]
// DATA_DIR (default: $FAISS_TUTORIAL_DATA, else data/minilm:data/minilm-small) may list
// folders separated by ':'; the first that holds base.fvecs is used. Exits with 77 (the
// "skipped" status of the test run) when none does.
#include <faiss/IVFlib.h>
#include <faiss/Index.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexIVF.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>
#include <faiss/utils/distances.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// .fvecs: for every vector an int32 dimension, then that many float32 values.
std::vector<float> read_fvecs(const std::string& path, size_t& n, size_t& d) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw std::runtime_error("cannot open " + path);
    const size_t bytes = size_t(in.tellg());
    in.seekg(0);
    int32_t dim = 0;
    in.read(reinterpret_cast<char*>(&dim), 4);
    if (!in || dim <= 0 || bytes % (4 + 4 * size_t(dim)) != 0)
        throw std::runtime_error(path + ": not an .fvecs file");
    d = size_t(dim);
    n = bytes / (4 + 4 * d);
    std::vector<float> x(n * d);
    in.seekg(0);
    for (size_t i = 0; i < n; i++) {
        in.read(reinterpret_cast<char*>(&dim), 4);
        in.read(reinterpret_cast<char*>(&x[i * d]), std::streamsize(4 * d));
    }
    if (!in) throw std::runtime_error(path + ": read failed");
    return x;
}

std::vector<std::string> read_lines(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

std::string shorten(const std::string& s, size_t width) {
    return s.size() <= width ? s : s.substr(0, width - 3) + "...";
}

// A wrong answer must fail the test run, not only print something odd.
void check(bool ok, const std::string& what) {
    if (!ok) throw std::runtime_error("check failed: " + what);
}

// Fraction of the exact top-k found in the approximate top-k (recall@k).
double recall_at_k(const std::vector<faiss::idx_t>& approx, const std::vector<faiss::idx_t>& exact,
                   size_t nq, size_t k) {
    size_t found = 0;
    for (size_t i = 0; i < nq; i++) {
        std::set<faiss::idx_t> truth(exact.begin() + i * k, exact.begin() + (i + 1) * k);
        for (size_t j = 0; j < k; j++)
            found += truth.count(approx[i * k + j]);
    }
    return double(found) / double(nq * k);
}

int run(const std::string& dir) {
    // 1. Vectors and texts. Row i of base.fvecs is the embedding of line i of base.txt.
    size_t nb, d, nq_all, dq;
    std::vector<float> xb = read_fvecs(dir + "/base.fvecs", nb, d);
    std::vector<float> xq = read_fvecs(dir + "/queries.fvecs", nq_all, dq);
    const std::vector<std::string> base_text = read_lines(dir + "/base.txt");
    const std::vector<std::string> query_text = read_lines(dir + "/queries.txt");
    check(dq == d && base_text.size() == nb && query_text.size() == nq_all,
          "vectors and texts have matching sizes");
    std::printf("%zu passages and %zu queries, d=%zu\n", nb, nq_all, d);

    // 2. Cosine similarity = inner product of unit vectors. This model already outputs
    // unit vectors, but many do not: normalising is cheap and makes sure.
    faiss::normalize_L2(nb, d, xb.data());
    faiss::normalize_L2(nq_all, d, xq.data());
    const size_t nq = std::min<size_t>(200, nq_all), k = 10;  // enough to measure recall

    // 3. IVF: k-means splits the space into nlist cells; a query looks only at the nprobe
    // cells closest to it. The metric must be inner product, like the normalisation.
    // 256 cells for the full set; fewer for a small one, so that every cell gets the 39
    // training points k-means asks for.
    size_t nlist = 256;
    while (nlist > 1 && nlist * 39 > nb)
        nlist /= 2;
    const std::string factory = "IVF" + std::to_string(nlist) + ",Flat";
    std::unique_ptr<faiss::Index> index(
        faiss::index_factory(int(d), factory.c_str(), faiss::METRIC_INNER_PRODUCT));
    index->train(faiss::idx_t(nb), xb.data());  // learns the nlist cell centroids
    index->add(faiss::idx_t(nb), xb.data());
    faiss::IndexIVF* ivf = faiss::extract_index_ivf(index.get());  // to set nprobe

    // Exact search, the reference: compares the query with every passage.
    faiss::IndexFlatIP exact{int(d)};
    exact.add(faiss::idx_t(nb), xb.data());
    std::vector<float> D_exact(nq * k), D(nq * k);
    std::vector<faiss::idx_t> I_exact(nq * k), I(nq * k);
    exact.search(faiss::idx_t(nq), xq.data(), faiss::idx_t(k), D_exact.data(), I_exact.data());

    // 4. Nearest passages of the first three queries. Scores are cosine similarities:
    // 1 is the same direction, around 0 unrelated.
    ivf->nprobe = std::min<size_t>(16, nlist / 2);
    index->search(faiss::idx_t(nq), xq.data(), faiss::idx_t(k), D.data(), I.data());
    for (size_t q = 0; q < 3; q++) {
        std::printf("\nquery: %s\n", shorten(query_text[q], 100).c_str());
        for (size_t j = 0; j < 3; j++)
            std::printf("  %.3f  %s\n", D[q * k + j],
                        shorten(base_text[size_t(I[q * k + j])], 90).c_str());
    }

    // The exact scores must be real cosines, best first, and agree with a dot product
    // computed by hand.
    for (size_t q = 0; q < nq; q++) {
        check(D_exact[q * k] <= 1.001f && D_exact[q * k] >= D_exact[q * k + k - 1],
              "exact scores are cosines sorted best first");
        const float* b = &xb[size_t(I_exact[q * k]) * d];
        double dot = 0;
        for (size_t j = 0; j < d; j++)
            dot += double(xq[q * d + j]) * b[j];
        check(std::fabs(dot - D_exact[q * k]) < 1e-4, "top score equals the dot product");
    }

    // 5. Recall: more cells visited, closer to exact search, slower. At most half of the
    // cells: visiting all of them is exact search, which would prove nothing.
    std::printf("\n%s: %zu cells\n", factory.c_str(), nlist);
    double recall = 0, previous = 0;
    size_t last_nprobe = 0;
    for (size_t nprobe : {1, 4, 16, 64}) {
        if (nprobe > nlist / 2) break;
        ivf->nprobe = last_nprobe = nprobe;
        index->search(faiss::idx_t(nq), xq.data(), faiss::idx_t(k), D.data(), I.data());
        recall = recall_at_k(I, I_exact, nq, k);
        std::printf("nprobe=%-3zu recall@%zu = %.3f\n", nprobe, k, recall);
        check(recall >= previous, "recall grows with nprobe");
        previous = recall;
    }
    // The full set: nprobe = 64 of 256 cells. The small one: half of its 32 cells, with
    // a lower bar (its cells are coarser, and fewer queries make the measure noisier).
    const double expected = nb >= 10000 ? 0.95 : 0.92;
    check(recall >= expected, "recall@10 >= " + std::to_string(expected) +
                                  " with nprobe=" + std::to_string(last_nprobe));

    // 6. Save, load back, and get the same answers (nprobe is saved with the index).
    char path[] = "/tmp/tutorial_7_XXXXXX";
    const int fd = mkstemp(path);
    check(fd >= 0, "a temporary file can be created");
    close(fd);
    faiss::write_index(index.get(), path);
    std::unique_ptr<faiss::Index> loaded(faiss::read_index(path));
    std::remove(path);
    std::vector<float> D2(nq * k);
    std::vector<faiss::idx_t> I2(nq * k);
    loaded->search(faiss::idx_t(nq), xq.data(), faiss::idx_t(k), D2.data(), I2.data());
    check(I2 == I && D2 == D, "the reloaded index gives the same results");
    std::printf("saved, reloaded: %lld vectors, same results\n", (long long)loaded->ntotal);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const char* env = std::getenv("FAISS_TUTORIAL_DATA");
    const std::string dirs = argc > 1 ? argv[1] : env ? env : "data/minilm:data/minilm-small";
    std::string dir;
    for (size_t b = 0; dir.empty() && b <= dirs.size();) {
        const size_t e = std::min(dirs.find(':', b), dirs.size());
        const std::string candidate = dirs.substr(b, e - b);
        if (!candidate.empty() && std::ifstream(candidate + "/base.fvecs")) dir = candidate;
        b = e + 1;
    }
    if (dir.empty()) {
        std::printf(
            "SKIPPED: no embeddings in %s. Make them with scripts/run_main_job.sh (first run "
            "only, a few minutes), or give the folder as argument.\n",
            dirs.c_str());
        return 77;
    }
    try {
        return run(dir);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tutorial 7 FAILED: %s\n", e.what());
        return 1;
    }
}
