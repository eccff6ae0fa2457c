#pragma once
// The HTTP layer (cpp-httplib): routes, bearer-token checks, JSON errors, the request
// size limit, the bounded queue and the metrics of every answer.
//
// Endpoints (JSON bodies; see tools/README.md, "faiss-cli serve"):
//   GET  /health                              no key needed
//   GET  /metrics                             Prometheus text
//   GET  /v1/indexes, /v1/indexes/{name}      info
//   POST /v1/indexes/{name}/search            reads
//   POST /v1/indexes/{name}/add|remove|checkpoint   writes: the key is always required
#include "handlers.h"

#include <functional>

namespace faiss_serve {

/// Binds cfg.host:cfg.port, calls on_listening(port) and serves until stop_requested
/// returns true (polled) . @throws std::runtime_error when the address cannot be bound.
void run_http_server(ServiceState& st, const std::function<void(int)>& on_listening,
                     const std::function<bool()>& stop_requested);

}  // namespace faiss_serve
