#pragma once
// Client of an OpenAI-compatible embedding endpoint (POST /v1/embeddings, as vLLM,
// SGLang and the OpenAI API serve it), so that the service can take texts and embed
// them itself. Thread safety: embed() may be called concurrently (one connection each).
#include <string>
#include <vector>

namespace faiss_serve {

struct EmbeddingConfig {
    std::string url;      ///< http(s)://host[:port]/path, e.g. http://127.0.0.1:8000/v1/embeddings
    std::string model;    ///< the "model" field of the requests
    std::string api_key;  ///< sent as a bearer token when not empty
    int timeout_s = 60;
};

class EmbeddingClient {
  public:
    /// @throws std::runtime_error for a URL that is not http(s)://host[:port]/path.
    explicit EmbeddingClient(const EmbeddingConfig& cfg);

    /// inputs.size() x d embeddings, in the order of inputs. @throws ApiError (502) when
    /// the endpoint cannot be reached, fails, or answers malformed data or vectors of
    /// another dimension than d.
    std::vector<float> embed(const std::vector<std::string>& inputs, size_t d) const;

  private:
    EmbeddingConfig cfg_;
    std::string origin_;  // scheme://host:port
    std::string path_;
};

}  // namespace faiss_serve
