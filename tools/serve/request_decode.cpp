// Decoding and validating request fields.
#include "request_decode.h"

#include "api_error.h"
#include "base64.h"

#include <faiss/utils/fp16.h>

#include <cmath>
#include <cstring>

namespace faiss_serve {

namespace {

std::string fmt_count(size_t n) {
    return std::to_string(n);
}

std::vector<float> rows_from_json(const json& v, size_t d, size_t max_n, size_t& n) {
    n = v.size();
    if (n == 0) throw ApiError(400, "vectors is empty");
    if (n > max_n)
        throw ApiError(
            400, "vectors has " + fmt_count(n) + " rows, at most " + fmt_count(max_n) + " allowed");
    std::vector<float> x;
    x.reserve(n * d);
    for (size_t i = 0; i < n; i++) {
        const json& row = v[i];
        const std::string where = "vectors[" + std::to_string(i) + "]";
        if (!row.is_array()) throw ApiError(400, where + " is not an array of numbers");
        if (row.size() != d) {
            throw ApiError(400, where + " has " + fmt_count(row.size()) +
                                    " values, the index has d=" + fmt_count(d));
        }
        for (const json& e : row) {
            if (!e.is_number()) throw ApiError(400, where + " holds a non-number");
            x.push_back(e.get<float>());
        }
    }
    return x;
}

std::vector<float> rows_from_base64(const json& body, const std::string& s, size_t d, size_t max_n,
                                    size_t& n) {
    std::string dtype = "float32";
    if (body.contains("dtype")) {
        if (!body["dtype"].is_string()) throw ApiError(400, "dtype must be a string");
        dtype = body["dtype"].get<std::string>();
    }
    size_t width;
    if (dtype == "float32") {
        width = 4;
    } else if (dtype == "float16" || dtype == "bfloat16") {
        width = 2;
    } else {
        throw ApiError(400, "dtype '" + dtype + "' is not one of float32, float16, bfloat16");
    }
    std::string bytes;
    size_t where = 0;
    if (!base64_decode(s, bytes, &where)) {
        throw ApiError(400,
                       "vectors is not valid base64 (at character " + std::to_string(where) + ")");
    }
    const size_t row_bytes = d * width;
    if (bytes.empty() || bytes.size() % row_bytes != 0) {
        throw ApiError(400, "vectors holds " + fmt_count(bytes.size()) +
                                " bytes, not a positive multiple of d=" + fmt_count(d) + " " +
                                dtype + " values (" + fmt_count(row_bytes) + " bytes)");
    }
    n = bytes.size() / row_bytes;
    if (n > max_n)
        throw ApiError(
            400, "vectors has " + fmt_count(n) + " rows, at most " + fmt_count(max_n) + " allowed");
    std::vector<float> x(n * d);
    if (width == 4) {
        std::memcpy(x.data(), bytes.data(), bytes.size());
    } else {
        std::vector<uint16_t> h(n * d);
        std::memcpy(h.data(), bytes.data(), bytes.size());
        for (size_t i = 0; i < h.size(); i++) {
            x[i] = dtype == "float16" ? faiss::decode_fp16(h[i]) : faiss::decode_bf16(h[i]);
        }
    }
    return x;
}

const json& required(const json& body, const char* field) {
    if (!body.contains(field)) throw ApiError(400, std::string("missing field '") + field + "'");
    return body[field];
}

}  // namespace

json parse_body(const std::string& body) {
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded()) throw ApiError(400, "the body is not valid JSON");
    if (!j.is_object()) throw ApiError(400, "the body must be a JSON object");
    return j;
}

void check_fields(const json& body, const std::vector<std::string>& allowed) {
    for (auto it = body.begin(); it != body.end(); ++it) {
        bool ok = false;
        for (const auto& a : allowed)
            ok = ok || a == it.key();
        if (!ok) throw ApiError(400, "unknown field '" + it.key() + "'");
    }
}

std::vector<float> decode_vectors(const json& body, size_t d, size_t max_n, size_t& n) {
    const json& v = required(body, "vectors");
    std::vector<float> x;
    if (v.is_array()) {
        if (body.contains("dtype")) throw ApiError(400, "dtype applies only to base64 vectors");
        x = rows_from_json(v, d, max_n, n);
    } else if (v.is_string()) {
        x = rows_from_base64(body, v.get_ref<const std::string&>(), d, max_n, n);
    } else {
        throw ApiError(400, "vectors must be an array of rows or a base64 string");
    }
    for (size_t i = 0; i < x.size(); i++) {
        if (!std::isfinite(x[i])) {
            throw ApiError(400, "vectors[" + std::to_string(i / d) + "][" + std::to_string(i % d) +
                                    "] is not a finite number");
        }
    }
    return x;
}

std::vector<std::string> decode_texts(const json& body, size_t max_n, size_t max_bytes) {
    const json& v = required(body, "texts");
    if (!v.is_array() || v.empty())
        throw ApiError(400, "texts must be a non-empty array of strings");
    if (v.size() > max_n) {
        throw ApiError(400, "texts has " + fmt_count(v.size()) + " entries, at most " +
                                fmt_count(max_n) + " allowed");
    }
    std::vector<std::string> texts;
    for (size_t i = 0; i < v.size(); i++) {
        const std::string where = "texts[" + std::to_string(i) + "]";
        if (!v[i].is_string()) throw ApiError(400, where + " is not a string");
        const std::string& t = v[i].get_ref<const std::string&>();
        if (t.empty()) throw ApiError(400, where + " is empty");
        if (t.size() > max_bytes) {
            throw ApiError(400, where + " has " + fmt_count(t.size()) + " bytes, at most " +
                                    fmt_count(max_bytes));
        }
        texts.push_back(t);
    }
    return texts;
}

std::vector<int64_t> decode_ids(const json& body, const char* field, size_t max_n,
                                bool optional_field) {
    if (optional_field && !body.contains(field)) return {};
    const json& v = required(body, field);
    if (!v.is_array()) throw ApiError(400, std::string(field) + " must be an array of integers");
    if (v.size() > max_n) {
        throw ApiError(400, std::string(field) + " has " + fmt_count(v.size()) + " ids, at most " +
                                fmt_count(max_n) + " allowed");
    }
    std::vector<int64_t> ids;
    ids.reserve(v.size());
    for (size_t i = 0; i < v.size(); i++) {
        const json& e = v[i];
        const std::string where = std::string(field) + "[" + std::to_string(i) + "]";
        if (e.is_number_unsigned()) {
            if (e.get<uint64_t>() > uint64_t(INT64_MAX))
                throw ApiError(400, where + " is out of the int64 range");
            ids.push_back(int64_t(e.get<uint64_t>()));
        } else if (e.is_number_integer()) {
            if (e.get<int64_t>() < 0)
                throw ApiError(400, where + " is negative (" + e.dump() + "); ids must be >= 0");
            ids.push_back(e.get<int64_t>());
        } else {
            throw ApiError(400, where + " is not an integer");
        }
    }
    return ids;
}

size_t decode_k(const json& body, size_t max_k) {
    if (!body.contains("k")) return std::min<size_t>(10, max_k);
    const json& v = body["k"];
    if (!v.is_number_integer()) throw ApiError(400, "k must be an integer");
    // Non-negative JSON integers parse as unsigned; a negative one never is.
    if (!v.is_number_unsigned() || v.get<uint64_t>() < 1 || v.get<uint64_t>() > max_k) {
        throw ApiError(400, "k=" + v.dump() + " is out of range [1, " + fmt_count(max_k) + "]");
    }
    return size_t(v.get<uint64_t>());
}

CallOptions decode_params(const json& body) {
    CallOptions o;
    if (!body.contains("params")) return o;
    const json& p = body["params"];
    if (!p.is_object()) throw ApiError(400, "params must be an object");
    check_fields(p, {"nprobe", "efSearch", "k_factor"});
    auto positive_int = [&](const char* name, int64_t hi) {
        const json& v = p[name];
        if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > hi) {
            throw ApiError(400, std::string("params.") + name + "=" + v.dump() +
                                    " must be an integer in [1, " + std::to_string(hi) + "]");
        }
        return v.get<int64_t>();
    };
    if (p.contains("nprobe")) o.nprobe = size_t(positive_int("nprobe", 1 << 20));
    if (p.contains("efSearch")) o.efSearch = int(positive_int("efSearch", 1 << 16));
    if (p.contains("k_factor")) {
        const json& v = p["k_factor"];
        if (!v.is_number() || !(v.get<double>() >= 1 && v.get<double>() <= 1000)) {
            throw ApiError(400, "params.k_factor=" + v.dump() + " must be a number in [1, 1000]");
        }
        o.k_factor = v.get<float>();
    }
    return o;
}

}  // namespace faiss_serve
