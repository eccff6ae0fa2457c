// Progress display and the worker thread for long single calls.
#include "progress.h"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <thread>

namespace faiss_cli {

namespace {
double seconds(std::chrono::steady_clock::duration d) {
    return std::chrono::duration<double>(d).count();
}
constexpr double kTtyInterval = 0.1, kLogInterval = 2.0;
constexpr int kBarWidth = 24;

double log_interval() {
    const char* s = std::getenv("FAISS_CLI_PROGRESS_INTERVAL");
    char* end = nullptr;
    const double v = s ? std::strtod(s, &end) : 0;
    return s && end != s && v >= 0 ? v : kLogInterval;
}

std::string amount(size_t v, Progress::Unit unit) {
    char buf[32];
    if (unit == Progress::Unit::bytes)
        std::snprintf(buf, sizeof(buf), "%.1f", double(v) / (1 << 20));
    else
        std::snprintf(buf, sizeof(buf), "%zu", v);
    return buf;
}

std::string bar(double frac) {
    const int full = int(frac * kBarWidth + 0.5);
    return "[" + std::string(size_t(full), '#') + std::string(size_t(kBarWidth - full), '.') + "] ";
}
}  // namespace

Progress::Progress(std::string label, size_t total, Unit unit)
    : label_(std::move(label)),
      total_(total),
      unit_(unit),
      tty_(isatty(fileno(stdout)) != 0),
      interval_(tty_ ? kTtyInterval : log_interval()),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

double Progress::elapsed() const {
    return seconds(std::chrono::steady_clock::now() - start_);
}

void Progress::update(size_t done) {
    const auto now = std::chrono::steady_clock::now();
    if (seconds(now - last_) < interval_) return;
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
        const double frac = std::min(1.0, double(done) / double(total_));
        const std::string eta =
            done > 0 ? std::to_string(int(t * (1 - frac) / frac + 0.5)) + " s" : std::string("?");
        std::snprintf(line, sizeof(line), "%s: %s%5.1f%% (%s / %s%s), %.1f s elapsed, ETA %s",
                      label_.c_str(), tty_ ? bar(frac).c_str() : "", 100 * frac,
                      amount(done, unit_).c_str(), amount(total_, unit_).c_str(),
                      unit_ == Unit::bytes ? " MiB" : "", t, eta.c_str());
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
