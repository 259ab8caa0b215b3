// ingest.h: `herald ingest`: partners push articles over HTTP.
//
//   POST /v1/articles   Content-Type: application/json      one envelope
//                       Content-Type: application/x-ndjson  one envelope per line
//   Authorization: Bearer <token>                            when ingest.tokens is set
//
// An envelope is a herald.v1.Article in Protobuf's JSON mapping (article.proto),
// with a title, a body or an html field. The request is all or nothing: every
// envelope is checked first (a JSON object, valid UTF-8, at most
// max_article_bytes, with text), and one bad envelope refuses the request with
// 400 and, for each bad line, its number and reason; nothing is sent. Good
// requests are produced to the raw topic with herald's headers (as `herald
// produce` sends them, source from the X-Herald-Source header) and answered
// 202 only once the broker has acknowledged every article:
//   202 {"accepted": 3, "ids": ["...", ...]}
//   400 {"error": "...", "rejected": [{"line": 2, "reason": "..."}]}
//   401 (WWW-Authenticate: Bearer), 404, 405, 413 (larger than
//       max_request_bytes: by its Content-Length before it is read, a chunked
//       one once the limit is passed), 415 (another content type)
//   429 (Retry-After: 1) when the articles of requests not yet acknowledged
//       would pass max_unacknowledged_bytes with this one's: back-pressure
//       instead of an unbounded queue (a request alone is always taken)
//   503 (Retry-After: 5) when the broker did not acknowledge within
//       ack_timeout_ms: nothing is lost by sending the request again, since
//       articles are keyed by their id and the store upserts.
// GET /healthz, /readyz and /metrics are on the daemon's admin port
// (ingest.admin_port, 9646), served by core/admin_server.h, which no slow
// client of the API can hold up.
// Slow clients: each read and write must make progress within 5 s; a
// connection is served at most 100 requests; `threads` requests at once.
// Metrics: herald_ingest_requests_total{code}, herald_records_out_total.
// Thread-safety: one RunIngest per process; requests are served on the
// server's threads, `threads` at once, each waiting only for its own articles'
// acknowledgement (kafka::Deliveries).
// Failure: a port that cannot be bound or a producer that cannot be made is a
// fatal Error at start; nothing a request holds stops the daemon.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/kafka.h"
#include "core/options.h"
#include "core/settings.h"
#include "core/stage_metrics.h"
#include "core/status.h"

namespace herald {

struct IngestOptions {
  KafkaOptions kafka;
  Topics topics;
  std::string host = "127.0.0.1";
  int port = 9645;
  std::vector<std::string> tokens;
  int threads = 4;
  int max_request_bytes = 16 << 20;
  int max_article_bytes = 1 << 20;
  int ack_timeout_ms = 10000;
  int max_unacknowledged_bytes = 16 << 20;
};

void DeclareIngestSettings(SettingsTable& table, IngestOptions* options);

// One request's answer, apart from the HTTP server (ingest.cc serves it).
struct IngestAnswer {
  int status = 202;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  int accepted = 0;  // articles acknowledged
};

// The bytes of articles produced and not yet acknowledged, across requests:
// the article API's back-pressure. Thread-safe.
class UnacknowledgedBytes {
 public:
  explicit UnacknowledgedBytes(int64_t limit) : limit_(limit) {}
  // Takes `bytes` unless that would pass the limit while other requests hold some.
  bool TryTake(int64_t bytes);
  void Give(int64_t bytes);

 private:
  const int64_t limit_;
  std::mutex mutex_;
  int64_t held_ = 0;
};

// Checks and produces the articles of one POST body (the status and JSON
// body above), waiting for the broker's acknowledgement of its own articles.
IngestAnswer IngestArticles(kafka::Producer& producer, const IngestOptions& options,
                            UnacknowledgedBytes& unacknowledged, std::string_view content_type, std::string_view body,
                            std::string_view source);

// The answers of POST /v1/articles, for its OpenAPI description.
inline constexpr std::pair<int, std::string_view> kIngestAnswers[] = {
    {202, "every article acknowledged by the broker: {accepted, ids}"},
    {400, "a bad envelope refuses the request, nothing is sent: {error, rejected: [{line, reason}]}"},
    {401, "a valid Authorization: Bearer token is required (ingest.tokens)"},
    {413, "the body is larger than ingest.max_request_bytes"},
    {415, "Content-Type is neither application/json nor application/x-ndjson"},
    {429, "earlier requests' articles await the broker (ingest.max_unacknowledged_bytes): Retry-After"},
    {503, "the broker did not acknowledge within ingest.ack_timeout_ms: Retry-After; sending again is safe"}};

// The article API's OpenAPI 3.0 description (docs/ingest-openapi.json, GET /v1/openapi.json).
std::string IngestOpenApiDocument();

Status RunIngest(const IngestOptions& options, const StageContext& context);

}  // namespace herald
