// The one place that decides which kernel tables run. The level lives in an atomic
// initialised on first use (a function-local static, so the lazy initialisation is
// thread-safe) from the CPU features and FAISS_SIMD_LEVEL.
#include <faiss/simd/dispatch.h>

#include <faiss/internal/checks.h>
#include <faiss/simd/cpu_features.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace faiss {

namespace simd {

namespace {

char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string trimmed_lower(const char* text) {
    std::string s;
    for (const char* p = text; *p; ++p)
        s.push_back(ascii_lower(*p));
    size_t b = 0, e = s.size();
    while (b < e && is_blank(s[b]))
        b++;
    while (e > b && is_blank(s[e - 1]))
        e--;
    return s.substr(b, e - b);
}

SimdLevel detect_max_level() {
    const CpuFeatures& f = cpu_features();
    if (f.has_avx512_level()) return SimdLevel::avx512;
    if (f.has_avx2_level()) return SimdLevel::avx2;
    return SimdLevel::scalar;
}

std::atomic<int>& level_slot() {
    static std::atomic<int> slot([] {
        std::string warning;
        SimdLevel level = initial_simd_level(std::getenv("FAISS_SIMD_LEVEL"),
                                             max_supported_simd_level(), &warning);
        if (!warning.empty()) std::fprintf(stderr, "faiss: %s\n", warning.c_str());
        return static_cast<int>(level);
    }());
    return slot;
}

}  // namespace

bool parse_simd_level(const char* text, SimdLevel* level) {
    if (text == nullptr) return false;
    std::string s = trimmed_lower(text);
    if (s == "scalar") {
        *level = SimdLevel::scalar;
    } else if (s == "avx2") {
        *level = SimdLevel::avx2;
    } else if (s == "avx512") {
        *level = SimdLevel::avx512;
    } else {
        return false;
    }
    return true;
}

SimdLevel initial_simd_level(const char* env_value, SimdLevel max_supported, std::string* warning) {
    warning->clear();
    if (env_value == nullptr || trimmed_lower(env_value).empty()) return max_supported;
    SimdLevel requested;
    if (!parse_simd_level(env_value, &requested)) {
        *warning = internal::format_message(
            "FAISS_SIMD_LEVEL='%s' is not one of scalar, avx2, avx512; using %s", env_value,
            simd_level_name(max_supported));
        return max_supported;
    }
    if (static_cast<int>(requested) > static_cast<int>(max_supported)) {
        *warning =
            internal::format_message("FAISS_SIMD_LEVEL=%s is not supported by this CPU; using %s",
                                     simd_level_name(requested), simd_level_name(max_supported));
        return max_supported;
    }
    return requested;
}

void check_simd_level(SimdLevel level, SimdLevel max_supported) {
    int value = static_cast<int>(level);
    FAISS_REQUIRE(value >= 0 && value <= static_cast<int>(SimdLevel::avx512), invalid_argument,
                  "unknown SIMD level %d", value);
    FAISS_REQUIRE(value <= static_cast<int>(max_supported), unsupported,
                  "SIMD level %s is not supported by this CPU (best: %s)", simd_level_name(level),
                  simd_level_name(max_supported));
}

const DistanceKernels& distance_kernels() {
    static const DistanceKernels* const tables[] = {
        &scalar::distance_kernels, &avx2::distance_kernels, &avx512::distance_kernels};
    return *tables[level_slot().load(std::memory_order_relaxed)];
}

}  // namespace simd

SimdLevel get_simd_level() {
    return static_cast<SimdLevel>(simd::level_slot().load(std::memory_order_relaxed));
}

SimdLevel max_supported_simd_level() {
    static const SimdLevel level = simd::detect_max_level();
    return level;
}

void set_simd_level(SimdLevel level) {
    simd::check_simd_level(level, max_supported_simd_level());
    simd::level_slot().store(static_cast<int>(level), std::memory_order_relaxed);
}

const char* simd_level_name(SimdLevel level) {
    switch (level) {
        case SimdLevel::scalar:
            return "scalar";
        case SimdLevel::avx2:
            return "avx2";
        case SimdLevel::avx512:
            return "avx512";
    }
    return "unknown";
}

const char* simd_level_name() {
    return simd_level_name(get_simd_level());
}

}  // namespace faiss
