#pragma once
// Shared pieces of faiss-cli: the error type every subcommand throws for bad input, the
// parsed command line and the subcommand entry points.
#include <faiss/MetricType.h>

#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace faiss_cli {

/// Bad input (missing file, malformed header, wrong dimension ...): main prints
/// "faiss-cli: <message>" on one line and exits with status 2.
struct CliError : std::runtime_error {
    explicit CliError(const std::string& msg) : std::runtime_error(msg) {}
};

/// "--name value", "--name=value" and bare "--flag" options of one subcommand.
class Args {
  public:
    /// value_opts take a value, flags do not; anything else is an error naming it.
    Args(int argc, char** argv, const std::set<std::string>& value_opts,
         const std::set<std::string>& flags);
    bool has(const std::string& name) const { return values_.count(name) > 0; }
    std::string get(const std::string& name, const std::string& def = "") const;
    /// The value, or a CliError naming the missing option.
    std::string required(const std::string& name) const;
    /// Integer value in [lo, hi], def when absent.
    int64_t get_int(const std::string& name, int64_t def, int64_t lo, int64_t hi) const;

  private:
    std::map<std::string, std::string> values_;
};

/// Per-input options shared by all subcommands that read vector files.
struct InputOptions {
    bool bf16 = false;   ///< .npy uint16 data holds bfloat16
    std::string tensor;  ///< .safetensors tensor name (default: the only 2-D one)
    std::string dtype;   ///< raw files: f32, f16, bf16, u8, i32, i64
    int64_t dim = 0;     ///< raw files: vector dimension
};
InputOptions input_options(const Args& args);
/// Option names of InputOptions, for the Args constructors.
void add_input_options(std::set<std::string>& value_opts, std::set<std::string>& flags);

/// "l2" or "ip". @throws CliError.
faiss::MetricType parse_metric(const std::string& s);

/// Sets the OpenMP thread count when --threads is given (0 = leave the default).
void apply_threads(const Args& args);

int cmd_build(int argc, char** argv);
int cmd_search(int argc, char** argv);
int cmd_info(int argc, char** argv);
int cmd_groundtruth(int argc, char** argv);
int cmd_bench(int argc, char** argv);
/// MPI subcommands (tools/cli/mpi/, built with FAISS_ENABLE_MPI); run under mpirun.
int cmd_mpi_kmeans(int argc, char** argv);
int cmd_mpi_build(int argc, char** argv);
int cmd_mpi_search(int argc, char** argv);

}  // namespace faiss_cli
