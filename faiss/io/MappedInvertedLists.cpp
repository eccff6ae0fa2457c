#include <faiss/io/MappedInvertedLists.h>

#include <faiss/internal/checks.h>

#include <sys/mman.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace faiss {

MappedFile::MappedFile(int fd) {
    struct stat st;
    FAISS_REQUIRE(fstat(fd, &st) == 0 && S_ISREG(st.st_mode), io_error,
                  "IO_FLAG_MMAP: only regular files can be mapped");
    size = size_t(st.st_size);
    if (size == 0) return;
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    FAISS_REQUIRE(p != MAP_FAILED, io_error, "IO_FLAG_MMAP: mmap of %zu bytes failed: %s", size,
                  std::strerror(errno));
    data = static_cast<const uint8_t*>(p);
}

MappedFile::~MappedFile() {
    if (data) ::munmap(const_cast<uint8_t*>(data), size);
}

MappedInvertedLists::MappedInvertedLists(size_t nlist, size_t code_size,
                                         std::shared_ptr<const MappedFile> file_in,
                                         std::vector<size_t> sizes_in,
                                         std::vector<size_t> offsets_in)
    : InvertedLists(nlist, code_size),
      file(std::move(file_in)),
      sizes(std::move(sizes_in)),
      list_offsets(std::move(offsets_in)) {
    FAISS_REQUIRE(file, invalid_argument, "MappedInvertedLists: no mapping");
    FAISS_REQUIRE(sizes.size() == nlist && list_offsets.size() == nlist, invalid_argument,
                  "MappedInvertedLists: %zu sizes and %zu offsets for %zu lists", sizes.size(),
                  list_offsets.size(), nlist);
    for (size_t i = 0; i < nlist; i++) {
        const size_t bytes = sizes[i] * (code_size + sizeof(idx_t));
        FAISS_REQUIRE(sizes[i] <= file->size / (code_size + sizeof(idx_t)) &&
                          list_offsets[i] <= file->size - bytes,
                      invalid_argument, "MappedInvertedLists: list %zu falls outside the file", i);
    }
    id_starts.resize(nlist);
    size_t total = 0;
    for (size_t i = 0; i < nlist; i++) {
        id_starts[i] = total;
        total += sizes[i];
    }
    // Uninitialised on purpose: a list's slots are written when it is first used.
    ids_.reset(new idx_t[total > 0 ? total : 1]);
    ids_copied_.reset(new std::once_flag[nlist > 0 ? nlist : 1]);
}

size_t MappedInvertedLists::list_size(size_t list_no) const {
    check_list(list_no);
    return in_memory ? in_memory->list_size(list_no) : sizes[list_no];
}

const uint8_t* MappedInvertedLists::get_codes(size_t list_no) const {
    check_list(list_no);
    return in_memory ? in_memory->get_codes(list_no) : file->data + list_offsets[list_no];
}

const idx_t* MappedInvertedLists::get_ids(size_t list_no) const {
    check_list(list_no);
    if (in_memory) return in_memory->get_ids(list_no);
    idx_t* out = ids_.get() + id_starts[list_no];
    std::call_once(ids_copied_[list_no], [&] {
        if (sizes[list_no] == 0) return;
        std::memcpy(out, file->data + list_offsets[list_no] + sizes[list_no] * code_size,
                    sizes[list_no] * sizeof(idx_t));
    });
    return out;
}

ArrayInvertedLists& MappedInvertedLists::writable() {
    if (in_memory) return *in_memory;
    FAISS_REQUIRE(!read_only, unsupported,
                  "cannot modify the inverted lists: they are memory-mapped read-only from the "
                  "index file (IO_FLAG_MMAP with IO_FLAG_READ_ONLY). To modify the index, read "
                  "it without IO_FLAG_READ_ONLY (copy-on-write) or without IO_FLAG_MMAP, or "
                  "make an in-memory copy with clone_index()");
    auto copy = std::make_unique<ArrayInvertedLists>(nlist, code_size);
    for (size_t i = 0; i < nlist; i++) {
        const uint8_t* c = file->data + list_offsets[i];
        const idx_t* list_ids = get_ids(i);
        copy->codes[i].assign(c, c + sizes[i] * code_size);
        copy->ids[i].assign(list_ids, list_ids + sizes[i]);
    }
    in_memory = std::move(copy);
    file.reset();
    ids_.reset();
    return *in_memory;
}

size_t MappedInvertedLists::add_entries(size_t list_no, size_t n_entry, const idx_t* ids_in,
                                        const uint8_t* code) {
    check_list(list_no);
    return writable().add_entries(list_no, n_entry, ids_in, code);
}

void MappedInvertedLists::update_entries(size_t list_no, size_t offset, size_t n_entry,
                                         const idx_t* ids_in, const uint8_t* code) {
    check_list(list_no);
    writable().update_entries(list_no, offset, n_entry, ids_in, code);
}

void MappedInvertedLists::resize(size_t list_no, size_t new_size) {
    check_list(list_no);
    writable().resize(list_no, new_size);
}

}  // namespace faiss
