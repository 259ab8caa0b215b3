#include "consumers/store/query_api.h"

#include <memory>

#include "core/bearer_auth.h"
#include "core/log.h"
#include "core/stop.h"
#include "proto/json_text.h"

namespace herald {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] != '%') {
      out.push_back(s[i]);
    } else if (i + 2 < s.size() && HexDigit(s[i + 1]) >= 0 && HexDigit(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2])));
      i += 2;
    } else {
      return Fail(v1::ERROR_CODE_UNSPECIFIED, "a malformed %-escape in the URL", ErrorKind::kFatal);
    }
  }
  return out;
}

HttpAnswer Refusal(int status, const std::string& reason) {
  HttpAnswer a{.status = status};
  a.body = "{\"error\":";
  json::AppendString(reason, &a.body);
  a.body += "}\n";
  if (status == 503) a.headers.emplace_back("Retry-After", "1");
  return a;
}

void AppendOperation(std::string_view mode, std::string* out) {
  *out += "{\"get\":{\"summary\":";
  json::AppendString("herald query --mode " + std::string(mode), out);
  *out += ",\"parameters\":[";
  bool first = true;
  for (const store::QueryParameter& p : store::QueryParameters()) {
    if (p.name == "mode") continue;  // the path's
    if (!first) out->push_back(',');
    first = false;
    *out += "{\"name\":";
    json::AppendString(p.name, out);
    *out += ",\"in\":\"query\",\"required\":false,\"description\":";
    json::AppendString(p.doc, out);
    *out += ",\"schema\":{\"type\":\"string\"},\"example\":";
    json::AppendString(p.example, out);
    out->push_back('}');
  }
  *out +=
      "],\"responses\":{\"200\":{\"description\":\"the rows, in the format asked (JSON: mode, count, next_cursor, "
      "rows)\"},\"400\":{\"description\":\"a bad parameter: {\\\"error\\\": reason}\"},\"401\":{\"description\":"
      "\"serve.tokens is set and the request has none of them\"},\"503\":{\"description\":"
      "\"the query timed out or the database failed; retry after Retry-After seconds\"}}}}";
}

}  // namespace

void DeclareServeSettings(SettingsTable& t, ServeOptions* o) {
  DeclareQuerySettings(t, &o->query);
  t.Add("serve.host", &o->host, "Address to listen on (0.0.0.0 for every interface).").Flag("--host");
  t.Add("serve.port", &o->port, "Port of the query API and its probes.").Flag("--port").Range(1, 65535);
  t.Add("serve.threads", &o->threads, "Queries answered at once, each on a database connection of its own.")
      .Flag("--threads")
      .Range(1, 64);
  t.Add("serve.tokens", &o->tokens,
        "Bearer tokens the query API accepts (Authorization: Bearer <token>); without any, anyone who reaches the "
        "port may query. Give them through HERALD_SERVE_TOKENS_FILE (a mounted secret, comma-separated); they are "
        "never logged. "
        "The probes and /metrics stay open.");
  t.Add("serve.max_connections", &o->max_connections, "Open connections at most; more are answered 503 at once.")
      .Flag("--max-connections")
      .Range(1, 10000);
}

Result<std::vector<std::pair<std::string, std::string>>> ParseUrlQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    if (pair.empty()) continue;
    const size_t equals = pair.find('=');
    if (equals == std::string_view::npos) {
      return Fail(v1::ERROR_CODE_UNSPECIFIED, std::string(pair.substr(0, 40)) + ": expected name=value",
                  ErrorKind::kFatal);
    }
    auto name = PercentDecode(pair.substr(0, equals));
    auto value = PercentDecode(pair.substr(equals + 1));
    if (!name || !value) return Unexpected((name ? value : name).error());
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

HttpAnswer AnswerQuery(const HttpRequest& request, store::QueryReader& reader) {
  std::string_view mode = request.path.substr(kQueryApiPrefix.size());
  if (mode == "openapi.json") return {.body = OpenApiDocument()};
  if (!ValueNamed(mode, store::kQueryModeNames)) return Refusal(404, "no such path: try /v1/openapi.json");
  auto parameters = ParseUrlQuery(request.query);
  if (!parameters) return Refusal(400, parameters.error().reason);
  for (const auto& [name, value] : *parameters) {
    if (name == "mode") return Refusal(400, "mode: given by the path");
  }
  parameters->emplace_back("mode", std::string(mode));
  auto query = store::ParseQuery(*parameters);
  if (!query) return Refusal(400, query.error().reason);
  auto rows = store::RunQuery(*query, reader);
  if (!rows) {
    log::Warn("query failed", {{"path", std::string(request.path)}, {"reason", rows.error().reason}});
    return Refusal(503, rows.error().reason);
  }
  store::QueryOutput output = store::FormatQueryRows(*query, *rows);
  HttpAnswer answer{.content_type = output.content_type, .body = std::move(output.body)};
  if (!output.next_cursor.empty()) answer.headers.emplace_back("X-Next-Cursor", output.next_cursor);
  return answer;
}

std::string OpenApiDocument() {
  std::string out =
      "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"herald query API\",\"version\":\"1\",\"description\":"
      "\"The store's articles and events, filtered, paged, counted (herald serve; docs/STORE.md).\"},"
      "\"components\":{\"securitySchemes\":{\"bearer\":{\"type\":\"http\",\"scheme\":\"bearer\",\"description\":"
      "\"required when serve.tokens is set\"}}},\"security\":[{},{\"bearer\":[]}],\"paths\":{";
  bool first = true;
  for (const auto& m : store::kQueryModeNames) {
    if (!first) out.push_back(',');
    first = false;
    json::AppendString(std::string(kQueryApiPrefix) + std::string(m.name), &out);
    out.push_back(':');
    AppendOperation(m.name, &out);
  }
  out +=
      ",\"/v1/openapi.json\":{\"get\":{\"summary\":\"this description\",\"responses\":{\"200\":{\"description\":"
      "\"OpenAPI 3.0\"}}}}}}\n";
  return out;
}

Status RunServe(const ServeOptions& options, std::stop_token stop, metrics::Registry* registry) {
  const std::chrono::milliseconds timeout(options.query.timeout_ms);
  // One reader per worker, opened up front: a store that cannot be read stops
  // the command at start rather than failing every request.
  std::vector<std::unique_ptr<store::QueryReader>> readers;
  for (int i = 0; i < options.threads; ++i) {
    auto reader = store::OpenQueryReader(options.query.database, timeout);
    if (!reader) return Unexpected(reader.error());
    readers.push_back(std::move(*reader));
  }
  metrics::Histogram& seconds =
      registry->AddHistogram("herald_query_seconds", "Time to answer a query API request, in seconds");
  auto handler = [&](const HttpRequest& request, int worker) {
    const auto start = std::chrono::steady_clock::now();
    HttpAnswer answer = AnswerQuery(request, *readers[worker]);
    seconds.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    // The registry guards itself: AddCounter finds or makes the labelled counter.
    registry
        ->AddCounter("herald_query_requests_total", "Query API requests, by status",
                     {{"status", std::to_string(answer.status)}})
        .Add();
    return answer;
  };
  auto server = AdminServer::Start({.host = options.host, .port = options.port}, *registry, {},
                                   {.max_connections = static_cast<size_t>(options.max_connections)},
                                   {.prefix = std::string(kQueryApiPrefix),
                                    .threads = options.threads,
                                    .timeout = timeout,
                                    .handler = handler,
                                    .bearer_tokens = options.tokens});
  if (!server) return Unexpected(server.error());
  const bool open = BearerTokens(options.tokens).open();
  log::Info("query API listening", {{"address", options.host + ":" + std::to_string((*server)->port())},
                                    {"authentication", open ? "none" : "bearer token"}});
  if (open && options.host != "127.0.0.1" && options.host != "localhost" && options.host != "::1") {
    log::Warn("the query API is open to anyone who reaches it: set serve.tokens", {{"host", options.host}});
  }
  while (!SleepUnlessStopped(std::chrono::seconds(1), stop)) {
  }
  return {};
}

}  // namespace herald
