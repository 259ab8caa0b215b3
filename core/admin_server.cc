#include "core/admin_server.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <string_view>

#include "core/bearer_auth.h"
#include "core/log.h"

// Written by hand on poll(): the admin endpoint must answer probes whatever its
// clients do, and cpp-httplib's timeouts apply to each read, so a client sending
// a byte every few seconds held one of its workers for ever (two such clients
// silenced /healthz). Here every connection has one deadline for its whole
// request and response, the connections are capped, and one thread serves
// them all; the probes and metrics are small GETs answered from memory, and
// the API's answers (herald serve) are computed on worker threads of their own
// and handed back to the loop, which alone touches the sockets.
namespace herald {
namespace {

using Clock = std::chrono::steady_clock;

struct Connection {
  uint64_t id = 0;
  int fd = -1;
  bool pending = false;  // with the API's workers
  Clock::time_point deadline;
  std::string in;   // the request so far
  std::string out;  // the response, once the request is complete
  size_t written = 0;
  bool responding = false;
};

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 202: return "Accepted";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";  // any phrase is valid HTTP (RFC 9112); clients read the code
  }
}

std::string AnswerResponse(const HttpAnswer& answer, bool head) {
  std::string out = "HTTP/1.1 " + std::to_string(answer.status) + " " + std::string(ReasonPhrase(answer.status)) +
                    "\r\nContent-Type: " + answer.content_type +
                    "\r\nContent-Length: " + std::to_string(answer.body.size()) + "\r\nConnection: close\r\n";
  for (const auto& [name, value] : answer.headers) out += name + ": " + value + "\r\n";
  out += "\r\n";
  if (!head) out += answer.body;
  return out;
}

std::string Response(int status, std::string_view content_type, std::string_view body, bool head) {
  HttpAnswer answer{.status = status, .content_type = std::string(content_type), .body = std::string(body)};
  if (status == 405) answer.headers.emplace_back("Allow", "GET, HEAD");
  return AnswerResponse(answer, head);
}

void SetNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

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

// The API's worker threads: requests in, finished responses out, and a byte
// on `notify` each time one is done so that the loop wakes for it.
class AdminServer::Workers {
 public:
  Workers(Api api, int notify) : api_(std::move(api)), tokens_(api_.bearer_tokens), notify_(notify) {
    for (int i = 0; i < std::max(1, api_.threads); ++i) threads_.emplace_back([this, i] { Work(i); });
  }
  ~Workers() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (std::thread& t : threads_) t.join();
  }
  const Api& api() const { return api_; }
  const BearerTokens& tokens() const { return tokens_; }
  void Submit(uint64_t id, std::string request_line, bool head) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back({id, std::move(request_line), head});
    }
    ready_.notify_one();
  }
  std::vector<std::pair<uint64_t, std::string>> TakeDone() {
    std::lock_guard lock(mutex_);
    return std::exchange(done_, {});
  }

 private:
  struct Job {
    uint64_t id;
    std::string target;  // path and query
    bool head;
  };
  void Work(int worker) {
    for (;;) {
      Job job;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      const std::string_view target(job.target);
      const size_t question = target.find('?');
      const HttpRequest request{.method = job.head ? "HEAD" : "GET",
                                .path = target.substr(0, question),
                                .query = question == std::string_view::npos ? "" : target.substr(question + 1)};
      HttpAnswer answer;
      try {
        answer = api_.handler(request, worker);
      } catch (const std::exception& e) {  // a handler's bug must not take the server down
        answer = {.status = 500, .content_type = "text/plain; charset=utf-8", .body = "internal error\n"};
        log::Error("api handler failed", {{"path", std::string(request.path)}, {"reason", e.what()}});
      }
      {
        std::lock_guard lock(mutex_);
        done_.emplace_back(job.id, AnswerResponse(answer, job.head));
      }
      (void)::write(notify_, "x", 1);
    }
  }

  Api api_;
  BearerTokens tokens_;
  int notify_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> queue_;
  std::vector<std::pair<uint64_t, std::string>> done_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

class AdminServer::Loop {
 public:
  Loop(int listener, const metrics::Registry& registry, Checks checks, const Limits& limits, Workers* workers,
       int notify)
      : listener_(listener),
        registry_(registry),
        checks_(std::move(checks)),
        limits_(limits),
        workers_(workers),
        notify_(notify) {}
  ~Loop() {
    for (Connection& c : connections_) ::close(c.fd);
    ::close(listener_);
  }

  // Serves until `wake` becomes readable.
  void Run(int wake) {
    std::vector<pollfd> fds;
    for (;;) {
      fds.assign({{wake, POLLIN, 0}, {listener_, POLLIN, 0}, {notify_, POLLIN, 0}});
      for (const Connection& c : connections_) {
        const short events = c.pending ? 0 : c.responding ? POLLOUT : POLLIN;
        fds.push_back({c.fd, events, 0});
      }
      ::poll(fds.data(), fds.size(), 100);
      if (fds[0].revents) return;
      if (fds[1].revents & POLLIN) Accept();
      if (fds[2].revents & POLLIN) Collect();
      size_t i = 3;
      const Clock::time_point now = Clock::now();
      for (auto it = connections_.begin(); it != connections_.end(); ++i) {
        const bool open = i < fds.size() && fds[i].fd == it->fd ? Serve(*it, fds[i].revents) : true;
        if (!open || now > it->deadline) {
          ::close(it->fd);
          it = connections_.erase(it);
        } else {
          ++it;
        }
      }
    }
  }

 private:
  void Accept() {
    for (;;) {
      int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      if (connections_.size() >= limits_.max_connections) {
        // Full: turned away at once rather than queued behind slow clients.
        static constexpr std::string_view kBusy =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        (void)::send(fd, kBusy.data(), kBusy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        ::close(fd);
        continue;
      }
      SetNonBlocking(fd);
      connections_.push_back({.id = ++last_id_, .fd = fd, .deadline = Clock::now() + limits_.request_timeout});
    }
  }

  // The workers' finished answers, to their connections (if still open).
  void Collect() {
    char drain[256];
    while (::read(notify_, drain, sizeof drain) > 0) {
    }
    for (auto& [id, response] : workers_->TakeDone()) {
      for (Connection& c : connections_) {
        if (c.id != id || !c.pending) continue;
        c.pending = false;
        c.responding = true;
        c.out = std::move(response);
      }
    }
  }

  // Reads or writes what the socket allows; false once the connection is done.
  bool Serve(Connection& c, short revents) {
    if (revents & (POLLERR | POLLNVAL)) return false;
    if (c.pending) return !(revents & POLLHUP);
    if (!c.responding) {
      if (!(revents & (POLLIN | POLLHUP))) return true;
      char buffer[4096];
      ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
      if (n <= 0) return n < 0 && (errno == EAGAIN || errno == EINTR);
      c.in.append(buffer, static_cast<size_t>(n));
      if (c.in.find("\r\n\r\n") != std::string::npos) {
        Respond(c);
      } else if (c.in.size() > limits_.max_request_bytes) {
        c.out = Response(431, "text/plain; charset=utf-8", "request too large\n", false);
        c.responding = true;
      }
      return true;
    }
    ssize_t n = ::send(c.fd, c.out.data() + c.written, c.out.size() - c.written, MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EINTR;
    c.written += static_cast<size_t>(n);
    return c.written < c.out.size();
  }

  void Respond(Connection& c) {
    c.responding = true;
    const std::string_view request(c.in);
    const size_t method_end = request.find(' ');
    const size_t target_end = method_end == std::string_view::npos ? method_end : request.find(' ', method_end + 1);
    if (target_end == std::string_view::npos) {
      c.out = Response(400, "text/plain; charset=utf-8", "bad request\n", false);
      return;
    }
    const std::string_view method = request.substr(0, method_end);
    std::string_view path = request.substr(method_end + 1, target_end - method_end - 1);
    path = path.substr(0, path.find('?'));
    const bool head = method == "HEAD";
    const std::string_view target = request.substr(method_end + 1, target_end - method_end - 1);
    if (method != "GET" && !head) {
      c.out = Response(405, "text/plain; charset=utf-8", "only GET and HEAD\n", false);
    } else if (workers_ && path.starts_with(workers_->api().prefix) && !workers_->tokens().Accepts(request)) {
      HttpAnswer refusal{.status = 401,
                         .body = "{\"error\":\"a bearer token is required (Authorization: Bearer ...)\"}\n"};
      refusal.headers.emplace_back("WWW-Authenticate", std::string(BearerTokens::kChallenge));
      c.out = AnswerResponse(refusal, head);
    } else if (workers_ && path.starts_with(workers_->api().prefix)) {
      c.responding = false;
      c.pending = true;
      c.deadline = Clock::now() + workers_->api().timeout + limits_.request_timeout;
      workers_->Submit(c.id, std::string(target), head);
    } else if (path == kLivenessPath || path == kReadinessPath) {
      const std::function<Status()>& check = path == kLivenessPath ? checks_.live : checks_.ready;
      Status s = check ? check() : Status{};
      c.out = Response(s ? 200 : 503, "text/plain; charset=utf-8", s ? "ok\n" : s.error().reason + "\n", head);
    } else if (path == kMetricsPath) {
      c.out = Response(200, "text/plain; version=0.0.4; charset=utf-8", registry_.RenderPrometheus(), head);
    } else {
      c.out = Response(404, "text/plain; charset=utf-8", "not found\n", head);
    }
  }

  int listener_;
  const metrics::Registry& registry_;
  Checks checks_;
  Limits limits_;
  Workers* workers_;  // null without an API
  int notify_;
  uint64_t last_id_ = 0;
  std::list<Connection> connections_;
};

namespace {

// A listening, non-blocking socket on host:port (port 0: any free one), or -1.
int Listen(const std::string& host, int port, int* bound_port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    // SO_REUSEADDR only: a port another daemon listens on must be an error.
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, 64) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0) return -1;
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  *bound_port = address.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port)
                                              : ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  SetNonBlocking(fd);
  return fd;
}

}  // namespace

Result<std::unique_ptr<AdminServer>> AdminServer::Start(const Address& address, const metrics::Registry& registry,
                                                        Checks checks, const Limits& limits, Api api) {
  int port = 0;
  int listener = Listen(address.host, address.port, &port);
  if (listener < 0) {
    return Fatal("admin endpoint: cannot listen on " + address.host + ":" + std::to_string(address.port) +
                 " (in use, or not a local address)");
  }
  std::unique_ptr<AdminServer> admin(new AdminServer());
  if (::pipe2(admin->wake_, O_CLOEXEC) != 0 || ::pipe2(admin->notify_, O_CLOEXEC | O_NONBLOCK) != 0) {
    ::close(listener);
    return Fatal("admin endpoint: cannot make its wake-up pipes");
  }
  admin->port_ = port;
  const std::string paths = "/healthz /readyz /metrics" + (api.handler ? " " + api.prefix + "*" : std::string());
  if (api.handler) admin->workers_ = std::make_unique<Workers>(std::move(api), admin->notify_[1]);
  admin->loop_ =
      std::make_unique<Loop>(listener, registry, std::move(checks), limits, admin->workers_.get(), admin->notify_[0]);
  admin->thread_ = std::thread([loop = admin->loop_.get(), wake = admin->wake_[0]] { loop->Run(wake); });
  log::Info("admin endpoint listening", {{"address", address.host + ":" + std::to_string(port)}, {"paths", paths}});
  return admin;
}

AdminServer::~AdminServer() {
  if (wake_[1] >= 0) (void)::write(wake_[1], "x", 1);
  if (thread_.joinable()) thread_.join();
  loop_.reset();
  workers_.reset();
  for (int fd : {wake_[0], wake_[1], notify_[0], notify_[1]}) {
    if (fd >= 0) ::close(fd);
  }
}

}  // namespace herald
