#pragma once

// Minimal readers/writers for the .fvecs layout used by the side-by-side benchmarks:
// each vector is stored as an int32 dimension d followed by d float32 values
// (little-endian). All vectors of a file must have the same d. Errors throw
// std::runtime_error naming the file and the problem.

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace bench {

struct FileCloser {
    void operator()(std::FILE* f) const {
        if (f) std::fclose(f);
    }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

inline FilePtr open_file(const std::string& path, const char* mode) {
    FilePtr f(std::fopen(path.c_str(), mode));
    if (!f) throw std::runtime_error("cannot open '" + path + "' (mode " + mode + ")");
    return f;
}

/// Vectors loaded from an .fvecs file: n rows of d floats, row-major.
struct FvecsData {
    int64_t n = 0;
    int d = 0;
    std::vector<float> x;
};

/// Reads a whole .fvecs file. The file size must be a multiple of 4 * (d + 1).
inline FvecsData read_fvecs(const std::string& path) {
    FilePtr f = open_file(path, "rb");
    int32_t d = 0;
    if (std::fread(&d, sizeof(d), 1, f.get()) != 1)
        throw std::runtime_error("'" + path + "' is empty or unreadable");
    if (d <= 0 || d > (1 << 20))
        throw std::runtime_error("'" + path + "': bad dimension " + std::to_string(d));
    std::fseek(f.get(), 0, SEEK_END);
    const long long bytes = std::ftell(f.get());
    std::fseek(f.get(), 0, SEEK_SET);
    const long long row_bytes = 4LL * (d + 1);
    if (bytes % row_bytes != 0)
        throw std::runtime_error("'" + path + "': size " + std::to_string(bytes) +
                                 " is not a multiple of the row size " + std::to_string(row_bytes));
    FvecsData out;
    out.d = d;
    out.n = bytes / row_bytes;
    out.x.resize(static_cast<size_t>(out.n) * d);
    std::vector<float> row(d + 1);
    for (int64_t i = 0; i < out.n; i++) {
        if (std::fread(row.data(), sizeof(float), d + 1, f.get()) != static_cast<size_t>(d + 1))
            throw std::runtime_error("'" + path + "': short read at vector " + std::to_string(i));
        int32_t di;
        static_assert(sizeof(di) == sizeof(float), "int32 and float must have the same size");
        std::memcpy(&di, row.data(), sizeof(di));
        if (di != d)
            throw std::runtime_error("'" + path + "': vector " + std::to_string(i) +
                                     " has dimension " + std::to_string(di) + ", expected " +
                                     std::to_string(d));
        std::memcpy(out.x.data() + static_cast<size_t>(i) * d, row.data() + 1, sizeof(float) * d);
    }
    return out;
}

/// Writes n * count int64 values as raw little-endian binary (no header), e.g. result labels.
inline void write_raw_int64(const std::string& path, const int64_t* v, size_t count) {
    FilePtr f = open_file(path, "wb");
    if (std::fwrite(v, sizeof(int64_t), count, f.get()) != count)
        throw std::runtime_error("short write to '" + path + "'");
}

/// Writes count float32 values as raw binary (no header), e.g. result distances.
inline void write_raw_float(const std::string& path, const float* v, size_t count) {
    FilePtr f = open_file(path, "wb");
    if (std::fwrite(v, sizeof(float), count, f.get()) != count)
        throw std::runtime_error("short write to '" + path + "'");
}

}  // namespace bench
