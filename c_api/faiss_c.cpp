// The exception barrier of the C API: last-error storage and the mapping from C++
// exceptions to FaissErrorCode.
#include "faiss_c.h"

#include "internal/boundary.h"

#include <faiss/FaissException.h>

#include <exception>
#include <new>
#include <string>

namespace faiss_c {

namespace {

struct LastError {
    bool set = false;
    std::string message;
};

LastError& last_error() {
    thread_local LastError error;
    return error;
}

int status_of(faiss::ErrorCode code) {
    switch (code) {
        case faiss::ErrorCode::invalid_argument:
            return FAISS_ERROR_INVALID_ARGUMENT;
        case faiss::ErrorCode::not_trained:
            return FAISS_ERROR_NOT_TRAINED;
        case faiss::ErrorCode::unsupported:
            return FAISS_ERROR_UNSUPPORTED;
        case faiss::ErrorCode::io_error:
            return FAISS_ERROR_IO;
        case faiss::ErrorCode::corrupt_data:
            return FAISS_ERROR_CORRUPT_DATA;
        case faiss::ErrorCode::out_of_memory:
            return FAISS_ERROR_OUT_OF_MEMORY;
        case faiss::ErrorCode::cuda_error:
            return FAISS_ERROR_CUDA;
        case faiss::ErrorCode::internal:
            return FAISS_ERROR_INTERNAL;
    }
    return FAISS_EXCEPT;
}

// Recording a message allocates; if even that fails, keep a fixed text so the caller
// still gets a status and a non-null message.
void record(const char* message) noexcept {
    LastError& error = last_error();
    error.set = true;
    try {
        error.message = message;
    } catch (...) {
        error.message.clear();
        error.message.shrink_to_fit();
    }
}

}  // namespace

int status_of_current_exception() noexcept {
    try {
        throw;
    } catch (const faiss::FaissException& e) {
        record(e.what());
        return status_of(e.code());
    } catch (const std::bad_alloc& e) {
        record("out of memory (std::bad_alloc)");
        return FAISS_ERROR_OUT_OF_MEMORY;
    } catch (const std::exception& e) {
        record(e.what());
        return STD_EXCEPT;
    } catch (...) {
        record("unknown exception");
        return UNKNOWN_EXCEPT;
    }
}

void throw_invalid_argument(const char* func, const std::string& text) {
    faiss::FaissException e(faiss::ErrorCode::invalid_argument, text, func, "c_api", 0);
    e.msg = std::string("Error in ") + func + ": " + text;
    throw e;
}

}  // namespace faiss_c

extern "C" const char* faiss_get_last_error(void) {
    const faiss_c::LastError& error = faiss_c::last_error();
    if (!error.set) return nullptr;
    return error.message.empty() ? "error (message unavailable)" : error.message.c_str();
}
