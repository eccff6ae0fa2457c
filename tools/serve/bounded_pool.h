#pragma once
// The server's connection queue: a fixed set of worker threads and a bounded queue of
// accepted connections waiting for one. A connection arriving when the queue is full
// is handed to a separate shedding thread instead, whose requests are answered at once
// with 503 (shedding() is true there), so overload never grows memory or latency
// without bound and clients learn to back off.
#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace faiss_serve {

class BoundedPool : public httplib::TaskQueue {
  public:
    /// threads workers (each runs on_start first), at most max_queued waiting.
    BoundedPool(size_t threads, size_t max_queued, std::function<void()> on_start);
    ~BoundedPool() override;
    void enqueue(std::function<void()> fn) override;
    void shutdown() override;

    /// True on the shedding thread while it serves a rejected connection.
    static bool shedding();
    /// True on a worker thread while connections wait in its pool's queue. A keep-alive
    /// connection holds its worker between requests, so the server closes it after the
    /// current answer then: the client reconnects and queues behind the waiting ones,
    /// which keeps long keep-alive runs from starving them.
    static bool connections_waiting();

  private:
    struct Queue {
        std::deque<std::function<void()>> jobs;
        std::condition_variable cv;
    };
    void run(Queue& q, bool shed);

    size_t max_queued_;
    std::atomic<size_t> waiting_{0};  // work_.jobs.size(), readable without mu_
    std::mutex mu_;
    bool stop_ = false;
    Queue work_, shed_;
    std::vector<std::thread> threads_;
};

}  // namespace faiss_serve
