#pragma once
// Strict base64 decoding (RFC 4648 standard alphabet, '=' padding required to a
// multiple of 4 characters) for vectors sent as binary.
#include <string>

namespace faiss_serve {

/// Decodes s into out. Returns false (out unspecified) on any character outside the
/// alphabet, a length that is not a multiple of 4 or misplaced padding; where says at
/// which character.
bool base64_decode(const std::string& s, std::string& out, size_t* where);

}  // namespace faiss_serve
