// The error of faiss/impl/maybe_owned_vector.h, out of line so that the public header
// does not depend on the private error macros.
#include <faiss/impl/maybe_owned_vector.h>

#include <faiss/internal/checks.h>

namespace faiss::detail {

void throw_read_only_mapping(const std::string& origin) {
    FAISS_THROW_CODE(unsupported,
                     "cannot modify %s: the index was loaded memory-mapped and read-only "
                     "(IO_FLAG_MMAP with IO_FLAG_READ_ONLY). To modify it, read it without "
                     "IO_FLAG_READ_ONLY (copy-on-write) or without IO_FLAG_MMAP, or make an "
                     "in-memory copy with clone_index()",
                     origin.empty() ? "a memory-mapped array" : origin.c_str());
}

}  // namespace faiss::detail
