#pragma once

// Shared plumbing for the side-by-side benchmark programs driven by run_vs_faiss.py:
// "--key value" arguments, wall-clock timing, and a one-line JSON report on stdout.
// Progress and errors go to stderr so stdout stays machine-readable.

#include <faiss/simd/simd_level.h>

#include <dlfcn.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace bench {

/// Parsed "--key value" pairs. Every option takes exactly one value.
class Args {
  public:
    Args(int argc, char** argv) {
        for (int i = 1; i < argc; i++) {
            std::string key = argv[i];
            if (key.rfind("--", 0) != 0 || i + 1 >= argc)
                throw std::runtime_error("expected '--key value', got '" + key + "'");
            values_[key.substr(2)] = argv[++i];
        }
    }

    std::string str(const std::string& key) const {
        auto it = values_.find(key);
        if (it == values_.end()) throw std::runtime_error("missing option --" + key);
        return it->second;
    }
    std::string str(const std::string& key, const std::string& dflt) const {
        auto it = values_.find(key);
        return it == values_.end() ? dflt : it->second;
    }
    long long integer(const std::string& key, long long dflt) const {
        auto it = values_.find(key);
        if (it == values_.end()) return dflt;
        size_t used = 0;
        long long v = std::stoll(it->second, &used);
        if (used != it->second.size())
            throw std::runtime_error("--" + key + " expects an integer, got '" + it->second + "'");
        return v;
    }

  private:
    std::map<std::string, std::string> values_;
};

inline double now_s() {
    using clock = std::chrono::steady_clock;
    return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

inline double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t m = v.size() / 2;
    return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

/// OpenBLAS build string of the library loaded into this process, looked up at run time
/// so the benchmarks need no link-time dependency on OpenBLAS itself.
inline std::string blas_config() {
    using ConfigFn = char* (*)();
    using CoreFn = char* (*)();
    auto config = reinterpret_cast<ConfigFn>(dlsym(RTLD_DEFAULT, "openblas_get_config"));
    auto core = reinterpret_cast<CoreFn>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
    if (!config) return "unknown (no openblas_get_config symbol)";
    std::string s = config();
    if (core) s += " core=" + std::string(core());
    return s;
}

/// Builds a flat JSON object by hand (numbers, strings, number arrays).
class JsonObject {
  public:
    void add(const std::string& key, const std::string& value) {
        field(key) << '"' << escape(value) << '"';
    }
    void add(const std::string& key, const char* value) { add(key, std::string(value)); }
    void add(const std::string& key, double value) { field(key) << number(value); }
    void add(const std::string& key, long long value) { field(key) << value; }
    void add(const std::string& key, int value) { field(key) << value; }
    void add(const std::string& key, const std::vector<double>& values) {
        std::ostream& os = field(key);
        os << '[';
        for (size_t i = 0; i < values.size(); i++)
            os << (i ? "," : "") << number(values[i]);
        os << ']';
    }
    std::string str() const { return "{" + body_.str() + "}"; }

  private:
    std::ostream& field(const std::string& key) {
        if (!first_) body_ << ',';
        first_ = false;
        body_ << '"' << escape(key) << "\":";
        return body_;
    }
    static std::string number(double v) {
        char buf[64];
        std::snprintf(buf, sizeof(buf), "%.9g", v);
        return buf;
    }
    static std::string escape(const std::string& s) {
        std::string out;
        for (char c : s) {
            if (c == '"' || c == '\\') out += '\\';
            if (static_cast<unsigned char>(c) < 0x20) {
                out += ' ';
                continue;
            }
            out += c;
        }
        return out;
    }
    std::ostringstream body_;
    bool first_ = true;
};

/// Fields every benchmark reports about the run environment.
inline void add_environment(JsonObject& json) {
    json.add("simd_level", faiss::simd_level_name());
    json.add("omp_max_threads", omp_get_max_threads());
    json.add("blas", blas_config());
}

/// Runs main_body, turning any exception into a message on stderr and exit status 1.
template <typename F>
int run_main(F main_body) {
    try {
        main_body();
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}

}  // namespace bench
