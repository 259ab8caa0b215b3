// query_api.h: `herald serve`, the store's questions (query.h) as an HTTP JSON
// API beside /healthz, /readyz and /metrics, on the hardened admin server
// (core/admin_server.h: per-connection deadlines, a connection cap, request
// size limits), with the answers computed on worker threads.
//
//   herald serve --sqlite herald.db --port 9650
//   curl 'localhost:9650/v1/events?country=UKR&from=2026-11-01&format=geojson'
//   curl 'localhost:9650/v1/top-themes?from=2026-11-30'
//   curl 'localhost:9650/v1/openapi.json'
//
// GET /v1/<mode> (articles, events, timeline, top-countries, ...) takes the
// parameters of query.h's table in the URL; the answer is 200 with the body in
// the format asked (and X-Next-Cursor when there is a next page), 400 with
// {"error": reason} for a bad parameter, 404 for an unknown path, 503 with
// Retry-After when the query timed out or the database failed.
// The OpenAPI 3.0 description (docs/openapi.json, and /v1/openapi.json) is
// generated from the same table.
// Thread-safety: AnswerQuery runs on one worker thread per reader.
// Failure: RunServe fails at start when the store cannot be opened or the port
// cannot be bound; afterwards a failed query is that request's 503 alone.
#pragma once

#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "consumers/store/query_command.h"
#include "consumers/store/query_reader.h"
#include "core/admin_server.h"
#include "core/metrics.h"
#include "core/settings.h"

namespace herald {

inline constexpr std::string_view kQueryApiPrefix = "/v1/";

struct ServeOptions {
  QueryOptions query;
  std::string host = "127.0.0.1";
  int port = 9650;
  int threads = 2;
  int max_connections = 64;
  std::vector<std::string> tokens;  // bearer tokens; none: open
};

void DeclareServeSettings(SettingsTable& table, ServeOptions* options);

// name=value pairs of a URL query, percent-decoded ('+' is a space); an Error
// for a malformed escape or a pair without '='.
Result<std::vector<std::pair<std::string, std::string>>> ParseUrlQuery(std::string_view query);

// The answer to one GET of the API.
HttpAnswer AnswerQuery(const HttpRequest& request, store::QueryReader& reader);

// The API's OpenAPI 3.0 description, as JSON.
std::string OpenApiDocument();

// Serves until `stop` is requested.
Status RunServe(const ServeOptions& options, std::stop_token stop, metrics::Registry* registry);

}  // namespace herald
