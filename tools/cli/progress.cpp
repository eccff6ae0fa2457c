// Progress display and the worker thread for long single calls.
#include "progress.h"

#include <faiss/utils/progress.h>

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

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

void Progress::update_fraction(double frac, const std::string& detail) {
    const auto now = std::chrono::steady_clock::now();
    if (seconds(now - last_) < interval_) return;
    last_ = now;
    if (frac >= 0 && frac0_ < 0) {
        frac0_ = std::min(1.0, frac);
        t0_ = elapsed();
    }
    print_line(frac < 0 ? -1 : std::min(1.0, frac), detail, false);
}

void Progress::finish() {
    print(total_, true);
}

void Progress::print(size_t done, bool final_line) {
    if (total_ == 0 || final_line) {
        print_line(-1, "", final_line);
        return;
    }
    print_line(
        double(done) / double(total_),
        amount(done, unit_) + " / " + amount(total_, unit_) + (unit_ == Unit::bytes ? " MiB" : ""),
        false);
}

void Progress::print_line(double frac, const std::string& amounts, bool final_line) {
    const double t = elapsed();
    char line[512];
    if (final_line) {
        std::snprintf(line, sizeof(line), "%s: done in %.2f s", label_.c_str(), t);
    } else if (frac >= 0) {
        frac = std::min(1.0, frac);
        // The rate since the first known fraction (a call may report only after a while).
        const double f0 = frac0_ >= 0 ? frac0_ : 0, dt = t - (frac0_ >= 0 ? t0_ : 0);
        const std::string eta =
            frac > f0 ? std::to_string(int(dt * (1 - frac) / (frac - f0) + 0.5)) + " s"
                      : std::string("?");
        std::snprintf(line, sizeof(line), "%s: %s%5.1f%% (%s), %.1f s elapsed, ETA %s",
                      label_.c_str(), tty_ ? bar(frac).c_str() : "", 100 * frac, amounts.c_str(), t,
                      eta.c_str());
    } else if (!amounts.empty()) {
        std::snprintf(line, sizeof(line), "%s: %s, %.1f s elapsed", label_.c_str(), amounts.c_str(),
                      t);
    } else {
        std::snprintf(line, sizeof(line), "%s: %.1f s elapsed", label_.c_str(), t);
    }
    if (tty_)
        std::printf("\r\033[K%s%s", line, final_line ? "\n" : "");
    else
        std::printf("%s\n", line);
    std::fflush(stdout);
}

namespace {

/// Runs fn on a worker thread (with this thread's OpenMP thread count) and calls tick()
/// on this thread every 50 ms until fn returns; rethrows what fn threw.
void run_on_worker(const std::function<void()>& fn, const std::function<void()>& tick) {
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
        tick();
    }
    worker.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace

void run_with_progress(const std::string& label, const std::function<void()>& fn) {
    Progress p(label, 0);
    run_on_worker(fn, [&] { p.update(0); });
    p.finish();
}

namespace {

/// The library's latest report at each nesting depth, written by the worker thread's
/// callback and read by the display loop.
class ReportStack {
  public:
    void on_event(const faiss::ProgressEvent& e) {
        std::lock_guard<std::mutex> lock(mutex_);
        const size_t depth = size_t(std::max(e.depth, 0));
        // A report at some depth ends whatever ran deeper before it.
        stack_.resize(std::min(stack_.size(), depth));
        while (stack_.size() < depth)
            stack_.push_back({"?", 0, 1, int(stack_.size())});
        stack_.push_back(e);
    }

    /// Fraction of the outermost operation done (-1 before any report) and a text
    /// naming the operations, e.g. "IndexIVF::train 1/2 > ProductQuantizer::train 3/8".
    double fraction(std::string& detail) {
        std::lock_guard<std::mutex> lock(mutex_);
        detail.clear();
        if (stack_.empty()) return -1;
        double frac = 0;  // of the step in progress one level further in
        for (size_t i = stack_.size(); i-- > 0;) {
            const faiss::ProgressEvent& e = stack_[i];
            frac = e.done >= e.total ? 1.0 : (double(e.done) + frac) / double(e.total);
        }
        for (const faiss::ProgressEvent& e : stack_) {
            if (!detail.empty()) detail += " > ";
            detail += std::string(e.operation) + " " + std::to_string(e.done) + "/" +
                      std::to_string(e.total);
        }
        return frac;
    }

  private:
    std::mutex mutex_;
    std::vector<faiss::ProgressEvent> stack_;
};

}  // namespace

void run_with_library_progress(const std::string& label, const std::function<void()>& fn) {
    Progress p(label, 0);
    ReportStack reports;
    faiss::set_progress_callback(
        [&reports](const faiss::ProgressEvent& e) { reports.on_event(e); });
    std::string detail;
    try {
        run_on_worker(fn, [&] {
            const double frac = reports.fraction(detail);
            p.update_fraction(frac, detail);
        });
    } catch (...) {
        faiss::set_progress_callback(nullptr);
        throw;
    }
    faiss::set_progress_callback(nullptr);
    p.finish();
}

}  // namespace faiss_cli
