// ingest.cc: `herald ingest` (ingest.h): checks, production and the HTTP server around them.
#include "producers/ingest.h"

#include <httplib.h>
#include <simdjson.h>

#include <cstdlib>

#include "core/bearer_auth.h"
#include "core/clock.h"
#include "core/kafka_cluster.h"
#include "core/log.h"
#include "core/utf8.h"
#include "herald/v1/article.pb.h"
#include "producers/produce.h"
#include "proto/json_text.h"

namespace herald {
namespace {

constexpr std::string_view kJsonType = "application/json";
constexpr std::string_view kNdjsonType = "application/x-ndjson";
std::string ErrorBody(std::string_view error) {
  std::string body = "{\"error\":";
  json::AppendString(error, &body);
  return body + "}";
}

// Why one envelope cannot be accepted, or empty when it can.
std::string Problem(std::string_view envelope, size_t max_bytes) {
  if (envelope.size() > max_bytes)
    return "envelope of " + std::to_string(envelope.size()) + " bytes; the limit is " + std::to_string(max_bytes);
  if (!IsValidUtf8(envelope)) return "not valid UTF-8";
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto e = parser.parse(envelope.data(), envelope.size()).get(doc); e)
    return std::string("not JSON: ") + simdjson::error_message(e);
  simdjson::dom::object object;
  if (doc.get(object) != simdjson::SUCCESS) return "not a JSON object";
  bool text = false;
  for (const char* field : {"title", "body", "html", "text", "content", "headline"}) {
    simdjson::dom::element value;
    if (object[field].get(value) != simdjson::SUCCESS) continue;
    std::string_view s;
    if (value.get(s) != simdjson::SUCCESS) return std::string("field '") + field + "' must be a string";
    text |= s.find_first_not_of(" \t\r\n") != std::string_view::npos;
  }
  return text ? std::string() : "no title, body or html text";
}

// The envelopes of a body: one, or one per non-blank line.
std::vector<std::string_view> Envelopes(std::string_view body, bool ndjson) {
  std::vector<std::string_view> out;
  if (!ndjson) {
    out.push_back(body);
    return out;
  }
  while (!body.empty()) {
    size_t nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    out.push_back(line);
  }
  return out;
}

}  // namespace

void DeclareIngestSettings(SettingsTable& t, IngestOptions* o) {
  DeclareKafkaSettings(t, &o->kafka);
  DeclareTopicSettings(t, &o->topics);
  t.Add("ingest.host", &o->host, "Address the article API listens on (loopback unless told otherwise).").Flag("--host");
  t.Add("ingest.port", &o->port,
        "Port of the article API (POST /v1/articles, GET /v1/openapi.json); the probes are on ingest.admin_port.")
      .Flag("--port")
      .Range(1, 65535);
  t.Add("ingest.tokens", &o->tokens,
        "Bearer tokens the article API accepts; without any, anyone who reaches the port may send articles. Give "
        "them through HERALD_INGEST_TOKENS_FILE (a mounted secret, comma-separated); they are never logged.");
  t.Add("ingest.threads", &o->threads, "Connections served at once.").Range(1, 256);
  t.Add("ingest.max_request_bytes", &o->max_request_bytes, "Largest request body; larger ones are answered 413.")
      .Range(1024, 1 << 30);
  t.Add("ingest.max_article_bytes", &o->max_article_bytes, "Largest envelope; a larger one refuses its request.")
      .Range(256, 64 << 20);
  t.Add("ingest.ack_timeout_ms", &o->ack_timeout_ms,
        "Time the broker has to acknowledge a request's articles before it is answered 503.")
      .Range(100, 600000);
  t.Add("ingest.max_unacknowledged_bytes", &o->max_unacknowledged_bytes,
        "Bytes of articles sent and not yet acknowledged by the broker, across requests, past which a request is "
        "answered 429 (a request alone is always taken).")
      .Range(1024, 1 << 30);
}

bool UnacknowledgedBytes::TryTake(int64_t bytes) {
  std::lock_guard lock(mutex_);
  if (held_ > 0 && held_ + bytes > limit_) return false;
  held_ += bytes;
  return true;
}

void UnacknowledgedBytes::Give(int64_t bytes) {
  std::lock_guard lock(mutex_);
  held_ -= bytes;
}

IngestAnswer IngestArticles(kafka::Producer& producer, const IngestOptions& o, UnacknowledgedBytes& unacknowledged,
                            std::string_view content_type, std::string_view body, std::string_view source) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (type.ends_with(' ')) type.remove_suffix(1);
  const bool ndjson = type == kNdjsonType;
  if (!ndjson && type != kJsonType)
    return {415, ErrorBody("Content-Type must be application/json (one article) or application/x-ndjson")};
  std::vector<std::string_view> envelopes = Envelopes(body, ndjson);
  std::string rejected;
  size_t articles = 0;
  for (size_t i = 0; i < envelopes.size(); ++i) {
    if (ndjson && envelopes[i].find_first_not_of(" \t") == std::string_view::npos) continue;
    ++articles;
    std::string problem = Problem(envelopes[i], static_cast<size_t>(o.max_article_bytes));
    if (problem.empty()) continue;
    rejected += rejected.empty() ? "" : ",";
    rejected += "{\"line\":" + std::to_string(i + 1) + ",\"reason\":";
    json::AppendString(problem, &rejected);
    rejected += "}";
  }
  if (articles == 0) return {400, ErrorBody("the request holds no article")};
  if (!rejected.empty())
    return {400, "{\"error\":\"some articles are not valid; none was sent\",\"rejected\":[" + rejected + "]}"};

  const auto bytes = static_cast<int64_t>(body.size());
  if (!unacknowledged.TryTake(bytes))
    return {429, ErrorBody("busy with earlier requests' articles; send again shortly"), {{"Retry-After", "1"}}};
  struct GiveBack {
    UnacknowledgedBytes& u;
    int64_t bytes;
    ~GiveBack() { u.Give(bytes); }
  } give_back{unacknowledged, bytes};
  const std::string ingested_at = NowRfc3339();
  auto deliveries = std::make_shared<kafka::Deliveries>();
  std::string ids;
  for (std::string_view e : envelopes) {
    if (e.find_first_not_of(" \t") == std::string_view::npos) continue;
    SourceArticle article{.bytes = std::string(e), .content_type = std::string(kJsonType), .origin = "ingest"};
    const std::string id = ArticleKey(article);
    if (Status s =
            ProduceArticle(producer, o.topics.raw, article, {.source = source, .ingested_at = ingested_at}, deliveries);
        !s)
      return {503, ErrorBody("not sent: " + s.error().reason), {{"Retry-After", "5"}}};
    ids += ids.empty() ? "" : ",";
    json::AppendString(id, &ids);
  }
  if (Status s = deliveries->Wait(producer, std::chrono::milliseconds(o.ack_timeout_ms)); !s)
    return {503, ErrorBody("not acknowledged by the broker: " + s.error().reason), {{"Retry-After", "5"}}};
  return {202, "{\"accepted\":" + std::to_string(articles) + ",\"ids\":[" + ids + "]}", {}, static_cast<int>(articles)};
}

std::string IngestOpenApiDocument() {
  // The envelope's fields are the contract's (article.proto), and html.
  std::string properties =
      "\"html\":{\"type\":\"string\",\"description\":\"the page, read as herald feeds reads one\"}";
  const google::protobuf::Descriptor* article = v1::Article::descriptor();
  for (int i = 0; i < article->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = article->field(i);
    properties += ",";
    json::AppendString(f->name(), &properties);
    properties += f->is_repeated() ? R"(:{"type":"array","items":{"type":"string"}})" : R"(:{"type":"string"})";
  }
  std::string responses;
  for (const auto& [status, meaning] : kIngestAnswers) {
    responses += responses.empty() ? "" : ",";
    json::AppendString(std::to_string(status), &responses);
    responses += ":{\"description\":";
    json::AppendString(meaning, &responses);
    responses += "}";
  }
  std::string out = R"({"openapi":"3.0.3","info":{"title":"herald article API","version":"1","description":)"
                    R"("Partners push articles to herald (herald ingest; producers/ingest.h)."},)"
                    R"("components":{"securitySchemes":{"bearer":{"type":"http","scheme":"bearer","description":)"
                    R"("required when ingest.tokens is set"}},"schemas":{"Article":{"type":"object","description":)"
                    R"("herald.v1.Article in Protobuf's JSON mapping, with a title, body or html","properties":{)" +
                    properties +
                    R"(}}}},"security":[{},{"bearer":[]}],"paths":{"/v1/articles":{"post":{"summary":)"
                    R"("send articles to the raw topic","parameters":[{"name":"X-Herald-Source","in":"header",)"
                    R"("schema":{"type":"string"},"description":"the herald-source header of each article"}],)"
                    R"("requestBody":{"required":true,"content":{"application/json":{"schema":)"
                    R"({"$ref":"#/components/schemas/Article"}},"application/x-ndjson":{"schema":{"type":"string",)"
                    R"("description":"one Article per line"}}}},"responses":{)" +
                    responses +
                    R"(}}},"/v1/openapi.json":{"get":{"summary":"this description","responses":{"200":)"
                    R"({"description":"OpenAPI 3.0"}}}}}})"
                    "\n";
  return out;
}

namespace {

// The HTTP side of the article API: limits, admission before the body is
// read, the route, the probes and the count of answers.
class ArticleApi {
 public:
  ArticleApi(const IngestOptions& o, StageMetrics& metrics, kafka::Producer& producer)
      : options_(o), metrics_(metrics), producer_(producer), tokens_(o.tokens) {}

  bool open() const { return tokens_.open(); }

  void Install(httplib::Server& server) {
    server.new_task_queue = [this] { return new httplib::ThreadPool(static_cast<size_t>(options_.threads)); };
    server.set_read_timeout(5, 0);
    server.set_write_timeout(5, 0);
    server.set_keep_alive_max_count(100);
    server.set_payload_max_length(static_cast<size_t>(options_.max_request_bytes));
    server.set_pre_routing_handler([this](const httplib::Request& q, httplib::Response& r) { return Admit(q, r); });
    // The body is read here, not by the server, whose limit does not bound a chunked one.
    server.Post(
        "/v1/articles", [this](const httplib::Request& q, httplib::Response& r, const httplib::ContentReader& read) {
          // Past the limit the rest is read and dropped, up to as much again, so
          // that the client is not reset while it sends and does see the 413.
          std::string body;
          size_t dropped = 0;
          const auto limit = static_cast<size_t>(options_.max_request_bytes);
          read([&](const char* data, size_t size) {
            if (dropped == 0 && body.size() + size <= limit) {
              body.append(data, size);
              return true;
            }
            dropped += size;
            return dropped <= limit;
          });
          const bool over = dropped > 0;
          if (over) {
            r.status = 413;  // the error handler says why
            return;
          }
          IngestAnswer a = IngestArticles(producer_, options_, unacknowledged_, q.get_header_value("Content-Type"),
                                          body, RepairUtf8(q.get_header_value("X-Herald-Source")));
          r.status = a.status;
          for (const auto& [name, value] : a.headers) r.set_header(name, value);
          r.set_content(a.body, "application/json");
          metrics_.records_out.Add(a.accepted);
          if (a.status < 400) Count(a.status);  // the error handler counts the others
        });
    server.Get("/v1/openapi.json", [](const httplib::Request&, httplib::Response& r) {
      r.set_content(IngestOpenApiDocument(), "application/json");
    });
    server.Get("/v1/articles", [](const httplib::Request&, httplib::Response& r) {
      r.status = 405;
      r.set_header("Allow", "POST");
      r.set_content(ErrorBody("articles are sent with POST"), "application/json");
    });
    // Every answer of 400 or more comes here, those of the handlers too.
    server.set_error_handler([this](const httplib::Request&, httplib::Response& r) {
      if (r.body.empty()) {
        std::string reason = r.status == 413
                                 ? "request body larger than " + std::to_string(options_.max_request_bytes) + " bytes"
                             : r.status == 404 ? "no such path; articles go to POST /v1/articles"
                                               : "HTTP " + std::to_string(r.status);
        r.set_content(ErrorBody(reason), "application/json");
      }
      Count(r.status);
    });
  }

 private:
  // Before a body is read: who sends it, and how large it says it is. A
  // chunked body (no Content-Length) is read up to max_request_bytes by the
  // server, which answers 413 past it.
  httplib::Server::HandlerResponse Admit(const httplib::Request& q, httplib::Response& r) const {
    if (q.method != "POST") return httplib::Server::HandlerResponse::Unhandled;
    // BearerTokens reads a request head: the request line, then the headers.
    if (!tokens_.Accepts("POST /v1/articles\r\nAuthorization: " + q.get_header_value("Authorization") + "\r\n")) {
      r.status = 401;
      r.set_header("WWW-Authenticate", std::string(BearerTokens::kChallenge));
      r.set_content(ErrorBody("a valid Authorization: Bearer token is required"), "application/json");
    } else if (q.has_header("Content-Length") &&
               std::strtoull(q.get_header_value("Content-Length").c_str(), nullptr, 10) >
                   static_cast<uint64_t>(options_.max_request_bytes)) {
      r.status = 413;
    } else {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    return httplib::Server::HandlerResponse::Handled;
  }

  // The registry finds (or adds) the series, under its own lock.
  void Count(int status) {
    metrics_.registry()
        .AddCounter("herald_ingest_requests_total", "Article API requests, by answer",
                    {{"code", std::to_string(status)}})
        .Add();
  }

  const IngestOptions& options_;
  StageMetrics& metrics_;
  kafka::Producer& producer_;
  const BearerTokens tokens_;
  UnacknowledgedBytes unacknowledged_{options_.max_unacknowledged_bytes};
};

}  // namespace

Status RunIngest(const IngestOptions& o, const StageContext& c) {
  kafka::Cluster& cluster = c.cluster ? *c.cluster : kafka::Brokers();
  StageMetrics& metrics = *c.metrics;
  auto producer = cluster.NewProducer(o.kafka.ProducerProperties(),
                                      [&metrics](std::string_view s) { metrics.OnKafkaStatistics("producer", s); });
  if (!producer) return Unexpected(producer.error());
  ArticleApi api(o, metrics, **producer);
  httplib::Server server;
  api.Install(server);
  if (!server.bind_to_port(o.host, o.port)) return Fatal("cannot listen on " + o.host + ":" + std::to_string(o.port));
  if (api.open()) log::Warn("the article API accepts articles from anyone who reaches it: set ingest.tokens", {});
  std::jthread serving([&] { server.listen_after_bind(); });
  metrics.SetConsuming(true);
  log::Info("accepting articles", {{"address", o.host + ":" + std::to_string(o.port)},
                                   {"topic", o.topics.raw},
                                   {"authentication", api.open() ? "none" : "bearer token"}});
  while (!c.stop.stop_requested()) {
    metrics.Heartbeat();
    // Statistics (readiness) and the reports of records whose requests gave up waiting.
    (*producer)->ServeReports(std::chrono::milliseconds(200));
  }
  server.stop();
  // Each request waited for its own acknowledgement: only a refused one's records can remain.
  return (*producer)->Flush(std::chrono::milliseconds(o.ack_timeout_ms));
}

}  // namespace herald
