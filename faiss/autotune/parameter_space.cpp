// ParameterSpace: parameter strings, combinations, and the exploration of operating
// points. Which index owns which parameter is decided by the family rules
// (parameter_rules.h), not here.
#include <faiss/AutoTune.h>

#include <faiss/autotune/parameter_rules.h>
#include <faiss/factory/parser.h>
#include <faiss/internal/checks.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <random>

namespace faiss {

size_t ParameterSpace::n_combinations() const {
    size_t n = 1;
    for (const ParameterRange& r : parameter_ranges)
        n *= r.values.size();
    return n;
}

bool ParameterSpace::combination_ge(size_t c1, size_t c2) const {
    for (const ParameterRange& r : parameter_ranges) {
        const size_t n = r.values.size();
        if (n == 0) continue;
        if (c1 % n < c2 % n) return false;
        c1 /= n;
        c2 /= n;
    }
    return true;
}

std::string ParameterSpace::combination_name(size_t cno) const {
    FAISS_REQUIRE(cno < n_combinations(), invalid_argument,
                  "ParameterSpace: combination %zu out of range (%zu combinations)", cno,
                  n_combinations());
    std::string name;
    for (const ParameterRange& r : parameter_ranges) {
        const size_t n = r.values.size();
        char buf[64];
        std::snprintf(buf, sizeof(buf), "%g", r.values[cno % n]);
        name += (name.empty() ? "" : ",") + r.name + "=" + buf;
        cno /= n;
    }
    return name;
}

void ParameterSpace::display() const {
    std::printf("ParameterSpace: %zu parameters, %zu combinations\n", parameter_ranges.size(),
                n_combinations());
    for (const ParameterRange& r : parameter_ranges) {
        std::printf("  %s:", r.name.c_str());
        for (double v : r.values)
            std::printf(" %g", v);
        std::printf("\n");
    }
}

ParameterRange& ParameterSpace::add_range(const std::string& name) {
    for (ParameterRange& r : parameter_ranges) {
        if (r.name == name) return r;
    }
    parameter_ranges.push_back(ParameterRange{name, {}});
    return parameter_ranges.back();
}

void ParameterSpace::initialize(const Index* index) {
    FAISS_REQUIRE(index, invalid_argument, "ParameterSpace::initialize: index must not be null");
    parameter_ranges.clear();
    autotune::add_ranges_of(*this, index, "");
}

void ParameterSpace::set_index_parameters(Index* index, size_t cno) const {
    FAISS_REQUIRE(cno < n_combinations(), invalid_argument,
                  "ParameterSpace: combination %zu out of range (%zu combinations)", cno,
                  n_combinations());
    for (const ParameterRange& r : parameter_ranges) {
        const size_t n = r.values.size();
        set_index_parameter(index, r.name, r.values[cno % n]);
        cno /= n;
    }
}

void ParameterSpace::set_index_parameters(Index* index, const char* param_string) const {
    FAISS_REQUIRE(param_string, invalid_argument,
                  "set_index_parameters: parameter string must not be null");
    const std::string s(param_string);
    size_t start = 0;
    while (start < s.size()) {
        size_t end = s.find(',', start);
        if (end == std::string::npos) end = s.size();
        const std::string item = s.substr(start, end - start);
        const size_t eq = item.find('=');
        FAISS_REQUIRE(eq != std::string::npos && eq > 0, invalid_argument,
                      "set_index_parameters(\"%s\"): '%s' at position %zu: expected name=value",
                      param_string, item.c_str(), start);
        const std::string value = item.substr(eq + 1);
        char* parsed_end = nullptr;
        const double val = std::strtod(value.c_str(), &parsed_end);
        FAISS_REQUIRE(!value.empty() && parsed_end && *parsed_end == '\0', invalid_argument,
                      "set_index_parameters(\"%s\"): '%s' at position %zu: '%s' is not a number",
                      param_string, item.c_str(), start, value.c_str());
        set_index_parameter(index, item.substr(0, eq), val);
        start = end + 1;
    }
}

void ParameterSpace::set_index_parameter(Index* index, const std::string& name, double val) const {
    FAISS_REQUIRE(index, invalid_argument, "set_index_parameter: index must not be null");
    FAISS_REQUIRE(std::isfinite(val), invalid_argument,
                  "set_index_parameter: value of %s must be finite, got %g", name.c_str(), val);
    if (name == "verbose") index->verbose = val != 0;
    for (const autotune::ParameterRule& rule : autotune::parameter_rules()) {
        if (rule.set(*this, index, name, val)) return;
    }
    if (name == "verbose") return;
    FAISS_THROW_CODE(invalid_argument,
                     "ParameterSpace::set_index_parameter: could not set parameter '%s' on %s "
                     "(no such parameter for this index type)",
                     name.c_str(), factory::index_type_name(*index).c_str());
}

void ParameterSpace::update_bounds(size_t cno, const OperatingPoint& op, double* upper_bound_perf,
                                   double* lower_bound_t) const {
    if (op.cno < 0) return;
    if (combination_ge(cno, size_t(op.cno))) *lower_bound_t = std::max(*lower_bound_t, op.t);
    if (combination_ge(size_t(op.cno), cno)) {
        *upper_bound_perf = std::min(*upper_bound_perf, op.perf);
    }
}

namespace {

// Order of the experiments: the cheapest and the most expensive combinations first (they
// bound the others), the rest in a seeded random order.
std::vector<size_t> experiment_order(size_t n_comb, int n_experiments) {
    std::vector<size_t> order(n_comb);
    std::iota(order.begin(), order.end(), size_t(0));
    if (n_experiments == 0) return order;
    if (n_comb > 2) {
        std::swap(order[1], order[n_comb - 1]);
        std::mt19937_64 rng(123);
        std::shuffle(order.begin() + 2, order.end(), rng);
    }
    order.resize(std::min(n_comb, size_t(std::max(n_experiments, 1))));
    return order;
}

}  // namespace

void ParameterSpace::explore(Index* index, size_t nq, const float* xq,
                             const AutoTuneCriterion& crit, OperatingPoints* ops) const {
    FAISS_REQUIRE(index && xq && ops, invalid_argument,
                  "ParameterSpace::explore: index, xq and ops must not be null");
    FAISS_REQUIRE(idx_t(nq) == crit.nq, invalid_argument,
                  "ParameterSpace::explore: nq = %zu but the criterion has nq = %lld", nq,
                  (long long)crit.nq);
    FAISS_REQUIRE(batchsize > 0, invalid_argument, "ParameterSpace::explore: batchsize is 0");
    const size_t k = size_t(crit.nnn);
    std::vector<float> D(nq * k);
    std::vector<idx_t> I(nq * k);
    for (size_t cno : experiment_order(n_combinations(), n_experiments)) {
        double upper_bound_perf = 1.0, lower_bound_t = 0.0;
        for (const OperatingPoint& op : ops->all_pts) {
            update_bounds(cno, op, &upper_bound_perf, &lower_bound_t);
        }
        const double best_t_at_bound = ops->t_for_perf(upper_bound_perf);
        if (best_t_at_bound < lower_bound_t) {
            if (verbose) std::printf("  skip cno=%zu: cannot be optimal\n", cno);
            continue;
        }
        set_index_parameters(index, cno);
        const auto t0 = std::chrono::steady_clock::now();
        double elapsed = 0;
        size_t runs = 0;
        do {
            for (size_t i0 = 0; i0 < nq; i0 += batchsize) {
                const size_t n = std::min(batchsize, nq - i0);
                index->search(idx_t(n), xq + i0 * size_t(index->d), idx_t(k), D.data() + i0 * k,
                              I.data() + i0 * k);
            }
            runs++;
            elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        } while (elapsed < min_test_duration);
        const double t = elapsed / double(runs);
        const double perf = crit.evaluate(D.data(), I.data());
        const std::string key = combination_name(cno);
        const bool optimal = ops->add(perf, t, key, cno);
        if (verbose) {
            std::printf("  %zu: %s perf=%.4f t=%.6f s%s\n", cno, key.c_str(), perf, t,
                        optimal ? " *" : "");
        }
    }
}

}  // namespace faiss
