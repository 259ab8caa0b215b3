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
//   401 (WWW-Authenticate: Bearer), 404, 405, 411 (no Content-Length: a
//       chunked body is refused, its size unknown until read), 413 (larger
//       than max_request_bytes), 415 (another content type); the first four
//       before the body is read
//   429 (Retry-After: 1) when earlier requests still hold the producer for
//       longer than queue_wait_ms: back-pressure instead of an unbounded queue
//   503 (Retry-After: 5) when the broker did not acknowledge within
//       ack_timeout_ms: nothing is lost by sending the request again, since
//       articles are keyed by their id and the store upserts.
// GET /healthz, /readyz and /metrics are served on the same port, open.
// Slow clients: each read and write must make progress within 5 s; a
// connection is served at most 100 requests; `threads` requests at once.
// Metrics: herald_ingest_requests_total{code}, herald_records_out_total.
// Thread-safety: one RunIngest per process; requests are served on the
// server's threads and produce one at a time.
// Failure: a port that cannot be bound or a producer that cannot be made is a
// fatal Error at start; nothing a request holds stops the daemon.
#pragma once

#include <string>
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
  int queue_wait_ms = 1000;
};

void DeclareIngestSettings(SettingsTable& table, IngestOptions* options);

// One request's answer, apart from the HTTP server (ingest.cc serves it).
struct IngestAnswer {
  int status = 202;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  int accepted = 0;  // articles acknowledged
};

// Checks and produces the articles of one POST body (the status and JSON
// body above), waiting for the broker's acknowledgement.
IngestAnswer IngestArticles(kafka::Producer& producer, const IngestOptions& options, std::string_view content_type,
                            std::string_view body, std::string_view source);

Status RunIngest(const IngestOptions& options, const StageContext& context);

}  // namespace herald
