// Index loading, queries, ground truth and recall shared by the subcommands.
#include "index_util.h"

#include <faiss/AutoTune.h>
#include <faiss/FaissException.h>
#include <faiss/index_io.h>

#include <cxxabi.h>

#include <cstdlib>
#include <typeinfo>

namespace faiss_cli {

std::unique_ptr<faiss::Index> load_index(const std::string& path, int io_flags) {
    try {
        std::unique_ptr<faiss::Index> index(faiss::read_index(path.c_str(), io_flags));
        if (!index) throw CliError(path + ": holds a null index");
        return index;
    } catch (const faiss::FaissException& e) {
        throw CliError(path + ": cannot read index: " + e.message());
    }
}

std::vector<float> read_queries(VectorFile& f, size_t d) {
    if (f.d() != d) {
        throw CliError(f.path() + ": dimension " + std::to_string(f.d()) +
                       " does not match the index (d=" + std::to_string(d) + ")");
    }
    std::vector<float> x(f.n() * d);
    f.read_floats(0, f.n(), x.data());
    return x;
}

std::vector<int64_t> read_groundtruth(VectorFile& f, size_t nq) {
    if (f.n() != nq) {
        throw CliError(f.path() + ": " + std::to_string(f.n()) + " ground-truth rows for " +
                       std::to_string(nq) + " queries");
    }
    std::vector<int64_t> gt(f.n() * f.d());
    f.read_ints(0, f.n(), gt.data());
    return gt;
}

double one_recall_at(const std::vector<int64_t>& gt, size_t gt_k, const int64_t* labels, size_t nq,
                     size_t k, size_t r) {
    size_t hits = 0;
    for (size_t i = 0; i < nq; i++) {
        const int64_t truth = gt[i * gt_k];
        for (size_t j = 0; j < r && j < k; j++) {
            if (labels[i * k + j] == truth) {
                hits++;
                break;
            }
        }
    }
    return nq ? double(hits) / double(nq) : 0.0;
}

std::string type_name(const faiss::Index& index) {
    const char* mangled = typeid(index).name();
    int status = 0;
    char* demangled = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
    std::string name = status == 0 && demangled ? demangled : mangled;
    std::free(demangled);
    if (name.compare(0, 7, "faiss::") == 0) name = name.substr(7);
    return name;
}

void apply_search_params(faiss::Index& index, const std::string& params) {
    if (params.empty()) return;
    try {
        faiss::ParameterSpace().set_index_parameters(&index, params.c_str());
    } catch (const faiss::FaissException& e) {
        throw CliError("--params '" + params + "': " + e.message());
    }
}

}  // namespace faiss_cli
