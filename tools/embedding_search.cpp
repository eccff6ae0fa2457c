// embedding_search: the main job. Builds an index over base vectors (real text
// embeddings, made by scripts/make_embeddings.py), searches it with held-out queries and
// prints recall against exact search and queries per second.
//
//   embedding_search BASE.fvecs QUERIES.fvecs [--index DESC] [--params P] [--metric ip|l2]
//                    [--k K] [--gt GT.ivecs] [--single N] [--repeats R]
//
// The index is described by an index_factory string ("Flat" by default); --params sets
// its search parameters through ParameterSpace ("nprobe=16,k_factor_rf=4"). The ground truth
// is read from an .ivecs file (one row of neighbour ids per query, best first) or computed
// by exact search with IndexFlat of the same metric. Public API only.
#include <faiss/AutoTune.h>
#include <faiss/Index.h>
#include <faiss/IndexFlat.h>
#include <faiss/MetricType.h>
#include <faiss/index_factory.h>
#include <faiss/simd/simd_level.h>

#include <omp.h>

#include <cxxabi.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Options {
    std::string base_path, query_path, gt_path;
    std::string index_desc = "Flat";
    std::string params;  // ParameterSpace string applied after the build
    faiss::MetricType metric = faiss::METRIC_INNER_PRODUCT;
    int k = 10;
    long single = 1000;  // queries run one at a time for the latency figure
    int repeats = 3;     // batch searches; the fastest is reported
};

/// Rows of a .fvecs (T = float) or .ivecs (T = int32) file: each row is an int32 count
/// then that many values; all rows must have the same count.
template <typename T>
std::vector<T> read_vecs(const std::string& path, size_t& n, size_t& d) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw std::runtime_error("cannot open " + path);
    const auto bytes = static_cast<size_t>(in.tellg());
    in.seekg(0);
    int32_t dim = 0;
    if (bytes < sizeof(dim) || !in.read(reinterpret_cast<char*>(&dim), sizeof(dim)) || dim <= 0 ||
        dim > (1 << 20)) {
        throw std::runtime_error(path + ": not a vecs file (bad first dimension)");
    }
    const size_t row_bytes = sizeof(int32_t) + size_t(dim) * sizeof(T);
    if (bytes % row_bytes != 0) {
        throw std::runtime_error(path + ": size " + std::to_string(bytes) +
                                 " is not a multiple of the row size " + std::to_string(row_bytes) +
                                 " (truncated file?)");
    }
    n = bytes / row_bytes;
    d = size_t(dim);
    std::vector<T> data(n * d);
    in.seekg(0);
    for (size_t i = 0; i < n; i++) {
        int32_t row_dim = 0;
        in.read(reinterpret_cast<char*>(&row_dim), sizeof(row_dim));
        in.read(reinterpret_cast<char*>(data.data() + i * d), std::streamsize(d * sizeof(T)));
        if (!in || row_dim != dim) {
            throw std::runtime_error(path + ": row " + std::to_string(i) + " has dimension " +
                                     std::to_string(row_dim) + ", expected " + std::to_string(dim));
        }
    }
    return data;
}

std::unique_ptr<faiss::Index> make_index(const Options& opt, int d) {
    return std::unique_ptr<faiss::Index>(
        faiss::index_factory(d, opt.index_desc.c_str(), opt.metric));
}

std::string type_name(const faiss::Index& index) {
    int status = 0;
    const char* mangled = typeid(index).name();
    char* demangled = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
    std::string name = status == 0 && demangled ? demangled : mangled;
    std::free(demangled);
    return name;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Mean over queries of |first r results ∩ first r true neighbours| / r.
double recall_at(const std::vector<faiss::idx_t>& labels, int k,
                 const std::vector<faiss::idx_t>& gt, size_t gt_k, size_t nq, int r) {
    double total = 0;
    for (size_t q = 0; q < nq; q++) {
        const faiss::idx_t* truth = gt.data() + q * gt_k;
        const faiss::idx_t* found = labels.data() + q * size_t(k);
        int hits = 0;
        for (int i = 0; i < r; i++) {
            if (found[i] >= 0 && std::find(truth, truth + r, found[i]) != truth + r) hits++;
        }
        total += double(hits) / r;
    }
    return nq ? total / double(nq) : 0;
}

/// Ground-truth ids (nq x k): from the .ivecs file, or by exact search.
std::vector<faiss::idx_t> ground_truth(const Options& opt, const std::vector<float>& xb, size_t nb,
                                       const std::vector<float>& xq, size_t nq, size_t d) {
    std::vector<faiss::idx_t> gt(nq * size_t(opt.k));
    if (!opt.gt_path.empty()) {
        size_t gn = 0, gk = 0;
        std::vector<int32_t> ids = read_vecs<int32_t>(opt.gt_path, gn, gk);
        if (gn != nq || gk < size_t(opt.k)) {
            throw std::runtime_error(opt.gt_path + ": " + std::to_string(gn) + " rows of " +
                                     std::to_string(gk) + " ids; need " + std::to_string(nq) +
                                     " rows of at least k = " + std::to_string(opt.k));
        }
        for (size_t q = 0; q < nq; q++) {
            std::copy_n(ids.data() + q * gk, opt.k, gt.data() + q * size_t(opt.k));
        }
        std::printf("ground truth: %s (%zu x %zu)\n", opt.gt_path.c_str(), gn, gk);
        return gt;
    }
    auto start = std::chrono::steady_clock::now();
    std::unique_ptr<faiss::Index> exact;
    if (opt.metric == faiss::METRIC_INNER_PRODUCT) {
        exact = std::make_unique<faiss::IndexFlatIP>(int(d));
    } else {
        exact = std::make_unique<faiss::IndexFlatL2>(int(d));
    }
    exact->add(faiss::idx_t(nb), xb.data());
    std::vector<float> dist(gt.size());
    exact->search(faiss::idx_t(nq), xq.data(), opt.k, dist.data(), gt.data());
    std::printf("ground truth: exact search with %s, %.3f s\n", type_name(*exact).c_str(),
                seconds_since(start));
    return gt;
}

void usage_error(const std::string& why) {
    std::fprintf(stderr,
                 "embedding_search: %s\n"
                 "usage: embedding_search BASE.fvecs QUERIES.fvecs [--index DESC] [--params P] "
                 "[--metric ip|l2] [--k K] [--gt GT.ivecs] [--single N] [--repeats R]\n",
                 why.c_str());
    std::exit(2);
}

long parse_long(const char* text, const char* what, long min) {
    char* end = nullptr;
    long v = std::strtol(text, &end, 10);
    if (end == text || *end != '\0' || v < min) {
        usage_error(std::string(what) + " must be an integer >= " + std::to_string(min) +
                    ", got '" + text + "'");
    }
    return v;
}

Options parse_args(int argc, char** argv) {
    Options opt;
    std::vector<std::string> positional;
    for (int i = 1; i < argc; i++) {
        std::string arg = argv[i];
        auto value = [&]() -> const char* {
            if (i + 1 >= argc) usage_error("missing value after " + arg);
            return argv[++i];
        };
        if (arg == "--index") {
            opt.index_desc = value();
        } else if (arg == "--params") {
            opt.params = value();
        } else if (arg == "--metric") {
            std::string m = value();
            if (m != "ip" && m != "l2") usage_error("--metric must be ip or l2, got " + m);
            opt.metric = m == "ip" ? faiss::METRIC_INNER_PRODUCT : faiss::METRIC_L2;
        } else if (arg == "--k") {
            opt.k = int(parse_long(value(), "--k", 1));
        } else if (arg == "--gt") {
            opt.gt_path = value();
        } else if (arg == "--single") {
            opt.single = parse_long(value(), "--single", 0);
        } else if (arg == "--repeats") {
            opt.repeats = int(parse_long(value(), "--repeats", 1));
        } else if (arg.rfind("--", 0) == 0) {
            usage_error("unknown option " + arg);
        } else {
            positional.push_back(arg);
        }
    }
    if (positional.size() != 2) usage_error("expected BASE.fvecs and QUERIES.fvecs");
    opt.base_path = positional[0];
    opt.query_path = positional[1];
    return opt;
}

void search_and_report(const Options& opt, const faiss::Index& index, const std::vector<float>& xq,
                       size_t nq, size_t d, const std::vector<faiss::idx_t>& gt) {
    const size_t k = size_t(opt.k);
    std::vector<float> dist(nq * k);
    std::vector<faiss::idx_t> labels(nq * k);
    double best = 0;
    for (int r = 0; r < opt.repeats; r++) {
        auto start = std::chrono::steady_clock::now();
        index.search(faiss::idx_t(nq), xq.data(), opt.k, dist.data(), labels.data());
        double t = seconds_since(start);
        if (r == 0 || t < best) best = t;
    }
    std::printf("batch search: %zu queries, k=%d, %.4f s (best of %d) -> %.0f QPS\n", nq, opt.k,
                best, opt.repeats, double(nq) / best);

    const size_t ns = std::min(nq, size_t(opt.single));
    if (ns > 0) {
        std::vector<float> d1(k);
        std::vector<faiss::idx_t> l1(k);
        auto start = std::chrono::steady_clock::now();
        for (size_t q = 0; q < ns; q++) {
            index.search(1, xq.data() + q * d, opt.k, d1.data(), l1.data());
        }
        double t = seconds_since(start);
        std::printf(
            "single-query search: %zu queries one at a time, %.3f ms mean latency -> "
            "%.0f QPS\n",
            ns, 1e3 * t / double(ns), double(ns) / t);
    }

    std::printf("recall: 1-recall@1 = %.4f", recall_at(labels, opt.k, gt, k, nq, 1));
    if (opt.k >= 10) std::printf(", 10-recall@10 = %.4f", recall_at(labels, opt.k, gt, k, nq, 10));
    if (opt.k != 1 && opt.k != 10) {
        std::printf(", %d-recall@%d = %.4f", opt.k, opt.k,
                    recall_at(labels, opt.k, gt, k, nq, opt.k));
    }
    std::printf("\n");
}

int run(const Options& opt) {
    size_t nb = 0, d = 0, nq = 0, dq = 0;
    std::vector<float> xb = read_vecs<float>(opt.base_path, nb, d);
    std::vector<float> xq = read_vecs<float>(opt.query_path, nq, dq);
    if (dq != d) {
        throw std::runtime_error("queries have dimension " + std::to_string(dq) +
                                 ", base vectors " + std::to_string(d));
    }
    if (size_t(opt.k) > nb) {
        throw std::runtime_error("k = " + std::to_string(opt.k) + " exceeds the " +
                                 std::to_string(nb) + " base vectors");
    }
    std::printf("data: %zu base vectors (%s), %zu queries (%s), d=%zu\n", nb, opt.base_path.c_str(),
                nq, opt.query_path.c_str(), d);
    std::printf("simd level: %s, threads: %d\n", faiss::simd_level_name(), omp_get_max_threads());

    std::unique_ptr<faiss::Index> index = make_index(opt, int(d));
    std::printf("index: %s (\"%s\", metric %s)\n", type_name(*index).c_str(),
                opt.index_desc.c_str(),
                opt.metric == faiss::METRIC_INNER_PRODUCT ? "inner product" : "L2");

    auto start = std::chrono::steady_clock::now();
    if (!index->is_trained) index->train(faiss::idx_t(nb), xb.data());
    index->add(faiss::idx_t(nb), xb.data());
    std::printf("build: train + add %zu vectors in %.3f s\n", nb, seconds_since(start));
    if (!opt.params.empty()) {
        faiss::ParameterSpace().set_index_parameters(index.get(), opt.params.c_str());
        std::printf("search parameters: %s\n", opt.params.c_str());
    }

    std::vector<faiss::idx_t> gt = ground_truth(opt, xb, nb, xq, nq, d);
    search_and_report(opt, *index, xq, nq, d, gt);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options opt = parse_args(argc, argv);
    try {
        return run(opt);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "embedding_search: error: %s\n", e.what());
        return 1;
    }
}
