#pragma once
// Helpers for the faiss-cli tests: running the program, writing vector files in every
// input format, reading result files back.
#include <faiss/utils/fp16.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace faiss_cli_test {

struct CliRun {
    int status = -1;
    std::string out;  ///< stdout
    std::string err;  ///< stderr
};

/// Runs "faiss-cli <args>" (stdout is a pipe, so progress comes as plain lines).
CliRun run_cli(const std::string& args);

/// As run_cli, without a shell (args are split at spaces), and also gives the peak
/// resident memory of the faiss-cli process in KiB.
CliRun run_cli_measured(const std::string& args, long& max_rss_kb);

/// A fresh temporary folder per test.
std::string make_temp_dir();

/// Names of the entries of a folder (to check that nothing was left behind).
std::vector<std::string> list_dir(const std::string& dir);

/// Value printed after key, NaN when absent.
double value_after(const std::string& text, const std::string& key);

void write_bytes(const std::string& path, const std::string& bytes);
std::string read_bytes(const std::string& path);

/// .fvecs / .bvecs / .ivecs rows (T = float, uint8_t, int32_t).
template <typename T>
void write_vecs(const std::string& path, const std::vector<T>& x, size_t d) {
    std::string s;
    const int32_t dim = int32_t(d);
    for (size_t i = 0; i < x.size() / d; i++) {
        s.append(reinterpret_cast<const char*>(&dim), 4);
        s.append(reinterpret_cast<const char*>(x.data() + i * d), d * sizeof(T));
    }
    write_bytes(path, s);
}

/// .npy (version 1) with descr such as "<f4" and shape (n, d) (or (n,) when d == 0).
void write_npy(const std::string& path, const std::string& descr, const void* data, size_t n,
               size_t d, size_t item_size);

/// .safetensors with the given tensors: name, dtype ("F32", "F16", "BF16" ...), shape,
/// raw little-endian bytes.
struct Tensor {
    std::string name, dtype;
    std::vector<size_t> shape;
    std::string bytes;
};
void write_safetensors(const std::string& path, const std::vector<Tensor>& tensors);

/// float -> 16-bit encodings and back (exactly what the tool must decode).
std::vector<uint16_t> to_fp16(const std::vector<float>& x);
std::vector<uint16_t> to_bf16(const std::vector<float>& x);
std::vector<float> from_fp16(const std::vector<uint16_t>& x);
std::vector<float> from_bf16(const std::vector<uint16_t>& x);

template <typename T>
std::string as_bytes(const std::vector<T>& x) {
    return std::string(reinterpret_cast<const char*>(x.data()), x.size() * sizeof(T));
}

/// Labels (n x k) of an .npy int64 result file written by the tool.
std::vector<int64_t> read_npy_i64(const std::string& path, size_t& n, size_t& k);
/// Labels of an .ivecs file.
std::vector<int32_t> read_ivecs(const std::string& path, size_t& n, size_t& k);

/// 1-recall@r of labels (nq x k) against reference labels (nq x gt_k).
double one_recall(const std::vector<int64_t>& gt, size_t gt_k, const std::vector<int64_t>& I,
                  size_t nq, size_t k, size_t r);

}  // namespace faiss_cli_test
