#pragma once

// Saving and loading indexes in the Faiss file format (shared/FAISS_FORMAT.md), byte
// compatible with faiss-cpu in both directions for the index types of this library:
// IndexFlat / IndexFlatL2 / IndexFlatIP, IndexIDMap / IndexIDMap2, IndexPQ,
// IndexScalarQuantizer, IndexIVFFlat, IndexIVFPQ, IndexIVFScalarQuantizer (array
// inverted lists, any direct map), IndexHNSWFlat / IndexHNSWSQ / IndexHNSWPQ (and a
// plain IndexHNSW over any storage), IndexRefine / IndexRefineFlat, IndexPreTransform with
// PCAMatrix, OPQMatrix (saved as a LinearTransform), RandomRotationMatrix,
// NormalizationTransform, CenteringTransform, RemapDimensionsTransform, ITQMatrix,
// ITQTransform and HadamardRotation.
//
// Writing: write_index(index, fname) replaces fname crash-safely (temporary file in the
// same folder, flushed and fsync'ed, renamed over fname), so a crash leaves the old file
// or the new one, never a mix. Saving what was loaded gives the same bytes again
// (Hashtable direct maps are written sorted by id; Faiss writes them in hash order).
//
// Reading: read_index returns the concrete class (IndexFlatL2, IndexIVFPQ ...), which the
// caller owns (delete it); sub-indexes (quantizer, storage) are owned by it. Files from
// any source are validated as they are read: every size is checked against the bytes
// left and sane limits before anything is allocated, and corrupted, truncated or hostile
// data throws FaissException (corrupt_data, or io_error when the medium fails) naming
// the field and its byte offset; it never crashes. Types Faiss has but this library does
// not (LSH, additive quantizers, fast-scan, binary indexes, pre-2018 IVF layouts ...)
// throw unsupported or corrupt_data ("not recognized"). Implementation notes, limits and
// checks: faiss/io/FORMAT.md.
//
// Thread safety: reading and writing different objects from several threads is safe;
// an index must not be modified while it is being written.

#include <faiss/io/io.h>

#include <cstdio>

namespace faiss {

struct Index;
struct ProductQuantizer;
struct VectorTransform;

/// I/O flags (values as in Faiss). Those this library does not act on are accepted and
/// ignored, as the bytes of a file never depend on them.
/// Write the HNSW storage as "null" (HNSW indexes only).
const int IO_FLAG_SKIP_STORAGE = 1;
/// With IO_FLAG_MMAP / IO_FLAG_MMAP_IFC: the mapped arrays are read-only, and any
/// modification of the index (add, add_with_ids, remove_ids, reset, merge_from, train of
/// a mapped storage ...) throws FaissException (unsupported) naming the array and the
/// file. Without this flag a mapped index is copy-on-write (see IO_FLAG_MMAP).
const int IO_FLAG_READ_ONLY = 2;
/// On-disk inverted lists: look for the data file next to the index file.
const int IO_FLAG_ONDISK_SAME_DIR = 4;
/// Skip the inverted-list data (with a hook key in the upper 16 bits).
const int IO_FLAG_SKIP_IVF_DATA = 8;
/// IndexIVFPQ: do not rebuild the precomputed table on load.
const int IO_FLAG_SKIP_PRECOMPUTE_TABLE = 16;
/// IndexHNSWPQ: do not compute the symmetric-distance table on load.
const int IO_FLAG_PQ_SKIP_SDC_TABLE = 32;
/// Memory-mapped loading ("od" in the upper bytes, as Faiss). The large arrays are used
/// in place from a read-only shared mapping of the file instead of being read: the codes
/// of IndexFlat / IndexFlatL2 / IndexFlatIP, IndexScalarQuantizer and IndexPQ (also as
/// HNSW storage), the HNSW graph (levels, offsets, neighbors; see
/// faiss/impl/maybe_owned_vector.h) and the IVF lists (faiss/io/MappedInvertedLists.h;
/// their ids are copied, 8 bytes per vector). Loading then costs little time and memory
/// (HNSW graphs are still validated, which reads them once), pages come in on first use,
/// and processes mapping the same file share one copy in the page cache. Small arrays
/// (quantizers, codebooks, id maps) are read into memory. Needs a file name or FILE*
/// reader (invalid_argument otherwise).
/// Modification: with IO_FLAG_READ_ONLY it throws; without it, the first modification
/// of an array copies that array (for IVF: all the lists) into memory, and the index
/// then behaves as a normally loaded one (copy-on-write; Faiss instead leaves writes
/// into a mapped array undefined). clone_index() always gives an in-memory copy.
/// The mapping lives as long as an array uses it. Replacing the file with write_index
/// is safe (rename: the mapping keeps the old content); truncating or rewriting it in
/// place while mapped is not.
const int IO_FLAG_MMAP = IO_FLAG_SKIP_IVF_DATA | 0x646f0000;
/// Faiss's flag for mapping IndexFlatCodes and HNSW arrays; here the same as
/// IO_FLAG_MMAP (everything listed there is mapped with either flag).
const int IO_FLAG_MMAP_IFC = 1 << 9;

/// Save index (null writes the "null" record) to the file fname, replacing it
/// crash-safely. @throws FaissException: io_error if the file cannot be written,
/// unsupported for a type without a serializer (nothing is written then).
void write_index(const Index* index, const char* fname, int io_flags = 0);
/// Save to an open FILE* at its current position (not closed, not synced).
void write_index(const Index* index, FILE* f, int io_flags = 0);
/// Save through a writer.
void write_index(const Index* index, IOWriter* writer, int io_flags = 0);

/// Load an index (caller owns it; null for a "null" record).
/// @throws FaissException (io_error, corrupt_data, unsupported).
Index* read_index(const char* fname, int io_flags = 0);
/// Load from an open FILE* at its current position; it is left after the record.
Index* read_index(FILE* f, int io_flags = 0);
/// Load through a reader.
Index* read_index(IOReader* reader, int io_flags = 0);

/// Save / load a ProductQuantizer on its own (its record without tag, §6.1).
void write_ProductQuantizer(const ProductQuantizer* pq, const char* fname);
void write_ProductQuantizer(const ProductQuantizer* pq, IOWriter* f);
/// The caller owns the result.
ProductQuantizer* read_ProductQuantizer(const char* fname);
ProductQuantizer* read_ProductQuantizer(IOReader* reader);

/// Save / load a VectorTransform on its own (its tagged record, §12.2). An OPQMatrix is
/// saved as a plain LinearTransform ("LTra") and comes back as one, as in Faiss.
void write_VectorTransform(const VectorTransform* vt, const char* fname);
void write_VectorTransform(const VectorTransform* vt, IOWriter* f);
/// The caller owns the result (the concrete class: PCAMatrix, RandomRotationMatrix ...).
VectorTransform* read_VectorTransform(const char* fname);
VectorTransform* read_VectorTransform(IOReader* reader);

}  // namespace faiss
