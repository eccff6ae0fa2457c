// faiss-cli: index files and answers to queries from files of embeddings, without
// writing code. One subcommand per file (cmd_*.cpp); see tools/README.md.
#include "cli.h"

#ifdef FAISS_CLI_SERVE
#include "../serve/serve.h"
#endif

#include <faiss/FaissException.h>
#include <faiss/simd/simd_level.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <new>

namespace {

const char* kUsage =
    "usage: faiss-cli <command> [options]\n"
    "commands:\n"
    "  build        --base FILE --output INDEX [--factory STR] [--metric l2|ip]\n"
    "               [--train FILE] [--train-sample N] [--ids FILE] [--threads T]\n"
    "               [--block ROWS]\n"
    "  search       --index INDEX --queries FILE [--k K] [--params STR] [--output FILE]\n"
    "               [--gt FILE] [--mmap] [--threads T]\n"
    "  info         --index INDEX\n"
    "  groundtruth  --base FILE --queries FILE --output FILE [--k K] [--metric l2|ip]\n"
    "  bench        --index INDEX --queries FILE --gt FILE [--param NAME --values V,..]\n"
    "  serve        --index NAME=INDEX[,NAME=INDEX...] [--host H] [--port P]\n"
    "               [--data-dir DIR] [--api-key-file F] [--auth-reads] [--embed-url URL]\n"
    "               (HTTP/JSON retrieval service)\n"
    "  mpi-kmeans   --input FILE --k K [--niter N] [--seed S] [--metric l2|ip]\n"
    "               [--max-points-per-centroid M] [--output CENTROIDS.fvecs|.npy]\n"
    "  mpi-build    --base FILE (--output INDEX | --output-shards PREFIX [--by-list])\n"
    "               [--factory STR] [--metric l2|ip] [--train FILE] [--max-root-train N]\n"
    "  mpi-search   --shards PREFIX --queries FILE [--k K] [--params STR] [--output FILE]\n"
    "               [--gt FILE] [--mmap] [--batch B]\n"
    "               (mpi-*: run under mpirun -np N, each rank reading its share of the rows;\n"
    "               shard files are PREFIX.0 .. PREFIX.<N-1>; built with FAISS_ENABLE_MPI)\n"
    "vector files: .fvecs .bvecs .ivecs .npy .safetensors, raw with --dtype and --dim;\n"
    "  --bf16 reads uint16 .npy data as bfloat16, --tensor NAME picks a safetensors tensor\n"
    "errors print one line and exit with status 2; see tools/README.md\n";

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
        !std::strcmp(argv[1], "help")) {
        std::fputs(kUsage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (int i = 2; i < argc; i++) {
        if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
            std::fputs(kUsage, stdout);
            return 0;
        }
    }
    const std::string cmd = argv[1];
    // Ends a progress line redrawn in place, so that the error starts a fresh line.
    auto end_progress_line = [] {
        if (isatty(fileno(stdout))) std::fputs("\n", stdout);
        std::fflush(stdout);
    };
    try {
        if (cmd == "build") return faiss_cli::cmd_build(argc - 2, argv + 2);
        if (cmd == "search") return faiss_cli::cmd_search(argc - 2, argv + 2);
        if (cmd == "info") return faiss_cli::cmd_info(argc - 2, argv + 2);
        if (cmd == "groundtruth") return faiss_cli::cmd_groundtruth(argc - 2, argv + 2);
        if (cmd == "bench") return faiss_cli::cmd_bench(argc - 2, argv + 2);
#ifdef FAISS_CLI_SERVE
        if (cmd == "serve") return faiss_cli::cmd_serve(argc - 2, argv + 2);
#else
        if (cmd == "serve")
            throw faiss_cli::CliError("this build has no HTTP library (libcpp-httplib-dev)");
#endif
#ifdef FAISS_CLI_MPI
        if (cmd == "mpi-kmeans") return faiss_cli::cmd_mpi_kmeans(argc - 2, argv + 2);
        if (cmd == "mpi-build") return faiss_cli::cmd_mpi_build(argc - 2, argv + 2);
        if (cmd == "mpi-search") return faiss_cli::cmd_mpi_search(argc - 2, argv + 2);
#else
        if (cmd.rfind("mpi-", 0) == 0)
            throw faiss_cli::CliError(
                "this build has no MPI component (configure with -DFAISS_ENABLE_MPI=ON)");
#endif
        std::fprintf(stderr, "faiss-cli: unknown command '%s' (try faiss-cli --help)\n",
                     cmd.c_str());
    } catch (const faiss_cli::CliError& e) {
        end_progress_line();
        std::fprintf(stderr, "faiss-cli %s: %s\n", cmd.c_str(), e.what());
    } catch (const faiss::FaissException& e) {
        end_progress_line();
        std::fprintf(stderr, "faiss-cli %s: %s\n", cmd.c_str(), e.message().c_str());
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "faiss-cli %s: out of memory\n", cmd.c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "faiss-cli %s: %s\n", cmd.c_str(), e.what());
    }
    return 2;
}
