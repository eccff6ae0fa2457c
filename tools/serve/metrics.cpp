// Prometheus text rendering of the service's counters.
#include "metrics.h"

#include <cstdio>

namespace faiss_serve {

namespace {

// Seconds; single-vector searches should land in the first few buckets.
const double kBounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                          0.1,    0.25,  0.5,    1,     2.5,  5,     10};
const size_t kNumBounds = sizeof(kBounds) / sizeof(kBounds[0]);

std::string number(double v, const char* format = "%.17g") {
    char buf[64];
    std::snprintf(buf, sizeof(buf), format, v);
    return buf;
}

}  // namespace

void Metrics::observe(const std::string& endpoint, int status, double seconds) {
    std::lock_guard<std::mutex> lock(mu_);
    requests_[{endpoint, status}]++;
    Histogram& h = latency_[endpoint];
    if (h.buckets.empty()) h.buckets.assign(kNumBounds, 0);
    for (size_t i = 0; i < kNumBounds; i++) {
        if (seconds <= kBounds[i]) {
            h.buckets[i]++;
            break;
        }
    }
    h.sum += seconds;
    h.count++;
}

std::string Metrics::render() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::string out =
        "# HELP faiss_serve_requests_total Requests answered, by endpoint and HTTP status.\n"
        "# TYPE faiss_serve_requests_total counter\n";
    for (const auto& r : requests_) {
        out += "faiss_serve_requests_total{endpoint=\"" + r.first.first + "\",code=\"" +
               std::to_string(r.first.second) + "\"} " + std::to_string(r.second) + "\n";
    }
    out +=
        "# HELP faiss_serve_request_duration_seconds Time from routing to the answer, by "
        "endpoint.\n"
        "# TYPE faiss_serve_request_duration_seconds histogram\n";
    for (const auto& l : latency_) {
        const std::string label = "endpoint=\"" + l.first + "\"";
        uint64_t cumulative = 0;
        for (size_t i = 0; i < kNumBounds; i++) {
            cumulative += l.second.buckets[i];
            out += "faiss_serve_request_duration_seconds_bucket{" + label + ",le=\"" +
                   number(kBounds[i], "%g") + "\"} " + std::to_string(cumulative) + "\n";
        }
        out += "faiss_serve_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " +
               std::to_string(l.second.count) + "\n";
        out += "faiss_serve_request_duration_seconds_sum{" + label + "} " + number(l.second.sum) +
               "\n";
        out += "faiss_serve_request_duration_seconds_count{" + label + "} " +
               std::to_string(l.second.count) + "\n";
    }
    return out;
}

void append_metric(std::string& out, const std::string& name, const char* type, const char* help,
                   const std::vector<std::pair<std::string, double>>& samples_by_index) {
    out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
    for (const auto& s : samples_by_index) {
        out += name + (s.first.empty() ? std::string() : "{index=\"" + s.first + "\"}") + " " +
               number(s.second) + "\n";
    }
}

}  // namespace faiss_serve
