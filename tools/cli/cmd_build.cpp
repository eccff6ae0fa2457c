// faiss-cli build: train an index_factory index on (a sample of) a training file, add a
// base file block by block (with ids if given), write the index file.
#include "cli.h"
#include "progress.h"
#include "vector_file.h"
#include "write_index.h"

#include <faiss/FaissException.h>
#include <faiss/Index.h>
#include <faiss/index_factory.h>
#include <faiss/simd/simd_level.h>

#include <omp.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <random>
#include <unordered_set>
#include <vector>

namespace faiss_cli {

faiss::MetricType parse_metric(const std::string& s) {
    if (s == "l2" || s == "L2") return faiss::METRIC_L2;
    if (s == "ip" || s == "IP" || s == "inner_product") return faiss::METRIC_INNER_PRODUCT;
    throw CliError("unknown metric '" + s + "' (expected l2 or ip)");
}

namespace {

// Without --train-sample, training uses the whole training file up to this many bytes of
// float32 and a random sample of a larger one, so that the default never needs a base
// larger than memory in memory (k-means samples 256 points per centroid anyway).
constexpr size_t kDefaultTrainBytes = size_t(1) << 30;

/// Training vectors: the whole file, or `sample` distinct rows drawn at random (seeded).
std::vector<float> load_training(VectorFile& f, size_t sample) {
    const size_t d = f.d();
    if (sample == 0 || sample >= f.n()) {
        std::vector<float> x(f.n() * d);
        Progress p("reading training vectors", f.n());
        const size_t block = std::max<size_t>(1, (size_t(1) << 24) / d);
        for (size_t i = 0; i < f.n(); i += block) {
            const size_t m = std::min(block, f.n() - i);
            f.read_floats(i, m, x.data() + i * d);
            p.update(i + m);
        }
        p.finish();
        return x;
    }
    // Floyd's algorithm: sample distinct rows without a permutation of all n.
    std::mt19937_64 rng(1234);
    std::unordered_set<size_t> chosen;
    for (size_t j = f.n() - sample; j < f.n(); j++) {
        const size_t t = std::uniform_int_distribution<size_t>(0, j)(rng);
        chosen.insert(chosen.count(t) ? j : t);
    }
    std::vector<size_t> rows(chosen.begin(), chosen.end());
    std::sort(rows.begin(), rows.end());
    std::vector<float> x(sample * d);
    Progress p("reading training sample", sample);
    for (size_t i = 0; i < sample; i++) {
        f.read_floats(rows[i], 1, x.data() + i * d);
        p.update(i + 1);
    }
    p.finish();
    return x;
}

void add_base(faiss::Index& index, VectorFile& base, VectorFile* ids, size_t block) {
    const size_t d = base.d();
    std::vector<float> x;
    std::vector<int64_t> xids;
    Progress p("adding " + std::to_string(base.n()) + " vectors", base.n());
    for (size_t i = 0; i < base.n(); i += block) {
        const size_t m = std::min(block, base.n() - i);
        x.resize(m * d);
        base.read_floats(i, m, x.data());
        if (ids) {
            xids.resize(m);
            ids->read_ints(i, m, xids.data());
            try {
                index.add_with_ids(faiss::idx_t(m), x.data(), xids.data());
            } catch (const faiss::FaissException& e) {
                if (e.code() != faiss::ErrorCode::unsupported) throw;
                throw CliError(ids->path() +
                               ": this index type does not take ids; start the "
                               "factory string with \"IDMap,\" (e.g. IDMap,Flat)");
            }
        } else {
            index.add(faiss::idx_t(m), x.data());
        }
        p.update(i + m);
    }
    p.finish();
}

}  // namespace

int cmd_build(int argc, char** argv) {
    std::set<std::string> vopts = {"base", "train",   "train-sample", "factory", "metric",
                                   "ids",  "threads", "output",       "block"};
    std::set<std::string> flags;
    add_input_options(vopts, flags);
    Args args(argc, argv, vopts, flags);
    const InputOptions in = input_options(args);
    apply_threads(args);
    const std::string out = args.required("output");
    check_index_path(out);
    const std::string factory = args.get("factory", "Flat");
    const faiss::MetricType metric = parse_metric(args.get("metric", "l2"));

    VectorFile base(args.required("base"), in);
    std::printf("base: %s: %s\n", base.path().c_str(), base.describe().c_str());
    std::unique_ptr<VectorFile> ids;
    if (args.has("ids")) {
        ids.reset(new VectorFile(args.get("ids"), in));
        if (ids->d() != 1 || ids->n() != base.n()) {
            throw CliError(ids->path() + ": ids must be " + std::to_string(base.n()) +
                           " x 1 integers (one per base vector), found " + ids->describe());
        }
    }
    const size_t d = base.d();
    const int64_t block = args.get_int("block", int64_t(std::max<size_t>(1, (size_t(1) << 24) / d)),
                                       1, int64_t(1) << 40);
    std::printf("index: \"%s\", d=%zu, metric %s, %d threads, SIMD %s\n", factory.c_str(), d,
                metric == faiss::METRIC_L2 ? "l2" : "ip", omp_get_max_threads(),
                faiss::simd_level_name());
    std::unique_ptr<faiss::Index> index(faiss::index_factory(int(d), factory.c_str(), metric));

    const bool needs_training = !index->is_trained;
    if (needs_training) {
        std::unique_ptr<VectorFile> train_file;
        if (args.has("train")) {
            train_file.reset(new VectorFile(args.get("train"), in));
            if (train_file->d() != d) {
                throw CliError(train_file->path() + ": dimension " +
                               std::to_string(train_file->d()) +
                               " does not match the base (d=" + std::to_string(d) + ")");
            }
        }
        VectorFile& tf = train_file ? *train_file : base;
        size_t sample = size_t(args.get_int("train-sample", 0, 1, int64_t(1) << 40));
        if (sample == 0 &&
            double(tf.n()) * double(d * sizeof(float)) > double(kDefaultTrainBytes)) {
            sample = kDefaultTrainBytes / (d * sizeof(float));
            std::printf(
                "%s: %zu vectors are more than 1 GiB as float32: training on a random "
                "sample of %zu (--train-sample N to choose)\n",
                tf.path().c_str(), tf.n(), sample);
        }
        std::vector<float> xt = load_training(tf, sample);
        const size_t nt = xt.size() / d;
        std::printf("training on %zu vectors of %s\n", nt, tf.path().c_str());
        std::fflush(stdout);
        run_with_library_progress("training", [&] { index->train(faiss::idx_t(nt), xt.data()); });
    }
    if (!needs_training && (args.has("train") || args.has("train-sample"))) {
        std::printf("\"%s\" needs no training: --train / --train-sample ignored\n",
                    factory.c_str());
    }
    add_base(*index, base, ids.get(), size_t(block));
    std::printf("writing %s (%lld vectors)\n", out.c_str(), (long long)index->ntotal);
    std::fflush(stdout);
    write_index_file(*index, out);
    return 0;
}

}  // namespace faiss_cli
