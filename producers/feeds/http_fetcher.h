// http_fetcher.h: many HTTP GETs at once on one thread (libcurl's multi
// interface), polite to each host.
//
//   HttpFetcher fetcher({.per_host_connections = 2, .per_host_delay_ms = 1000});
//   fetcher.Submit({.url = "https://example.com/feed.xml", .etag = saved_etag, .tag = 7});
//   while (fetcher.pending() > 0)
//     for (FetchResult& r : fetcher.Poll(std::chrono::milliseconds(100))) handle(r);   // r.tag == 7
//
// Politeness: per origin (scheme, host, port) at most `per_host_connections`
// transfers at once and at least the origin's delay between two starts
// (`per_host_delay_ms`, or a longer Crawl-delay given by SetOriginDelay);
// requests wait in the origin's queue, in order. Each GET sends
// If-None-Match / If-Modified-Since when the request carries a validator,
// accepts gzip, deflate, brotli and zstd, follows at most `max_redirects`
// redirects over http and https only, and gives up after `timeout_ms`.
// A body larger than `max_body_bytes` (after decompression) is cut off and
// reported as an error, so a huge or endless response cannot exhaust memory.
// A result carries the status, the validators and cache lifetime to send
// next time, Retry-After (seconds or HTTP date, as libcurl reads it), the
// final URL after redirects, and the bytes on the wire.
// Backoff, per origin: a host that answers 429 or 503, or that cannot be
// reached, gets nothing more from this fetcher (feeds, pages and robots.txt
// alike) for its Retry-After (at most the longest backoff), else for a wait doubling from
// `host_backoff_first_ms` per failure in a row up to `host_backoff_longest_ms`,
// with jitter; any other answer ends it. The result says the origin's
// backoff, for the caller's metrics.
//
// Thread-safety: one thread owns a fetcher.
// Failure: transfers fail into their result (status 0 and `error`: DNS,
// refused, time-out, TLS, too large); construction aborts only when libcurl
// cannot allocate.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace herald {

struct FetcherOptions {
  std::string user_agent = "herald/0.1 (news event pipeline)";
  int per_host_connections = 2;
  int per_host_delay_ms = 1000;
  int max_connections = 64;
  int connect_timeout_ms = 10000;
  int timeout_ms = 30000;
  int max_redirects = 5;
  size_t max_body_bytes = 8 << 20;
  int host_backoff_first_ms = 5000;
  int host_backoff_longest_ms = 600000;
};

struct FetchRequest {
  std::string url;
  std::string etag, last_modified;  // validators from the last 200, for a conditional GET
  uint64_t tag = 0;                 // the caller's, returned with the result
};

struct FetchResult {
  uint64_t tag = 0;
  std::string url, final_url;
  long status = 0;         // the last response's HTTP status; 0 when none came
  std::string error;       // why there is no usable response (empty on any HTTP status)
  bool too_large = false;  // the error: the body passed max_body_bytes (the host answered)
  std::string body, content_type, etag, last_modified;
  std::optional<int> retry_after_s;  // Retry-After of a 429/503
  std::optional<int> max_age_s;      // Cache-Control max-age (or s-maxage)
  size_t wire_bytes = 0;
  double seconds = 0;
  std::string origin;           // scheme://host[:port] of `url`
  double origin_backoff_s = 0;  // how long the origin now waits before its next request (0: none)
};

class HttpFetcher {
 public:
  explicit HttpFetcher(FetcherOptions options);
  ~HttpFetcher();
  HttpFetcher(const HttpFetcher&) = delete;
  HttpFetcher& operator=(const HttpFetcher&) = delete;

  void Submit(FetchRequest request);
  // Starts what politeness allows, waits at most `timeout` for progress, and
  // returns the transfers that finished.
  std::vector<FetchResult> Poll(std::chrono::milliseconds timeout);
  // Queued and in flight.
  size_t pending() const { return queued_ + active_.size(); }
  // A longer delay between starts for one origin (robots.txt's Crawl-delay).
  void SetOriginDelay(const std::string& origin, int delay_ms);

 public:
  struct Transfer;  // one transfer in flight (http_fetcher.cc)

 private:
  struct Origin {
    std::string name;
    std::deque<FetchRequest> queue;
    int active = 0;
    int delay_ms = 0;
    int failures = 0;  // 429s, 503s and unreachable in a row
    std::chrono::steady_clock::time_point next_start{};
  };
  Origin& OriginNamed(const std::string& name);
  // After a transfer of the origin's: its backoff, ended or extended by `r`.
  void BackOff(Origin& origin, FetchResult& r);
  void Start(Origin& origin, const std::string& name, FetchRequest request);
  // When the next queued request may start (for the poll's wait), or nullopt.
  std::optional<std::chrono::steady_clock::time_point> StartReady();
  FetchResult Finish(Transfer& t, int curl_code);

  FetcherOptions options_;
  void* multi_;  // CURLM*
  std::map<std::string, Origin> origins_;
  std::map<void*, std::unique_ptr<Transfer>> active_;  // by CURL* handle
  size_t queued_ = 0;
  std::mt19937 random_{std::random_device{}()};
};

}  // namespace herald
