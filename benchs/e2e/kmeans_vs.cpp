// k-means timing, run by run_vs_faiss.py on the same .fvecs file that it feeds to
// faiss-cpu. Uses only the public API: faiss::Clustering with an IndexFlatL2 assigner.
//
//   bench_kmeans_vs --data X.fvecs --k 1024 --niter 10 --seed 1234
//                   --repeats 5 --warmup 1 [--centroids-out C.f32]
//
// Each repeat trains a fresh Clustering (same seed) and times train() as a whole.
// max_points_per_centroid stays at its default (256), as in faiss-cpu. Threads come from
// OMP_NUM_THREADS. Prints one JSON object on stdout with the times and the final
// objective (sum of squared distances to the nearest centroid) of every repeat.

#include "bench_common.h"
#include "fvecs_io.h"

#include <faiss/Clustering.h>
#include <faiss/IndexFlat.h>

namespace {

struct TrainRun {
    double time_s = 0;
    double obj = 0;
    std::vector<float> centroids;
};

TrainRun train_once(const bench::FvecsData& x, int k, int niter, int seed) {
    faiss::ClusteringParameters cp;
    cp.niter = niter;
    cp.seed = seed;
    faiss::Clustering clus(x.d, k, cp);
    faiss::IndexFlatL2 assigner(x.d);
    double t0 = bench::now_s();
    clus.train(x.n, x.x.data(), assigner);
    TrainRun run;
    run.time_s = bench::now_s() - t0;
    if (clus.iteration_stats.empty()) throw std::runtime_error("no iteration statistics");
    run.obj = clus.iteration_stats.back().obj;
    run.centroids = clus.centroids;
    return run;
}

void run(const bench::Args& args) {
    const int k = static_cast<int>(args.integer("k", 1024));
    const int niter = static_cast<int>(args.integer("niter", 10));
    const int seed = static_cast<int>(args.integer("seed", 1234));
    const int repeats = static_cast<int>(args.integer("repeats", 5));
    const int warmup = static_cast<int>(args.integer("warmup", 1));
    if (k <= 0 || niter <= 0 || repeats <= 0 || warmup < 0)
        throw std::runtime_error("need k > 0, niter > 0, repeats > 0, warmup >= 0");

    bench::FvecsData x = bench::read_fvecs(args.str("data"));
    for (int i = 0; i < warmup; i++)
        train_once(x, k, niter, seed);
    std::vector<double> times, objs;
    TrainRun last;
    for (int i = 0; i < repeats; i++) {
        last = train_once(x, k, niter, seed);
        times.push_back(last.time_s);
        objs.push_back(last.obj);
    }
    if (!args.str("centroids-out", "").empty())
        bench::write_raw_float(args.str("centroids-out"), last.centroids.data(),
                               last.centroids.size());

    bench::JsonObject json;
    json.add("bench", "kmeans_vs");
    json.add("d", x.d);
    json.add("n", static_cast<long long>(x.n));
    json.add("k", k);
    json.add("niter", niter);
    json.add("seed", seed);
    json.add("times_s", times);
    json.add("obj", objs);
    bench::add_environment(json);
    std::printf("%s\n", json.str().c_str());
}

}  // namespace

int main(int argc, char** argv) {
    return bench::run_main([&] { run(bench::Args(argc, argv)); });
}
