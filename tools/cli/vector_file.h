#pragma once
// Reading vectors from files, block by block, so that a file larger than memory can be
// added to an index: .fvecs, .bvecs, .ivecs, .npy (float32, float16, bfloat16 stored as
// uint16 with --bf16, float64, uint8, int32, int64), .safetensors (F32, F16, BF16, F64,
// U8, I32, I64) and raw binary (--dtype, --dim). Every format has fixed-size rows, so any
// row range can be read directly. Errors are CliError naming the file and the problem.
#include "cli.h"

#include <cstdio>
#include <memory>
#include <string>

namespace faiss_cli {

enum class Dtype { f32, f16, bf16, f64, u8, i32, i64 };

/// Bytes of one element; name as written in messages ("float16" ...).
size_t dtype_size(Dtype t);
const char* dtype_name(Dtype t);
/// Parses f32|f16|bf16|f64|u8|i32|i64 (as --dtype). @throws CliError.
Dtype parse_dtype(const std::string& s);

/// An open file of n rows of d elements of type dtype.
class VectorFile {
  public:
    /// Opens path, reading its header; the format follows the extension (raw binary
    /// for any other extension when opts.dtype is set).
    VectorFile(const std::string& path, const InputOptions& opts);
    size_t n() const { return n_; }
    size_t d() const { return d_; }
    Dtype dtype() const { return dtype_; }
    const std::string& path() const { return path_; }
    /// Short description, e.g. "1000 x 384 float16 (.npy)".
    std::string describe() const;
    /// Rows [start, start + count) converted to float (count x d).
    void read_floats(size_t start, size_t count, float* out);
    /// Rows [start, start + count) of an integer file (ids, ground truth) as int64.
    void read_ints(size_t start, size_t count, int64_t* out);

    // Layout, set by the header parsers.
    struct Layout {
        Dtype dtype = Dtype::f32;
        size_t n = 0, d = 0;
        uint64_t data_offset = 0;  ///< first byte of row 0
        size_t row_prefix = 0;     ///< int32 dimension before each row (.xvecs)
        std::string format;        ///< "fvecs", "npy" ...
    };

  private:
    void read_raw(size_t start, size_t count, std::string& buf);

    std::string path_;
    std::unique_ptr<FILE, int (*)(FILE*)> f_;
    Dtype dtype_ = Dtype::f32;
    size_t n_ = 0, d_ = 0, row_prefix_ = 0;
    uint64_t data_offset_ = 0;
    std::string format_;
};

/// Header parsers: fill the layout from the open file of size file_size or throw
/// CliError naming path.
VectorFile::Layout parse_npy_header(FILE* f, const std::string& path, uint64_t file_size,
                                    const InputOptions& opts);
VectorFile::Layout parse_safetensors_header(FILE* f, const std::string& path, uint64_t file_size,
                                            const InputOptions& opts);

/// True for names ending in suffix (case-sensitive).
bool ends_with(const std::string& s, const std::string& suffix);

}  // namespace faiss_cli
