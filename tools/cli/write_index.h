#pragma once
// Writing an index file with a progress line and nothing half-written left behind.
#include <faiss/Index.h>

#include <string>

namespace faiss_cli {

/// Fails early, before hours of training, when path cannot be written: its folder is
/// missing or not writable, or path is a directory. @throws CliError naming path.
void check_index_path(const std::string& path);

/// Writes index to path in the index file format: first a pass that only counts the
/// bytes (cheap, nothing is copied), then the bytes go to a temporary file next to path
/// with a progress line (percentage, ETA), which replaces path only once complete. On
/// any error, or on SIGINT/SIGTERM while writing, the temporary file is removed and an
/// existing path is left untouched. A path that exists and is not a regular file
/// (/dev/null, a pipe) is written in place. @throws CliError naming path.
void write_index_file(const faiss::Index& index, const std::string& path);

}  // namespace faiss_cli
