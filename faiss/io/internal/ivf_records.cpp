#include <faiss/io/internal/records.h>
#include <faiss/io/internal/registry.h>

#include <faiss/IndexIVF.h>
#include <faiss/index_io.h>
#include <faiss/io/MappedInvertedLists.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace faiss::io {

namespace {

// Largest nlist accepted; above kMaxEmptyNlist lists, the quantizer must hold one
// centroid per list, so the file's own bytes justify the list headers allocated.
constexpr uint64_t kMaxNlist = uint64_t(1) << 31;
constexpr uint64_t kMaxEmptyNlist = uint64_t(1) << 20;

// One (id, lo) pair of a Hashtable direct map, as stored: two int64, no padding.
struct IdLo {
    int64_t id;
    int64_t lo;
};

void read_direct_map(ReadStream& in, DirectMap& dm) {
    const uint8_t type = in.read<uint8_t>("direct_map.type");
    FAISS_IO_CHECK(in, type <= DirectMap::Hashtable, "unknown direct map type %u", unsigned(type));
    dm.type = DirectMap::Type(type);
    in.read_vector(dm.array, "direct_map.array");
    FAISS_IO_CHECK(in, type == DirectMap::Array || dm.array.empty(),
                   "%zu entries for a direct map of type %u (only Array maps have them)",
                   dm.array.size(), unsigned(type));
    if (type != DirectMap::Hashtable) return;
    std::vector<IdLo> pairs;
    in.read_vector(pairs, "direct_map.hashtable");
    dm.hashtable.reserve(pairs.size());
    for (const IdLo& p : pairs) {
        FAISS_IO_CHECK(in, dm.hashtable.emplace(p.id, p.lo).second, "id %lld appears twice",
                       (long long)p.id);
    }
}

void write_direct_map(const DirectMap& dm, WriteStream& out) {
    out.write<uint8_t>(uint8_t(dm.type));
    out.write_vector(dm.array);
    if (dm.type != DirectMap::Hashtable) return;
    // Sorted by id so that saving the same content always gives the same bytes (Faiss
    // writes its hash-map order, which no reader relies on).
    std::vector<IdLo> pairs;
    pairs.reserve(dm.hashtable.size());
    for (const auto& kv : dm.hashtable)
        pairs.push_back({kv.first, kv.second});
    std::sort(pairs.begin(), pairs.end(), [](const IdLo& a, const IdLo& b) { return a.id < b.id; });
    out.write_vector(pairs);
}

// lo must point at an entry of il whose id is `id`.
bool lo_points_at(const InvertedLists* il, idx_t lo, idx_t id) {
    if (!il || lo < 0) return false;
    const uint64_t list_no = uint64_t(lo_listno(lo));
    const uint64_t offset = uint64_t(lo_offset(lo));
    if (list_no >= il->nlist || offset >= il->list_size(list_no)) return false;
    return il->get_ids(list_no)[offset] == id;
}

void check_direct_map(ReadStream& in, const IndexIVF& ivf) {
    const DirectMap& dm = ivf.direct_map;
    const uint64_t at = in.offset();
    if (dm.type == DirectMap::Array) {
        if (dm.array.size() != uint64_t(ivf.ntotal)) {
            in.fail_at(at, "direct_map.array",
                       internal::format_message("holds %zu entries for ntotal = %lld",
                                                dm.array.size(), (long long)ivf.ntotal));
        }
        for (size_t i = 0; i < dm.array.size(); i++) {
            if (dm.array[i] != -1 && !lo_points_at(ivf.invlists, dm.array[i], idx_t(i))) {
                in.fail_at(at, "direct_map.array",
                           internal::format_message("entry %zu does not point at id %zu", i, i));
            }
        }
    } else if (dm.type == DirectMap::Hashtable) {
        for (const auto& kv : dm.hashtable) {
            if (!lo_points_at(ivf.invlists, kv.second, kv.first)) {
                in.fail_at(at, "direct_map.hashtable",
                           internal::format_message("the entry of id %lld does not point at it",
                                                    (long long)kv.first));
            }
        }
    }
}

// List sizes of an "ilar" record ("full" or "sprs" layout), checked.
std::vector<uint64_t> read_list_sizes(ReadStream& in, uint64_t nlist) {
    const uint32_t layout = in.read_tag("invlists.list_type");
    std::vector<uint64_t> raw;
    in.read_vector(raw, "invlists.sizes");
    if (layout == tag("full")) {
        FAISS_IO_CHECK(in, raw.size() == nlist, "holds %zu sizes for nlist = %llu", raw.size(),
                       (unsigned long long)nlist);
        return raw;
    }
    FAISS_IO_CHECK(in, layout == tag("sprs"), "list type %s not recognized",
                   fourcc_inv_printable(layout).c_str());
    FAISS_IO_CHECK(in, raw.size() % 2 == 0, "sparse sizes hold an odd count %zu", raw.size());
    std::vector<uint64_t> sizes(nlist, 0);
    for (size_t i = 0; i < raw.size(); i += 2) {
        FAISS_IO_CHECK(in, raw[i] < nlist, "list number %llu out of range [0, %llu)",
                       (unsigned long long)raw[i], (unsigned long long)nlist);
        FAISS_IO_CHECK(in, i == 0 || raw[i] > raw[i - 2], "list numbers are not increasing");
        sizes[raw[i]] = raw[i + 1];
    }
    return sizes;
}

// The data block of total bytes mapped in place: list i's codes then ids, list after list.
std::unique_ptr<InvertedLists> map_array_invlists(ReadStream& in, uint64_t code_size,
                                                  const std::vector<uint64_t>& sizes,
                                                  uint64_t total) {
    uint64_t start = 0;
    std::shared_ptr<const MappedFile> file = in.map_bytes(total, "invlists.data", start);
    std::vector<size_t> list_sizes(sizes.begin(), sizes.end()), offsets(sizes.size());
    uint64_t at = start;
    for (size_t i = 0; i < sizes.size(); i++) {
        offsets[i] = size_t(at);
        at += sizes[i] * (code_size + sizeof(idx_t));
    }
    auto il =
        std::make_unique<MappedInvertedLists>(sizes.size(), size_t(code_size), std::move(file),
                                              std::move(list_sizes), std::move(offsets));
    il->read_only = in.read_only_mapping();
    return il;
}

std::unique_ptr<InvertedLists> read_array_invlists(ReadStream& in, const IndexIVF& ivf) {
    const uint64_t nlist = in.read<uint64_t>("invlists.nlist");
    FAISS_IO_CHECK(in, nlist == ivf.nlist, "%llu lists for an index with nlist = %zu",
                   (unsigned long long)nlist, ivf.nlist);
    const uint64_t code_size = in.read<uint64_t>("invlists.code_size");
    FAISS_IO_CHECK(in, code_size == ivf.code_size, "%llu does not match the index's %zu",
                   (unsigned long long)code_size, ivf.code_size);
    const std::vector<uint64_t> sizes = read_list_sizes(in, nlist);
    // The whole data block is sum(size * (code_size + 8)) bytes: check it before
    // allocating any list.
    const uint64_t entry_bytes = code_size + sizeof(idx_t);
    uint64_t total = 0;
    for (uint64_t s : sizes) {
        FAISS_IO_CHECK(in, s <= kMaxArrayBytes / entry_bytes, "list of %llu entries is too large",
                       (unsigned long long)s);
        total += s * entry_bytes;
        FAISS_IO_CHECK(in, total <= kMaxArrayBytes, "inverted lists larger than %llu bytes",
                       (unsigned long long)kMaxArrayBytes);
    }
    FAISS_IO_CHECK(in, in.remaining() < 0 || total <= uint64_t(in.remaining()),
                   "list data of %llu bytes does not fit in the %lld bytes left",
                   (unsigned long long)total, (long long)in.remaining());
    if (in.mmap_requested()) return map_array_invlists(in, code_size, sizes, total);
    auto il = std::make_unique<ArrayInvertedLists>(size_t(nlist), size_t(code_size));
    for (size_t i = 0; i < sizes.size(); i++) {
        if (sizes[i] == 0) continue;
        in.read_array(il->codes[i], sizes[i] * code_size, "invlists.codes");
        in.read_array(il->ids[i], sizes[i], "invlists.ids");
    }
    return il;
}

}  // namespace

void read_ivf_header(ReadStream& in, IndexIVF& ivf) {
    read_index_header(in, ivf);
    FAISS_IO_CHECK(in, ivf.d >= 1, "an IVF index needs a dimension >= 1, got %d", ivf.d);
    const uint64_t nlist = in.read<uint64_t>("nlist");
    FAISS_IO_CHECK(in, nlist >= 1 && nlist <= kMaxNlist, "must be in [1, %llu], got %llu",
                   (unsigned long long)kMaxNlist, (unsigned long long)nlist);
    const uint64_t at_nlist = in.last_field_offset();
    ivf.nlist = size_t(nlist);
    ivf.nprobe = size_t(in.read<uint64_t>("nprobe"));
    std::unique_ptr<Index> q;
    {
        FlagsOverride<ReadStream> no_flags(in, 0);
        q = read_nonnull_index_record(in, "IVF quantizer");
    }
    FAISS_IO_CHECK(in, q->d == ivf.d, "the quantizer dimension %d differs from the index's %d",
                   q->d, ivf.d);
    const uint64_t centroids = uint64_t(q->ntotal);
    if (ivf.is_trained && centroids != nlist) {
        in.fail_at(
            at_nlist, "nlist",
            internal::format_message("a trained IVF index needs a quantizer with nlist = "
                                     "%llu centroids, it has %llu",
                                     (unsigned long long)nlist, (unsigned long long)centroids));
    }
    if (nlist > centroids && nlist > kMaxEmptyNlist) {
        in.fail_at(
            at_nlist, "nlist",
            internal::format_message("%llu lists but the quantizer holds only %llu "
                                     "centroids",
                                     (unsigned long long)nlist, (unsigned long long)centroids));
    }
    ivf.quantizer = q.release();
    ivf.own_fields = true;
    if (ivf.metric_type == METRIC_INNER_PRODUCT) ivf.cp.spherical = true;
    read_direct_map(in, ivf.direct_map);
}

void write_ivf_header(const IndexIVF& ivf, WriteStream& out) {
    write_index_header(ivf, out);
    out.write<uint64_t>(ivf.nlist);
    out.write<uint64_t>(ivf.nprobe);
    {
        FlagsOverride<WriteStream> no_flags(out, 0);
        write_index_record(ivf.quantizer, out);
    }
    write_direct_map(ivf.direct_map, out);
}

void read_ivf_lists_and_finish(ReadStream& in, IndexIVF& ivf) {
    const uint32_t t = in.read_tag("invlists type tag");
    if (t == tag("ilar")) {
        ivf.invlists = read_array_invlists(in, ivf).release();
        ivf.own_invlists = true;
    } else if (t == tag("il00")) {
        ivf.invlists = nullptr;
        ivf.own_invlists = false;
    } else if (t == tag("ilod") || t == tag("ilbl") || t == tag("ilp2") || t == tag("ilpn")) {
        in.unsupported("inverted lists of type " + fourcc_inv(t) + " are not supported here");
    } else {
        in.fail("inverted lists type " + fourcc_inv_printable(t) + " not recognized");
    }
    check_direct_map(in, ivf);
}

void write_invlists(const InvertedLists* il, WriteStream& out) {
    if (!il) {
        out.write_tag(tag("il00"));
        return;
    }
    out.write_tag(tag("ilar"));
    out.write<uint64_t>(il->nlist);
    out.write<uint64_t>(il->code_size);
    std::vector<uint64_t> sizes(il->nlist);
    size_t n_non0 = 0;
    for (size_t i = 0; i < il->nlist; i++) {
        sizes[i] = il->list_size(i);
        n_non0 += sizes[i] > 0;
    }
    if (n_non0 > il->nlist / 2) {
        out.write_tag(tag("full"));
        out.write_vector(sizes);
    } else {
        out.write_tag(tag("sprs"));
        std::vector<uint64_t> pairs;
        pairs.reserve(2 * n_non0);
        for (size_t i = 0; i < il->nlist; i++) {
            if (sizes[i] == 0) continue;
            pairs.push_back(i);
            pairs.push_back(sizes[i]);
        }
        out.write_vector(pairs);
    }
    for (size_t i = 0; i < il->nlist; i++) {
        if (sizes[i] == 0) continue;
        out.write_bytes(il->get_codes(i), sizes[i] * il->code_size);
        out.write_bytes(il->get_ids(i), sizes[i] * sizeof(idx_t));
    }
}

}  // namespace faiss::io
