// ParameterSpace rule of the IVF family: nprobe, max_codes, and quantizer_<name> passed
// to the coarse quantizer.
#include <faiss/autotune/parameter_rules.h>

#include <faiss/IndexIVF.h>

namespace faiss::autotune {

namespace {

const std::string kQuantizerPrefix = "quantizer_";

}  // namespace

ParameterRule ivf_parameters() {
    return {
        [](const ParameterSpace& ps, Index* index, const std::string& name, double val) {
            auto* ivf = dynamic_cast<IndexIVF*>(index);
            if (!ivf) return false;
            if (name == "nprobe") {
                ivf->nprobe = integer_parameter(name, val, 1);
                return true;
            }
            if (name == "max_codes") {
                ivf->max_codes = integer_parameter(name, val, 0);
                return true;
            }
            if (name.compare(0, kQuantizerPrefix.size(), kQuantizerPrefix) == 0 && ivf->quantizer) {
                ps.set_index_parameter(ivf->quantizer, name.substr(kQuantizerPrefix.size()), val);
                return true;
            }
            return false;
        },
        [](ParameterSpace& ps, const Index* index, const std::string& prefix) {
            auto* ivf = dynamic_cast<const IndexIVF*>(index);
            if (!ivf) return;
            add_powers_of_two(ps, prefix + "nprobe", double(ivf->nlist), 4096);
            if (ivf->quantizer) {
                add_ranges_of(ps, ivf->quantizer, prefix + kQuantizerPrefix);
            }
        }};
}

}  // namespace faiss::autotune
