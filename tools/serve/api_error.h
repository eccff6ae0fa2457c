#pragma once
// An error answered to the client: HTTP status and a message naming the problem.
#include <stdexcept>
#include <string>

namespace faiss_serve {

struct ApiError : std::runtime_error {
    int status;
    ApiError(int status, const std::string& message)
        : std::runtime_error(message), status(status) {}
};

}  // namespace faiss_serve
