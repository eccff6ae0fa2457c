// Routing, authentication and error answers on top of cpp-httplib.
#include "http_server.h"

#include "api_error.h"
#include "bounded_pool.h"

#include <faiss/FaissException.h>

#include <httplib.h>
#include <omp.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <thread>

namespace faiss_serve {

namespace {

enum class Access { open, read, write };

void send_error(httplib::Response& res, int status, const std::string& message) {
    res.status = status;
    res.set_content(json{{"error", {{"status", status}, {"message", message}}}}.dump(),
                    "application/json");
}

bool same_key(const std::string& a, const std::string& b) {
    // Constant time in the compared bytes, so the key cannot be guessed by timing.
    unsigned char diff = a.size() != b.size();
    for (size_t i = 0; i < a.size() && i < b.size(); i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

void check_access(const ServiceState& st, const httplib::Request& req, Access access) {
    if (access == Access::open || (access == Access::read && !st.cfg.auth_reads)) return;
    if (st.cfg.api_key.empty())
        throw ApiError(403, "writes are disabled: the service has no API key");
    const std::string header = req.get_header_value("Authorization");
    const std::string prefix = "Bearer ";
    if (header.empty()) throw ApiError(401, "missing Authorization: Bearer <key> header");
    if (header.compare(0, prefix.size(), prefix) != 0 ||
        !same_key(header.substr(prefix.size()), st.cfg.api_key)) {
        throw ApiError(401, "invalid API key");
    }
}

using Body = std::function<void(const httplib::Request&, httplib::Response&)>;

/// The answer on the shedding thread. It comes after httplib has read the body: closing
/// a connection with unread request bytes would send a reset instead of the answer.
void reject_overloaded(ServiceState& st, httplib::Response& res) {
    st.shed++;
    send_error(res, 503,
               "overloaded: the request queue is full (" + std::to_string(st.cfg.queue) +
                   " waiting); retry later");
    res.set_header("Retry-After", "1");
    res.set_header("Connection", "close");
    st.metrics.observe("rejected", 503, 0);
}

/// Runs work with the access check, errors answered as JSON, and metrics.
void run_endpoint(ServiceState& st, const std::string& name, Access access,
                  const httplib::Request& req, httplib::Response& res,
                  const std::function<void()>& work) {
    const auto start = std::chrono::steady_clock::now();
    try {
        check_access(st, req, access);
        work();
        if (res.status == -1) res.status = 200;
    } catch (const ApiError& e) {
        if (e.status == 401) res.set_header("WWW-Authenticate", "Bearer");
        if (e.status == 413) res.set_header("Connection", "close");
        send_error(res, e.status, e.what());
    } catch (const faiss::FaissException& e) {
        const bool bad_input = e.code() == faiss::ErrorCode::invalid_argument;
        send_error(res, bad_input ? 400 : 500, e.message());
    } catch (const std::bad_alloc&) {
        send_error(res, 503, "out of memory");
    } catch (const std::exception& e) {
        send_error(res, 500, e.what());
    }
    if (BoundedPool::connections_waiting()) res.set_header("Connection", "close");
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    st.metrics.observe(name, res.status, secs);
}

/// A GET endpoint.
httplib::Server::Handler endpoint(ServiceState& st, const std::string& name, Access access,
                                  Body body) {
    return [&st, name, access, body](const httplib::Request& req, httplib::Response& res) {
        if (BoundedPool::shedding()) return reject_overloaded(st, res);
        run_endpoint(st, name, access, req, res, [&] { body(req, res); });
    };
}

/// A POST endpoint taking a JSON body. The body is read here, so that its limit holds
/// for chunked bodies too (httplib checks only Content-Length against it).
httplib::Server::HandlerWithContentReader post_endpoint(
    ServiceState& st, const std::string& name, Access access,
    std::function<json(const httplib::Request&, const std::string&)> fn) {
    return [&st, name, access, fn](const httplib::Request& req, httplib::Response& res,
                                   const httplib::ContentReader& reader) {
        std::string body;
        bool too_big = false;
        const bool complete = reader([&](const char* data, size_t len) {
            too_big = too_big || body.size() + len > st.cfg.max_body;
            if (!too_big) body.append(data, len);
            return !too_big;
        });
        // httplib refuses to read a body whose Content-Length is over its limit.
        const std::string length = req.get_header_value("Content-Length");
        too_big = too_big ||
                  (!length.empty() && std::strtoull(length.c_str(), nullptr, 10) > st.cfg.max_body);
        const bool failed = !complete && !too_big;
        if (BoundedPool::shedding()) return reject_overloaded(st, res);
        run_endpoint(st, name, access, req, res, [&] {
            if (failed) throw ApiError(400, "the request body could not be read");
            if (too_big)
                throw ApiError(413, "request body larger than the limit of " +
                                        std::to_string(st.cfg.max_body) + " bytes");
            res.set_content(fn(req, body).dump(), "application/json");
        });
    };
}

Body json_body(const std::function<json(const httplib::Request&)>& fn) {
    return [fn](const httplib::Request& req, httplib::Response& res) {
        res.set_content(fn(req).dump(), "application/json");
    };
}

void add_routes(httplib::Server& svr, ServiceState& st) {
    const std::string idx = R"(/v1/indexes/([A-Za-z0-9_.\-]+))";
    svr.Get("/health", endpoint(st, "health", Access::open, json_body([](const httplib::Request&) {
                                    return json{{"status", "ok"}};
                                })));
    svr.Get("/metrics", endpoint(st, "metrics", Access::read,
                                 [&st](const httplib::Request&, httplib::Response& res) {
                                     res.set_content(render_metrics(st),
                                                     "text/plain; version=0.0.4");
                                 }));
    svr.Get("/v1/indexes",
            endpoint(st, "list", Access::read, json_body([&st](const httplib::Request&) {
                         json all = json::array();
                         for (const auto& kv : st.indexes)
                             all.push_back(index_info(*kv.second));
                         return json{{"indexes", all}};
                     })));
    svr.Get(idx, endpoint(st, "info", Access::read, json_body([&st](const httplib::Request& req) {
                              return index_info(st.find(req.matches[1]));
                          })));
    svr.Post(idx + "/search",
             post_endpoint(st, "search", Access::read,
                           [&st](const httplib::Request& req, const std::string& body) {
                               return handle_search(st, st.find(req.matches[1]), body);
                           }));
    svr.Post(idx + "/add",
             post_endpoint(st, "add", Access::write,
                           [&st](const httplib::Request& req, const std::string& body) {
                               return handle_add(st, st.find(req.matches[1]), body);
                           }));
    svr.Post(idx + "/remove",
             post_endpoint(st, "remove", Access::write,
                           [&st](const httplib::Request& req, const std::string& body) {
                               return handle_remove(st, st.find(req.matches[1]), body);
                           }));
    svr.Post(idx + "/checkpoint",
             post_endpoint(st, "checkpoint", Access::write,
                           [&st](const httplib::Request& req, const std::string&) {
                               return handle_checkpoint(st.find(req.matches[1]));
                           }));
}

void configure(httplib::Server& svr, ServiceState& st) {
    const ServeConfig& cfg = st.cfg;
    const int omp_threads = cfg.search_threads;
    svr.new_task_queue = [&cfg, omp_threads] {
        return new BoundedPool(cfg.threads, cfg.queue,
                               [omp_threads] { omp_set_num_threads(omp_threads); });
    };
    svr.set_payload_max_length(cfg.max_body);
    svr.set_read_timeout(10, 0);
    svr.set_write_timeout(10, 0);
    svr.set_keep_alive_timeout(5);
    // httplib closes a connection after 5 requests by default: the client then pays a
    // new TCP connection and the connection a new trip through the worker queue every
    // 5 requests. Fairness does not need that: a connection is closed after its answer
    // whenever others wait for a worker (run_endpoint).
    svr.set_keep_alive_max_count(cfg.keep_alive_requests);
    // Answers are small writes: without this, Nagle plus delayed ACKs add ~40 ms.
    svr.set_tcp_nodelay(true);
    // Answers httplib made itself (unknown path 404, body over the limit 413 ...).
    svr.set_error_handler([&st](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return;
        std::string msg = "HTTP " + std::to_string(res.status);
        if (res.status == 404) msg = "no endpoint " + req.method + " " + req.path;
        if (res.status == 413)
            msg = "request body larger than the limit of " + std::to_string(st.cfg.max_body) +
                  " bytes";
        send_error(res, res.status, msg);
        st.metrics.observe("other", res.status, 0);
    });
    svr.set_exception_handler([](const httplib::Request&, httplib::Response& res,
                                 std::exception_ptr) { send_error(res, 500, "internal error"); });
    add_routes(svr, st);
}

}  // namespace

void run_http_server(ServiceState& st, const std::function<void(int)>& on_listening,
                     const std::function<bool()>& stop_requested) {
    httplib::Server svr;
    configure(svr, st);
    int listen_fd = -1;
    svr.set_socket_options([&listen_fd](socket_t sock) {
        httplib::default_socket_options(sock);
        listen_fd = sock;
    });
    int port = st.cfg.port;
    if (port == 0) {
        port = svr.bind_to_any_port(st.cfg.host);
    } else if (!svr.bind_to_port(st.cfg.host, port)) {
        port = -1;
    }
    if (port < 0)
        throw std::runtime_error("cannot listen on " + st.cfg.host + ":" +
                                 std::to_string(st.cfg.port));
    // httplib listens with a backlog of 5, which drops connections of bursts of
    // clients before the queue can take or reject them; Linux lets listen() raise it.
    if (listen_fd >= 0) ::listen(listen_fd, 1024);
    on_listening(port);
    std::atomic<bool> done{false};
    std::thread watcher([&] {
        while (!done && !stop_requested())
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        svr.stop();
    });
    svr.listen_after_bind();
    done = true;
    watcher.join();
}

}  // namespace faiss_serve
