// http_sink.h: a loopback HTTP server for tests that records the bodies POSTed
// to it and answers 200 (or a chosen status), after a chosen delay; kHang reads
// requests and never answers. One connection at a time (kHang keeps them all).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace herald::testing {

class HttpSink {
 public:
  static constexpr int kHang = 0;

  // port 0: any free one.
  explicit HttpSink(int status = 200, int port = 0, std::chrono::milliseconds delay = {})
      : status_(status), delay_(delay) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::jthread([this](std::stop_token stop) { Serve(stop); });
  }
  ~HttpSink() {
    thread_.request_stop();
    thread_.join();
    ::close(fd_);
    for (int c : held_) ::close(c);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  int port() const { return port_; }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mutex_);
    return bodies_;
  }

 private:
  void Serve(std::stop_token stop) {
    while (!stop.stop_requested()) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::string request;
      char buf[4096];
      size_t header_end = std::string::npos, content_length = 0;
      while (true) {
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        request.append(buf, static_cast<size_t>(n));
        if (header_end == std::string::npos && (header_end = request.find("\r\n\r\n")) != std::string::npos) {
          size_t cl = request.find("Content-Length: ");
          if (cl != std::string::npos) content_length = std::stoul(request.substr(cl + 16));
        }
        if (header_end != std::string::npos && request.size() >= header_end + 4 + content_length) break;
      }
      if (status_ == kHang) {
        held_.push_back(c);
        continue;
      }
      if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
      if (header_end != std::string::npos) {
        std::lock_guard lock(mutex_);
        bodies_.push_back(request.substr(header_end + 4, content_length));
      }
      std::string response =
          "HTTP/1.1 " + std::to_string(status_) + " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      ::send(c, response.data(), response.size(), MSG_NOSIGNAL);
      ::close(c);
    }
  }

  int status_;
  std::chrono::milliseconds delay_;
  std::vector<int> held_;  // kHang's connections
  int fd_ = -1;
  int port_ = 0;
  std::mutex mutex_;
  std::vector<std::string> bodies_;
  std::jthread thread_;
};

}  // namespace herald::testing
