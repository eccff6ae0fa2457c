// .safetensors header: a little-endian uint64 length, then a JSON object mapping tensor
// names to {"dtype": "BF16", "shape": [n, d], "data_offsets": [begin, end]} (offsets
// relative to the end of the header), plus an optional "__metadata__" object.
#include "vector_file.h"

#include <cctype>
#include <map>
#include <vector>

namespace faiss_cli {

namespace {

struct Tensor {
    std::string dtype;
    std::vector<uint64_t> shape, offsets;
};

/// Just enough JSON for safetensors headers: objects, arrays, strings, unsigned numbers,
/// literals. Any syntax error throws CliError naming the file and the position.
class JsonReader {
  public:
    JsonReader(const std::string& text, const std::string& path) : s_(text), path_(path) {}

    std::map<std::string, Tensor> tensors() {
        std::map<std::string, Tensor> out;
        expect('{');
        if (peek() == '}') return out;
        do {
            std::string name = string();
            expect(':');
            if (name == "__metadata__")
                skip_value();
            else
                out[name] = tensor(name);
        } while (accept(','));
        expect('}');
        return out;
    }

  private:
    Tensor tensor(const std::string& name) {
        Tensor t;
        expect('{');
        do {
            std::string key = string();
            expect(':');
            if (key == "dtype")
                t.dtype = string();
            else if (key == "shape")
                t.shape = numbers();
            else if (key == "data_offsets")
                t.offsets = numbers();
            else
                skip_value();
        } while (accept(','));
        expect('}');
        if (t.dtype.empty() || t.offsets.size() != 2)
            fail("tensor '" + name + "' lacks dtype or data_offsets");
        return t;
    }
    char peek() {
        while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_])))
            i_++;
        return i_ < s_.size() ? s_[i_] : '\0';
    }
    bool accept(char c) {
        if (peek() != c) return false;
        i_++;
        return true;
    }
    void expect(char c) {
        if (!accept(c)) fail(std::string("expected '") + c + "'");
    }
    [[noreturn]] void fail(const std::string& what) {
        throw CliError(path_ + ": malformed .safetensors header at byte " + std::to_string(i_) +
                       ": " + what);
    }
    std::string string() {
        expect('"');
        std::string out;
        while (i_ < s_.size() && s_[i_] != '"') {
            if (s_[i_] == '\\') i_++;
            if (i_ < s_.size()) out += s_[i_++];
        }
        expect('"');
        return out;
    }
    uint64_t number() {
        peek();
        if (i_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[i_])))
            fail("expected a number");
        uint64_t v = 0;
        while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
            v = v * 10 + uint64_t(s_[i_++] - '0');
            if (v > (uint64_t(1) << 56)) fail("number too large");
        }
        return v;
    }
    std::vector<uint64_t> numbers() {
        std::vector<uint64_t> out;
        expect('[');
        if (accept(']')) return out;
        do
            out.push_back(number());
        while (accept(','));
        expect(']');
        return out;
    }
    void skip_value() {
        const char c = peek();
        if (c == '"') {
            string();
        } else if (c == '{' || c == '[') {
            const char close = c == '{' ? '}' : ']';
            i_++;
            if (accept(close)) return;
            do {
                if (c == '{') {
                    string();
                    expect(':');
                }
                skip_value();
            } while (accept(','));
            expect(close);
        } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '-') {
            while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) ||
                                      s_[i_] == '-' || s_[i_] == '.' || s_[i_] == '+'))
                i_++;
        } else {
            fail("unexpected character");
        }
    }

    const std::string& s_;
    const std::string& path_;
    size_t i_ = 0;
};

Dtype safetensors_dtype(const std::string& t, const std::string& path, const std::string& name) {
    if (t == "F32") return Dtype::f32;
    if (t == "F16") return Dtype::f16;
    if (t == "BF16") return Dtype::bf16;
    if (t == "F64") return Dtype::f64;
    if (t == "U8") return Dtype::u8;
    if (t == "I32") return Dtype::i32;
    if (t == "I64") return Dtype::i64;
    throw CliError(path + ": tensor '" + name + "' has unsupported dtype " + t +
                   " (expected F32, F16, BF16, F64, U8, I32 or I64)");
}

/// The tensor named by --tensor, or the only 2-D one.
std::string choose_tensor(const std::map<std::string, Tensor>& ts, const std::string& path,
                          const std::string& wanted) {
    if (!wanted.empty()) {
        if (!ts.count(wanted)) throw CliError(path + ": no tensor named '" + wanted + "'");
        return wanted;
    }
    std::string found;
    int count = 0;
    for (const auto& kv : ts) {
        if (kv.second.shape.size() == 2) {
            found = kv.first;
            count++;
        }
    }
    if (count != 1) {
        throw CliError(path + ": " + std::to_string(count) +
                       " 2-D tensors in the file: choose one with --tensor NAME");
    }
    return found;
}

}  // namespace

VectorFile::Layout parse_safetensors_header(FILE* f, const std::string& path, uint64_t size,
                                            const InputOptions& opts) {
    unsigned char len[8];
    if (size < 8 || std::fread(len, 1, 8, f) != 8)
        throw CliError(path + ": truncated .safetensors header");
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; i--)
        hlen = hlen << 8 | len[i];
    if (hlen > size - 8 || hlen > (uint64_t(1) << 27)) {
        throw CliError(path + ": malformed .safetensors header: length " + std::to_string(hlen) +
                       " for a file of " + std::to_string(size) + " bytes");
    }
    std::string text(hlen, '\0');
    if (hlen && std::fread(&text[0], 1, hlen, f) != hlen)
        throw CliError(path + ": truncated .safetensors header");
    const auto tensors = JsonReader(text, path).tensors();
    const std::string name = choose_tensor(tensors, path, opts.tensor);
    const Tensor& t = tensors.at(name);
    VectorFile::Layout l;
    l.format = "safetensors";
    l.dtype = safetensors_dtype(t.dtype, path, name);
    if (t.shape.size() == 1) {
        l.n = t.shape[0];
        l.d = 1;
    } else if (t.shape.size() == 2) {
        l.n = t.shape[0];
        l.d = t.shape[1];
    } else {
        throw CliError(path + ": tensor '" + name + "' has " + std::to_string(t.shape.size()) +
                       " dimensions, expected 1 or 2");
    }
    if (l.d == 0) throw CliError(path + ": tensor '" + name + "' has rows of dimension 0");
    // Bounds first, so that the byte count below cannot overflow.
    if (l.d > (size_t(1) << 24) || l.n > (uint64_t(1) << 38)) {
        throw CliError(path + ": shape " + std::to_string(l.n) + " x " + std::to_string(l.d) +
                       " is too large (d <= 16777216, n <= 2^38)");
    }
    const uint64_t need = uint64_t(l.n) * l.d * dtype_size(l.dtype);
    if (t.offsets[1] < t.offsets[0] || t.offsets[1] - t.offsets[0] != need) {
        throw CliError(path + ": tensor '" + name + "' data_offsets do not match its shape");
    }
    l.data_offset = 8 + hlen + t.offsets[0];
    if (l.data_offset + need > size) {
        throw CliError(path + ": truncated .safetensors file: tensor '" + name +
                       "' needs bytes up to " + std::to_string(l.data_offset + need) +
                       ", file has " + std::to_string(size));
    }
    return l;
}

}  // namespace faiss_cli
