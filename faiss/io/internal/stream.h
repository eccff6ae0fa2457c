#pragma once

// Checked sequential reading and writing of the index file format (FAISS_FORMAT.md §1):
// little-endian scalars, bool as one byte 0/1, fourcc tags, vectors as a uint64 element
// count followed by the raw elements. Private to the serializers: never installed.
//
// ReadStream is the hardening point. Every read names its field; the stream tracks the
// byte offset and the bytes left (when the medium can tell), and every array length is
// checked against those bytes and a global limit before any allocation. When the medium
// cannot tell its size, arrays grow chunk by chunk as the bytes actually arrive, so a
// lying count never allocates more than about twice what was really read. Failures
// throw FaissException: corrupt_data for impossible or truncated content, io_error
// when the medium fails, each message naming the field and its byte offset.

#include <faiss/io/io.h>

#include <faiss/impl/maybe_owned_vector.h>
#include <faiss/internal/checks.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace faiss {
struct MappedFile;
}

namespace faiss::io {

/// Largest array (in bytes) a file may declare, as Faiss's default deserialization limit.
constexpr uint64_t kMaxArrayBytes = uint64_t(1) << 40;

/// Deepest nesting of index records (an IVF's quantizer is one level down ...).
constexpr int kMaxNesting = 50;

/// The tag of a 4-character literal, at compile time.
constexpr uint32_t tag(const char (&s)[5]) {
    return uint32_t(uint8_t(s[0])) | uint32_t(uint8_t(s[1])) << 8 | uint32_t(uint8_t(s[2])) << 16 |
           uint32_t(uint8_t(s[3])) << 24;
}

class ReadStream {
  public:
    ReadStream(IOReader* reader, int io_flags);

    int io_flags() const { return io_flags_; }
    void set_io_flags(int io_flags) { io_flags_ = io_flags; }
    /// Bytes consumed since the stream was made.
    uint64_t offset() const { return offset_; }
    /// Bytes left, or -1 if unknown.
    int64_t remaining() const { return remaining_; }

    /// Nesting depth of index records being read; enter() throws past kMaxNesting.
    void enter();
    void leave() { depth_--; }

    /// n raw bytes into p; throws on a short read.
    void read_bytes(void* p, size_t n, const char* field);

    template <class T>
    T read(const char* field) {
        static_assert(std::is_trivially_copyable_v<T>);
        T v;
        read_bytes(&v, sizeof(T), field);
        return v;
    }

    /// One byte that must be 0 or 1.
    bool read_bool(const char* field);
    uint32_t read_tag(const char* field) { return read<uint32_t>(field); }

    /// A uint64 element count, checked: count * elem_size fits the limit and, when known,
    /// the bytes left.
    uint64_t read_count(size_t elem_size, const char* field);

    /// count elements into v (resized), reading in chunks when the size of the medium is
    /// unknown. count must already be checked with check_array.
    template <class T>
    void read_array(std::vector<T>& v, uint64_t count, const char* field) {
        static_assert(std::is_trivially_copyable_v<T>);
        check_array(count, sizeof(T), field);
        if (remaining_ >= 0 || count * sizeof(T) <= kChunkBytes) {
            v.resize(size_t(count));
            read_bytes(v.data(), size_t(count) * sizeof(T), field);
            return;
        }
        v.clear();
        const size_t per_chunk = kChunkBytes / sizeof(T);
        while (v.size() < count) {
            const size_t done = v.size();
            const size_t step = size_t(std::min<uint64_t>(per_chunk, count - done));
            v.resize(done + step);
            read_bytes(v.data() + done, step * sizeof(T), field);
        }
    }

    /// A VEC<T> record: count, then the elements.
    template <class T>
    void read_vector(std::vector<T>& v, const char* field) {
        const uint64_t count = read_count(sizeof(T), field);
        read_array(v, count, field);
    }

    /// True when the io_flags ask for memory mapping (IO_FLAG_MMAP or IO_FLAG_MMAP_IFC).
    bool mmap_requested() const;
    /// True when mapped data must stay read-only (IO_FLAG_READ_ONLY).
    bool read_only_mapping() const;

    /// count elements into v: read into memory, or, when mmap_requested(), a view of
    /// the file's own pages (read-only with IO_FLAG_READ_ONLY, copy-on-write otherwise;
    /// errors name the array as `field` and the file).
    template <class T>
    void read_array(MaybeOwnedVector<T>& v, uint64_t count, const char* field) {
        check_array(count, sizeof(T), field);
        if (mmap_requested()) {
            uint64_t at = 0;
            std::shared_ptr<const MappedFile> file = map_bytes(count * sizeof(T), field, at);
            v = MaybeOwnedVector<T>::create_view(
                reinterpret_cast<const T*>(mapped_data(*file) + at), size_t(count), file,
                read_only_mapping(), mapped_origin(field));
            return;
        }
        std::vector<T> tmp;
        read_array(tmp, count, field);
        v = MaybeOwnedVector<T>(std::move(tmp));
    }

    template <class T>
    void read_vector(MaybeOwnedVector<T>& v, const char* field) {
        const uint64_t count = read_count(sizeof(T), field);
        read_array(v, count, field);
    }

    /// Skip the next n bytes of a file reader instead of reading them, and return the
    /// mapping of the whole file (made once per stream) with, in file_offset, where those
    /// bytes start in it. @throws FaissException (invalid_argument) unless the medium is a
    /// regular file read through FileIOReader.
    std::shared_ptr<const MappedFile> map_bytes(uint64_t n, const char* field,
                                                uint64_t& file_offset);

    /// Throws unless count elements of elem_size bytes fit the limit and the bytes left.
    void check_array(uint64_t count, size_t elem_size, const char* field);

    /// Throw corrupt_data about `field` at byte offset `at`.
    [[noreturn]] void fail_at(uint64_t at, const char* field, const std::string& what) const;
    /// Throw corrupt_data about the field read last.
    [[noreturn]] void fail(const std::string& what) const;
    /// Throw unsupported about the field read last (valid Faiss data this build lacks).
    [[noreturn]] void unsupported(const std::string& what) const;

    /// Name and start offset of the field read last.
    const char* last_field() const { return last_field_; }
    uint64_t last_field_offset() const { return last_offset_; }

  private:
    static constexpr size_t kChunkBytes = size_t(1) << 20;

    static const uint8_t* mapped_data(const MappedFile& file);
    std::string mapped_origin(const char* field) const;

    IOReader* reader_;
    int io_flags_;
    uint64_t offset_ = 0;
    int64_t remaining_;
    int depth_ = 0;
    const char* last_field_ = "(start)";
    uint64_t last_offset_ = 0;
    std::shared_ptr<const MappedFile> mapping_;
};

/// Throw corrupt_data naming the field read last unless cond holds; the message is
/// formatted only on failure.
#define FAISS_IO_CHECK(in, cond, ...)                                           \
    do {                                                                        \
        if (!(cond)) (in).fail(::faiss::internal::format_message(__VA_ARGS__)); \
    } while (0)

/// RAII nesting level of a ReadStream.
class NestingGuard {
  public:
    explicit NestingGuard(ReadStream& in) : in_(in) { in_.enter(); }
    ~NestingGuard() { in_.leave(); }
    NestingGuard(const NestingGuard&) = delete;
    NestingGuard& operator=(const NestingGuard&) = delete;

  private:
    ReadStream& in_;
};

class WriteStream {
  public:
    WriteStream(IOWriter* writer, int io_flags);

    int io_flags() const { return io_flags_; }
    void set_io_flags(int io_flags) { io_flags_ = io_flags; }

    void write_bytes(const void* p, size_t n);

    template <class T>
    void write(const T& v) {
        static_assert(std::is_trivially_copyable_v<T>);
        write_bytes(&v, sizeof(T));
    }

    void write_bool(bool b) { write<uint8_t>(b ? 1 : 0); }
    void write_tag(uint32_t t) { write<uint32_t>(t); }

    /// A VEC<T> record: uint64 count, then the elements.
    template <class T>
    void write_vector(const T* data, size_t count) {
        static_assert(std::is_trivially_copyable_v<T>);
        write<uint64_t>(count);
        write_bytes(data, count * sizeof(T));
    }
    template <class T>
    void write_vector(const std::vector<T>& v) {
        write_vector(v.data(), v.size());
    }
    template <class T>
    void write_vector(const MaybeOwnedVector<T>& v) {
        write_vector(v.data(), v.size());
    }

  private:
    IOWriter* writer_;
    int io_flags_;
};

/// Create or replace the file fname with what write() writes, crash-safely: the bytes go
/// to a temporary file in the same folder, which is flushed, fsync'ed and renamed over
/// fname, so fname holds either its old content or the complete new one. The temporary
/// file is removed if write() throws.
void save_file_atomically(const char* fname, const std::function<void(IOWriter*)>& write);

/// Other io_flags for the records read or written while it lives (the IVF quantizer is
/// read and written without the flags, as Faiss does).
template <class Stream>
class FlagsOverride {
  public:
    FlagsOverride(Stream& s, int io_flags) : s_(s), saved_(s.io_flags()) {
        s_.set_io_flags(io_flags);
    }
    ~FlagsOverride() { s_.set_io_flags(saved_); }
    FlagsOverride(const FlagsOverride&) = delete;
    FlagsOverride& operator=(const FlagsOverride&) = delete;

  private:
    Stream& s_;
    int saved_;
};

/// a * b, or throw corrupt_data about the field read last when it overflows uint64.
uint64_t checked_mul(const ReadStream& in, uint64_t a, uint64_t b);

}  // namespace faiss::io
