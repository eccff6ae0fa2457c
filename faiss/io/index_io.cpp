// Entry points of faiss/index_io.h and faiss/clone_index.h, and the crash-safe file save.

#include <faiss/clone_index.h>
#include <faiss/index_io.h>

#include <faiss/IndexIVF.h>
#include <faiss/io/internal/registry.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

namespace faiss {

namespace io {

namespace {

// Mode bits a newly created file gets (0666 minus the umask), read without changing the
// process umask (which would race with other threads).
mode_t new_file_mode() {
    mode_t mask = 022;
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("Umask:", 0) == 0) {
            mask = mode_t(std::strtoul(line.c_str() + 6, nullptr, 8));
            break;
        }
    }
    return 0666 & ~mask;
}

std::string parent_dir(const std::string& path) {
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

// Make the rename durable; best effort (some file systems refuse fsync on folders).
void sync_dir(const std::string& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

// The temporary file: removed unless committed.
struct TempFile {
    std::string path;
    FILE* f = nullptr;
    bool committed = false;

    ~TempFile() {
        if (f) std::fclose(f);
        if (!committed && !path.empty()) ::unlink(path.c_str());
    }
};

}  // namespace

void save_file_atomically(const char* fname_in, const std::function<void(IOWriter*)>& write) {
    FAISS_REQUIRE(fname_in && *fname_in, invalid_argument, "the file name is null or empty");
    std::string target(fname_in);
    struct stat st;
    if (::stat(fname_in, &st) == 0 && !S_ISREG(st.st_mode)) {
        // A device or a pipe ("/dev/stdout", a FIFO): nothing to replace, write in place.
        FileIOWriter writer(fname_in);
        write(&writer);
        FAISS_REQUIRE(std::fflush(writer.f) == 0, io_error, "could not write %s: %s", fname_in,
                      std::strerror(errno));
        return;
    }
    // Through a symbolic link, replace the file it points to and keep the link.
    if (char* real = ::realpath(fname_in, nullptr)) {
        struct stat lst;
        if (::lstat(fname_in, &lst) == 0 && S_ISLNK(lst.st_mode)) target = real;
        std::free(real);
    }
    const char* fname = target.c_str();
    TempFile tmp;
    std::string pattern = target + ".tmp.XXXXXX";
    const int fd = ::mkstemp(pattern.data());
    FAISS_REQUIRE(fd >= 0, io_error, "could not create a temporary file next to %s: %s", fname,
                  std::strerror(errno));
    tmp.path = pattern;
    const mode_t mode = ::stat(fname, &st) == 0 ? (st.st_mode & 07777) : new_file_mode();
    ::fchmod(fd, mode);
    tmp.f = ::fdopen(fd, "wb");
    if (!tmp.f) {
        ::close(fd);
        FAISS_THROW_CODE(io_error, "could not open %s: %s", tmp.path.c_str(), std::strerror(errno));
    }
    {
        FileIOWriter writer(tmp.f);
        writer.name = target;
        write(&writer);
    }
    FAISS_REQUIRE(std::fflush(tmp.f) == 0 && ::fsync(fileno(tmp.f)) == 0, io_error,
                  "could not flush %s to disk: %s", tmp.path.c_str(), std::strerror(errno));
    const int closed = std::fclose(tmp.f);
    tmp.f = nullptr;
    FAISS_REQUIRE(closed == 0, io_error, "could not close %s: %s", tmp.path.c_str(),
                  std::strerror(errno));
    FAISS_REQUIRE(::rename(tmp.path.c_str(), fname) == 0, io_error, "could not rename %s to %s: %s",
                  tmp.path.c_str(), fname, std::strerror(errno));
    tmp.committed = true;
    sync_dir(parent_dir(target));
}

}  // namespace io

void write_index(const Index* index, IOWriter* writer, int io_flags) {
    FAISS_REQUIRE(writer, invalid_argument, "write_index: the writer is null");
    io::WriteStream out(writer, io_flags);
    io::write_index_record(index, out);
}

void write_index(const Index* index, FILE* f, int io_flags) {
    FAISS_REQUIRE(f, invalid_argument, "write_index: the FILE* is null");
    FileIOWriter writer(f);
    write_index(index, &writer, io_flags);
}

void write_index(const Index* index, const char* fname, int io_flags) {
    FAISS_REQUIRE(fname, invalid_argument, "write_index: the file name is null");
    // Refuse an unsupported type before touching the file system.
    FAISS_REQUIRE(!index || io::has_index_writer(*index), unsupported,
                  "don't know how to serialize this type of index");
    io::save_file_atomically(fname, [&](IOWriter* w) { write_index(index, w, io_flags); });
}

Index* read_index(IOReader* reader, int io_flags) {
    FAISS_REQUIRE(reader, invalid_argument, "read_index: the reader is null");
    io::ReadStream in(reader, io_flags);
    return io::read_index_record(in).release();
}

Index* read_index(FILE* f, int io_flags) {
    FAISS_REQUIRE(f, invalid_argument, "read_index: the FILE* is null");
    FileIOReader reader(f);
    return read_index(&reader, io_flags);
}

Index* read_index(const char* fname, int io_flags) {
    FAISS_REQUIRE(fname, invalid_argument, "read_index: the file name is null");
    FileIOReader reader(fname);
    return read_index(&reader, io_flags);
}

Index* clone_index(const Index* index) {
    FAISS_REQUIRE(index, invalid_argument, "clone_index: the index is null");
    VectorIOWriter writer;
    write_index(index, &writer);
    BufferIOReader reader(writer.data.data(), writer.data.size());
    std::unique_ptr<Index> copy(read_index(&reader));
    // Settings a file does not keep but a copy should.
    copy->verbose = index->verbose;
    const auto* ivf = dynamic_cast<const IndexIVF*>(index);
    if (auto* ivf_copy = dynamic_cast<IndexIVF*>(copy.get()); ivf && ivf_copy) {
        ivf_copy->max_codes = ivf->max_codes;
        ivf_copy->parallel_mode = ivf->parallel_mode;
        ivf_copy->quantizer_trains_alone = ivf->quantizer_trains_alone;
        ivf_copy->cp = ivf->cp;
    }
    return copy.release();
}

}  // namespace faiss
