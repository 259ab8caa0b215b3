#include "core/admin_server.h"

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "core/log.h"

namespace herald {
namespace {

void Answer(httplib::Response& response, const std::function<Status()>& check) {
  Status s = check ? check() : Status{};
  response.status = s ? 200 : 503;
  response.set_content(s ? "ok\n" : s.error().reason + "\n", "text/plain; charset=utf-8");
}

}  // namespace

int FreeLoopbackPort() {
  int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  int port = 0;
  if (::bind(sock, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(sock, reinterpret_cast<sockaddr*>(&address), &size) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(sock);
  return port;
}

Result<std::unique_ptr<AdminServer>> AdminServer::Start(const Address& address, const metrics::Registry& registry,
                                                        Checks checks) {
  std::unique_ptr<AdminServer> admin(new AdminServer());
  admin->server_ = std::make_unique<httplib::Server>();
  httplib::Server& server = *admin->server_;
  server.new_task_queue = [] { return new httplib::ThreadPool(2); };
  // httplib's default adds SO_REUSEPORT, which would let a second daemon share
  // the port silently; a port in use must be an error.
  server.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server.Get(kLivenessPath, [live = checks.live](const httplib::Request&, httplib::Response& r) { Answer(r, live); });
  server.Get(kReadinessPath, [ready = checks.ready](const httplib::Request&, httplib::Response& r) { Answer(r, ready); });
  server.Get(kMetricsPath, [&registry](const httplib::Request&, httplib::Response& r) {
    r.set_content(registry.RenderPrometheus(), "text/plain; version=0.0.4; charset=utf-8");
  });
  int port = address.port == 0 ? server.bind_to_any_port(address.host) : address.port;
  if (address.port != 0 && !server.bind_to_port(address.host, address.port)) port = -1;
  if (port <= 0) {
    return Fatal("admin endpoint: cannot listen on " + address.host + ":" + std::to_string(address.port) +
                 " (in use, or not a local address)");
  }
  admin->port_ = port;
  admin->thread_ = std::thread([&server] { server.listen_after_bind(); });
  // httplib's stop() is lost if it comes before the listening loop has begun,
  // and the destructor would then wait for ever: return only once it runs.
  for (int waited_ms = 0; !server.is_running(); ++waited_ms) {
    if (waited_ms == 5000) return Fatal("admin endpoint: the listener did not start");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  log::Info("admin endpoint listening", {{"address", address.host + ":" + std::to_string(port)},
                                         {"paths", "/healthz /readyz /metrics"}});
  return admin;
}

AdminServer::~AdminServer() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace herald
