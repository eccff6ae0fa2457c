// Write-log segments: encoding, checksums, writes and fsyncs, torn-tail detection.
#include "write_log.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace faiss_serve {

namespace {

const uint32_t kMagic = 0x31525346;  // "FSR1"
const size_t kHeader = 12;
// A larger length can only be garbage (requests are far smaller than this).
const uint64_t kMaxPayload = uint64_t(1) << 32;

std::string errno_text() {
    return std::strerror(errno);
}

template <typename T>
void put(std::string& s, T v) {
    s.append(reinterpret_cast<const char*>(&v), sizeof(T));
}

template <typename T>
bool get(const char*& p, const char* end, T& v) {
    if (size_t(end - p) < sizeof(T)) return false;
    std::memcpy(&v, p, sizeof(T));
    p += sizeof(T);
    return true;
}

std::string encode(const LogRecord& r) {
    std::string payload;
    put<uint64_t>(payload, r.seq);
    put<uint8_t>(payload, uint8_t(r.op));
    put<uint32_t>(payload, r.d);
    put<uint64_t>(payload, r.ids.size());
    payload.append(reinterpret_cast<const char*>(r.ids.data()), r.ids.size() * 8);
    payload.append(reinterpret_cast<const char*>(r.x.data()), r.x.size() * 4);
    std::string out;
    put<uint32_t>(out, kMagic);
    put<uint32_t>(out, uint32_t(payload.size()));
    put<uint32_t>(out, crc32(payload.data(), payload.size()));
    return out + payload;
}

bool decode(const char* p, const char* end, LogRecord& r) {
    uint8_t op = 0;
    uint64_t n = 0;
    if (!get(p, end, r.seq) || !get(p, end, op) || !get(p, end, r.d) || !get(p, end, n)) {
        return false;
    }
    if (op != uint8_t(LogOp::add) && op != uint8_t(LogOp::remove)) return false;
    r.op = LogOp(op);
    const uint64_t avail = uint64_t(end - p);
    if (n > avail / 8) return false;
    if (r.op == LogOp::add && r.d != 0 && n > avail / 4 / r.d) return false;
    const uint64_t nx = r.op == LogOp::add ? n * r.d : 0;
    if (avail != n * 8 + nx * 4) return false;
    r.ids.resize(n);
    std::memcpy(r.ids.data(), p, n * 8);
    r.x.resize(nx);
    std::memcpy(r.x.data(), p + n * 8, nx * 4);
    return true;
}

std::string read_file(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw std::runtime_error(path + ": cannot open: " + errno_text());
    std::string s;
    char buf[1 << 16];
    size_t got;
    while ((got = std::fread(buf, 1, sizeof(buf), f)) > 0)
        s.append(buf, got);
    const bool failed = std::ferror(f);
    std::fclose(f);
    if (failed) throw std::runtime_error(path + ": read error");
    return s;
}

bool parse_name(const char* name, const char* prefix, const char* suffix, uint64_t& seq) {
    const size_t lp = std::strlen(prefix), ls = std::strlen(suffix), ln = std::strlen(name);
    if (ln != lp + 20 + ls || std::strncmp(name, prefix, lp) ||
        std::strcmp(name + lp + 20, suffix)) {
        return false;
    }
    seq = 0;
    for (size_t i = lp; i < lp + 20; i++) {
        if (name[i] < '0' || name[i] > '9') return false;
        seq = seq * 10 + uint64_t(name[i] - '0');
    }
    return true;
}

std::string numbered(const std::string& dir, const char* prefix, uint64_t seq, const char* suffix) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%s%020llu%s", prefix, (unsigned long long)seq, suffix);
    return dir + "/" + buf;
}

}  // namespace

uint32_t crc32(const void* data, size_t n) {
    static const auto table = [] {
        std::vector<uint32_t> t(256);
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    uint32_t c = 0xFFFFFFFFu;
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; i++)
        c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

std::vector<LogRecord> read_log_segment(const std::string& path, size_t* torn_bytes) {
    const std::string data = read_file(path);
    std::vector<LogRecord> records;
    const char* p = data.data();
    const char* end = p + data.size();
    while (p < end) {
        const char* q = p;
        uint32_t magic = 0, len = 0, crc = 0;
        if (!get(q, end, magic) || !get(q, end, len) || !get(q, end, crc)) break;
        if (magic != kMagic || len > kMaxPayload || uint64_t(end - q) < len) break;
        if (crc32(q, len) != crc) break;
        LogRecord r;
        if (!decode(q, q + len, r)) break;
        records.push_back(std::move(r));
        p = q + len;
    }
    if (torn_bytes) *torn_bytes = size_t(end - p);
    return records;
}

LogSegment::LogSegment(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error(path + ": cannot create log segment: " + errno_text());
    const size_t slash = path.rfind('/');
    sync_dir(slash == std::string::npos ? "." : path.substr(0, slash));
}

LogSegment::~LogSegment() {
    if (fd_ >= 0) ::close(fd_);
}

void LogSegment::write(const LogRecord& r) {
    if (broken_) throw std::runtime_error(path_ + ": log segment unusable after a failed write");
    const std::string bytes = encode(r);
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t w = ::write(fd_, bytes.data() + done, bytes.size() - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        done += size_t(w);
    }
    if (done == bytes.size()) {
        size_ += bytes.size();
        return;
    }
    const std::string why = errno_text();
    if (::ftruncate(fd_, off_t(size_)) != 0 || ::lseek(fd_, off_t(size_), SEEK_SET) < 0) {
        broken_ = true;
    }
    throw std::runtime_error(path_ + ": cannot write the log: " + why);
}

void LogSegment::sync() {
    if (broken_) throw std::runtime_error(path_ + ": log segment unusable after a failed write");
    if (::fdatasync(fd_) != 0) {
        broken_ = true;
        throw std::runtime_error(path_ + ": cannot fsync the log: " + errno_text());
    }
}

std::string segment_path(const std::string& dir, uint64_t first_seq) {
    return numbered(dir, "log-", first_seq, ".wal");
}

std::string checkpoint_path(const std::string& dir, uint64_t seq) {
    return numbered(dir, "ckpt-", seq, ".index");
}

DataFiles list_data_files(const std::string& dir) {
    DataFiles files;
    DIR* d = ::opendir(dir.c_str());
    if (!d) throw std::runtime_error(dir + ": cannot list: " + errno_text());
    while (const dirent* e = ::readdir(d)) {
        uint64_t seq;
        if (parse_name(e->d_name, "log-", ".wal", seq)) {
            files.segments.emplace_back(seq, dir + "/" + e->d_name);
        } else if (parse_name(e->d_name, "ckpt-", ".index", seq)) {
            files.checkpoints.emplace_back(seq, dir + "/" + e->d_name);
        }
    }
    ::closedir(d);
    std::sort(files.segments.begin(), files.segments.end());
    std::sort(files.checkpoints.begin(), files.checkpoints.end());
    return files;
}

void sync_dir(const std::string& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error(dir + ": cannot open folder: " + errno_text());
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0 && errno != EINVAL)
        throw std::runtime_error(dir + ": fsync failed: " + errno_text());
}

}  // namespace faiss_serve
