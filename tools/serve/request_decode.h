#pragma once
// Validation of request bodies: every field checked, every problem an ApiError (400)
// that names the field and the value.
//
// Vectors ("vectors"): a JSON array of rows (arrays of d numbers), or a base64 string of
// n x d little-endian values whose type "dtype" gives: float32 (default), float16,
// bfloat16. Values must be finite.
#include "search_params.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace faiss_serve {

using json = nlohmann::json;

/// The body as a JSON object. @throws ApiError (400) for anything else.
json parse_body(const std::string& body);

/// Rejects fields other than the allowed ones (a typo would otherwise be ignored).
void check_fields(const json& body, const std::vector<std::string>& allowed);

/// "vectors" as n x d floats, 1 <= n <= max_n; sets n.
std::vector<float> decode_vectors(const json& body, size_t d, size_t max_n, size_t& n);

/// "texts": 1 <= n <= max_n strings, each non-empty and at most max_bytes long.
std::vector<std::string> decode_texts(const json& body, size_t max_n, size_t max_bytes);

/// Integer ids of field (required unless optional_field; then empty when absent), at
/// most max_n of them, each >= 0.
std::vector<int64_t> decode_ids(const json& body, const char* field, size_t max_n,
                                bool optional_field);

/// "k" (default 10) in [1, max_k].
size_t decode_k(const json& body, size_t max_k);

/// "params": {"nprobe": int >= 1, "efSearch": int >= 1, "k_factor": number >= 1}.
CallOptions decode_params(const json& body);

}  // namespace faiss_serve
