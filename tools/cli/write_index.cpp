// write_index_file: counted first, then written to a temporary file with progress, renamed.
#include "write_index.h"

#include "cli.h"
#include "progress.h"

#include <faiss/FaissException.h>
#include <faiss/index_io.h>
#include <faiss/io/io.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace faiss_cli {

namespace {

struct CountingWriter : faiss::IOWriter {
    uint64_t bytes = 0;
    size_t operator()(const void*, size_t size, size_t nitems) override {
        bytes += uint64_t(size) * nitems;
        return nitems;
    }
};

/// Writes to f in chunks, so that one large array (the codes of a flat index) still moves
/// the progress line.
struct ProgressFileWriter : faiss::IOWriter {
    FILE* f;
    Progress& progress;
    uint64_t done = 0;
    ProgressFileWriter(FILE* file, Progress& p) : f(file), progress(p) {}
    size_t operator()(const void* ptr, size_t size, size_t nitems) override {
        const size_t total = size * nitems;
        const char* src = static_cast<const char*>(ptr);
        constexpr size_t kChunk = size_t(8) << 20;
        for (size_t off = 0; off < total; off += kChunk) {
            const size_t m = std::min(kChunk, total - off);
            if (std::fwrite(src + off, 1, m, f) != m) return off / std::max<size_t>(size, 1);
            done += m;
            progress.update(done);
        }
        return nitems;
    }
    int filedescriptor() override { return fileno(f); }
};

// The temporary file removed by a signal handler if the user interrupts the write
// (unlink is async-signal-safe; the path is a fixed buffer set before arming).
char g_tmp_path[4096];
volatile std::sig_atomic_t g_armed = 0;

extern "C" void remove_tmp_and_die(int sig) {
    if (g_armed) ::unlink(g_tmp_path);
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

/// Owns the temporary file: removes it unless committed, restores the signal handlers.
class TempFile {
  public:
    explicit TempFile(const std::string& target) : path_(target + ".tmp.XXXXXX") {
        if (path_.size() >= sizeof(g_tmp_path)) throw CliError(target + ": path too long");
        const int fd = ::mkstemp(&path_[0]);
        if (fd < 0) {
            throw CliError(target + ": cannot create a file there: " + std::strerror(errno));
        }
        // mkstemp makes the file 0600: a replaced file keeps its mode, a new one gets the
        // usual 0666 minus umask.
        struct stat st;
        const mode_t mask = ::umask(0);
        ::umask(mask);
        ::fchmod(fd, ::stat(target.c_str(), &st) == 0 ? st.st_mode & 07777 : 0666 & ~mask);
        f_ = ::fdopen(fd, "wb");
        std::memcpy(g_tmp_path, path_.c_str(), path_.size() + 1);
        g_armed = 1;
        old_int_ = std::signal(SIGINT, remove_tmp_and_die);
        old_term_ = std::signal(SIGTERM, remove_tmp_and_die);
        if (!f_) {
            ::close(fd);
            throw CliError(target + ": cannot open " + path_ + ": " + std::strerror(errno));
        }
    }
    ~TempFile() {
        if (f_) std::fclose(f_);
        if (!committed_) ::unlink(path_.c_str());
        g_armed = 0;
        std::signal(SIGINT, old_int_);
        std::signal(SIGTERM, old_term_);
    }
    FILE* file() const { return f_; }
    /// Flushes to disk, closes and renames over target.
    void commit(const std::string& target) {
        const bool synced = std::fflush(f_) == 0 && ::fsync(fileno(f_)) == 0;
        const int closed = std::fclose(f_);
        f_ = nullptr;
        if (!synced || closed != 0) {
            throw CliError(target + ": write failed: " + std::strerror(errno));
        }
        if (::rename(path_.c_str(), target.c_str()) != 0) {
            throw CliError(target + ": cannot replace it: " + std::strerror(errno));
        }
        committed_ = true;
    }

  private:
    std::string path_;
    FILE* f_ = nullptr;
    bool committed_ = false;
    void (*old_int_)(int) = SIG_DFL;
    void (*old_term_)(int) = SIG_DFL;
};

}  // namespace

void check_index_path(const std::string& path) {
    const size_t slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "."
                            : slash == 0               ? "/"
                                                       : path.substr(0, slash);
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) throw CliError(path + ": is a directory");
        return;  // a device or a pipe, written in place
    }
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        throw CliError(path + ": folder " + dir + " does not exist");
    }
    if (::access(dir.c_str(), W_OK) != 0) {
        throw CliError(path + ": folder " + dir + " is not writable");
    }
}

void write_index_file(const faiss::Index& index, const std::string& path) {
    CountingWriter counter;
    faiss::write_index(&index, &counter);
    Progress progress("writing", size_t(counter.bytes), Progress::Unit::bytes);

    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) throw CliError(path + ": is a directory");
        std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
        if (!f) throw CliError(path + ": cannot open: " + std::strerror(errno));
        ProgressFileWriter writer(f.get(), progress);
        writer.name = path;
        faiss::write_index(&index, &writer);
        if (std::fflush(f.get()) != 0) throw CliError(path + ": write failed");
        progress.finish();
        return;
    }
    // Through a symbolic link, the file it points to is replaced and the link kept.
    std::string target = path;
    if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
        if (char* real = ::realpath(path.c_str(), nullptr)) {
            target = real;
            std::free(real);
        }
    }
    TempFile tmp(target);
    ProgressFileWriter writer(tmp.file(), progress);
    writer.name = path;
    faiss::write_index(&index, &writer);
    tmp.commit(target);
    progress.finish();
}

}  // namespace faiss_cli
