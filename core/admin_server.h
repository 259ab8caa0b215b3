// admin_server.h: a daemon's admin HTTP endpoints, for probes and scrapers.
//
//   auto admin = AdminServer::Start({.host = "0.0.0.0", .port = 9641}, registry,
//                                   {.live = [&] { return m.Liveness(120s); },
//                                    .ready = [&] { return m.Readiness(); }});
//   ... the daemon runs ...
//   admin->reset();   // stops listening
//
//   GET /healthz  200 "ok", or 503 with the reason (the stage loop is stalled)
//   GET /readyz   200 "ok", or 503 with the reason (not consuming, no broker, sink failing)
//   GET /metrics  the registry in Prometheus' text format 0.0.4
//   GET <api.prefix>...  api.handler's answer, computed on one of api.threads
//                        worker threads (herald serve's query API), so that a
//                        slow answer never holds up the probes
// Anything else is 404; only GET and HEAD are served, one request per connection.
// Slow or many clients cannot silence it: each connection must send its request
// and take its answer within Limits::request_timeout, or it is closed; past
// Limits::max_connections a new connection is answered 503 at once.
// Thread-safety: requests are served on the server's own thread; the checks
// and the registry must be safe to call from it and outlive the server.
// Failure: Start fails when the address cannot be bound (port in use).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/metrics.h"
#include "core/status.h"

namespace herald {

// The endpoints' paths, which probes and scrapers in deploy/ name.
inline constexpr const char* kLivenessPath = "/healthz";
inline constexpr const char* kReadinessPath = "/readyz";
inline constexpr const char* kMetricsPath = "/metrics";

// A loopback TCP port nobody listens on now (for tools and tests that start
// daemons and must tell them where to listen).
int FreeLoopbackPort();

// A request for the API route, and its answer.
struct HttpRequest {
  std::string_view method;
  std::string_view path;   // without the query
  std::string_view query;  // after '?', still percent-encoded
};
struct HttpAnswer {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// What one slow or greedy client may take of the admin endpoint.
struct AdminServerLimits {
  // To send the request and read the answer, from the connection's accept.
  std::chrono::milliseconds request_timeout{2000};
  size_t max_connections = 64;
  size_t max_request_bytes = 8192;
};

// An API served beside the probes: paths under `prefix` go to `handler`,
// called on worker thread `worker` (0..threads-1; each may keep its own
// database connection). An answer must come within `timeout` (the
// connection's deadline is extended by it).
struct AdminApi {
  std::string prefix;
  int threads = 2;
  std::chrono::milliseconds timeout{5000};
  std::function<HttpAnswer(const HttpRequest& request, int worker)> handler;
  // When any: a request under `prefix` without `Authorization: Bearer <one of
  // them>` is answered 401 before it reaches a worker (core/bearer_auth.h).
  // The probes and /metrics stay open to the orchestrator and the scraper.
  std::vector<std::string> bearer_tokens;
};

class AdminServer {
 public:
  struct Address {
    std::string host = "0.0.0.0";
    int port = 0;  // 0: any free port (tests)
  };
  struct Checks {
    std::function<Status()> live;
    std::function<Status()> ready;
  };
  using Limits = AdminServerLimits;
  using Api = AdminApi;

  static Result<std::unique_ptr<AdminServer>> Start(const Address& address, const metrics::Registry& registry,
                                                    Checks checks, const Limits& limits = {}, Api api = {});
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  int port() const { return port_; }

 private:
  class Loop;
  AdminServer() = default;
  std::unique_ptr<Loop> loop_;
  std::thread thread_;
  class Workers;
  std::unique_ptr<Workers> workers_;
  int wake_[2] = {-1, -1};    // written to stop the loop
  int notify_[2] = {-1, -1};  // written by the API's workers when an answer is ready
  int port_ = 0;
};

}  // namespace herald
