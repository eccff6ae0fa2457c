#pragma once
// Gentle bulk I/O for checkpoints. A checkpoint of a large index copies the base from
// its file, adds the delta and writes a new file: done at full speed (about 2 s for
// 512 MB) it takes a whole core, its page faults and copies compete with the searches
// for memory bandwidth, and the gigabyte of dirty page cache it leaves makes the log's
// fsyncs wait behind it; searches at 1,000 QPS on 2 cores then pile up (p99 65 ms).
// The same work in small steps separated by sleeps takes longer but stays out of the way.
#include <faiss/io/io.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace faiss_serve {

/// Limits bulk work to a byte rate and a share of one core. step(bytes) after each small
/// piece of work sleeps long enough that (1) the bytes stepped so far are not ahead of
/// bytes_per_s and (2) the time worked since the last sleep is at most core_share of the
/// time elapsed. bytes_per_s <= 0 turns pacing off. Once *cancel (when given) is true,
/// step() throws std::runtime_error, so that a long paced checkpoint does not hold up the
/// service's shutdown. Not thread-safe (one per checkpoint).
class Pacer {
  public:
    Pacer(double bytes_per_s, double core_share, const std::atomic<bool>* cancel = nullptr);
    void step(size_t bytes);
    bool cancelled() const { return cancel_ && cancel_->load(); }
    /// Seconds slept so far.
    double slept() const { return slept_; }

  private:
    using Clock = std::chrono::steady_clock;
    double rate_, share_;
    const std::atomic<bool>* cancel_;
    Clock::time_point last_ = Clock::now();
    double slept_ = 0;
};

/// Reads a file in chunks of at most 1 MB, stepping pacer after each.
/// @throws std::runtime_error naming the file when it cannot be opened.
class PacedFileReader : public faiss::IOReader {
  public:
    PacedFileReader(const std::string& path, Pacer& pacer);
    ~PacedFileReader() override;
    size_t operator()(void* ptr, size_t size, size_t nitems) override;
    int64_t remaining_bytes() override;

  private:
    int fd_ = -1;
    Pacer& pacer_;
    uint64_t pos_ = 0, size_ = 0;
};

/// Writes path crash-safely: into "<path>.tmp", then fdatasync, rename over path and
/// fsync of the folder by commit(). Written in chunks of at most 1 MB, stepping pacer
/// after each, and flushed to disk every 8 MB (sync_file_range, waiting for the previous
/// 8 MB): the dirty page cache stays small, so that the kernel's writeback never flushes
/// a large backlog at once and the log's fsyncs do not queue behind it. A writer not
/// committed removes its temporary file.
class PacedFileWriter : public faiss::IOWriter {
  public:
    /// @throws std::runtime_error naming the file.
    PacedFileWriter(const std::string& path, Pacer& pacer);
    ~PacedFileWriter() override;
    size_t operator()(const void* ptr, size_t size, size_t nitems) override;
    /// Makes the file durable under its final name. @throws std::runtime_error.
    void commit();

  private:
    void flush_range();
    std::string path_, tmp_;
    int fd_ = -1;
    Pacer& pacer_;
    uint64_t written_ = 0, flushed_ = 0, waited_ = 0;
    bool failed_ = false;
};

/// "<path>.tmp": what PacedFileWriter writes before commit().
std::string temp_path(const std::string& path);

}  // namespace faiss_serve
