// The list of ParameterSpace family rules and the helpers they share.
#include <faiss/autotune/parameter_rules.h>

#include <faiss/internal/checks.h>

#include <cmath>

namespace faiss::autotune {

const std::vector<ParameterRule>& parameter_rules() {
    // One line per index family; wrappers first so they pass names inwards.
    static const std::vector<ParameterRule> rules = {
        id_map_parameters(), pretransform_parameters(), refine_parameters(),
        ivf_parameters(),    hnsw_parameters(),
    };
    return rules;
}

void add_ranges_of(ParameterSpace& ps, const Index* index, const std::string& prefix) {
    for (const ParameterRule& rule : parameter_rules())
        rule.add_ranges(ps, index, prefix);
}

size_t integer_parameter(const std::string& name, double val, double min_value, double max_value) {
    FAISS_REQUIRE(
        std::isfinite(val) && val >= min_value && val <= max_value && val == std::floor(val),
        invalid_argument, "ParameterSpace: %s must be an integer in [%g, %g], got %g", name.c_str(),
        min_value, max_value, val);
    return size_t(val);
}

void add_powers_of_two(ParameterSpace& ps, const std::string& name, double limit, double cap) {
    std::vector<double> values;
    for (double v = 1; v < limit && v <= cap; v *= 2)
        values.push_back(v);
    if (values.empty()) return;
    ParameterRange& range = ps.add_range(name);
    range.values = values;
}

}  // namespace faiss::autotune
