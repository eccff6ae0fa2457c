#pragma once

// Tag -> reader and C++ type -> writer tables of the serializers. Each index family
// registers itself from its own file (faiss/io/serialize_<family>.cpp) with a static
// registration object, so adding a type touches one file and no central switch.
// Private: never installed.

#include <faiss/Index.h>
#include <faiss/io/internal/stream.h>

#include <initializer_list>
#include <memory>
#include <typeindex>
#include <typeinfo>

namespace faiss {
struct InvertedLists;
}

namespace faiss::io {

/// Reads the body of a record whose tag was just read (the tag is passed, for families
/// with several tags).
using IndexReadFn = std::unique_ptr<Index> (*)(ReadStream& in, uint32_t tag);
/// Writes a whole record, tag included.
using IndexWriteFn = void (*)(const Index& index, WriteStream& out);

/// Registers readers for tags and a writer for exact dynamic types (either may be empty /
/// null). Registering a tag or a type twice is a programming error (throws internal).
struct IndexSerializer {
    IndexSerializer(std::initializer_list<uint32_t> tags, IndexReadFn reader,
                    std::initializer_list<std::type_index> types, IndexWriteFn writer);
};

/// Reads one index record: the tag, then its body. "null" gives nullptr.
/// @throws corrupt_data for an unknown tag.
std::unique_ptr<Index> read_index_record(ReadStream& in);

/// Same, but a null record is an error naming `what` (e.g. "IndexIDMap sub-index").
std::unique_ptr<Index> read_nonnull_index_record(ReadStream& in, const char* what);

/// Writes one record (null gives "null"). @throws unsupported for an unregistered type.
void write_index_record(const Index* index, WriteStream& out);

/// True when the exact dynamic type of index has a writer.
bool has_index_writer(const Index& index);

}  // namespace faiss::io
