// VectorFile: opening, the .xvecs and raw layouts, block reads and conversion to float.
#include "vector_file.h"

#include <faiss/utils/fp16.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace faiss_cli {

size_t dtype_size(Dtype t) {
    switch (t) {
        case Dtype::u8:
            return 1;
        case Dtype::f16:
        case Dtype::bf16:
            return 2;
        case Dtype::f32:
        case Dtype::i32:
            return 4;
        case Dtype::f64:
        case Dtype::i64:
            return 8;
    }
    return 0;
}

const char* dtype_name(Dtype t) {
    switch (t) {
        case Dtype::f32:
            return "float32";
        case Dtype::f16:
            return "float16";
        case Dtype::bf16:
            return "bfloat16";
        case Dtype::f64:
            return "float64";
        case Dtype::u8:
            return "uint8";
        case Dtype::i32:
            return "int32";
        case Dtype::i64:
            return "int64";
    }
    return "?";
}

Dtype parse_dtype(const std::string& s) {
    static const std::pair<const char*, Dtype> names[] = {
        {"f32", Dtype::f32},     {"float32", Dtype::f32}, {"f16", Dtype::f16},
        {"float16", Dtype::f16}, {"bf16", Dtype::bf16},   {"bfloat16", Dtype::bf16},
        {"f64", Dtype::f64},     {"float64", Dtype::f64}, {"u8", Dtype::u8},
        {"uint8", Dtype::u8},    {"i32", Dtype::i32},     {"int32", Dtype::i32},
        {"i64", Dtype::i64},     {"int64", Dtype::i64}};
    for (const auto& p : names)
        if (s == p.first) return p.second;
    throw CliError("unknown dtype '" + s + "' (expected f32, f16, bf16, f64, u8, i32 or i64)");
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

namespace {

/// .fvecs / .bvecs / .ivecs: every row is an int32 dimension then d values.
VectorFile::Layout xvecs_layout(FILE* f, const std::string& path, uint64_t size, Dtype t,
                                const char* format) {
    int32_t dim = 0;
    if (size < 4 || std::fread(&dim, 4, 1, f) != 1) {
        throw CliError(path + ": empty or truncated ." + format + " file (no first dimension)");
    }
    if (dim <= 0 || dim > (1 << 24)) {
        throw CliError(path + ": malformed ." + format + " header: first dimension " +
                       std::to_string(dim));
    }
    VectorFile::Layout l;
    l.dtype = t;
    l.d = size_t(dim);
    l.row_prefix = 4;
    l.format = format;
    const uint64_t row = 4 + l.d * dtype_size(t);
    if (size % row != 0) {
        throw CliError(path + ": truncated ." + format + " file: " + std::to_string(size) +
                       " bytes is not a multiple of the row size " + std::to_string(row) +
                       " (d=" + std::to_string(dim) + ")");
    }
    l.n = size / row;
    return l;
}

VectorFile::Layout raw_layout(const std::string& path, uint64_t size, const InputOptions& o) {
    if (o.dim <= 0) throw CliError(path + ": raw binary input needs --dim (and --dtype)");
    VectorFile::Layout l;
    l.dtype = parse_dtype(o.dtype);
    l.d = size_t(o.dim);
    l.format = "raw";
    const uint64_t row = l.d * dtype_size(l.dtype);
    if (size % row != 0) {
        throw CliError(path + ": truncated raw file: " + std::to_string(size) +
                       " bytes is not a multiple of the row size " + std::to_string(row));
    }
    l.n = size / row;
    return l;
}

template <typename T>
void convert_row(const char* src, size_t d, float* out) {
    for (size_t j = 0; j < d; j++) {
        T v;
        std::memcpy(&v, src + j * sizeof(T), sizeof(T));
        out[j] = float(v);
    }
}

void convert_row_16(const char* src, size_t d, float* out, bool bf16) {
    std::vector<uint16_t> tmp(d);
    std::memcpy(tmp.data(), src, d * 2);
    if (bf16)
        faiss::bf16_to_float(d, tmp.data(), out);
    else
        faiss::fp16_to_float(d, tmp.data(), out);
}

}  // namespace

VectorFile::VectorFile(const std::string& path, const InputOptions& opts)
    : path_(path), f_(nullptr, &std::fclose) {
    f_.reset(std::fopen(path.c_str(), "rb"));
    if (!f_) throw CliError(path + ": cannot open: " + std::strerror(errno));
    if (std::fseek(f_.get(), 0, SEEK_END) != 0) throw CliError(path + ": cannot seek");
    const long end = std::ftell(f_.get());
    if (end < 0) throw CliError(path + ": not a regular file");
    const uint64_t size = uint64_t(end);
    std::rewind(f_.get());
    Layout l;
    if (ends_with(path, ".fvecs"))
        l = xvecs_layout(f_.get(), path, size, Dtype::f32, "fvecs");
    else if (ends_with(path, ".bvecs"))
        l = xvecs_layout(f_.get(), path, size, Dtype::u8, "bvecs");
    else if (ends_with(path, ".ivecs"))
        l = xvecs_layout(f_.get(), path, size, Dtype::i32, "ivecs");
    else if (ends_with(path, ".npy"))
        l = parse_npy_header(f_.get(), path, size, opts);
    else if (ends_with(path, ".safetensors"))
        l = parse_safetensors_header(f_.get(), path, size, opts);
    else if (!opts.dtype.empty())
        l = raw_layout(path, size, opts);
    else
        throw CliError(path +
                       ": unknown file type (expected .fvecs, .bvecs, .ivecs, .npy, "
                       ".safetensors, or raw binary with --dtype and --dim)");
    if (l.n == 0) throw CliError(path + ": holds no vectors");
    dtype_ = l.dtype;
    n_ = l.n;
    d_ = l.d;
    data_offset_ = l.data_offset;
    row_prefix_ = l.row_prefix;
    format_ = l.format;
}

std::string VectorFile::describe() const {
    return std::to_string(n_) + " x " + std::to_string(d_) + " " + dtype_name(dtype_) + " (." +
           format_ + ")";
}

void VectorFile::read_raw(size_t start, size_t count, std::string& buf) {
    if (start + count > n_) {
        throw CliError(path_ + ": rows " + std::to_string(start) + ".." +
                       std::to_string(start + count) + " past the end (" + std::to_string(n_) +
                       " rows)");
    }
    const size_t row = row_prefix_ + d_ * dtype_size(dtype_);
    buf.resize(count * row);
    if (std::fseek(f_.get(), long(data_offset_ + start * row), SEEK_SET) != 0 ||
        std::fread(&buf[0], 1, buf.size(), f_.get()) != buf.size()) {
        throw CliError(path_ + ": read failed at row " + std::to_string(start) +
                       " (file truncated or changed?)");
    }
    if (row_prefix_ == 0) return;
    for (size_t i = 0; i < count; i++) {
        int32_t dim;
        std::memcpy(&dim, buf.data() + i * row, 4);
        if (dim != int32_t(d_)) {
            throw CliError(path_ + ": row " + std::to_string(start + i) + " has dimension " +
                           std::to_string(dim) + ", expected " + std::to_string(d_));
        }
    }
}

void VectorFile::read_floats(size_t start, size_t count, float* out) {
    std::string buf;
    read_raw(start, count, buf);
    const size_t row = row_prefix_ + d_ * dtype_size(dtype_);
    for (size_t i = 0; i < count; i++) {
        const char* src = buf.data() + i * row + row_prefix_;
        float* dst = out + i * d_;
        switch (dtype_) {
            case Dtype::f32:
                std::memcpy(dst, src, d_ * 4);
                break;
            case Dtype::f16:
                convert_row_16(src, d_, dst, false);
                break;
            case Dtype::bf16:
                convert_row_16(src, d_, dst, true);
                break;
            case Dtype::f64:
                convert_row<double>(src, d_, dst);
                break;
            case Dtype::u8:
                convert_row<uint8_t>(src, d_, dst);
                break;
            case Dtype::i32:
                convert_row<int32_t>(src, d_, dst);
                break;
            case Dtype::i64:
                convert_row<int64_t>(src, d_, dst);
                break;
        }
    }
}

void VectorFile::read_ints(size_t start, size_t count, int64_t* out) {
    if (dtype_ != Dtype::i32 && dtype_ != Dtype::i64 && dtype_ != Dtype::u8) {
        throw CliError(path_ + ": holds " + dtype_name(dtype_) +
                       " values, expected integers (int32 or int64)");
    }
    std::string buf;
    read_raw(start, count, buf);
    const size_t row = row_prefix_ + d_ * dtype_size(dtype_);
    for (size_t i = 0; i < count; i++) {
        const char* src = buf.data() + i * row + row_prefix_;
        for (size_t j = 0; j < d_; j++) {
            int64_t v = 0;
            if (dtype_ == Dtype::i64) {
                std::memcpy(&v, src + j * 8, 8);
            } else if (dtype_ == Dtype::i32) {
                int32_t w;
                std::memcpy(&w, src + j * 4, 4);
                v = w;
            } else {
                v = uint8_t(src[j]);
            }
            out[i * d_ + j] = v;
        }
    }
}

}  // namespace faiss_cli
