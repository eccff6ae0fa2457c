// ParameterSpace rules of the wrappers: IndexIDMap / IndexIDMap2 and IndexPreTransform
// pass every name on; IndexRefine owns k_factor_rf (and k_factor) and passes the others
// to its base index.
#include <faiss/autotune/parameter_rules.h>

#include <faiss/IndexIDMap.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/IndexRefine.h>
#include <faiss/internal/checks.h>

namespace faiss::autotune {

ParameterRule id_map_parameters() {
    return {[](const ParameterSpace& ps, Index* index, const std::string& name, double val) {
                auto* idmap = dynamic_cast<IndexIDMap*>(index);
                if (!idmap || !idmap->index) return false;
                ps.set_index_parameter(idmap->index, name, val);
                return true;
            },
            [](ParameterSpace& ps, const Index* index, const std::string& prefix) {
                auto* idmap = dynamic_cast<const IndexIDMap*>(index);
                if (idmap && idmap->index) add_ranges_of(ps, idmap->index, prefix);
            }};
}

ParameterRule pretransform_parameters() {
    return {[](const ParameterSpace& ps, Index* index, const std::string& name, double val) {
                auto* pt = dynamic_cast<IndexPreTransform*>(index);
                if (!pt || !pt->index) return false;
                ps.set_index_parameter(pt->index, name, val);
                return true;
            },
            [](ParameterSpace& ps, const Index* index, const std::string& prefix) {
                auto* pt = dynamic_cast<const IndexPreTransform*>(index);
                if (pt && pt->index) add_ranges_of(ps, pt->index, prefix);
            }};
}

ParameterRule refine_parameters() {
    return {[](const ParameterSpace& ps, Index* index, const std::string& name, double val) {
                auto* refine = dynamic_cast<IndexRefine*>(index);
                if (!refine) return false;
                if (name == "k_factor_rf" || name == "k_factor") {
                    FAISS_REQUIRE(val >= 1 && val < 1e9, invalid_argument,
                                  "ParameterSpace: %s must be in [1, 1e9), got %g", name.c_str(),
                                  val);
                    refine->k_factor = float(val);
                    return true;
                }
                if (!refine->base_index) return false;
                ps.set_index_parameter(refine->base_index, name, val);
                return true;
            },
            [](ParameterSpace& ps, const Index* index, const std::string& prefix) {
                auto* refine = dynamic_cast<const IndexRefine*>(index);
                if (!refine) return;
                add_powers_of_two(ps, prefix + "k_factor_rf", 128, 64);
                if (refine->base_index) add_ranges_of(ps, refine->base_index, prefix);
            }};
}

}  // namespace faiss::autotune
