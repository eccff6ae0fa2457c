#pragma once
// Request counters and latency histograms, rendered in the Prometheus text format.
// Thread safety: observe() and render() may be called from any thread.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace faiss_serve {

class Metrics {
  public:
    /// One answered request: endpoint is the route name ("search", "add" ...).
    void observe(const std::string& endpoint, int status, double seconds);
    /// Counters and histograms; gauges are appended by the caller.
    std::string render() const;

  private:
    struct Histogram {
        std::vector<uint64_t> buckets;  // cumulative counts are computed when rendering
        double sum = 0;
        uint64_t count = 0;
    };
    mutable std::mutex mu_;
    std::map<std::pair<std::string, int>, uint64_t> requests_;
    std::map<std::string, Histogram> latency_;
};

/// Appends "# HELP", "# TYPE" and one sample per label value of a gauge or counter.
void append_metric(std::string& out, const std::string& name, const char* type, const char* help,
                   const std::vector<std::pair<std::string, double>>& samples_by_index);

}  // namespace faiss_serve
