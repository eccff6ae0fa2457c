// faiss-cli bench: recall and queries per second of an index over the values of a search
// parameter (--param nprobe --values 1,4,16), or over every combination ParameterSpace
// finds (ParameterSpace::explore), with the Pareto-optimal points.
#include "cli.h"
#include "index_util.h"

#include <faiss/AutoTune.h>
#include <faiss/FaissException.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace faiss_cli {

namespace {

std::vector<double> parse_values(const std::string& s) {
    std::vector<double> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        char* end = nullptr;
        const double v = std::strtod(item.c_str(), &end);
        if (item.empty() || *end != '\0')
            throw CliError("--values: '" + item + "' is not a number");
        out.push_back(v);
    }
    return out;
}

/// Values of name from ParameterSpace::initialize, for a sweep without --values.
std::vector<double> default_values(const faiss::Index* index, const std::string& name) {
    faiss::ParameterSpace ps;
    ps.initialize(index);
    for (const auto& r : ps.parameter_ranges)
        if (r.name == name) return r.values;
    throw CliError("--param " + name +
                   ": not a tunable parameter of this index (see faiss-cli info)");
}

void print_front(const faiss::OperatingPoints& ops) {
    std::printf("Pareto front (recall, QPS):\n");
    for (const auto& op : ops.optimal_pts) {
        if (op.key.empty() && op.t == 0) continue;  // explore's (0, 0) sentinel
        std::printf("  %-40s recall %.4f  QPS %.1f\n", op.key.c_str(), op.perf,
                    op.t > 0 ? 1.0 / op.t : 0.0);
    }
}

}  // namespace

int cmd_bench(int argc, char** argv) {
    std::set<std::string> vopts = {"index", "queries", "gt", "k", "param", "values", "threads"};
    std::set<std::string> flags;
    add_input_options(vopts, flags);
    Args args(argc, argv, vopts, flags);
    const InputOptions in = input_options(args);
    apply_threads(args);
    const size_t k = size_t(args.get_int("k", 10, 1, 1 << 20));
    auto index = load_index(args.required("index"), 0);
    VectorFile qf(args.required("queries"), in);
    const std::vector<float> xq = read_queries(qf, size_t(index->d));
    const size_t nq = qf.n();
    VectorFile gf(args.required("gt"), in);
    const std::vector<int64_t> gt = read_groundtruth(gf, nq);
    faiss::OperatingPoints ops;
    // Times are per query so that 1 / t reads as QPS.
    if (args.has("param")) {
        const std::string name = args.get("param");
        const auto values = args.has("values") ? parse_values(args.get("values"))
                                               : default_values(index.get(), name);
        std::vector<float> D(nq * k);
        std::vector<faiss::idx_t> I(nq * k);
        std::printf("%-24s %10s %12s\n", name.c_str(), "1-R@k", "QPS");
        for (double v : values) {
            try {
                faiss::ParameterSpace().set_index_parameter(index.get(), name, v);
            } catch (const faiss::FaissException& e) {
                throw CliError("--param " + name + "=" + std::to_string(v) + ": " + e.message());
            }
            const auto t0 = std::chrono::steady_clock::now();
            index->search(faiss::idx_t(nq), xq.data(), faiss::idx_t(k), D.data(), I.data());
            const double t =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            const double recall = one_recall_at(gt, gf.d(), I.data(), nq, k, k);
            char key[64];
            std::snprintf(key, sizeof(key), "%s=%g", name.c_str(), v);
            ops.add(recall, t / double(nq), key);
            std::printf("%-24s %10.4f %12.1f\n", key, recall, t > 0 ? nq / t : 0.0);
        }
    } else {
        faiss::ParameterSpace ps;
        ps.initialize(index.get());
        if (ps.parameter_ranges.empty())
            throw CliError("the index has no tunable search parameter");
        ps.verbose = 0;
        faiss::OneRecallAtRCriterion crit{faiss::idx_t(nq), faiss::idx_t(k)};
        crit.set_groundtruth(int(gf.d()), nullptr, gt.data());
        faiss::OperatingPoints raw;
        ps.explore(index.get(), nq, xq.data(), crit, &raw);
        for (const auto& op : raw.all_pts) {
            ops.add(op.perf, op.t / double(nq), op.key, size_t(op.cno));
            std::printf("%-40s 1-R@%zu %.4f  QPS %.1f\n", op.key.c_str(), k, op.perf,
                        op.t > 0 ? nq / op.t : 0.0);
        }
    }
    print_front(ops);
    return 0;
}

}  // namespace faiss_cli
