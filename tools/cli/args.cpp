// Command-line parsing shared by the subcommands.
#include "cli.h"

#include <omp.h>

#include <cerrno>
#include <cstdlib>

namespace faiss_cli {

Args::Args(int argc, char** argv, const std::set<std::string>& value_opts,
           const std::set<std::string>& flags) {
    for (int i = 0; i < argc; i++) {
        std::string a = argv[i];
        if (a.size() < 3 || a.compare(0, 2, "--") != 0) {
            throw CliError("unexpected argument '" + a + "' (options start with --)");
        }
        std::string name = a.substr(2), value;
        const size_t eq = name.find('=');
        const bool inline_value = eq != std::string::npos;
        if (inline_value) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        if (flags.count(name)) {
            if (inline_value) throw CliError("option --" + name + " takes no value");
            values_[name] = "1";
        } else if (value_opts.count(name)) {
            if (!inline_value) {
                if (i + 1 >= argc) throw CliError("option --" + name + " needs a value");
                value = argv[++i];
            }
            values_[name] = value;
        } else {
            throw CliError("unknown option --" + name);
        }
    }
}

std::string Args::get(const std::string& name, const std::string& def) const {
    auto it = values_.find(name);
    return it == values_.end() ? def : it->second;
}

std::string Args::required(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end() || it->second.empty()) {
        throw CliError("missing required option --" + name);
    }
    return it->second;
}

int64_t Args::get_int(const std::string& name, int64_t def, int64_t lo, int64_t hi) const {
    auto it = values_.find(name);
    if (it == values_.end()) return def;
    const std::string& s = it->second;
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || errno != 0 || v < lo || v > hi) {
        throw CliError("option --" + name + ": '" + s + "' is not an integer in [" +
                       std::to_string(lo) + ", " + std::to_string(hi) + "]");
    }
    return v;
}

InputOptions input_options(const Args& args) {
    InputOptions o;
    o.bf16 = args.has("bf16");
    o.tensor = args.get("tensor");
    o.dtype = args.get("dtype");
    o.dim = args.get_int("dim", 0, 1, int64_t(1) << 24);
    return o;
}

void add_input_options(std::set<std::string>& value_opts, std::set<std::string>& flags) {
    value_opts.insert({"tensor", "dtype", "dim"});
    flags.insert("bf16");
}

void apply_threads(const Args& args) {
    const int64_t t = args.get_int("threads", 0, 0, 4096);
    if (t > 0) omp_set_num_threads(int(t));
}

}  // namespace faiss_cli
