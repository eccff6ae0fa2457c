#pragma once

// Progress reports of long operations (an extension: Faiss has no such hook).
//
// A program installs one process-wide callback; long library operations then report how
// far they are:
//
//   operation                  total                       one step
//   "Clustering::train"        niter * nredo               one Lloyd iteration
//   "ProductQuantizer::train"  M (1 with Train_shared)     one sub-quantizer trained
//   "OPQMatrix::train"         niter                       one rotation update
//   "IndexIVF::train"          2                           coarse quantizer, then encoder
//   "IndexIVF::add"            n                           one block of vectors added
//   "HNSW::add_nodes"          n (n - 1 into an empty one)  nodes linked into the graph
//
// Operations nest: IndexIVFPQ::train reports "IndexIVF::train" (depth 0), inside it the
// coarse "Clustering::train" (depth 1), then "ProductQuantizer::train" (depth 1) with
// the k-means of its sub-quantizers (depth 2) when they run on the calling thread. A
// nested operation always runs within one step of its parent (after the parent's report
// of done = s, before its report of s + 1), so a display can place it there.
//
// How often: every operation reports done = 0 when it starts and done = total when it
// completes, and in between at most 1000 times (a step is reported only when at least
// total / 1000, rounded up, was done since the last report). Reports of one operation
// have increasing `done`. An operation that fails or is interrupted sends no final report.
//
// Threads: the callback is called on the thread that called the operation, never from
// an OpenMP worker; operations run inside an OpenMP parallel region report nothing.
// Calls are serialised: the callback never runs twice at once, even when several threads
// train or add at the same time (then reports of the different operations interleave; a
// callback can tell them apart only by operation name and depth). A report made while
// the callback runs (the callback itself trains something) is dropped.
//
// Cost: with no callback installed an operation pays one atomic load when it starts and
// one branch per step. Installing or clearing the callback is thread-safe and takes
// effect for operations that start afterwards.
//
// Interrupting: a callback may throw. The exception propagates unchanged out of the
// library call that reported (out of train() or add()); the object being trained or
// added to is then left valid but with unspecified contents (an interrupted train leaves
// is_trained false; an interrupted add may have added some vectors): reset or discard
// it. Throwing faiss::FaissException keeps the C API and Python error paths uniform.
//
// Python: faiss.set_progress_callback(fn), fn(operation, done, total, depth); an exception
// raised by fn propagates out of the interrupted call. C: faiss_set_progress_callback in
// <faiss/c_api/progress_c.h>.
//
// InterruptCallback (below, as in Faiss) is asked at the same report points.

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace faiss {

/// One progress report. `operation` points to a static string (valid forever).
struct ProgressEvent {
    const char* operation;  ///< e.g. "Clustering::train" (table above)
    size_t done;            ///< steps done so far, 0 <= done <= total
    size_t total;           ///< steps of the whole operation (> 0)
    int depth;              ///< 0 = outermost reporting operation on this thread
};

/// Receives progress reports. May throw to interrupt the operation (see above).
using ProgressCallback = std::function<void(const ProgressEvent&)>;

/// Install the process-wide callback; an empty function removes it. Thread-safe. The
/// previous callback is destroyed here, or after its call in progress if one runs.
void set_progress_callback(ProgressCallback callback);

/// Whether a callback is installed. Thread-safe, cheap.
bool has_progress_callback() noexcept;

/// Interruption of long operations, with the interface of Faiss's InterruptCallback. An
/// installed instance is asked want_interrupt() at every progress report point of the
/// operations listed above (at most about a thousand times per operation, whether or not
/// a progress callback is installed), on the thread that called the operation; when it
/// returns true the operation throws FaissException "computation interrupted" (the
/// object is then left as after a throwing progress callback). want_interrupt() may also
/// throw its own exception, which propagates instead. Searches are not interrupted.
/// The Python package installs an instance at import that turns Ctrl-C on the main
/// thread into KeyboardInterrupt out of train() / add().
struct InterruptCallback {
    /// True to stop the running operation. Called with `lock` held.
    virtual bool want_interrupt() = 0;
    virtual ~InterruptCallback();

    /// Remove the instance. Thread-safe.
    static void clear_instance();
    /// Throw FaissException "computation interrupted" when is_interrupted().
    static void check();
    /// instance->want_interrupt(), false without an instance. Thread-safe.
    static bool is_interrupted();
    /// Iterations of a loop doing `flops` operations each to run between two checks:
    /// about 1e8 operations between checks with an instance, 2^30 without.
    static size_t get_period_hint(size_t flops);

    /// The installed instance; null: none. Replace it under `lock` (or before any
    /// operation starts), as in Faiss: InterruptCallback::instance.reset(new MyCallback).
    static std::unique_ptr<InterruptCallback> instance;
    static std::mutex lock;
};

/// Reporting side, used by long operations (library code, or applications that want to
/// report their own long steps through the same callback). Create one on the stack at
/// the start of an operation of `total` steps: it reports done = 0, then update() /
/// advance() report progress and the last step (done == total) sends the final report.
///
/// Thread safety: construct, update() and destroy on one thread (the operation's caller);
/// advance() may be called from any thread, e.g. OpenMP workers: their steps are counted
/// and reported by the constructing thread at its next update() / advance() call.
/// Inactive (every call a no-op) when neither a callback nor an InterruptCallback was
/// installed at construction, when constructed inside an active OpenMP parallel region,
/// or when total == 0. An active scope also checks for interruption at each report.
class ProgressScope {
  public:
    /// operation: a string literal (kept by pointer). Reports done = 0 when active.
    ProgressScope(const char* operation, size_t total);
    ~ProgressScope();
    ProgressScope(const ProgressScope&) = delete;
    ProgressScope& operator=(const ProgressScope&) = delete;

    /// Steps done so far (absolute, clamped to total). Constructing thread only.
    void update(size_t done) {
        if (active_) update_slow(done);
    }
    /// Count `steps` more as done. Any thread; reported from the constructing thread.
    void advance(size_t steps = 1);

    bool active() const noexcept { return active_; }

  private:
    void update_slow(size_t done);

    const char* operation_;
    size_t total_;
    bool active_ = false;
    int depth_ = 0;
    std::thread::id owner_;
    size_t reported_ = 0;             // last done sent
    size_t stride_ = 1;               // minimum steps between two reports
    std::atomic<size_t> counted_{0};  // steps counted by advance()
};

}  // namespace faiss
