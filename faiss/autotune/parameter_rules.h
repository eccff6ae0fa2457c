#pragma once

// Private: how ParameterSpace reaches the parameters of each index family. A family
// contributes one ParameterRule (its own file); parameter_rules() lists them. Never
// installed.

#include <faiss/AutoTune.h>

#include <string>
#include <vector>

namespace faiss::autotune {

struct ParameterRule {
    /// If index belongs to the family: sets name (or passes it to a sub-index through
    /// ps.set_index_parameter) and returns true. Returns false for another family or a
    /// name the family neither owns nor forwards.
    bool (*set)(const ParameterSpace& ps, Index* index, const std::string& name, double val);

    /// If index belongs to the family: appends its ranges (names prefixed by prefix) and
    /// those of its sub-indexes through add_ranges_of.
    void (*add_ranges)(ParameterSpace& ps, const Index* index, const std::string& prefix);
};

/// Every family rule, wrappers first.
const std::vector<ParameterRule>& parameter_rules();

/// Applies every rule's add_ranges to index (used to recurse into sub-indexes).
void add_ranges_of(ParameterSpace& ps, const Index* index, const std::string& prefix);

/// Validates val for a parameter that must be an integer in [min_value, max_value].
/// @throws FaissException (invalid_argument) naming the parameter.
size_t integer_parameter(const std::string& name, double val, double min_value,
                         double max_value = 1e15);

/// Appends value 1, 2, 4 ... while < limit (and <= cap) to the range prefix + name.
void add_powers_of_two(ParameterSpace& ps, const std::string& name, double limit, double cap);

ParameterRule id_map_parameters();
ParameterRule pretransform_parameters();
ParameterRule refine_parameters();
ParameterRule ivf_parameters();
ParameterRule hnsw_parameters();

}  // namespace faiss::autotune
