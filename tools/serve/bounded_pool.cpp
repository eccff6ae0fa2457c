// Worker threads with a bounded connection queue and a shedding thread.
#include "bounded_pool.h"

namespace faiss_serve {

namespace {
thread_local bool t_shedding = false;
thread_local const std::atomic<size_t>* t_waiting = nullptr;
}  // namespace

BoundedPool::BoundedPool(size_t threads, size_t max_queued, std::function<void()> on_start)
    : max_queued_(max_queued) {
    for (size_t i = 0; i < threads; i++) {
        threads_.emplace_back([this, on_start] {
            if (on_start) on_start();
            run(work_, false);
        });
    }
    threads_.emplace_back([this] { run(shed_, true); });
}

BoundedPool::~BoundedPool() {
    shutdown();
}

bool BoundedPool::shedding() {
    return t_shedding;
}

bool BoundedPool::connections_waiting() {
    return t_waiting && t_waiting->load(std::memory_order_relaxed) > 0;
}

void BoundedPool::enqueue(std::function<void()> fn) {
    Queue* q;
    {
        std::lock_guard<std::mutex> lock(mu_);
        q = work_.jobs.size() < max_queued_ ? &work_ : &shed_;
        q->jobs.push_back(std::move(fn));
        waiting_ = work_.jobs.size();
    }
    q->cv.notify_one();
}

void BoundedPool::shutdown() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        if (stop_) return;
        stop_ = true;
    }
    work_.cv.notify_all();
    shed_.cv.notify_all();
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
}

void BoundedPool::run(Queue& q, bool shed) {
    t_shedding = shed;
    if (!shed) t_waiting = &waiting_;
    for (;;) {
        std::function<void()> fn;
        {
            std::unique_lock<std::mutex> lock(mu_);
            q.cv.wait(lock, [&] { return stop_ || !q.jobs.empty(); });
            if (q.jobs.empty()) return;
            fn = std::move(q.jobs.front());
            q.jobs.pop_front();
            waiting_ = work_.jobs.size();
        }
        fn();
    }
}

}  // namespace faiss_serve
