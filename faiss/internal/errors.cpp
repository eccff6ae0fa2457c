// FaissException, error-code names and the formatting helper behind FAISS_REQUIRE.
#include <faiss/FaissException.h>
#include <faiss/MetricType.h>
#include <faiss/internal/checks.h>

#include <cstdarg>
#include <cstdio>
#include <vector>

namespace faiss {

const char* error_code_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::invalid_argument: return "invalid_argument";
        case ErrorCode::not_trained: return "not_trained";
        case ErrorCode::unsupported: return "unsupported";
        case ErrorCode::io_error: return "io_error";
        case ErrorCode::corrupt_data: return "corrupt_data";
        case ErrorCode::out_of_memory: return "out_of_memory";
        case ErrorCode::cuda_error: return "cuda_error";
        case ErrorCode::internal: return "internal";
    }
    return "unknown";
}

FaissException::FaissException(const std::string& message)
        : msg(message), code_(ErrorCode::internal), message_(message) {}

FaissException::FaissException(ErrorCode code, const std::string& message,
                               const char* function, const char* file, int line)
        : code_(code), message_(message) {
    msg = internal::format_message("Error in %s at %s:%d: %s", function, file, line,
                                   message.c_str());
}

const char* metric_name(MetricType metric) {
    switch (metric) {
        case METRIC_INNER_PRODUCT: return "INNER_PRODUCT";
        case METRIC_L2: return "L2";
        case METRIC_L1: return "L1";
        case METRIC_Linf: return "Linf";
        case METRIC_Lp: return "Lp";
    }
    return "unknown";
}

bool is_known_metric(int metric) {
    return metric >= METRIC_INNER_PRODUCT && metric <= METRIC_Lp;
}

namespace internal {

std::string format_message(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    va_list copy;
    va_copy(copy, args);
    int size = std::vsnprintf(nullptr, 0, fmt, copy);
    va_end(copy);
    std::string out;
    if (size > 0) {
        std::vector<char> buffer(size_t(size) + 1);
        std::vsnprintf(buffer.data(), buffer.size(), fmt, args);
        out.assign(buffer.data(), size_t(size));
    }
    va_end(args);
    return out;
}

void throw_exception(ErrorCode code, const char* function, const char* file, int line,
                     const std::string& message) {
    // Keep only the path below the repository's faiss/ folder for readable messages.
    const char* short_file = file;
    for (const char* p = file; *p; ++p) {
        if (p[0] == 'f' && p[1] == 'a' && p[2] == 'i' && p[3] == 's' && p[4] == 's' &&
            p[5] == '/' && (p == file || p[-1] == '/')) {
            short_file = p;
        }
    }
    throw FaissException(code, message, function, short_file, line);
}

}  // namespace internal
}  // namespace faiss
