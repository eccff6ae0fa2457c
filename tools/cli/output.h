#pragma once
// Writing search results and ground truth: .ivecs (int32 ids), .npy (int64 ids), or JSON
// lines (.json / .jsonl: {"query": i, "ids": [...], "distances": [...]}). Files appear
// complete or not at all: written to a temporary file in the same folder, then renamed.
#include <cstdint>
#include <string>

namespace faiss_cli {

/// Throws CliError for an unknown extension before anything is computed.
void check_result_path(const std::string& path);

/// labels (n x k) and distances (n x k, may be null except for JSON output).
void write_results(const std::string& path, size_t n, size_t k, const float* distances,
                   const int64_t* labels);

}  // namespace faiss_cli
