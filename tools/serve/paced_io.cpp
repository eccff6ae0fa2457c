// Paced reading and writing of checkpoint files.
#include "paced_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "write_log.h"

namespace faiss_serve {

namespace {

constexpr size_t kChunk = size_t(1) << 20;
constexpr uint64_t kFlushBytes = uint64_t(8) << 20;

std::string errno_text() {
    return std::strerror(errno);
}

std::string dir_of(const std::string& path) {
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

Pacer::Pacer(double bytes_per_s, double core_share, const std::atomic<bool>* cancel)
    : rate_(bytes_per_s), share_(std::min(1.0, std::max(core_share, 0.01))), cancel_(cancel) {}

void Pacer::step(size_t bytes) {
    if (cancelled()) throw std::runtime_error("checkpoint cancelled: the service is stopping");
    if (rate_ <= 0) return;
    const auto now = Clock::now();
    const double worked = std::chrono::duration<double>(now - last_).count();
    // Wall time since the last sleep counts as work, preemption included: when the
    // searches take the core, the checkpoint backs off further.
    const double wait = std::max(double(bytes) / rate_ - worked, worked * (1.0 - share_) / share_);
    if (wait > 0) {
        std::this_thread::sleep_for(std::chrono::duration<double>(wait));
        slept_ += wait;
    }
    last_ = Clock::now();
}

PacedFileReader::PacedFileReader(const std::string& path, Pacer& pacer) : pacer_(pacer) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw std::runtime_error(path + ": cannot open: " + errno_text());
    struct stat st;
    if (::fstat(fd_, &st) != 0) {
        ::close(fd_);
        throw std::runtime_error(path + ": cannot stat: " + errno_text());
    }
    size_ = uint64_t(st.st_size);
    // Read once, front to back: let the kernel read ahead generously.
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
}

PacedFileReader::~PacedFileReader() {
    ::close(fd_);
}

size_t PacedFileReader::operator()(void* ptr, size_t size, size_t nitems) {
    if (size == 0 || nitems == 0) return 0;
    const size_t want = size * nitems;
    size_t got = 0;
    char* out = static_cast<char*>(ptr);
    while (got < want) {
        const ssize_t r = ::read(fd_, out + got, std::min(kChunk, want - got));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += size_t(r);
        pos_ += uint64_t(r);
        pacer_.step(size_t(r));
    }
    return got / size;
}

int64_t PacedFileReader::remaining_bytes() {
    return pos_ <= size_ ? int64_t(size_ - pos_) : 0;
}

std::string temp_path(const std::string& path) {
    return path + ".tmp";
}

PacedFileWriter::PacedFileWriter(const std::string& path, Pacer& pacer)
    : path_(path), tmp_(temp_path(path)), pacer_(pacer) {
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error(tmp_ + ": cannot create: " + errno_text());
}

PacedFileWriter::~PacedFileWriter() {
    if (fd_ >= 0) {
        ::close(fd_);
        ::unlink(tmp_.c_str());
    }
}

size_t PacedFileWriter::operator()(const void* ptr, size_t size, size_t nitems) {
    if (size == 0 || nitems == 0 || failed_) return 0;
    const size_t want = size * nitems;
    size_t done = 0;
    const char* in = static_cast<const char*>(ptr);
    while (done < want) {
        const ssize_t w = ::write(fd_, in + done, std::min(kChunk, want - done));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            failed_ = true;
            break;
        }
        done += size_t(w);
        written_ += uint64_t(w);
        if (written_ - flushed_ >= kFlushBytes) flush_range();
        pacer_.step(size_t(w));
    }
    return done / size;
}

void PacedFileWriter::flush_range() {
    // Start writing back what was written since the last call, then wait for the range
    // before it, started one call ago (so one range is in flight while we go on).
    ::sync_file_range(fd_, off64_t(flushed_), off64_t(written_ - flushed_), SYNC_FILE_RANGE_WRITE);
    if (flushed_ > waited_) {
        ::sync_file_range(
            fd_, off64_t(waited_), off64_t(flushed_ - waited_),
            SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
        waited_ = flushed_;
    }
    flushed_ = written_;
}

void PacedFileWriter::commit() {
    if (failed_) throw std::runtime_error(tmp_ + ": write failed: " + errno_text());
    // Little is left dirty: the final fdatasync is short and makes it all durable
    // (sync_file_range alone does not flush metadata nor the disk's cache).
    flush_range();
    if (::fdatasync(fd_) != 0)
        throw std::runtime_error(tmp_ + ": fdatasync failed: " + errno_text());
    if (::close(fd_) != 0) {
        fd_ = -1;
        ::unlink(tmp_.c_str());
        throw std::runtime_error(tmp_ + ": close failed: " + errno_text());
    }
    fd_ = -1;
    if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
        const std::string err = errno_text();
        ::unlink(tmp_.c_str());
        throw std::runtime_error(path_ + ": cannot rename the temporary file: " + err);
    }
    sync_dir(dir_of(path_));
}

}  // namespace faiss_serve
