#pragma once
// Helpers shared by search, info and bench: loading an index with a clear error, reading
// a whole query file, ground truth and recall.
#include "vector_file.h"

#include <faiss/Index.h>

#include <memory>
#include <string>
#include <vector>

namespace faiss_cli {

/// read_index with errors as CliError naming the file.
std::unique_ptr<faiss::Index> load_index(const std::string& path, int io_flags);

/// All rows of f as float, checking that their dimension is d (the index's).
std::vector<float> read_queries(VectorFile& f, size_t d);

/// Ground-truth ids (nq x gt_k), checking there is one row per query.
std::vector<int64_t> read_groundtruth(VectorFile& f, size_t nq);

/// Fraction of the nq queries whose true nearest neighbour (gt row's first id) is among
/// the first r of the k results in labels (nq x k); r <= k.
double one_recall_at(const std::vector<int64_t>& gt, size_t gt_k, const int64_t* labels, size_t nq,
                     size_t k, size_t r);

/// "IndexIVFFlat" for an index object.
std::string type_name(const faiss::Index& index);

/// Applies a ParameterSpace string ("nprobe=16,efSearch=64"), errors as CliError.
void apply_search_params(faiss::Index& index, const std::string& params);

}  // namespace faiss_cli
