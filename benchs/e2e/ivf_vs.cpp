// Compressed and IVF index timing, run by run_ivf_vs_faiss.py on the same .fvecs files
// that it feeds to faiss-cpu. Uses only the public API.
//
//   bench_ivf_vs --kind ivfflat|ivfpq|ivfsq8|pq|sq8 --train T.fvecs --base B.fvecs
//                --query Q.fvecs [--nlist 1024] [--M 32] [--nprobes 1,4,16,64] [--k 10]
//                [--repeats 3] [--warmup 1] [--labels-out PREFIX] [--probe 1]
//
// Builds the index as faiss-cpu is built by the driver (IndexIVFFlat(quantizer, d, nlist),
// IndexIVFPQ(quantizer, d, nlist, M, 8), IndexIVFScalarQuantizer(quantizer, d, nlist,
// QT_8bit), IndexPQ(d, M, 8), IndexScalarQuantizer(d, QT_8bit); the quantizer is an
// IndexFlatL2), times train() and add() once, then for each nprobe (IVF only; flat codes
// are searched once with "nprobe 0") times warmup + repeats batch search() calls with
// SearchParametersIVF. Labels of the last run go to PREFIX_np<nprobe>.i64. Prints one
// JSON object on stdout. When this build lacks the requested index type the object has
// "skipped" set to the reason and the program exits 0. --probe 1 stops after building
// the (untrained) index: a cheap check of whether this build has the type.

#include "bench_common.h"
#include "fvecs_io.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexPQ.h>
#include <faiss/IndexScalarQuantizer.h>
#if __has_include(<faiss/IndexIVFPQ.h>)
#include <faiss/IndexIVFPQ.h>
#endif
#if __has_include(<faiss/IndexIVFScalarQuantizer.h>)
#include <faiss/IndexIVFScalarQuantizer.h>
#endif

#include <memory>
#include <type_traits>

// Declared (not defined) so the harness builds whether or not these types have landed;
// is_complete below tells which ones this build really has.
namespace faiss {
struct IndexIVFPQ;
struct IndexIVFScalarQuantizer;
}  // namespace faiss

namespace {

template <typename T, typename = void>
struct is_complete : std::false_type {};
template <typename T>
struct is_complete<T, decltype(void(sizeof(T)))> : std::true_type {};

struct Built {
    std::unique_ptr<faiss::Index> quantizer;  // declared first: destroyed after index
    std::unique_ptr<faiss::Index> index;
    bool ivf = false;
    std::string skipped;
};

template <typename T>
void make_ivfpq(Built& b, int d, size_t nlist, size_t M) {
    if constexpr (is_complete<T>::value) {
        b.index.reset(new T(b.quantizer.get(), d, nlist, M, 8));
    } else {
        b.skipped = "IndexIVFPQ is not in this build";
    }
}

template <typename T>
void make_ivfsq(Built& b, int d, size_t nlist) {
    if constexpr (is_complete<T>::value) {
        b.index.reset(new T(b.quantizer.get(), d, nlist, faiss::ScalarQuantizer::QT_8bit));
    } else {
        b.skipped = "IndexIVFScalarQuantizer is not in this build";
    }
}

/// PQ k-means settings of an IndexIVFPQ (when this build has the type).
template <typename T>
void add_ivfpq_settings(bench::JsonObject& json, const faiss::Index* index) {
    if constexpr (is_complete<T>::value) {
        if (auto* ivfpq = dynamic_cast<const T*>(index)) {
            json.add("pq_niter", ivfpq->pq.cp.niter);
            json.add("pq_max_points_per_centroid", ivfpq->pq.cp.max_points_per_centroid);
        }
    }
}

Built build(const std::string& kind, int d, size_t nlist, size_t M) {
    Built b;
    b.ivf = kind.rfind("ivf", 0) == 0;
    if (b.ivf) b.quantizer = std::make_unique<faiss::IndexFlatL2>(d);
    if (kind == "ivfflat") {
        b.index = std::make_unique<faiss::IndexIVFFlat>(b.quantizer.get(), d, nlist);
    } else if (kind == "ivfpq") {
        make_ivfpq<faiss::IndexIVFPQ>(b, d, nlist, M);
    } else if (kind == "ivfsq8") {
        make_ivfsq<faiss::IndexIVFScalarQuantizer>(b, d, nlist);
    } else if (kind == "pq") {
        b.index = std::make_unique<faiss::IndexPQ>(d, M, 8);
    } else if (kind == "sq8") {
        b.index = std::make_unique<faiss::IndexScalarQuantizer>(d, faiss::ScalarQuantizer::QT_8bit);
    } else {
        throw std::runtime_error("unknown --kind '" + kind + "'");
    }
    return b;
}

std::vector<long long> parse_list(const std::string& s) {
    std::vector<long long> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        out.push_back(std::stoll(item));
    return out;
}

/// Bytes one stored vector costs: its code, plus the 8-byte id an inverted list keeps.
double bytes_per_vector(const Built& b) {
    if (b.ivf) {
        auto* ivf = dynamic_cast<const faiss::IndexIVF*>(b.index.get());
        if (!ivf) throw std::runtime_error("IVF kind built a non-IVF index");
        return static_cast<double>(ivf->code_size + sizeof(faiss::idx_t));
    }
    auto* codes = dynamic_cast<const faiss::IndexFlatCodes*>(b.index.get());
    if (!codes) throw std::runtime_error("flat-code kind built an unexpected index");
    return static_cast<double>(codes->code_size);
}

void run(const bench::Args& args) {
    const std::string kind = args.str("kind");
    const size_t nlist = static_cast<size_t>(args.integer("nlist", 1024));
    const size_t M = static_cast<size_t>(args.integer("M", 32));
    const int k = static_cast<int>(args.integer("k", 10));
    const int repeats = static_cast<int>(args.integer("repeats", 3));
    const int warmup = static_cast<int>(args.integer("warmup", 1));
    if (k <= 0 || repeats <= 0 || warmup < 0 || nlist == 0 || M == 0)
        throw std::runtime_error("need k, repeats, nlist, M > 0 and warmup >= 0");

    bench::FvecsData xt = bench::read_fvecs(args.str("train"));
    bench::FvecsData xb = bench::read_fvecs(args.str("base"));
    bench::FvecsData xq = bench::read_fvecs(args.str("query"));
    if (xt.d != xb.d || xq.d != xb.d) throw std::runtime_error("files differ in dimension");

    bench::JsonObject json;
    json.add("bench", "ivf_vs");
    json.add("kind", kind);
    json.add("d", xb.d);
    json.add("nb", static_cast<long long>(xb.n));
    json.add("nq", static_cast<long long>(xq.n));
    json.add("ntrain", static_cast<long long>(xt.n));
    Built b = build(kind, xb.d, nlist, M);
    bench::add_environment(json);
    if (!b.skipped.empty() || args.integer("probe", 0) != 0) {
        if (!b.skipped.empty()) json.add("skipped", b.skipped);
        std::printf("%s\n", json.str().c_str());
        return;
    }
    if (b.ivf) {
        auto* ivf = dynamic_cast<faiss::IndexIVF*>(b.index.get());
        json.add("kmeans_niter", ivf->cp.niter);
        json.add("kmeans_max_points_per_centroid", ivf->cp.max_points_per_centroid);
        json.add("by_residual", static_cast<int>(ivf->by_residual));
    }
    add_ivfpq_settings<faiss::IndexIVFPQ>(json, b.index.get());
    if (auto* pq = dynamic_cast<faiss::IndexPQ*>(b.index.get())) {
        json.add("pq_niter", pq->pq.cp.niter);
        json.add("pq_max_points_per_centroid", pq->pq.cp.max_points_per_centroid);
    }

    double t0 = bench::now_s();
    b.index->train(xt.n, xt.x.data());
    json.add("train_s", bench::now_s() - t0);
    t0 = bench::now_s();
    b.index->add(xb.n, xb.x.data());
    json.add("add_s", bench::now_s() - t0);
    json.add("bytes_per_vector", bytes_per_vector(b));

    std::vector<long long> nprobes =
        b.ivf ? parse_list(args.str("nprobes", "1,4,16,64")) : std::vector<long long>{0};
    std::vector<float> distances(static_cast<size_t>(xq.n) * k);
    std::vector<faiss::idx_t> labels(distances.size());
    const std::string prefix = args.str("labels-out", "");
    std::vector<double> nprobe_list;
    for (long long np : nprobes) {
        faiss::SearchParametersIVF params;
        params.nprobe = static_cast<size_t>(np > 0 ? np : 1);
        const faiss::SearchParameters* p = b.ivf ? &params : nullptr;
        std::vector<double> times;
        for (int r = 0; r < warmup + repeats; r++) {
            double s0 = bench::now_s();
            b.index->search(xq.n, xq.x.data(), k, distances.data(), labels.data(), p);
            if (r >= warmup) times.push_back(bench::now_s() - s0);
        }
        json.add("search_s_np" + std::to_string(np), times);
        nprobe_list.push_back(static_cast<double>(np));
        if (!prefix.empty())
            bench::write_raw_int64(prefix + "_np" + std::to_string(np) + ".i64", labels.data(),
                                   labels.size());
    }
    json.add("nprobes", nprobe_list);
    std::printf("%s\n", json.str().c_str());
}

}  // namespace

int main(int argc, char** argv) {
    return bench::run_main([&] { run(bench::Args(argc, argv)); });
}
