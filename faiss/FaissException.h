#pragma once

#include <exception>
#include <string>

// The one exception type of the library. Every error a user, a file or a device can
// cause is reported by throwing FaissException; nothing aborts.

namespace faiss {

/// What kind of failure an exception reports, so callers can react without parsing text.
enum class ErrorCode {
    invalid_argument,  ///< bad dimension, count, k, null pointer, unknown option
    not_trained,       ///< operation needs a trained index
    unsupported,       ///< valid request this index type cannot serve
    io_error,          ///< reading or writing a file or stream failed
    corrupt_data,      ///< a file or buffer holds values that cannot be right
    out_of_memory,     ///< an allocation failed
    cuda_error,        ///< the GPU runtime reported an error
    internal,          ///< a broken invariant inside the library (a bug)
};

/// Short stable name of a code, e.g. "invalid_argument".
const char* error_code_name(ErrorCode code);

/// Exception carrying an error code, the message and where it was raised.
/// what() returns "Error in <function> at <file>:<line>: <message>", like Faiss.
class FaissException : public std::exception {
public:
    /// Faiss-compatible constructor: the code is `internal` unless given.
    explicit FaissException(const std::string& message);
    FaissException(ErrorCode code, const std::string& message, const char* function,
                   const char* file, int line);

    const char* what() const noexcept override { return msg.c_str(); }
    ErrorCode code() const noexcept { return code_; }
    /// The message alone, without the location prefix.
    const std::string& message() const noexcept { return message_; }

    /// Full text returned by what(); public as in Faiss.
    std::string msg;

private:
    ErrorCode code_;
    std::string message_;
};

}  // namespace faiss
