#include <faiss/io/internal/stream.h>

#include <faiss/index_io.h>
#include <faiss/io/MappedInvertedLists.h>

#include <algorithm>

namespace faiss::io {

ReadStream::ReadStream(IOReader* reader, int io_flags)
    : reader_(reader), io_flags_(io_flags), remaining_(reader->remaining_bytes()) {}

void ReadStream::enter() {
    FAISS_REQUIRE(depth_ < kMaxNesting, corrupt_data,
                  "index records nested deeper than %d levels at byte offset %llu", kMaxNesting,
                  (unsigned long long)offset_);
    depth_++;
}

void ReadStream::read_bytes(void* p, size_t n, const char* field) {
    last_field_ = field;
    last_offset_ = offset_;
    if (n == 0) return;
    if (remaining_ >= 0 && uint64_t(remaining_) < n) {
        fail(internal::format_message("unexpected end of data (needs %zu bytes, %lld left)", n,
                                      (long long)remaining_));
    }
    const size_t got = (*reader_)(p, 1, n);
    if (got != n) {
        // A short read of a medium that claimed more bytes is a failure of the medium.
        FAISS_REQUIRE(remaining_ < 0, io_error,
                      "read error in %s: field '%s' at byte offset %llu: got %zu of %zu bytes",
                      reader_->name.c_str(), field, (unsigned long long)offset_, got, n);
        fail(internal::format_message("unexpected end of data (needs %zu bytes, got %zu)", n, got));
    }
    offset_ += n;
    if (remaining_ >= 0) remaining_ -= int64_t(n);
}

bool ReadStream::read_bool(const char* field) {
    const uint8_t b = read<uint8_t>(field);
    FAISS_IO_CHECK(*this, b <= 1, "invalid bool encoding %u (must be 0 or 1)", unsigned(b));
    return b != 0;
}

void ReadStream::check_array(uint64_t count, size_t elem_size, const char* field) {
    if (elem_size == 0) return;
    if (count > kMaxArrayBytes / elem_size) {
        fail_at(last_offset_, field,
                internal::format_message("array of %llu elements of %zu bytes exceeds the "
                                         "limit of %llu bytes",
                                         (unsigned long long)count, elem_size,
                                         (unsigned long long)kMaxArrayBytes));
    }
    if (remaining_ >= 0 && count * elem_size > uint64_t(remaining_)) {
        fail_at(
            last_offset_, field,
            internal::format_message("array of %llu elements of %zu bytes does not fit in "
                                     "the %lld bytes left",
                                     (unsigned long long)count, elem_size, (long long)remaining_));
    }
}

uint64_t ReadStream::read_count(size_t elem_size, const char* field) {
    const uint64_t count = read<uint64_t>(field);
    check_array(count, elem_size, field);
    return count;
}

void ReadStream::fail_at(uint64_t at, const char* field, const std::string& what) const {
    FAISS_THROW_CODE(corrupt_data, "corrupt index data in %s: field '%s' at byte offset %llu: %s",
                     reader_->name.c_str(), field, (unsigned long long)at, what.c_str());
}

void ReadStream::fail(const std::string& what) const {
    fail_at(last_offset_, last_field_, what);
}

void ReadStream::unsupported(const std::string& what) const {
    FAISS_THROW_CODE(unsupported, "cannot load %s: field '%s' at byte offset %llu: %s",
                     reader_->name.c_str(), last_field_, (unsigned long long)last_offset_,
                     what.c_str());
}

bool ReadStream::mmap_requested() const {
    return (io_flags_ & IO_FLAG_MMAP) == IO_FLAG_MMAP || (io_flags_ & IO_FLAG_MMAP_IFC) != 0;
}

bool ReadStream::read_only_mapping() const {
    return (io_flags_ & IO_FLAG_READ_ONLY) != 0;
}

const uint8_t* ReadStream::mapped_data(const MappedFile& file) {
    return file.data;
}

std::string ReadStream::mapped_origin(const char* field) const {
    return std::string(field) + " mapped from " + reader_->name;
}

std::shared_ptr<const MappedFile> ReadStream::map_bytes(uint64_t n, const char* field,
                                                        uint64_t& file_offset) {
    last_field_ = field;
    last_offset_ = offset_;
    auto* file = dynamic_cast<FileIOReader*>(reader_);
    FAISS_REQUIRE(file && remaining_ >= 0, invalid_argument,
                  "IO_FLAG_MMAP / IO_FLAG_MMAP_IFC map a regular file: read the index from a "
                  "file name or a FILE*, not from %s",
                  reader_->name.c_str());
    if (uint64_t(remaining_) < n) {
        fail(internal::format_message("unexpected end of data (needs %llu bytes, %lld left)",
                                      (unsigned long long)n, (long long)remaining_));
    }
    const long pos = std::ftell(file->f);
    FAISS_REQUIRE(pos >= 0 && std::fseek(file->f, long(n), SEEK_CUR) == 0, io_error,
                  "IO_FLAG_MMAP: cannot seek in %s", reader_->name.c_str());
    if (!mapping_) mapping_ = std::make_shared<const MappedFile>(fileno(file->f));
    FAISS_REQUIRE(uint64_t(pos) + n <= mapping_->size, io_error,
                  "IO_FLAG_MMAP: %s changed size while being read", reader_->name.c_str());
    file_offset = uint64_t(pos);
    offset_ += n;
    remaining_ -= int64_t(n);
    return mapping_;
}

WriteStream::WriteStream(IOWriter* writer, int io_flags) : writer_(writer), io_flags_(io_flags) {}

void WriteStream::write_bytes(const void* p, size_t n) {
    if (n == 0) return;
    const size_t put = (*writer_)(p, 1, n);
    FAISS_REQUIRE(put == n, io_error, "write error in %s: wrote %zu of %zu bytes",
                  writer_->name.c_str(), put, n);
}

uint64_t checked_mul(const ReadStream& in, uint64_t a, uint64_t b) {
    if (a != 0 && b > UINT64_MAX / a) {
        in.fail(internal::format_message("size %llu x %llu overflows", (unsigned long long)a,
                                         (unsigned long long)b));
    }
    return a * b;
}

}  // namespace faiss::io
