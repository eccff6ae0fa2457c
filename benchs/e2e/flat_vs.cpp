// Exact (flat) search timing, run by run_vs_faiss.py on the same .fvecs files that it
// feeds to faiss-cpu. Uses only the public API: IndexFlatL2 / IndexFlatIP, add, search.
//
//   bench_flat_vs --base B.fvecs --query Q.fvecs --metric l2|ip --k 10
//                 --mode batch|single --repeats 5 --warmup 1
//                 [--labels-out L.i64] [--distances-out D.f32]
//
// batch:  one search() call with all queries; one time per repeat.
// single: one search() call per query (latency); per repeat, the total and the median
//         per-query time.
// Threads come from OMP_NUM_THREADS. Prints one JSON object on stdout; the results of
// the last repeat go to the optional output files (n x k, raw binary) for checking
// against faiss-cpu.

#include "bench_common.h"
#include "fvecs_io.h"

#include <faiss/IndexFlat.h>

#include <memory>

namespace {

struct SearchRun {
    double total_s = 0;
    double per_query_median_s = 0;
};

SearchRun search_once(const faiss::Index& index, const bench::FvecsData& q, int k, bool single,
                      float* distances, faiss::idx_t* labels) {
    SearchRun run;
    if (!single) {
        double t0 = bench::now_s();
        index.search(q.n, q.x.data(), k, distances, labels);
        run.total_s = bench::now_s() - t0;
        run.per_query_median_s = run.total_s / q.n;
        return run;
    }
    std::vector<double> per_query(q.n);
    for (int64_t i = 0; i < q.n; i++) {
        double t0 = bench::now_s();
        index.search(1, q.x.data() + i * q.d, k, distances + i * k, labels + i * k);
        per_query[i] = bench::now_s() - t0;
        run.total_s += per_query[i];
    }
    run.per_query_median_s = bench::median(per_query);
    return run;
}

void run(const bench::Args& args) {
    const std::string metric = args.str("metric", "l2");
    const std::string mode = args.str("mode", "batch");
    const int k = static_cast<int>(args.integer("k", 10));
    const int repeats = static_cast<int>(args.integer("repeats", 5));
    const int warmup = static_cast<int>(args.integer("warmup", 1));
    if (metric != "l2" && metric != "ip") throw std::runtime_error("--metric must be l2 or ip");
    if (mode != "batch" && mode != "single")
        throw std::runtime_error("--mode must be batch or single");
    if (k <= 0 || repeats <= 0 || warmup < 0)
        throw std::runtime_error("need k > 0, repeats > 0, warmup >= 0");

    bench::FvecsData xb = bench::read_fvecs(args.str("base"));
    bench::FvecsData xq = bench::read_fvecs(args.str("query"));
    if (xb.d != xq.d) throw std::runtime_error("base and query dimensions differ");

    std::unique_ptr<faiss::IndexFlat> index;
    if (metric == "l2")
        index = std::make_unique<faiss::IndexFlatL2>(xb.d);
    else
        index = std::make_unique<faiss::IndexFlatIP>(xb.d);
    double t0 = bench::now_s();
    index->add(xb.n, xb.x.data());
    const double add_s = bench::now_s() - t0;

    std::vector<float> distances(static_cast<size_t>(xq.n) * k);
    std::vector<faiss::idx_t> labels(distances.size());
    const bool single = mode == "single";
    for (int i = 0; i < warmup; i++)
        search_once(*index, xq, k, single, distances.data(), labels.data());
    std::vector<double> totals, per_query;
    for (int i = 0; i < repeats; i++) {
        SearchRun r = search_once(*index, xq, k, single, distances.data(), labels.data());
        totals.push_back(r.total_s);
        per_query.push_back(r.per_query_median_s);
    }

    if (!args.str("labels-out", "").empty())
        bench::write_raw_int64(args.str("labels-out"), labels.data(), labels.size());
    if (!args.str("distances-out", "").empty())
        bench::write_raw_float(args.str("distances-out"), distances.data(), distances.size());

    bench::JsonObject json;
    json.add("bench", "flat_vs");
    json.add("metric", metric);
    json.add("mode", mode);
    json.add("d", xb.d);
    json.add("nb", static_cast<long long>(xb.n));
    json.add("nq", static_cast<long long>(xq.n));
    json.add("k", k);
    json.add("add_s", add_s);
    json.add("times_s", totals);
    json.add("per_query_median_s", per_query);
    bench::add_environment(json);
    std::printf("%s\n", json.str().c_str());
}

}  // namespace

int main(int argc, char** argv) {
    return bench::run_main([&] { run(bench::Args(argc, argv)); });
}
