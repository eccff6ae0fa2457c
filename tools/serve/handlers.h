#pragma once
// The service's state and the bodies of its endpoints (HTTP-independent: JSON in, JSON
// out, ApiError for bad requests), so the routing layer stays thin.
#include "embedding_client.h"
#include "metrics.h"
#include "request_decode.h"
#include "served_index.h"

#include <atomic>
#include <map>
#include <memory>
#include <string>

namespace faiss_serve {

struct ServeConfig {
    std::string host = "127.0.0.1";
    int port = 8080;                    ///< 0: any free port (printed at start)
    size_t threads = 8;                 ///< connection worker threads
    size_t queue = 64;                  ///< accepted connections waiting for a worker
    size_t keep_alive_requests = 1000;  ///< requests per keep-alive connection
    size_t max_body = 64u << 20;        ///< bytes
    size_t max_k = 1024;
    size_t max_batch = 1024;    ///< query or add rows per request
    size_t max_ids = 1u << 20;  ///< ids in a filter or remove list
    std::string api_key;        ///< empty: no key (then nothing is writable)
    bool auth_reads = false;    ///< require the key for searches and info too
    int search_threads = 1;     ///< OpenMP threads of one request's search
};

struct ServiceState {
    ServeConfig cfg;
    std::map<std::string, std::unique_ptr<ServedIndex>> indexes;
    Metrics metrics;
    std::unique_ptr<EmbeddingClient> embedder;  ///< set by --embed-url: "texts" accepted
    std::atomic<uint64_t> shed{0};  ///< requests answered 503 because the queue was full

    /// @throws ApiError (404) naming an unknown index.
    ServedIndex& find(const std::string& name);
};

json index_info(const ServedIndex& index);
json handle_search(ServiceState& st, ServedIndex& index, const std::string& body);
json handle_add(ServiceState& st, ServedIndex& index, const std::string& body);
json handle_remove(ServiceState& st, ServedIndex& index, const std::string& body);
json handle_checkpoint(ServedIndex& index);
/// Counters, histograms and per-index gauges in the Prometheus text format.
std::string render_metrics(ServiceState& st);

}  // namespace faiss_serve
