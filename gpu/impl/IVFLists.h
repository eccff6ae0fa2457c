#pragma once

// Device storage of the inverted lists of a GPU IVF index: per list one device array of
// codes (size x code_size bytes, the CPU index's layout) and one of ids (int64), grown
// by reallocation (1.5x, kept on failure), with a host mirror of the ids (for
// remove_ids, reconstruct and copies) and, for the scan, device tables of the lists'
// code pointers, id pointers and lengths, refreshed lazily after a change.
//
// Callers hold the device lock and have made the device current; all work is queued on
// the given stream. Private.

#include <faiss/Index.h>
#include <faiss/gpu/GpuResources.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace faiss::gpu::detail {

class IVFLists {
  public:
    IVFLists(GpuResources* res, int device, size_t nlist, size_t code_size, MemorySpace space);
    ~IVFLists();
    IVFLists(const IVFLists&) = delete;
    IVFLists& operator=(const IVFLists&) = delete;

    size_t nlist() const { return lists_.size(); }
    size_t code_size() const { return code_size_; }
    size_t length(size_t list) const { return lists_[list].size; }
    /// Ids of a list (host mirror, length(list) entries).
    const std::vector<idx_t>& ids(size_t list) const { return lists_[list].host_ids; }

    /// Make room for n entries in list (no-op when there is).
    /// @throws FaissException (out_of_memory); the list is kept.
    void reserve(size_t list, size_t n, cudaStream_t stream);

    /// Append n entries (codes: host, n x code_size; ids: host, n) to list.
    void append(size_t list, size_t n, const uint8_t* codes, const idx_t* ids, cudaStream_t stream);

    /// Append n entries from device memory (codes_dev: n x code_size, ids_dev: n) whose
    /// ids are also given on the host (ids_host, for the mirror). Queued on stream
    /// without waiting: the sources must stay valid until the stream reaches the copies.
    void append_from_device(size_t list, size_t n, const uint8_t* codes_dev, const int64_t* ids_dev,
                            const idx_t* ids_host, cudaStream_t stream);

    /// Codes of entries [offset, offset + n) of list into out (host). Waits.
    void read_codes(size_t list, size_t offset, size_t n, uint8_t* out, cudaStream_t stream) const;

    /// Replace the whole content of list by n entries (host codes and ids).
    void assign(size_t list, size_t n, const uint8_t* codes, const idx_t* ids, cudaStream_t stream);

    /// Drop every entry and free the memory.
    void reset();

    /// Device tables of the scan: nlist code pointers, id pointers and lengths.
    struct DeviceTables {
        const void* const* codes = nullptr;
        const int64_t* const* ids = nullptr;
        const int* lengths = nullptr;
    };
    /// The tables, uploaded first if a list changed since the last call.
    DeviceTables tables(cudaStream_t stream);

  private:
    struct List {
        void* codes = nullptr;
        int64_t* ids = nullptr;
        size_t size = 0;
        size_t capacity = 0;
        std::vector<idx_t> host_ids;
    };

    void* alloc(size_t bytes, cudaStream_t stream);

    GpuResources* res_;
    int device_;
    size_t code_size_;
    MemorySpace space_;
    std::vector<List> lists_;
    bool dirty_ = true;
    void* table_codes_ = nullptr;
    void* table_ids_ = nullptr;
    void* table_lengths_ = nullptr;
};

}  // namespace faiss::gpu::detail
