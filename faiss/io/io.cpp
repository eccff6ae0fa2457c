#include <faiss/io/io.h>

#include <faiss/internal/checks.h>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace faiss {

int IOReader::filedescriptor() {
    return -1;
}

int64_t IOReader::remaining_bytes() {
    return -1;
}

int IOWriter::filedescriptor() {
    return -1;
}

namespace {

// Items of `size` bytes that fit in `avail` bytes, at most nitems.
size_t whole_items(size_t size, size_t nitems, size_t avail) {
    if (size == 0) return nitems;
    return std::min(nitems, avail / size);
}

}  // namespace

VectorIOReader::VectorIOReader() {
    name = "<buffer>";
}

size_t VectorIOReader::operator()(void* ptr, size_t size, size_t nitems) {
    const size_t avail = rp <= data.size() ? data.size() - rp : 0;
    const size_t n = whole_items(size, nitems, avail);
    if (n > 0 && size > 0) {
        std::memcpy(ptr, data.data() + rp, n * size);
        rp += n * size;
    }
    return n;
}

int64_t VectorIOReader::remaining_bytes() {
    return rp <= data.size() ? int64_t(data.size() - rp) : 0;
}

VectorIOWriter::VectorIOWriter() {
    name = "<buffer>";
}

size_t VectorIOWriter::operator()(const void* ptr, size_t size, size_t nitems) {
    if (size == 0 || nitems == 0) return nitems;
    FAISS_REQUIRE(nitems <= SIZE_MAX / size, invalid_argument,
                  "VectorIOWriter: %zu items of %zu bytes overflow", nitems, size);
    const uint8_t* p = static_cast<const uint8_t*>(ptr);
    data.insert(data.end(), p, p + size * nitems);
    return nitems;
}

BufferIOReader::BufferIOReader(const uint8_t* data, size_t size) : data(data), size(size) {
    FAISS_REQUIRE(data || size == 0, invalid_argument, "BufferIOReader: null buffer of %zu bytes",
                  size);
    name = "<buffer>";
}

size_t BufferIOReader::operator()(void* ptr, size_t item_size, size_t nitems) {
    const size_t avail = rp <= size ? size - rp : 0;
    const size_t n = whole_items(item_size, nitems, avail);
    if (n > 0 && item_size > 0) {
        std::memcpy(ptr, data + rp, n * item_size);
        rp += n * item_size;
    }
    return n;
}

int64_t BufferIOReader::remaining_bytes() {
    return rp <= size ? int64_t(size - rp) : 0;
}

FileIOReader::FileIOReader(FILE* f) : f(f) {
    FAISS_REQUIRE(f, invalid_argument, "FileIOReader: the FILE* is null");
    name = "<FILE*>";
}

FileIOReader::FileIOReader(const char* fname) {
    FAISS_REQUIRE(fname, invalid_argument, "FileIOReader: the file name is null");
    f = std::fopen(fname, "rb");
    FAISS_REQUIRE(f, io_error, "could not open %s for reading: %s", fname, std::strerror(errno));
    need_close = true;
    name = fname;
}

FileIOReader::~FileIOReader() {
    if (need_close && f) std::fclose(f);
}

size_t FileIOReader::operator()(void* ptr, size_t size, size_t nitems) {
    return std::fread(ptr, size, nitems, f);
}

int FileIOReader::filedescriptor() {
    return fileno(f);
}

int64_t FileIOReader::remaining_bytes() {
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) return -1;
    const long pos = std::ftell(f);
    if (pos < 0 || int64_t(pos) > int64_t(st.st_size)) return -1;
    return int64_t(st.st_size) - int64_t(pos);
}

FileIOWriter::FileIOWriter(FILE* f) : f(f) {
    FAISS_REQUIRE(f, invalid_argument, "FileIOWriter: the FILE* is null");
    name = "<FILE*>";
}

FileIOWriter::FileIOWriter(const char* fname) {
    FAISS_REQUIRE(fname, invalid_argument, "FileIOWriter: the file name is null");
    f = std::fopen(fname, "wb");
    FAISS_REQUIRE(f, io_error, "could not open %s for writing: %s", fname, std::strerror(errno));
    need_close = true;
    name = fname;
}

FileIOWriter::~FileIOWriter() {
    if (need_close && f) std::fclose(f);
}

size_t FileIOWriter::operator()(const void* ptr, size_t size, size_t nitems) {
    return std::fwrite(ptr, size, nitems, f);
}

int FileIOWriter::filedescriptor() {
    return fileno(f);
}

uint32_t fourcc(const char* s) {
    FAISS_REQUIRE(s && std::strlen(s) == 4, invalid_argument,
                  "fourcc: a tag has exactly 4 characters, got \"%s\"", s ? s : "(null)");
    const auto* u = reinterpret_cast<const unsigned char*>(s);
    return uint32_t(u[0]) | uint32_t(u[1]) << 8 | uint32_t(u[2]) << 16 | uint32_t(u[3]) << 24;
}

uint32_t fourcc(const std::string& s) {
    return fourcc(s.c_str());
}

std::string fourcc_inv(uint32_t x) {
    std::string s(4, '?');
    for (int i = 0; i < 4; i++) {
        const unsigned char c = (x >> (8 * i)) & 0xff;
        if (c >= 32 && c < 127) s[i] = char(c);
    }
    return s;
}

std::string fourcc_inv_printable(uint32_t x) {
    bool printable = true;
    for (int i = 0; i < 4; i++) {
        const unsigned char c = (x >> (8 * i)) & 0xff;
        printable = printable && c >= 32 && c < 127;
    }
    if (printable) return fourcc_inv(x);
    char buf[40];
    std::snprintf(buf, sizeof(buf), "0x%08x (\"%s\")", x, fourcc_inv(x).c_str());
    return buf;
}

}  // namespace faiss
