// Endpoint bodies: validate, call the served index, shape the answer.
#include "handlers.h"

#include "api_error.h"
#include "search_params.h"

#include "../cli/index_util.h"

#include <faiss/MetricType.h>

#include <unordered_set>

namespace faiss_serve {

namespace {

void require_writable(const ServedIndex& index) {
    if (!index.writable()) {
        throw ApiError(403, "index '" + index.name() +
                                "' is read-only (start the service with --data-dir to write)");
    }
}

/// The request's vectors: "vectors", or "texts" embedded by the embedding endpoint.
std::vector<float> input_vectors(ServiceState& st, const json& req, size_t d, size_t& n) {
    if (!req.contains("texts")) return decode_vectors(req, d, st.cfg.max_batch, n);
    if (req.contains("vectors")) throw ApiError(400, "give either vectors or texts, not both");
    if (req.contains("dtype")) throw ApiError(400, "dtype applies only to base64 vectors");
    if (!st.embedder)
        throw ApiError(400,
                       "texts need an embedding endpoint (start the service with --embed-url)");
    const std::vector<std::string> texts = decode_texts(req, st.cfg.max_batch, size_t(1) << 16);
    n = texts.size();
    return st.embedder->embed(texts, d);
}

}  // namespace

ServedIndex& ServiceState::find(const std::string& name) {
    const auto it = indexes.find(name);
    if (it == indexes.end()) throw ApiError(404, "no index named '" + name + "'");
    return *it->second;
}

json index_info(const ServedIndex& index) {
    const auto s = index.snapshot();
    return {{"name", index.name()},
            {"type", faiss_cli::type_name(*s->base)},
            {"d", s->base->d},
            {"metric", faiss::metric_name(s->base->metric_type)},
            {"ntotal", s->ntotal_estimate()},
            {"base_ntotal", s->base->ntotal},
            {"delta_vectors", s->delta_size},
            {"pending_removes", s->tombstones->size()},
            {"writable", index.writable()},
            {"seq", s->seq},
            {"checkpoint_seq", index.checkpoint_seq()},
            {"checkpoint_running", index.checkpoint_running()}};
}

json handle_search(ServiceState& st, ServedIndex& index, const std::string& body) {
    const json req = parse_body(body);
    check_fields(req, {"vectors", "texts", "dtype", "k", "params", "filter_ids"});
    const size_t k = decode_k(req, st.cfg.max_k);
    const CallOptions opts = decode_params(req);
    const std::vector<int64_t> filter = decode_ids(req, "filter_ids", st.cfg.max_ids, true);
    size_t n = 0;
    const std::vector<float> x = input_vectors(st, req, size_t(index.snapshot()->base->d), n);
    const auto snap = index.snapshot();
    std::unordered_set<int64_t> allow(filter.begin(), filter.end());

    ServeSelector sel;
    sel.tombstones = snap->tombstones.get();
    sel.allow = req.contains("filter_ids") ? &allow : nullptr;
    const bool need_sel = sel.allow || !snap->tombstones->empty();
    const ParamsChain params = build_search_params(*snap->base, opts, need_sel ? &sel : nullptr);

    SearchRequest sr;
    sr.n = n;
    sr.x = x.data();
    sr.k = k;
    sr.params = params.top;
    sr.allow = sel.allow;
    const SearchResult r = search_snapshot(*snap, sr);
    json results = json::array();
    for (size_t q = 0; q < n; q++) {
        results.push_back({{"ids", r.ids[q]}, {"distances", r.distances[q]}});
    }
    return {{"results", std::move(results)}};
}

json handle_add(ServiceState& st, ServedIndex& index, const std::string& body) {
    require_writable(index);
    const json req = parse_body(body);
    check_fields(req, {"vectors", "texts", "dtype", "ids"});
    const std::vector<int64_t> ids = decode_ids(req, "ids", st.cfg.max_batch, false);
    size_t n = 0;
    std::vector<float> x = input_vectors(st, req, size_t(index.snapshot()->base->d), n);
    if (ids.size() != n) {
        throw ApiError(400, "ids has " + std::to_string(ids.size()) + " entries for " +
                                std::to_string(n) + " vectors");
    }
    const uint64_t seq = index.add(ids, std::move(x));
    return {{"added", n}, {"seq", seq}};
}

json handle_remove(ServiceState& st, ServedIndex& index, const std::string& body) {
    require_writable(index);
    const json req = parse_body(body);
    check_fields(req, {"ids"});
    const std::vector<int64_t> ids = decode_ids(req, "ids", st.cfg.max_ids, false);
    if (ids.empty()) throw ApiError(400, "ids is empty");
    const uint64_t seq = index.remove(ids);
    return {{"removed_ids", ids.size()}, {"seq", seq}};
}

json handle_checkpoint(ServedIndex& index) {
    require_writable(index);
    const uint64_t seq = index.checkpoint();
    return {{"checkpoint_seq", seq}};
}

std::string render_metrics(ServiceState& st) {
    std::string out = st.metrics.render();
    std::vector<std::pair<std::string, double>> ntotal, delta, removes, seq, ckpt, ckpt_fail, syncs,
        ckpt_s;
    for (const auto& kv : st.indexes) {
        const ServedIndex& idx = *kv.second;
        const auto s = idx.snapshot();
        ntotal.emplace_back(kv.first, double(s->ntotal_estimate()));
        delta.emplace_back(kv.first, double(s->delta_size));
        removes.emplace_back(kv.first, double(s->tombstones->size()));
        seq.emplace_back(kv.first, double(s->seq));
        ckpt.emplace_back(kv.first, double(idx.checkpoints_done()));
        ckpt_fail.emplace_back(kv.first, double(idx.checkpoint_failures()));
        ckpt_s.emplace_back(kv.first, idx.checkpoint_seconds());
        syncs.emplace_back(kv.first, double(idx.log_fsyncs()));
    }
    append_metric(out, "faiss_serve_index_ntotal", "gauge",
                  "Vectors served (removed base vectors count until the next checkpoint).", ntotal);
    append_metric(out, "faiss_serve_index_delta_vectors", "gauge",
                  "Vectors added since the last checkpoint.", delta);
    append_metric(out, "faiss_serve_index_pending_removes", "gauge",
                  "Removed ids not yet merged by a checkpoint.", removes);
    append_metric(out, "faiss_serve_index_write_seq", "gauge",
                  "Sequence number of the last acknowledged write.", seq);
    append_metric(out, "faiss_serve_checkpoints_total", "counter",
                  "Checkpoints written since start.", ckpt);
    append_metric(out, "faiss_serve_checkpoint_failures_total", "counter",
                  "Checkpoints that failed (writes stay in the log).", ckpt_fail);
    append_metric(out, "faiss_serve_checkpoint_seconds_total", "counter",
                  "Seconds spent building and writing checkpoints (the running one included).",
                  ckpt_s);
    append_metric(out, "faiss_serve_log_fsyncs_total", "counter",
                  "fsyncs of the write log (one covers all the writes waiting for it).", syncs);
    append_metric(out, "faiss_serve_rejected_total", "counter",
                  "Requests answered 503 because the request queue was full.",
                  {{"", double(st.shed.load())}});
    return out;
}

}  // namespace faiss_serve
