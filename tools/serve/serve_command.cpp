// faiss-cli serve: options, loading the indexes, running the HTTP service until
// SIGINT / SIGTERM.
#include "serve.h"

#include "http_server.h"

#include "../cli/cli.h"

#include <faiss/FaissException.h>

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace faiss_cli {

namespace {

volatile std::sig_atomic_t g_stop = 0;

void on_signal(int) {
    g_stop = 1;
}

std::string read_key_file(const std::string& path) {
    std::ifstream f(path);
    if (!f) throw CliError(path + ": cannot read the API key file");
    std::stringstream ss;
    ss << f.rdbuf();
    std::string key = ss.str();
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' '))
        key.pop_back();
    if (key.empty()) throw CliError(path + ": the API key file is empty");
    return key;
}

bool valid_name(const std::string& name) {
    if (name.empty() || name.size() > 64 || name == "." || name == "..") return false;
    for (char c : name) {
        if (!isalnum((unsigned char)c) && c != '_' && c != '-' && c != '.') return false;
    }
    return true;
}

/// "name=path,name2=path2" (a bare path is named "default").
std::vector<std::pair<std::string, std::string>> parse_index_list(const std::string& s) {
    std::vector<std::pair<std::string, std::string>> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const size_t eq = item.find('=');
        std::string name = eq == std::string::npos ? "default" : item.substr(0, eq);
        std::string path = eq == std::string::npos ? item : item.substr(eq + 1);
        if (!valid_name(name))
            throw CliError("--index: invalid name '" + name + "' (letters, digits, _ - .)");
        if (path.empty()) throw CliError("--index: no file for '" + name + "'");
        for (const auto& p : out) {
            if (p.first == name) throw CliError("--index: name '" + name + "' given twice");
        }
        out.emplace_back(name, path);
    }
    if (out.empty()) throw CliError("--index: no index given");
    return out;
}

faiss_serve::ServeConfig parse_config(const Args& args) {
    faiss_serve::ServeConfig cfg;
    cfg.host = args.get("host", cfg.host);
    cfg.port = int(args.get_int("port", cfg.port, 0, 65535));
    cfg.threads = size_t(args.get_int("threads", int64_t(cfg.threads), 1, 1024));
    cfg.queue = size_t(args.get_int("queue", int64_t(cfg.queue), 1, 1 << 20));
    cfg.keep_alive_requests = size_t(
        args.get_int("keep-alive-requests", int64_t(cfg.keep_alive_requests), 1, int64_t(1) << 30));
    cfg.max_body = size_t(args.get_int("max-body", int64_t(cfg.max_body), 1024, int64_t(1) << 34));
    cfg.max_k = size_t(args.get_int("max-k", int64_t(cfg.max_k), 1, 1 << 20));
    cfg.max_batch = size_t(args.get_int("max-batch", int64_t(cfg.max_batch), 1, 1 << 24));
    cfg.search_threads = int(args.get_int("search-threads", cfg.search_threads, 1, 4096));
    cfg.auth_reads = args.has("auth-reads");
    if (args.has("api-key-file")) {
        cfg.api_key = read_key_file(args.get("api-key-file"));
    } else if (const char* env = std::getenv("FAISS_SERVE_API_KEY")) {
        cfg.api_key = env;
    }
    if (args.has("embed-model") && !args.has("embed-url"))
        throw CliError("--embed-model needs --embed-url");
    if (cfg.auth_reads && cfg.api_key.empty())
        throw CliError("--auth-reads needs an API key (--api-key-file or FAISS_SERVE_API_KEY)");
    return cfg;
}

void load_indexes(const Args& args, faiss_serve::ServiceState& st) {
    const bool writable = args.has("data-dir");
    if (writable && st.cfg.api_key.empty()) {
        throw CliError(
            "--data-dir makes the indexes writable: give an API key (--api-key-file or "
            "FAISS_SERVE_API_KEY)");
    }
    faiss_serve::WriteOptions wo;
    wo.merge_threshold =
        size_t(args.get_int("merge-threshold", int64_t(wo.merge_threshold), 1, int64_t(1) << 32));
    wo.checkpoint_mb_per_s = double(
        args.get_int("checkpoint-rate", int64_t(wo.checkpoint_mb_per_s), 0, int64_t(1) << 20));
    for (const auto& np : parse_index_list(args.required("index"))) {
        try {
            if (writable) {
                wo.data_dir = args.get("data-dir") + "/" + np.first;
                st.indexes[np.first] =
                    std::make_unique<faiss_serve::ServedIndex>(np.first, np.second, wo);
            } else {
                st.indexes[np.first] =
                    std::make_unique<faiss_serve::ServedIndex>(np.first, np.second);
            }
        } catch (const faiss::FaissException& e) {
            throw CliError(np.second + ": " + e.message());
        } catch (const std::runtime_error& e) {
            throw CliError(e.what());
        }
        const auto s = st.indexes[np.first]->snapshot();
        std::printf("faiss-cli serve: index '%s': d=%d ntotal=%lld%s (replayed %llu log records)\n",
                    np.first.c_str(), s->base->d, (long long)s->ntotal_estimate(),
                    writable ? " writable" : " read-only",
                    (unsigned long long)st.indexes[np.first]->replayed_records());
    }
}

}  // namespace

int cmd_serve(int argc, char** argv) {
    std::set<std::string> value_opts = {"index",
                                        "host",
                                        "port",
                                        "data-dir",
                                        "api-key-file",
                                        "threads",
                                        "queue",
                                        "max-body",
                                        "max-k",
                                        "max-batch",
                                        "merge-threshold",
                                        "checkpoint-rate",
                                        "search-threads",
                                        "embed-url",
                                        "embed-model",
                                        "keep-alive-requests"};
    std::set<std::string> flags = {"auth-reads"};
    Args args(argc, argv, value_opts, flags);
    faiss_serve::ServiceState st;
    st.cfg = parse_config(args);
    if (args.has("embed-url")) {
        faiss_serve::EmbeddingConfig ec;
        ec.url = args.get("embed-url");
        ec.model = args.get("embed-model");
        if (const char* key = std::getenv("FAISS_SERVE_EMBED_KEY")) ec.api_key = key;
        try {
            st.embedder = std::make_unique<faiss_serve::EmbeddingClient>(ec);
        } catch (const std::runtime_error& e) {
            throw CliError(e.what());
        }
    }
    if (args.has("data-dir")) {
        const std::string dir = args.get("data-dir");
        if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
            throw CliError(dir + ": cannot create the data folder");
    }
    load_indexes(args, st);
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGPIPE, SIG_IGN);
    try {
        faiss_serve::run_http_server(
            st,
            [&st](int port) {
                std::printf("faiss-cli serve: listening on http://%s:%d\n", st.cfg.host.c_str(),
                            port);
                std::fflush(stdout);
            },
            [] { return g_stop != 0; });
    } catch (const std::runtime_error& e) {
        throw CliError(e.what());
    }
    std::printf("faiss-cli serve: stopped\n");
    return 0;
}

}  // namespace faiss_cli
