#pragma once
// One named index of the service: the published snapshot searches read, and (when
// writable) the write path (log, then new snapshot) and checkpoints.
//
// Concurrency: search() only loads the current snapshot pointer and never waits for
// writers. add/remove write their record to the log under a mutex, then one of the
// waiting writers fsyncs for all of them (group commit) and publishes their snapshots
// in order; each answers once its write is durable and visible. A checkpoint (background thread, or
// checkpoint()) builds the merged index from a snapshot without holding that mutex, on
// a thread at low CPU priority (nice 10), writes it, then publishes it rebased on the
// writes that arrived meanwhile, and frees the old base there too once no search holds
// it. Memory during a checkpoint: a second copy of the base index.
#include "snapshot.h"
#include "write_log.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace faiss_serve {

struct WriteOptions {
    std::string data_dir;            ///< folder of this index's checkpoints and log
    size_t merge_threshold = 20000;  ///< delta vectors or tombstones that trigger a checkpoint
    /// Pace of a checkpoint's bulk work (reading the old base, extending its lists,
    /// writing the new one), MB/s counted over all three; 0: as fast as it goes.
    double checkpoint_mb_per_s = 64;
};

class ServedIndex {
  public:
    /// Serves path read-only (loaded with IO_FLAG_MMAP | IO_FLAG_READ_ONLY).
    /// @throws std::runtime_error / faiss::FaissException naming the file.
    ServedIndex(const std::string& name, const std::string& path);
    /// Serves writably: recovers data_dir (last checkpoint, then the log), or on first
    /// start loads path and writes checkpoint 0. Indexes without ids of their own are
    /// wrapped in IndexIDMap. Starts the checkpoint thread.
    ServedIndex(const std::string& name, const std::string& path, const WriteOptions& opts);
    ~ServedIndex();
    ServedIndex(const ServedIndex&) = delete;
    ServedIndex& operator=(const ServedIndex&) = delete;

    const std::string& name() const { return name_; }
    bool writable() const { return writable_; }
    std::shared_ptr<const Snapshot> snapshot() const;

    /// n = ids.size() vectors x (n x d), validated by the caller. Returns the write's
    /// seq once it is in the log. @throws std::runtime_error when the log write fails.
    uint64_t add(const std::vector<int64_t>& ids, std::vector<float> x);
    uint64_t remove(const std::vector<int64_t>& ids);
    /// Merges all writes so far into a new base, writes it and drops the log it covers.
    /// Returns the seq the checkpoint holds.
    uint64_t checkpoint();

    uint64_t checkpoint_seq() const { return checkpoint_seq_; }
    uint64_t checkpoints_done() const { return checkpoints_done_; }
    uint64_t checkpoint_failures() const { return checkpoint_failures_; }
    /// Seconds spent in checkpoints since start, the running one included.
    double checkpoint_seconds() const;
    bool checkpoint_running() const { return checkpoint_start_ns_ != 0; }
    uint64_t replayed_records() const { return replayed_; }

    uint64_t log_fsyncs() const { return fsyncs_; }

  private:
    /// Builds the snapshot after a write from the one before it, given the write's seq.
    using Apply = std::function<std::shared_ptr<const Snapshot>(const Snapshot&, uint64_t)>;
    struct Pending {
        uint64_t seq;
        Apply apply;
    };
    /// Logs r (setting its seq), waits until it is durable, publishes it. write_mu_ free.
    uint64_t commit(LogRecord& r, Apply apply);
    /// After an fsync covering records up to upto (ok) or failing: publish or fail the
    /// pending writes and wake their writers. write_mu_ held.
    void finish_sync(bool ok, uint64_t upto);
    void recover(const std::string& path);
    void apply(const LogRecord& r);
    void publish(std::shared_ptr<const Snapshot> s);
    void background_loop();
    bool needs_checkpoint(const Snapshot& s) const;

    std::string name_;
    bool writable_ = false;
    WriteOptions opts_;
    std::shared_ptr<const Snapshot> current_;  // accessed with std::atomic_load/store

    std::mutex write_mu_;  // serializes log writes, publishing and log rotation
    std::condition_variable durable_cv_;
    std::deque<Pending> pending_;  // written to the log, not yet fsynced nor published
    uint64_t written_seq_ = 0;     // last seq written to the log
    bool syncing_ = false;         // a writer is fsyncing the segment
    bool log_failed_ = false;      // an fsync failed: writes refused until a restart
    std::atomic<uint64_t> fsyncs_{0};
    std::unique_ptr<LogSegment> segment_;
    uint64_t segment_first_seq_ = 0;
    std::mutex checkpoint_mu_;  // one checkpoint at a time
    std::atomic<uint64_t> checkpoint_seq_{0};
    std::atomic<uint64_t> checkpoints_done_{0};
    std::atomic<uint64_t> checkpoint_failures_{0};
    std::atomic<int64_t> checkpoint_start_ns_{0};  // steady clock; 0: none running
    std::atomic<int64_t> checkpoint_total_ns_{0};
    std::atomic<bool> stopping_{false};  // cancels a running checkpoint
    uint64_t replayed_ = 0;

    std::mutex bg_mu_;
    std::condition_variable bg_cv_;
    bool bg_stop_ = false;
    std::thread bg_;
};

}  // namespace faiss_serve
