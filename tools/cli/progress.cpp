// Progress display and the worker thread for long single calls.
#include "progress.h"

#include <omp.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <exception>
#include <thread>

namespace faiss_cli {

namespace {
double seconds(std::chrono::steady_clock::duration d) {
    return std::chrono::duration<double>(d).count();
}
constexpr double kTtyInterval = 0.1, kLogInterval = 2.0;
}  // namespace

Progress::Progress(std::string label, size_t total)
    : label_(std::move(label)),
      total_(total),
      tty_(isatty(fileno(stdout)) != 0),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

double Progress::elapsed() const {
    return seconds(std::chrono::steady_clock::now() - start_);
}

void Progress::update(size_t done) {
    const auto now = std::chrono::steady_clock::now();
    if (seconds(now - last_) < (tty_ ? kTtyInterval : kLogInterval)) return;
    last_ = now;
    print(done, false);
}

void Progress::finish() {
    print(total_, true);
}

void Progress::print(size_t done, bool final_line) {
    const double t = elapsed();
    char line[256];
    if (final_line) {
        std::snprintf(line, sizeof(line), "%s: done in %.2f s", label_.c_str(), t);
    } else if (total_ > 0) {
        const double frac = double(done) / double(total_);
        const double eta = done > 0 ? t * (1 - frac) / frac : 0;
        std::snprintf(line, sizeof(line), "%s: %5.1f%% (%zu / %zu), %.1f s elapsed, ETA %.1f s",
                      label_.c_str(), 100 * frac, done, total_, t, eta);
    } else {
        std::snprintf(line, sizeof(line), "%s: %.1f s elapsed", label_.c_str(), t);
    }
    if (tty_)
        std::printf("\r\033[K%s%s", line, final_line ? "\n" : "");
    else
        std::printf("%s\n", line);
    std::fflush(stdout);
}

void run_with_progress(const std::string& label, const std::function<void()>& fn) {
    Progress p(label, 0);
    std::atomic<bool> finished{false};
    std::exception_ptr error;
    const int threads = omp_get_max_threads();
    std::thread worker([&] {
        omp_set_num_threads(threads);
        try {
            fn();
        } catch (...) {
            error = std::current_exception();
        }
        finished = true;
    });
    while (!finished) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        p.update(0);
    }
    worker.join();
    if (error) std::rethrow_exception(error);
    p.finish();
}

}  // namespace faiss_cli
