#pragma once
// The append-only write log of one served index: every add and remove is one record,
// written and fsynced before the service acknowledges it, so that a crash (kill -9,
// power loss) loses nothing that was acknowledged.
//
// A log is a series of segment files in the index's data folder, "log-<first seq>.wal".
// A checkpoint starts a new segment and, once the index file is written, deletes the
// segments it covers. Record layout (little-endian):
//   u32 magic "FSR1" | u32 payload bytes | u32 CRC-32 of the payload | payload
//   payload: u64 seq | u8 op (1 add, 2 remove) | u32 d | u64 n | n x i64 ids
//            | n x d x f32 vectors (add only)
// A record cut short or failing its checksum ends the segment (a write torn by a crash;
// it was never acknowledged). Thread safety: write() calls must be serialized; one
// sync() may run concurrently with them.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace faiss_serve {

enum class LogOp : uint8_t { add = 1, remove = 2 };

struct LogRecord {
    uint64_t seq = 0;  ///< position in the index's history, from 1
    LogOp op = LogOp::add;
    uint32_t d = 0;            ///< vector dimension (add)
    std::vector<int64_t> ids;  ///< n ids
    std::vector<float> x;      ///< n x d vectors (add), empty for remove
};

/// CRC-32 (IEEE 802.3 polynomial, as zlib) of n bytes.
uint32_t crc32(const void* data, size_t n);

/// The valid records of a segment file in order; stops at the first torn or corrupt
/// record (torn_bytes then counts what follows it). @throws std::runtime_error when
/// the file cannot be read.
std::vector<LogRecord> read_log_segment(const std::string& path, size_t* torn_bytes);

/// One open segment. Records are written, then made durable by sync(), which covers
/// every record written before it (several writers share one fsync: group commit).
class LogSegment {
  public:
    /// Creates path (which must not exist) and fsyncs its folder.
    /// @throws std::runtime_error naming the file.
    explicit LogSegment(const std::string& path);
    ~LogSegment();
    LogSegment(const LogSegment&) = delete;
    LogSegment& operator=(const LogSegment&) = delete;

    /// Writes r (not yet durable). On failure the segment is cut back to its previous
    /// size, so that no torn record precedes later ones, and std::runtime_error is
    /// thrown; when even that fails, the segment is broken.
    void write(const LogRecord& r);
    /// fdatasync. A failure breaks the segment (the kernel may have dropped the
    /// pages; retrying could report success without the data): std::runtime_error.
    void sync();
    /// Every later write and sync throws once this is true.
    bool broken() const { return broken_; }
    uint64_t bytes() const { return size_; }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
    int fd_ = -1;
    uint64_t size_ = 0;
    std::atomic<bool> broken_{false};
};

/// "<dir>/log-<seq, 20 digits>.wal" and "<dir>/ckpt-<seq, 20 digits>.index".
std::string segment_path(const std::string& dir, uint64_t first_seq);
std::string checkpoint_path(const std::string& dir, uint64_t seq);

/// Segments and checkpoints in dir, each sorted by seq (file names not matching the
/// patterns exactly, such as temporary files, are ignored).
struct DataFiles {
    std::vector<std::pair<uint64_t, std::string>> segments;
    std::vector<std::pair<uint64_t, std::string>> checkpoints;
};
DataFiles list_data_files(const std::string& dir);

/// fsyncs a folder so that files created or renamed in it stay after a crash.
void sync_dir(const std::string& dir);

}  // namespace faiss_serve
