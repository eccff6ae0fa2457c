#pragma once

// Inverted lists read in place from a memory-mapped index file: what read_index gives an
// IVF index loaded with IO_FLAG_MMAP (or IO_FLAG_MMAP_IFC). The codes of every list stay
// in the file's "ilar" data block and are paged in by the OS when a search touches them,
// so opening a large index reads and allocates little. The ids of a list (8 bytes per
// vector) are copied into memory the first time the list's ids are asked for: the format
// does not align them, and C++ code may only read an int64 at an 8-byte aligned
// address; copying them lazily keeps the load from touching every list.
//
// Modification (add, update, remove, reset, merge): with read_only (the index was read
// with IO_FLAG_READ_ONLY) it throws FaissException (unsupported); otherwise the first
// modification copies every list into memory (copy-on-write) and the lists then behave
// as ArrayInvertedLists. clone_index() always gives an in-memory copy.
// The mapping lives as long as the lists. Saving over the file with write_index is safe
// (it replaces the file by rename; the mapping keeps the old content); truncating the
// file in place while it is mapped is not (the OS then kills the process on access).
//
// Thread safety: all const methods may run concurrently; the first modification needs
// exclusive access, as every modification does.

#include <faiss/invlists/InvertedLists.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace faiss {

/// A read-only memory mapping of a whole file; unmapped when the last owner goes.
struct MappedFile {
    const uint8_t* data = nullptr;
    size_t size = 0;

    /// Maps the regular file open on fd (not closed, not retained).
    /// @throws FaissException (io_error) if the file cannot be mapped.
    explicit MappedFile(int fd);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
};

struct MappedInvertedLists : InvertedLists {
    /// Null once the lists were copied into memory.
    std::shared_ptr<const MappedFile> file;
    std::vector<size_t> sizes;         ///< entries of each list
    std::vector<size_t> list_offsets;  ///< byte offset in file of each list's codes
    std::vector<size_t> id_starts;     ///< list i's ids start at ids[id_starts[i]]
    /// True: modifications throw. False: the first one copies the lists into memory.
    bool read_only = true;
    /// The lists copied into memory by the first modification (null before it).
    std::unique_ptr<ArrayInvertedLists> in_memory;

    /// List i holds sizes[i] entries: its codes at file->data + list_offsets[i], its ids
    /// right after (copied into memory on first use). @throws FaissException (invalid_argument) if
    /// a list falls outside the mapping or the vectors do not have nlist entries.
    MappedInvertedLists(size_t nlist, size_t code_size, std::shared_ptr<const MappedFile> file,
                        std::vector<size_t> sizes, std::vector<size_t> list_offsets);

    size_t list_size(size_t list_no) const override;
    const uint8_t* get_codes(size_t list_no) const override;
    const idx_t* get_ids(size_t list_no) const override;

    /// With read_only these throw FaissException (unsupported); otherwise they modify
    /// the in-memory copy, made first if needed.
    size_t add_entries(size_t list_no, size_t n_entry, const idx_t* ids,
                       const uint8_t* code) override;
    void update_entries(size_t list_no, size_t offset, size_t n_entry, const idx_t* ids,
                        const uint8_t* code) override;
    void resize(size_t list_no, size_t new_size) override;

  private:
    ArrayInvertedLists& writable();
    // The ids of every list, list after list, each list copied from the file on first
    // use (under its once flag, so concurrent searches may ask for the same list).
    std::unique_ptr<idx_t[]> ids_;
    std::unique_ptr<std::once_flag[]> ids_copied_;
};

}  // namespace faiss
