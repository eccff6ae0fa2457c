#pragma once

// Argument checks and error raising used by every source file. Private: never
// installed. Messages name the problem and the values, e.g.
//   FAISS_REQUIRE(k > 0, invalid_argument, "k must be > 0, got %lld", (long long)k);

#include <faiss/FaissException.h>

#include <string>

namespace faiss::internal {

/// printf-style formatting into a std::string.
std::string format_message(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

[[noreturn]] void throw_exception(ErrorCode code, const char* function, const char* file, int line,
                                  const std::string& message);

}  // namespace faiss::internal

/// Throw a FaissException with the given ErrorCode member name and printf-style message.
#define FAISS_THROW_CODE(code, ...)                                                            \
    ::faiss::internal::throw_exception(::faiss::ErrorCode::code, __func__, __FILE__, __LINE__, \
                                       ::faiss::internal::format_message(__VA_ARGS__))

/// Throw when `cond` is false.
#define FAISS_REQUIRE(cond, code, ...)           \
    do {                                         \
        if (!(cond)) {                           \
            FAISS_THROW_CODE(code, __VA_ARGS__); \
        }                                        \
    } while (0)
