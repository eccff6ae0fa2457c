// faiss-cli info: what an index file holds: type, d, ntotal, metric, the factory string
// that rebuilds it, file size, memory taken by loading it, and its search parameters.
#include "cli.h"
#include "index_util.h"

#include <faiss/AutoTune.h>
#include <faiss/FaissException.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/IndexRefine.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>
#include <faiss/simd/simd_level.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

namespace faiss_cli {

namespace {

/// Resident memory of this process in bytes (0 where /proc is unavailable).
size_t resident_bytes() {
    FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long size = 0, resident = 0;
    const int got = std::fscanf(f, "%lu %lu", &size, &resident);
    std::fclose(f);
    return got == 2 ? size_t(resident) * size_t(sysconf(_SC_PAGESIZE)) : 0;
}

std::string mib(size_t bytes) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.2f MiB (%zu bytes)", bytes / 1048576.0, bytes);
    return buf;
}

/// Current values of the usual search knobs, through the wrappers.
void print_knobs(const faiss::Index* index, const std::string& indent) {
    std::printf("%s%s: d=%d ntotal=%lld\n", indent.c_str(), type_name(*index).c_str(), index->d,
                (long long)index->ntotal);
    const std::string in2 = indent + "  ";
    if (auto* ivf = dynamic_cast<const faiss::IndexIVF*>(index)) {
        std::printf("%snlist=%zu nprobe=%zu code_size=%zu\n", in2.c_str(), ivf->nlist, ivf->nprobe,
                    ivf->code_size);
        if (ivf->quantizer) print_knobs(ivf->quantizer, in2 + "quantizer ");
    } else if (auto* h = dynamic_cast<const faiss::IndexHNSW*>(index)) {
        std::printf("%sefSearch=%d efConstruction=%d\n", in2.c_str(), h->hnsw.efSearch,
                    h->hnsw.efConstruction);
    } else if (auto* r = dynamic_cast<const faiss::IndexRefine*>(index)) {
        std::printf("%sk_factor=%g\n", in2.c_str(), r->k_factor);
        if (r->base_index) print_knobs(r->base_index, in2 + "base ");
    } else if (auto* p = dynamic_cast<const faiss::IndexPreTransform*>(index)) {
        std::printf("%s%zu transform(s)\n", in2.c_str(), p->chain.size());
        if (p->index) print_knobs(p->index, in2);
    } else if (auto* m = dynamic_cast<const faiss::IndexIDMap*>(index)) {
        if (m->index) print_knobs(m->index, in2);
    }
}

}  // namespace

int cmd_info(int argc, char** argv) {
    std::set<std::string> flags = {"mmap"};
    Args args(argc, argv, {"index"}, flags);
    const std::string path = args.required("index");
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) throw CliError(path + ": cannot open: no such file");
    const size_t before = resident_bytes();
    auto index = load_index(path, args.has("mmap") ? faiss::IO_FLAG_MMAP : 0);
    const size_t after = resident_bytes();

    std::printf("file: %s\n", path.c_str());
    std::printf("type: %s\n", type_name(*index).c_str());
    std::printf("d: %d\n", index->d);
    std::printf("ntotal: %lld\n", (long long)index->ntotal);
    std::printf("metric: %s\n", index->metric_type == faiss::METRIC_L2              ? "l2"
                                : index->metric_type == faiss::METRIC_INNER_PRODUCT ? "ip"
                                                                                    : "other");
    std::printf("is_trained: %s\n", index->is_trained ? "yes" : "no");
    try {
        std::printf("factory: %s\n", faiss::reverse_index_factory(index.get()).c_str());
    } catch (const faiss::FaissException& e) {
        std::printf("factory: (none: %s)\n", e.message().c_str());
    }
    std::printf("file size: %s\n", mib(size_t(st.st_size)).c_str());
    std::printf("memory after loading: %s\n", mib(after > before ? after - before : 0).c_str());
    std::printf("SIMD level: %s\n", faiss::simd_level_name());
    std::printf("structure:\n");
    print_knobs(index.get(), "  ");
    faiss::ParameterSpace ps;
    ps.initialize(index.get());
    std::printf("tunable search parameters:%s\n", ps.parameter_ranges.empty() ? " none" : "");
    for (const auto& r : ps.parameter_ranges) {
        std::printf("  %s:", r.name.c_str());
        for (double v : r.values)
            std::printf(" %g", v);
        std::printf("\n");
    }
    return 0;
}

}  // namespace faiss_cli
