// Strict base64 decoding.
#include "base64.h"

#include <cstdint>

namespace faiss_serve {

namespace {

int value_of(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

}  // namespace

bool base64_decode(const std::string& s, std::string& out, size_t* where) {
    out.clear();
    if (s.size() % 4 != 0) {
        if (where) *where = s.size();
        return false;
    }
    out.reserve(s.size() / 4 * 3);
    for (size_t i = 0; i < s.size(); i += 4) {
        const bool last = i + 4 == s.size();
        int v[4];
        int pad = 0;
        for (int j = 0; j < 4; j++) {
            const char c = s[i + j];
            // '=' only at the end of the last group: "xx==" or "xxx=".
            if (c == '=' && last && j >= 2 && (j == 3 || s[i + 3] == '=')) {
                v[j] = 0;
                pad++;
                continue;
            }
            v[j] = value_of(c);
            if (v[j] < 0 || pad) {
                if (where) *where = i + j;
                return false;
            }
        }
        const uint32_t bits =
            uint32_t(v[0]) << 18 | uint32_t(v[1]) << 12 | uint32_t(v[2]) << 6 | uint32_t(v[3]);
        out.push_back(char(bits >> 16));
        if (pad < 2) out.push_back(char((bits >> 8) & 0xFF));
        if (pad < 1) out.push_back(char(bits & 0xFF));
    }
    return true;
}

}  // namespace faiss_serve
