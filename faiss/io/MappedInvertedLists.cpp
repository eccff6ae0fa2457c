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
    ids.resize(total);
    for (size_t i = 0; i < nlist; i++) {
        if (sizes[i] == 0) continue;
        std::memcpy(ids.data() + id_starts[i], file->data + list_offsets[i] + sizes[i] * code_size,
                    sizes[i] * sizeof(idx_t));
    }
}

size_t MappedInvertedLists::list_size(size_t list_no) const {
    check_list(list_no);
    return sizes[list_no];
}

const uint8_t* MappedInvertedLists::get_codes(size_t list_no) const {
    check_list(list_no);
    return file->data + list_offsets[list_no];
}

const idx_t* MappedInvertedLists::get_ids(size_t list_no) const {
    check_list(list_no);
    return ids.data() + id_starts[list_no];
}

namespace {

[[noreturn]] void read_only() {
    FAISS_THROW_CODE(unsupported,
                     "these inverted lists are mapped read-only from an index file "
                     "(IO_FLAG_MMAP); load without the flag or clone_index() to modify them");
}

}  // namespace

size_t MappedInvertedLists::add_entries(size_t, size_t, const idx_t*, const uint8_t*) {
    read_only();
}

void MappedInvertedLists::update_entries(size_t, size_t, size_t, const idx_t*, const uint8_t*) {
    read_only();
}

void MappedInvertedLists::resize(size_t, size_t) {
    read_only();
}

}  // namespace faiss
