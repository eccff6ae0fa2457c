// The process-wide progress callback and ProgressScope (see progress.h for the contract).
#include <faiss/utils/progress.h>

#include <faiss/FaissException.h>

#include <omp.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <utility>

namespace faiss {

namespace {

// The callback is held by shared_ptr so that a report in flight keeps the one it started
// with alive while another thread replaces it.
struct CallbackSlot {
    std::atomic<bool> installed{false};
    std::mutex set_mutex;   // guards callback
    std::mutex call_mutex;  // serialises the calls
    std::shared_ptr<const ProgressCallback> callback;
};

CallbackSlot& slot() {
    static CallbackSlot* s = new CallbackSlot();  // never destroyed: reports may come late
    return *s;
}

thread_local int t_depth = 0;             // active scopes on this thread
thread_local bool t_in_callback = false;  // this thread runs the callback now

std::shared_ptr<const ProgressCallback> current_callback() {
    CallbackSlot& s = slot();
    std::lock_guard<std::mutex> lock(s.set_mutex);
    return s.callback;
}

void deliver(const char* operation, size_t done, size_t total, int depth) {
    if (t_in_callback) return;
    std::shared_ptr<const ProgressCallback> cb = current_callback();
    if (!cb) return;
    std::lock_guard<std::mutex> lock(slot().call_mutex);
    struct InCallback {
        InCallback() { t_in_callback = true; }
        ~InCallback() { t_in_callback = false; }
    } in_callback;
    (*cb)(ProgressEvent{operation, done, total, depth});
}

// Reports between the first and the last: about this many at most.
constexpr size_t kMaxReports = 1000;

}  // namespace

void set_progress_callback(ProgressCallback callback) {
    CallbackSlot& s = slot();
    std::shared_ptr<const ProgressCallback> fresh;
    if (callback) fresh = std::make_shared<const ProgressCallback>(std::move(callback));
    {
        std::lock_guard<std::mutex> lock(s.set_mutex);
        std::swap(s.callback, fresh);
        s.installed.store(s.callback != nullptr, std::memory_order_release);
    }
    // `fresh` now holds the previous callback: destroyed here, outside the lock, since its
    // destructor may need other locks (a Python callable needs the GIL).
}

bool has_progress_callback() noexcept {
    return slot().installed.load(std::memory_order_acquire);
}

std::unique_ptr<InterruptCallback> InterruptCallback::instance;
std::mutex InterruptCallback::lock;

InterruptCallback::~InterruptCallback() = default;

void InterruptCallback::clear_instance() {
    std::lock_guard<std::mutex> guard(lock);
    instance.reset();
}

bool InterruptCallback::is_interrupted() {
    std::lock_guard<std::mutex> guard(lock);
    return instance && instance->want_interrupt();
}

void InterruptCallback::check() {
    if (is_interrupted()) throw FaissException("computation interrupted");
}

size_t InterruptCallback::get_period_hint(size_t flops) {
    {
        std::lock_guard<std::mutex> guard(lock);
        if (!instance) return size_t(1) << 30;
    }
    return std::max<size_t>(1, size_t(100000000) / (flops + 1));
}

namespace {
bool has_interrupt_callback() {
    std::lock_guard<std::mutex> guard(InterruptCallback::lock);
    return InterruptCallback::instance != nullptr;
}
}  // namespace

ProgressScope::ProgressScope(const char* operation, size_t total)
    : operation_(operation), total_(total) {
    if (total == 0 || omp_in_parallel()) return;
    if (!has_progress_callback() && !has_interrupt_callback()) return;
    owner_ = std::this_thread::get_id();
    depth_ = t_depth;
    stride_ = (total + kMaxReports - 1) / kMaxReports;
    InterruptCallback::check();
    deliver(operation_, 0, total_, depth_);
    // Counted as nested only once the first report went through (it may throw, and then
    // no destructor runs).
    t_depth++;
    active_ = true;
}

ProgressScope::~ProgressScope() {
    if (active_) t_depth--;
}

void ProgressScope::advance(size_t steps) {
    if (!active_) return;
    const size_t now = counted_.fetch_add(steps, std::memory_order_relaxed) + steps;
    if (std::this_thread::get_id() == owner_) update_slow(now);
}

void ProgressScope::update_slow(size_t done) {
    done = std::min(done, total_);
    if (done <= reported_) return;  // never backwards, each value once
    if (done != total_ && done - reported_ < stride_) return;
    reported_ = done;
    InterruptCallback::check();
    deliver(operation_, done, total_, depth_);
}

}  // namespace faiss
