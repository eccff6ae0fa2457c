// Result files, written atomically.
#include "output.h"

#include "cli.h"
#include "vector_file.h"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace faiss_cli {

namespace {

enum class Kind { ivecs, npy, json };

Kind result_kind(const std::string& path) {
    if (ends_with(path, ".ivecs")) return Kind::ivecs;
    if (ends_with(path, ".npy")) return Kind::npy;
    if (ends_with(path, ".json") || ends_with(path, ".jsonl")) return Kind::json;
    throw CliError(path + ": unknown output type (expected .ivecs, .npy, .json or .jsonl)");
}

void write_npy_i64(FILE* f, size_t n, size_t k, const int64_t* labels) {
    std::string dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (" + std::to_string(n) +
                       ", " + std::to_string(k) + "), }";
    // Header padded with spaces so that the data starts on a 64-byte boundary.
    while ((10 + dict.size() + 1) % 64 != 0)
        dict += ' ';
    dict += '\n';
    const uint16_t hlen = uint16_t(dict.size());
    std::fwrite("\x93NUMPY\x01\x00", 1, 8, f);
    const unsigned char len[2] = {uint8_t(hlen & 0xff), uint8_t(hlen >> 8)};
    std::fwrite(len, 1, 2, f);
    std::fwrite(dict.data(), 1, dict.size(), f);
    std::fwrite(labels, sizeof(int64_t), n * k, f);
}

void write_ivecs(FILE* f, size_t n, size_t k, const int64_t* labels) {
    std::vector<int32_t> row(k + 1);
    row[0] = int32_t(k);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < k; j++)
            row[j + 1] = int32_t(labels[i * k + j]);
        std::fwrite(row.data(), sizeof(int32_t), k + 1, f);
    }
}

void write_json(FILE* f, size_t n, size_t k, const float* distances, const int64_t* labels) {
    for (size_t i = 0; i < n; i++) {
        std::fprintf(f, "{\"query\": %zu, \"ids\": [", i);
        for (size_t j = 0; j < k; j++)
            std::fprintf(f, "%s%lld", j ? ", " : "", (long long)labels[i * k + j]);
        std::fprintf(f, "], \"distances\": [");
        for (size_t j = 0; j < k; j++) {
            const float v = distances ? distances[i * k + j] : NAN;
            // JSON has no infinity: padding entries (id -1) get null.
            if (std::isfinite(v))
                std::fprintf(f, "%s%.9g", j ? ", " : "", v);
            else
                std::fprintf(f, "%snull", j ? ", " : "");
        }
        std::fprintf(f, "]}\n");
    }
}

}  // namespace

void check_result_path(const std::string& path) {
    result_kind(path);
}

void write_results(const std::string& path, size_t n, size_t k, const float* distances,
                   const int64_t* labels) {
    const Kind kind = result_kind(path);
    std::string tmp = path + ".tmpXXXXXX";
    const int fd = mkstemp(&tmp[0]);
    if (fd < 0) throw CliError(path + ": cannot create: " + std::strerror(errno));
    FILE* f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        std::remove(tmp.c_str());
        throw CliError(path + ": cannot write: " + std::strerror(errno));
    }
    if (kind == Kind::ivecs)
        write_ivecs(f, n, k, labels);
    else if (kind == Kind::npy)
        write_npy_i64(f, n, k, labels);
    else
        write_json(f, n, k, distances, labels);
    const bool ok = std::fflush(f) == 0 && !std::ferror(f) && fsync(fileno(f)) == 0;
    const bool closed = std::fclose(f) == 0;
    if (!ok || !closed || std::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        std::remove(tmp.c_str());
        throw CliError(path + ": write failed: " + why);
    }
}

}  // namespace faiss_cli
