#pragma once
// Progress reports on stdout: on a terminal one line redrawn in place (percentage, rate,
// elapsed, ETA); otherwise plain lines every few seconds, so logs stay readable.
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace faiss_cli {

class Progress {
  public:
    /// total = 0: the amount of work is unknown, only the elapsed time is shown.
    Progress(std::string label, size_t total);
    /// done units so far (monotonic); cheap when called often.
    void update(size_t done);
    /// Final line: "label: done in 1.23 s".
    void finish();
    double elapsed() const;

  private:
    void print(size_t done, bool final_line);

    std::string label_;
    size_t total_;
    bool tty_;
    std::chrono::steady_clock::time_point start_, last_;
};

/// Runs fn (one long library call: train, write_index ...) in a worker thread while
/// showing the elapsed time; re-throws what fn throws. The worker uses the caller's
/// OpenMP thread count.
void run_with_progress(const std::string& label, const std::function<void()>& fn);

}  // namespace faiss_cli
