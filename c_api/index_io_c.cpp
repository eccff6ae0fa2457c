// C bindings of faiss/index_io.h and faiss/clone_index.h.
#include "index_io_c.h"

#include "internal/boundary.h"

#include <faiss/Index.h>
#include <faiss/clone_index.h>
#include <faiss/index_io.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

using faiss_c::Boundary;

namespace {

FaissIndex* handle(faiss::Index* index) {
    return faiss_c::handle_of<FaissIndex, faiss::Index>(index);
}

}  // namespace

extern "C" {

int faiss_write_index(const FaissIndex* idx, FILE* f) {
    Boundary b(__func__);
    return b.run([&] {
        const auto* index = b.obj<faiss::Index>(idx, "idx");
        faiss::write_index(index, b.need(f, "f"));
    });
}

int faiss_write_index_fname(const FaissIndex* idx, const char* fname) {
    Boundary b(__func__);
    return b.run([&] {
        const auto* index = b.obj<faiss::Index>(idx, "idx");
        faiss::write_index(index, b.need(fname, "fname"));
    });
}

int faiss_read_index(FILE* f, int io_flags, FaissIndex** p_out) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_out, "p_out");
        *p_out = handle(faiss::read_index(b.need(f, "f"), io_flags));
    });
}

int faiss_read_index_fname(const char* fname, int io_flags, FaissIndex** p_out) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_out, "p_out");
        *p_out = handle(faiss::read_index(b.need(fname, "fname"), io_flags));
    });
}

int faiss_write_index_buf(const FaissIndex* idx, size_t* p_size, unsigned char** p_buf) {
    Boundary b(__func__);
    return b.run([&] {
        const auto* index = b.obj<faiss::Index>(idx, "idx");
        b.need(p_size, "p_size");
        b.need(p_buf, "p_buf");
        faiss::VectorIOWriter writer;
        faiss::write_index(index, &writer);
        auto* buf = static_cast<unsigned char*>(std::malloc(writer.data.size() + 1));
        if (!buf) throw std::bad_alloc();
        std::memcpy(buf, writer.data.data(), writer.data.size());
        *p_buf = buf;
        *p_size = writer.data.size();
    });
}

int faiss_read_index_buf(const unsigned char* buf, size_t size, int io_flags, FaissIndex** p_out) {
    Boundary b(__func__);
    return b.run([&] {
        b.need(p_out, "p_out");
        b.require(buf || size == 0, "buf is null");
        faiss::BufferIOReader reader(buf, size);
        *p_out = handle(faiss::read_index(&reader, io_flags));
    });
}

int faiss_clone_index(const FaissIndex* idx, FaissIndex** p_out) {
    Boundary b(__func__);
    return b.run([&] {
        const auto* index = b.obj<faiss::Index>(idx, "idx");
        b.need(p_out, "p_out");
        *p_out = handle(faiss::clone_index(index));
    });
}

}  // extern "C"
