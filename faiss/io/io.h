#pragma once

// Byte streams for reading and writing index files, with the Faiss class names
// (IOReader / IOWriter, VectorIOReader / VectorIOWriter, FileIOReader / FileIOWriter), so
// code that serializes to a custom medium through Faiss's interfaces keeps working.
//
// The index file format itself (FAISS_FORMAT.md) is handled by faiss/index_io.h; these
// classes only move bytes.
//
// Thread safety: a reader or writer object is used by one thread at a time.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace faiss {

/// A source of bytes. operator() reads up to size * nitems bytes into ptr and returns
/// the number of complete items read (fewer only at the end of the data or on error).
struct IOReader {
    /// Name of the medium for error messages (a file name, "<buffer>" ...).
    std::string name;

    virtual size_t operator()(void* ptr, size_t size, size_t nitems) = 0;

    /// File descriptor of the medium, or -1 when it is not a file.
    virtual int filedescriptor();

    /// Bytes left to read, or -1 when the medium cannot tell (a pipe, a callback). The
    /// reader uses it to reject impossible sizes before allocating anything.
    virtual int64_t remaining_bytes();

    virtual ~IOReader() = default;
};

/// A sink of bytes. operator() writes size * nitems bytes from ptr and returns the
/// number of complete items written (fewer means failure).
struct IOWriter {
    std::string name;

    virtual size_t operator()(const void* ptr, size_t size, size_t nitems) = 0;

    /// File descriptor of the medium, or -1 when it is not a file.
    virtual int filedescriptor();

    virtual ~IOWriter() = default;
};

/// Reads from an owned byte vector: fill data, then read from position rp.
struct VectorIOReader : IOReader {
    std::vector<uint8_t> data;
    size_t rp = 0;  ///< read position in data

    VectorIOReader();
    size_t operator()(void* ptr, size_t size, size_t nitems) override;
    int64_t remaining_bytes() override;
};

/// Appends to an owned byte vector (serialize_index reads the bytes from data).
struct VectorIOWriter : IOWriter {
    std::vector<uint8_t> data;

    VectorIOWriter();
    size_t operator()(const void* ptr, size_t size, size_t nitems) override;
};

/// Reads from caller-owned memory [data, data + size) without copying it; the memory must
/// stay valid and unchanged while the reader is used.
struct BufferIOReader : IOReader {
    const uint8_t* data = nullptr;
    size_t size = 0;
    size_t rp = 0;  ///< read position

    /// @throws FaissException (invalid_argument) if data is null and size > 0.
    BufferIOReader(const uint8_t* data, size_t size);
    size_t operator()(void* ptr, size_t size, size_t nitems) override;
    int64_t remaining_bytes() override;
};

/// Reads from a FILE*: borrowed (left open) or opened from a file name (closed by the
/// destructor).
struct FileIOReader : IOReader {
    FILE* f = nullptr;
    bool need_close = false;

    /// @throws FaissException (invalid_argument) if f is null.
    explicit FileIOReader(FILE* f);
    /// @throws FaissException (io_error) if the file cannot be opened.
    explicit FileIOReader(const char* fname);
    ~FileIOReader() override;
    FileIOReader(const FileIOReader&) = delete;
    FileIOReader& operator=(const FileIOReader&) = delete;

    size_t operator()(void* ptr, size_t size, size_t nitems) override;
    int filedescriptor() override;
    /// For regular files: file size minus the current position; -1 otherwise.
    int64_t remaining_bytes() override;
};

/// Writes to a FILE*: borrowed (left open) or created from a file name (closed by the
/// destructor). Saving an index by file name goes through write_index(index, fname),
/// which adds the temporary file / fsync / rename steps; this class writes in place.
struct FileIOWriter : IOWriter {
    FILE* f = nullptr;
    bool need_close = false;

    /// @throws FaissException (invalid_argument) if f is null.
    explicit FileIOWriter(FILE* f);
    /// @throws FaissException (io_error) if the file cannot be created.
    explicit FileIOWriter(const char* fname);
    ~FileIOWriter() override;
    FileIOWriter(const FileIOWriter&) = delete;
    FileIOWriter& operator=(const FileIOWriter&) = delete;

    size_t operator()(const void* ptr, size_t size, size_t nitems) override;
    int filedescriptor() override;
};

/// The 32-bit tag of a 4-character string (character 0 in the lowest byte), as stored
/// in index files. @throws FaissException (invalid_argument) unless s has 4 characters.
uint32_t fourcc(const char* s);
uint32_t fourcc(const std::string& s);

/// The 4 characters of a tag; non-printable bytes are shown as '?'.
std::string fourcc_inv(uint32_t x);

/// The tag as printable text, e.g. "IxF2" or "0x00ff1234 (\"?..4\")" when it is not.
std::string fourcc_inv_printable(uint32_t x);

}  // namespace faiss
