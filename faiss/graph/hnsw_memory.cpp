// Huge pages for the arrays an HNSW search reads at random.
//
// A level-0 expansion touches one neighbour list and up to 2M stored vectors spread
// over the whole storage: with 4 KiB pages nearly every one of those reads also misses
// the TLB, and the page walk itself misses the cache. Backing the neighbour lists and
// the storage codes with 2 MiB pages removes most of those walks (10-20% of the search
// time on 500k x 128 floats, see benchs/RESULTS.md). Linux only; elsewhere, or when the
// kernel refuses (THP disabled, old kernel), nothing changes.
#include <faiss/internal/hnsw_impl.h>

#include <faiss/IndexFlatCodes.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace faiss::internal {

namespace {

constexpr uintptr_t kHugePage = uintptr_t(2) << 20;
// Smaller arrays stay in the caches or in few pages: not worth a system call.
constexpr size_t kMinBytes = size_t(8) << 20;
// MADV_COLLAPSE (Linux 6.1): collapse the already-populated range into huge pages now.
constexpr int kMadvCollapse = 25;

bool huge_pages_enabled() {
    const char* v = std::getenv("FAISS_HNSW_HUGE_PAGES");
    return !(v && std::strcmp(v, "0") == 0);
}

}  // namespace

void advise_huge_pages(const void* data, size_t bytes) {
#ifdef __linux__
    if (!data || bytes < kMinBytes || !huge_pages_enabled()) return;
    // Only whole huge pages inside the array: the advice must not reach memory that
    // belongs to other allocations.
    const uintptr_t begin = (uintptr_t(data) + kHugePage - 1) & ~(kHugePage - 1);
    const uintptr_t end = (uintptr_t(data) + bytes) & ~(kHugePage - 1);
    if (end <= begin) return;
    void* p = reinterpret_cast<void*>(begin);
    // Advice only: failures (THP off, file-backed or locked memory) leave 4 KiB pages.
    // MADV_HUGEPAGE also makes later faults in the range take huge pages; collapsing a
    // range that is already huge returns at once, so repeated calls after each add
    // only pay for the new part.
    (void)madvise(p, end - begin, MADV_HUGEPAGE);
    (void)madvise(p, end - begin, kMadvCollapse);
#else
    (void)data;
    (void)bytes;
#endif
}

void advise_hnsw_memory(const HNSW& hnsw, const Index* storage) {
    advise_huge_pages(hnsw.neighbors.data(), hnsw.neighbors.size() * sizeof(hnsw_id_t));
    if (const auto* codes = dynamic_cast<const IndexFlatCodes*>(storage)) {
        advise_huge_pages(codes->codes.data(), codes->codes.size());
    }
}

}  // namespace faiss::internal
