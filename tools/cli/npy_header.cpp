// .npy header: magic, version, then a Python dict literal such as
// {'descr': '<f2', 'fortran_order': False, 'shape': (1000, 4096), }
#include "vector_file.h"

#include <cctype>
#include <cstring>

namespace faiss_cli {

namespace {

/// The text after 'key': in the dict, up to the next ',' or '}' outside brackets.
std::string dict_value(const std::string& dict, const std::string& key, const std::string& path) {
    size_t p = dict.find("'" + key + "'");
    if (p == std::string::npos) p = dict.find("\"" + key + "\"");
    if (p == std::string::npos) throw CliError(path + ": malformed .npy header: no '" + key + "'");
    p = dict.find(':', p);
    if (p == std::string::npos) throw CliError(path + ": malformed .npy header near '" + key + "'");
    size_t e = p + 1;
    int depth = 0;
    while (e < dict.size() && (depth > 0 || (dict[e] != ',' && dict[e] != '}'))) {
        if (dict[e] == '(' || dict[e] == '[') depth++;
        if (dict[e] == ')' || dict[e] == ']') depth--;
        e++;
    }
    std::string v = dict.substr(p + 1, e - p - 1);
    const size_t b = v.find_first_not_of(" \t");
    return b == std::string::npos ? "" : v.substr(b, v.find_last_not_of(" \t") - b + 1);
}

Dtype npy_dtype(std::string descr, const std::string& path, const InputOptions& o) {
    if (descr.size() >= 2 && (descr[0] == '\'' || descr[0] == '"'))
        descr = descr.substr(1, descr.size() - 2);
    if (descr == "<f4") return Dtype::f32;
    if (descr == "<f2") return Dtype::f16;
    if (descr == "<f8") return Dtype::f64;
    if (descr == "|u1" || descr == "<u1") return Dtype::u8;
    if (descr == "<i4") return Dtype::i32;
    if (descr == "<i8") return Dtype::i64;
    if (descr == "<u2" || descr == "|V2" || descr == "<V2") {
        if (o.bf16) return Dtype::bf16;
        throw CliError(path + ": .npy dtype '" + descr +
                       "' is 16-bit raw data: pass --bf16 if it holds bfloat16");
    }
    throw CliError(path + ": unsupported .npy dtype '" + descr +
                   "' (expected <f4, <f2, <f8, |u1, <i4, <i8, or <u2 with --bf16)");
}

/// "(1000, 384)" / "(1000,)" / "()" -> dimensions.
std::vector<uint64_t> npy_shape(const std::string& s, const std::string& path) {
    if (s.size() < 2 || s.front() != '(' || s.back() != ')') {
        throw CliError(path + ": malformed .npy shape '" + s + "'");
    }
    std::vector<uint64_t> dims;
    size_t i = 1;
    while (i < s.size() - 1) {
        while (i < s.size() - 1 && (s[i] == ' ' || s[i] == ','))
            i++;
        if (i >= s.size() - 1) break;
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
            throw CliError(path + ": malformed .npy shape '" + s + "'");
        }
        uint64_t v = 0;
        while (std::isdigit(static_cast<unsigned char>(s[i]))) {
            v = v * 10 + uint64_t(s[i++] - '0');
            if (v > (uint64_t(1) << 48))
                throw CliError(path + ": .npy shape too large '" + s + "'");
        }
        dims.push_back(v);
    }
    return dims;
}

}  // namespace

VectorFile::Layout parse_npy_header(FILE* f, const std::string& path, uint64_t size,
                                    const InputOptions& opts) {
    unsigned char pre[12];
    if (size < 10 || std::fread(pre, 1, 10, f) != 10 || std::memcmp(pre, "\x93NUMPY", 6) != 0) {
        throw CliError(path + ": not a .npy file (bad magic)");
    }
    const int major = pre[6];
    uint64_t hlen = 0, hstart = 10;
    if (major == 1) {
        hlen = uint64_t(pre[8]) | uint64_t(pre[9]) << 8;
    } else if (major == 2 || major == 3) {
        if (size < 12 || std::fread(pre + 10, 1, 2, f) != 2)
            throw CliError(path + ": truncated .npy header");
        hlen = uint64_t(pre[8]) | uint64_t(pre[9]) << 8 | uint64_t(pre[10]) << 16 |
               uint64_t(pre[11]) << 24;
        hstart = 12;
    } else {
        throw CliError(path + ": unsupported .npy version " + std::to_string(major));
    }
    if (hstart + hlen > size || hlen > (1 << 20)) throw CliError(path + ": truncated .npy header");
    std::string dict(hlen, '\0');
    if (std::fread(&dict[0], 1, hlen, f) != hlen) throw CliError(path + ": truncated .npy header");

    VectorFile::Layout l;
    l.format = "npy";
    l.dtype = npy_dtype(dict_value(dict, "descr", path), path, opts);
    if (dict_value(dict, "fortran_order", path) != "False") {
        throw CliError(path + ": Fortran-ordered .npy arrays are not supported (save C order)");
    }
    const auto dims = npy_shape(dict_value(dict, "shape", path), path);
    if (dims.size() == 1) {
        l.n = dims[0];
        l.d = 1;
    } else if (dims.size() == 2) {
        l.n = dims[0];
        l.d = dims[1];
    } else {
        throw CliError(path + ": .npy array has " + std::to_string(dims.size()) +
                       " dimensions, expected 1 or 2");
    }
    if (l.d == 0) throw CliError(path + ": .npy rows have dimension 0");
    l.data_offset = hstart + hlen;
    // Bounds first, so that the byte count below cannot overflow.
    if (l.d > (size_t(1) << 24) || l.n > (uint64_t(1) << 38)) {
        throw CliError(path + ": shape " + std::to_string(l.n) + " x " + std::to_string(l.d) +
                       " is too large (d <= 16777216, n <= 2^38)");
    }
    const uint64_t need = uint64_t(l.n) * l.d * dtype_size(l.dtype);
    if (size - l.data_offset < need) {
        throw CliError(path + ": truncated .npy file: shape needs " + std::to_string(need) +
                       " data bytes, found " + std::to_string(size - l.data_offset));
    }
    return l;
}

}  // namespace faiss_cli
