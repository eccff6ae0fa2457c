#pragma once
// Progress reports on stdout: on a terminal one line redrawn in place (a bar, percentage,
// elapsed, ETA); otherwise plain lines every 2 seconds (FAISS_CLI_PROGRESS_INTERVAL=S
// changes that), so logs stay readable.
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace faiss_cli {

class Progress {
  public:
    enum class Unit { items, bytes };
    /// total = 0: the amount of work is unknown, only the elapsed time is shown. Bytes
    /// are shown in MiB.
    Progress(std::string label, size_t total, Unit unit = Unit::items);
    /// done units so far (monotonic); cheap when called often.
    void update(size_t done);
    /// Progress as a fraction in [0, 1] with a text shown instead of "(done / total)";
    /// frac < 0: not known yet, only the elapsed time (and the text) is shown.
    void update_fraction(double frac, const std::string& detail);
    /// Final line: "label: done in 1.23 s".
    void finish();
    double elapsed() const;

  private:
    void print(size_t done, bool final_line);
    void print_line(double frac, const std::string& amounts, bool final_line);

    std::string label_;
    size_t total_;
    Unit unit_;
    bool tty_;
    double interval_;
    std::chrono::steady_clock::time_point start_, last_;
    double frac0_ = -1, t0_ = 0;  // first known fraction and its time: the ETA's origin
};

/// Runs fn (one long library call: train, write_index ...) in a worker thread while
/// showing the elapsed time; re-throws what fn throws. The worker uses the caller's
/// OpenMP thread count.
void run_with_progress(const std::string& label, const std::function<void()>& fn);

/// As run_with_progress, and shows the progress reports of the library
/// (faiss/utils/progress.h) meanwhile: one bar for the whole call, nested operations
/// weighted by their parent's steps (IVF training: the coarse k-means is the first half,
/// the encoder the second), so the ETA is rough when the steps differ in cost. Calls
/// that report nothing show the elapsed time only. Installs the library's callback for
/// the call and removes it after.
void run_with_library_progress(const std::string& label, const std::function<void()>& fn);

}  // namespace faiss_cli
