#include <faiss/io/internal/registry.h>

#include <cxxabi.h>

#include <cstdlib>
#include <string>
#include <unordered_map>

namespace faiss::io {

namespace {

struct Tables {
    std::unordered_map<uint32_t, IndexReadFn> readers;
    std::unordered_map<std::type_index, IndexWriteFn> writers;
};

// Filled by the static IndexSerializer objects while the library loads, read-only after.
Tables& tables() {
    static Tables t;
    return t;
}

std::string type_name(const std::type_info& info) {
    int status = 0;
    char* name = abi::__cxa_demangle(info.name(), nullptr, nullptr, &status);
    std::string out = status == 0 && name ? name : info.name();
    std::free(name);
    return out;
}

}  // namespace

IndexSerializer::IndexSerializer(std::initializer_list<uint32_t> tags, IndexReadFn reader,
                                 std::initializer_list<std::type_index> types,
                                 IndexWriteFn writer) {
    Tables& t = tables();
    for (uint32_t tg : tags) {
        FAISS_REQUIRE(t.readers.emplace(tg, reader).second, internal,
                      "index tag %s registered twice", fourcc_inv(tg).c_str());
    }
    for (const std::type_index& ty : types) {
        FAISS_REQUIRE(t.writers.emplace(ty, writer).second, internal,
                      "index type %s registered twice", ty.name());
    }
}

std::unique_ptr<Index> read_index_record(ReadStream& in) {
    NestingGuard guard(in);
    const uint32_t t = in.read_tag("index type tag");
    if (t == tag("null")) return nullptr;
    const auto& readers = tables().readers;
    auto it = readers.find(t);
    if (it == readers.end()) {
        in.fail("index type " + fourcc_inv_printable(t) + " not recognized");
    }
    return it->second(in, t);
}

std::unique_ptr<Index> read_nonnull_index_record(ReadStream& in, const char* what) {
    const uint64_t at = in.offset();
    std::unique_ptr<Index> index = read_index_record(in);
    if (!index) in.fail_at(at, what, "a null index is not allowed here");
    return index;
}

void write_index_record(const Index* index, WriteStream& out) {
    if (!index) {
        out.write_tag(tag("null"));
        return;
    }
    const auto& writers = tables().writers;
    auto it = writers.find(std::type_index(typeid(*index)));
    FAISS_REQUIRE(it != writers.end(), unsupported,
                  "don't know how to serialize this type of index (%s)",
                  type_name(typeid(*index)).c_str());
    it->second(*index, out);
}

bool has_index_writer(const Index& index) {
    return tables().writers.count(std::type_index(typeid(index))) > 0;
}

}  // namespace faiss::io
