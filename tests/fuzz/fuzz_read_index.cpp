// libFuzzer target over the index-file reader (tests/fuzz/README.md: how to build and run).
//
// Each input is read as an index (read_index from a byte buffer, through a reader that
// cannot tell its size, and, with FUZZ_READ_INDEX_MMAP=1, mapped from a file with
// IO_FLAG_MMAP), as a VectorTransform and as a ProductQuantizer. A FaissException is a normal
// outcome: the reader refused the bytes. Anything else is a finding: a crash or sanitizer report,
// another exception type (std::bad_alloc included: the reader must refuse sizes before allocating
// them), an allocation over -malloc_limit_mb, or one of the consistency checks below failing
// (reported with abort() so that libFuzzer saves the input).
//
// After a successful read the index is used a little (searches, a range search,
// reconstruction, encoding), then saved, read back and saved again, which must give the
// same bytes; so a file which loads into a structurally inconsistent index is caught
// when the index is used, not only when it is read.

#include <faiss/FaissException.h>
#include <faiss/Index.h>
#include <faiss/RangeSearchResult.h>
#include <faiss/VectorTransform.h>
#include <faiss/index_io.h>
#include <faiss/io/io.h>
#include <faiss/quantizers/ProductQuantizer.h>

#include <omp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

namespace {

// A reader that cannot tell how many bytes remain (a pipe, a Python callback): the reader
// then grows arrays as bytes arrive instead of checking sizes up front.
struct UnsizedReader : faiss::IOReader {
    const uint8_t* data;
    size_t size;
    size_t rp = 0;
    UnsizedReader(const uint8_t* d, size_t n) : data(d), size(n) {}
    size_t operator()(void* p, size_t item, size_t n) override {
        if (item == 0) return 0;
        const size_t k = std::min(n, (size - rp) / item);
        if (k > 0) std::memcpy(p, data + rp, k * item);
        rp += k * item;
        return k;
    }
};

[[noreturn]] void finding(const char* what, const char* detail) {
    std::fprintf(stderr, "fuzz_read_index finding: %s%s%s\n", what, detail ? ": " : "",
                 detail ? detail : "");
    std::abort();
}

std::unique_ptr<faiss::Index> read_sized(const uint8_t* data, size_t size) {
    faiss::BufferIOReader reader(data, size);
    return std::unique_ptr<faiss::Index>(faiss::read_index(&reader));
}

// Use the index as a caller would: searches (k = 3, and k past ntotal), a range search,
// reconstructing what came back, encoding and decoding. Errors the index reports
// (FaissException) are fine: they are how an unusual but valid index says no.
template <class F>
void allow_refusal(F&& f) {
    try {
        f();
    } catch (const faiss::FaissException&) {
    }
}

void exercise(const faiss::Index& index) {
    std::vector<float> query(size_t(index.d), 0.25f);
    for (size_t j = 0; j < query.size(); j += 3)
        query[j] = -1.5f;
    std::vector<faiss::idx_t> labels(3, -1);
    for (int64_t k : {int64_t(3), std::min<int64_t>(index.ntotal + 2, 64)}) {
        std::vector<float> distances(static_cast<size_t>(k));
        std::vector<faiss::idx_t> found(size_t(k), -1);
        allow_refusal([&] { index.search(1, query.data(), k, distances.data(), found.data()); });
        if (k == 3) labels = found;
    }
    allow_refusal([&] {
        faiss::RangeSearchResult result(1);
        index.range_search(1, query.data(), 10.0f, &result);
    });
    std::vector<float> recons(size_t(index.d) * 2);
    for (faiss::idx_t key : {labels[0], faiss::idx_t(0)}) {
        if (key < 0) continue;
        allow_refusal([&] { index.reconstruct(key, recons.data()); });
    }
    allow_refusal(
        [&] { index.reconstruct_n(0, std::min<faiss::idx_t>(index.ntotal, 2), recons.data()); });
    allow_refusal([&] {
        std::vector<uint8_t> code(index.sa_code_size());
        index.sa_encode(1, query.data(), code.data());
        index.sa_decode(1, code.data(), recons.data());
    });
}

std::vector<uint8_t> save(const faiss::Index* index) {
    faiss::VectorIOWriter writer;
    faiss::write_index(index, &writer);
    return std::move(writer.data);
}

// What was read must save, the saved bytes must read again, and saving that gives the
// same bytes (a reader and a writer that disagree on a field show up here).
std::vector<uint8_t> check_round_trip(const faiss::Index* index) {
    std::vector<uint8_t> first;
    try {
        first = save(index);
    } catch (const faiss::FaissException& e) {
        if (e.code() == faiss::ErrorCode::unsupported) return {};  // e.g. a type read-only here
        finding("a loaded index cannot be saved", e.what());
    }
    std::unique_ptr<faiss::Index> again;
    try {
        again = read_sized(first.data(), first.size());
    } catch (const faiss::FaissException& e) {
        finding("a saved index cannot be read back", e.what());
    }
    if (save(again.get()) != first) finding("saving the reloaded index gives other bytes", nullptr);
    return first;
}

// Set from FUZZ_READ_INDEX_MMAP=1. Off by default: Faiss files place arrays at unaligned
// offsets and mapped loading uses them in place, which UBSan's alignment check reports on
// nearly every input; turn it on with a build that adds -fno-sanitize=alignment.
bool g_fuzz_mapped = false;

// The bytes as a regular file (in memory, memfd), read with IO_FLAG_MMAP | READ_ONLY: the
// mapped path (arrays used in place from the file) must accept exactly what the copying
// reader accepts, and the index it gives must search and save the same way.
void fuzz_mapped(const uint8_t* data, size_t size, bool copied_ok,
                 const std::vector<uint8_t>& copied_saved) {
    const int fd = memfd_create("fuzz_read_index", 0);
    if (fd < 0) finding("memfd_create failed", std::strerror(errno));
    if (size > 0 && write(fd, data, size) != ssize_t(size)) finding("memfd write failed", nullptr);
    lseek(fd, 0, SEEK_SET);
    FILE* f = fdopen(fd, "rb");
    if (!f) finding("fdopen failed", std::strerror(errno));
    std::unique_ptr<faiss::Index> index;
    bool mapped_ok = false;
    try {
        index.reset(faiss::read_index(f, faiss::IO_FLAG_MMAP | faiss::IO_FLAG_READ_ONLY));
        mapped_ok = true;
    } catch (const faiss::FaissException&) {
    }
    std::fclose(f);
    if (mapped_ok != copied_ok) finding("mapped and copying readers disagree", nullptr);
    if (!index) return;
    exercise(*index);
    if (!copied_saved.empty() && save(index.get()) != copied_saved) {
        finding("the mapped index saves other bytes than the copied one", nullptr);
    }
}

void fuzz_index(const uint8_t* data, size_t size) {
    std::unique_ptr<faiss::Index> index;
    bool sized_ok = false;
    try {
        index = read_sized(data, size);
        sized_ok = true;
    } catch (const faiss::FaissException&) {
    }
    // Both readers must agree: the unsized path must neither accept more nor less.
    bool unsized_ok = false;
    try {
        UnsizedReader reader(data, size);
        std::unique_ptr<faiss::Index> again(faiss::read_index(&reader));
        unsized_ok = true;
    } catch (const faiss::FaissException&) {
    }
    if (sized_ok != unsized_ok) finding("sized and unsized readers disagree", nullptr);
    std::vector<uint8_t> saved;
    if (index) {
        exercise(*index);
        saved = check_round_trip(index.get());
    }
    if (g_fuzz_mapped) fuzz_mapped(data, size, sized_ok, saved);
}

void fuzz_transform(const uint8_t* data, size_t size) {
    std::unique_ptr<faiss::VectorTransform> vt;
    try {
        faiss::BufferIOReader reader(data, size);
        vt.reset(faiss::read_VectorTransform(&reader));
    } catch (const faiss::FaissException&) {
        return;
    }
    if (!vt || !vt->is_trained) return;
    std::vector<float> x(size_t(vt->d_in), 0.5f), y(size_t(vt->d_out));
    try {
        vt->apply_noalloc(1, x.data(), y.data());
        vt->reverse_transform(1, y.data(), x.data());
    } catch (const faiss::FaissException&) {
    }
}

void fuzz_pq(const uint8_t* data, size_t size) {
    std::unique_ptr<faiss::ProductQuantizer> pq;
    try {
        faiss::BufferIOReader reader(data, size);
        pq.reset(faiss::read_ProductQuantizer(&reader));
    } catch (const faiss::FaissException&) {
        return;
    }
    std::vector<float> x(pq->d, 0.5f);
    std::vector<uint8_t> code(pq->code_size);
    try {
        pq->compute_codes(x.data(), code.data(), 1);
        pq->decode(code.data(), x.data(), 1);
    } catch (const faiss::FaissException&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // One input at a time on a shared machine; a thread team per search would dominate.
    omp_set_num_threads(1);
    const char* mapped = std::getenv("FUZZ_READ_INDEX_MMAP");
    g_fuzz_mapped = mapped && std::strcmp(mapped, "1") == 0;
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz_index(data, size);
    fuzz_transform(data, size);
    fuzz_pq(data, size);
    return 0;
}
