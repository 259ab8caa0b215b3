// feed_server_testing.h: a local HTTP server for the feeds tests, on 127.0.0.1
// and a port of its own, in a thread of its own; and the encodings a real
// server sends (gzip, brotli), made here so the tests need no files.
//
//   FeedServer server;
//   server.http().Get("/feed", [](const httplib::Request&, httplib::Response& r) { r.set_content("...", "text/xml");
//   }); server.Start(); std::string url = server.Url("/feed");
#pragma once

#include <brotli/encode.h>
#include <httplib.h>
#include <zlib.h>

#include <string>
#include <thread>

namespace herald::testing {

class FeedServer {
 public:
  ~FeedServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  httplib::Server& http() { return server_; }
  void Start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  int port() const { return port_; }
  std::string Url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

inline std::string Gzip(const std::string& text) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, text.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

inline std::string Brotli(const std::string& text) {
  size_t size = BrotliEncoderMaxCompressedSize(text.size());
  std::string out(size, '\0');
  BrotliEncoderCompress(BROTLI_DEFAULT_QUALITY, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, text.size(),
                        reinterpret_cast<const uint8_t*>(text.data()), &size, reinterpret_cast<uint8_t*>(out.data()));
  out.resize(size);
  return out;
}

}  // namespace herald::testing
