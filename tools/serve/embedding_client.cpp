// Calls to an OpenAI-compatible /v1/embeddings endpoint.
#include "embedding_client.h"

#include "api_error.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <stdexcept>

namespace faiss_serve {

namespace {

using json = nlohmann::json;

ApiError upstream(const std::string& what) {
    return ApiError(502, "embedding endpoint: " + what);
}

/// Rows of the answer's "data", placed by their "index".
std::vector<float> rows_of(const json& answer, size_t n, size_t d) {
    if (!answer.is_object() || !answer.contains("data") || !answer["data"].is_array()) {
        throw upstream("the answer has no \"data\" array");
    }
    const json& data = answer["data"];
    if (data.size() != n) {
        throw upstream("answered " + std::to_string(data.size()) + " embeddings for " +
                       std::to_string(n) + " inputs");
    }
    std::vector<float> x(n * d);
    std::vector<bool> seen(n, false);
    for (size_t i = 0; i < n; i++) {
        const json& item = data[i];
        const json* emb =
            item.is_object() && item.contains("embedding") ? &item["embedding"] : nullptr;
        if (!emb || !emb->is_array())
            throw upstream("data[" + std::to_string(i) + "] has no embedding array");
        size_t row = i;
        if (item.contains("index")) {
            if (!item["index"].is_number_unsigned() || item["index"].get<uint64_t>() >= n) {
                throw upstream("data[" + std::to_string(i) + "].index is out of range");
            }
            row = size_t(item["index"].get<uint64_t>());
        }
        if (seen[row]) throw upstream("index " + std::to_string(row) + " answered twice");
        seen[row] = true;
        if (emb->size() != d) {
            throw upstream("embedding of dimension " + std::to_string(emb->size()) +
                           ", the index has d=" + std::to_string(d));
        }
        for (size_t j = 0; j < d; j++) {
            const json& v = (*emb)[j];
            if (!v.is_number() || !std::isfinite(v.get<double>()))
                throw upstream("non-finite embedding value");
            x[row * d + j] = v.get<float>();
        }
    }
    return x;
}

}  // namespace

EmbeddingClient::EmbeddingClient(const EmbeddingConfig& cfg) : cfg_(cfg) {
    const std::string& u = cfg.url;
    const size_t scheme_end = u.find("://");
    const std::string scheme = scheme_end == std::string::npos ? "" : u.substr(0, scheme_end);
    if (scheme != "http" && scheme != "https") {
        throw std::runtime_error("--embed-url '" + u +
                                 "': expected http://host[:port]/path or https://...");
    }
    const size_t path_start = u.find('/', scheme_end + 3);
    origin_ = u.substr(0, path_start);
    path_ = path_start == std::string::npos ? "/v1/embeddings" : u.substr(path_start);
    if (origin_.size() <= scheme.size() + 3)
        throw std::runtime_error("--embed-url '" + u + "': no host");
}

std::vector<float> EmbeddingClient::embed(const std::vector<std::string>& inputs, size_t d) const {
    httplib::Client client(origin_);
    client.set_connection_timeout(cfg_.timeout_s, 0);
    client.set_read_timeout(cfg_.timeout_s, 0);
    client.set_write_timeout(cfg_.timeout_s, 0);
    httplib::Headers headers;
    if (!cfg_.api_key.empty()) headers.emplace("Authorization", "Bearer " + cfg_.api_key);
    json body = {{"input", inputs}, {"encoding_format", "float"}};
    if (!cfg_.model.empty()) body["model"] = cfg_.model;
    const auto res = client.Post(path_, headers, body.dump(), "application/json");
    if (!res) throw upstream(cfg_.url + " unreachable (" + httplib::to_string(res.error()) + ")");
    if (res->status != 200) {
        throw upstream("HTTP " + std::to_string(res->status) + ": " + res->body.substr(0, 200));
    }
    const json answer = json::parse(res->body, nullptr, false);
    if (answer.is_discarded()) throw upstream("the answer is not JSON");
    return rows_of(answer, inputs.size(), d);
}

}  // namespace faiss_serve
