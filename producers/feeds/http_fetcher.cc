// http_fetcher.cc: libcurl multi transfers with per-origin queues (http_fetcher.h).
#include "producers/feeds/http_fetcher.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdlib>

#include "core/backoff.h"
#include "core/utf8.h"
#include "producers/feeds/robots.h"

namespace herald {

struct HttpFetcher::Transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string origin;
  FetchResult result;
  size_t max_body = 0;
  std::chrono::steady_clock::time_point started;
  ~Transfer() {
    curl_slist_free_all(headers);
    curl_easy_cleanup(easy);
  }
};

namespace {

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<HttpFetcher::Transfer*>(user);
  size_t n = size * count;
  if (t->result.body.size() + n > t->max_body) {
    t->result.too_large = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  t->result.body.append(data, n);
  return n;
}

// Each response's headers; a redirect's are replaced by the next response's.
size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<HttpFetcher::Transfer*>(user);
  std::string_view line(data, size * count);
  FetchResult& r = t->result;
  if (line.starts_with("HTTP/")) {
    r.content_type.clear();
    r.etag.clear();
    r.last_modified.clear();
    r.max_age_s.reset();
    return size * count;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name = AsciiLower(line.substr(0, colon));
  std::string_view value = TrimAsciiSpace(line.substr(colon + 1));
  if (name == "content-type") {
    r.content_type = value;
  } else if (name == "etag") {
    r.etag = value;
  } else if (name == "last-modified") {
    r.last_modified = value;
  } else if (name == "cache-control") {
    std::string lower = AsciiLower(value);
    for (std::string_view key : {"s-maxage=", "max-age="}) {
      size_t at = lower.find(key);
      if (at != std::string::npos) {
        r.max_age_s = std::atoi(lower.c_str() + at + key.size());
        break;
      }
    }
  }
  return size * count;
}

}  // namespace

HttpFetcher::HttpFetcher(FetcherOptions options) : options_(std::move(options)) {
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialised) std::abort();
  multi_ = curl_multi_init();
  if (!multi_) std::abort();
  curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(options_.max_connections));
  curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(options_.per_host_connections));
}

HttpFetcher::~HttpFetcher() {
  for (auto& [handle, t] : active_) curl_multi_remove_handle(multi_, t->easy);
  active_.clear();
  curl_multi_cleanup(multi_);
}

void HttpFetcher::Submit(FetchRequest request) {
  std::string origin(OriginOf(request.url));
  Origin& o = OriginNamed(origin);
  o.queue.push_back(std::move(request));
  ++queued_;
}

HttpFetcher::Origin& HttpFetcher::OriginNamed(const std::string& name) {
  Origin& o = origins_[name];
  if (o.name.empty()) {
    o.name = name;
    o.delay_ms = options_.per_host_delay_ms;
  }
  return o;
}

void HttpFetcher::SetOriginDelay(const std::string& origin, int delay_ms) {
  OriginNamed(origin).delay_ms = std::max(delay_ms, options_.per_host_delay_ms);
}

void HttpFetcher::Start(Origin& origin, const std::string& name, FetchRequest request) {
  auto t = std::make_unique<Transfer>();
  t->easy = curl_easy_init();
  if (!t->easy) std::abort();
  t->origin = name;
  t->max_body = options_.max_body_bytes;
  t->result.tag = request.tag;
  t->result.url = request.url;
  t->started = std::chrono::steady_clock::now();
  CURL* e = t->easy;
  curl_easy_setopt(e, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, static_cast<long>(options_.max_redirects));
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl decodes
  curl_easy_setopt(e, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_body_bytes));
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  if (!request.etag.empty()) t->headers = curl_slist_append(t->headers, ("If-None-Match: " + request.etag).c_str());
  if (!request.last_modified.empty())
    t->headers = curl_slist_append(t->headers, ("If-Modified-Since: " + request.last_modified).c_str());
  if (t->headers) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  curl_multi_add_handle(multi_, e);
  ++origin.active;
  origin.next_start = t->started + std::chrono::milliseconds(origin.delay_ms);
  active_.emplace(e, std::move(t));
}

std::optional<std::chrono::steady_clock::time_point> HttpFetcher::StartReady() {
  auto now = std::chrono::steady_clock::now();
  std::optional<std::chrono::steady_clock::time_point> next;
  for (auto& [name, o] : origins_) {
    while (!o.queue.empty() && o.active < options_.per_host_connections && now >= o.next_start) {
      FetchRequest r = std::move(o.queue.front());
      o.queue.pop_front();
      --queued_;
      Start(o, name, std::move(r));
    }
    if (!o.queue.empty() && o.active < options_.per_host_connections && (!next || o.next_start < *next))
      next = o.next_start;
  }
  return next;
}

FetchResult HttpFetcher::Finish(Transfer& t, int curl_code) {
  FetchResult r = std::move(t.result);
  long status = 0;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
  r.status = status;
  char* final_url = nullptr;
  if (curl_easy_getinfo(t.easy, CURLINFO_EFFECTIVE_URL, &final_url) == CURLE_OK && final_url) r.final_url = final_url;
  curl_off_t retry_after = 0;
  if (curl_easy_getinfo(t.easy, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0)
    r.retry_after_s = static_cast<int>(std::min<curl_off_t>(retry_after, 86400));
  curl_off_t wire = 0;
  if (curl_easy_getinfo(t.easy, CURLINFO_SIZE_DOWNLOAD_T, &wire) == CURLE_OK) r.wire_bytes = static_cast<size_t>(wire);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t.started).count();
  if (r.too_large || curl_code == CURLE_FILESIZE_EXCEEDED) {
    r.error = "response larger than " + std::to_string(options_.max_body_bytes) + " bytes";
    r.too_large = true;
    r.status = 0;
    r.body.clear();
  } else if (curl_code != CURLE_OK) {
    r.error = curl_easy_strerror(static_cast<CURLcode>(curl_code));
    if (curl_code == CURLE_TOO_MANY_REDIRECTS)
      r.error = "more than " + std::to_string(options_.max_redirects) + " redirects";
    r.status = 0;
  }
  return r;
}

void HttpFetcher::BackOff(Origin& o, FetchResult& r) {
  r.origin = o.name;
  const bool pushed_back = r.status == 429 || r.status == 503 || (r.status == 0 && !r.too_large);
  if (!pushed_back) {
    o.failures = 0;
    return;
  }
  ++o.failures;
  const std::chrono::milliseconds longest(options_.host_backoff_longest_ms);
  auto wait =
      Jittered(DoubledBackoff(std::chrono::milliseconds(options_.host_backoff_first_ms), o.failures, longest), random_);
  if (r.retry_after_s) wait = std::min<std::chrono::milliseconds>(std::chrono::seconds(*r.retry_after_s), longest);
  const auto now = std::chrono::steady_clock::now();
  o.next_start = std::max(o.next_start, now + wait);
  r.origin_backoff_s = std::chrono::duration<double>(o.next_start - now).count();
}

std::vector<FetchResult> HttpFetcher::Poll(std::chrono::milliseconds timeout) {
  std::optional<std::chrono::steady_clock::time_point> next = StartReady();
  int running = 0;
  curl_multi_perform(multi_, &running);
  auto wait = timeout;
  if (next) {
    auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*next - std::chrono::steady_clock::now());
    wait = std::clamp(until + std::chrono::milliseconds(1), std::chrono::milliseconds(0), timeout);
  }
  if (!active_.empty() || wait.count() > 0)
    curl_multi_poll(multi_, nullptr, 0, static_cast<int>(wait.count()), nullptr);
  curl_multi_perform(multi_, &running);
  std::vector<FetchResult> done;
  int left = 0;
  while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
    if (m->msg != CURLMSG_DONE) continue;
    auto it = active_.find(m->easy_handle);
    if (it == active_.end()) continue;
    curl_multi_remove_handle(multi_, m->easy_handle);
    Transfer& t = *it->second;
    Origin& o = origins_[t.origin];
    --o.active;
    done.push_back(Finish(t, m->data.result));
    BackOff(o, done.back());
    active_.erase(it);
  }
  StartReady();
  return done;
}

}  // namespace herald
