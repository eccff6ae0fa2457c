#pragma once

// Exceptions must not escape an OpenMP region (that terminates the program). Every
// parallel loop body that may throw runs through ExceptionCollector::run; after the
// region, rethrow() raises the first captured exception once.
//
//   ExceptionCollector errors;
//   #pragma omp parallel for
//   for (i...) errors.run([&] { work(i); });
//   errors.rethrow();

#include <atomic>
#include <exception>
#include <mutex>

namespace faiss::internal {

class ExceptionCollector {
  public:
    template <class F>
    void run(F&& body) noexcept {
        if (failed_.load(std::memory_order_relaxed)) return;  // stop doing useless work
        try {
            body();
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!first_) first_ = std::current_exception();
            failed_.store(true, std::memory_order_relaxed);
        }
    }

    bool failed() const { return failed_.load(std::memory_order_relaxed); }

    void rethrow() {
        if (first_) {
            std::exception_ptr e = first_;
            first_ = nullptr;
            failed_ = false;
            std::rethrow_exception(e);
        }
    }

  private:
    std::atomic<bool> failed_{false};
    std::mutex mutex_;
    std::exception_ptr first_;
};

}  // namespace faiss::internal
