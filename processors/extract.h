// extract.h: `herald extract`, the processor's work without Kafka. Reads each input (files,
// directories, "-" for stdin; one article per file, or per line for NDJSON) and
// writes one JSON EventRecord per line (Protobuf's JSON mapping, proto field
// names) to stdout; rejected inputs are reported on stderr with their reasons.
//
//   ExtractOptions o{.inputs = {"samples/"}};
//   int status = RunExtract(o);
//
// Thread-safety: one call at a time (it writes to stdout). Failure: unreadable
// knowledge or inputs exit 2 with the reason on stderr.
#pragma once

#include <string>
#include <vector>

#include "core/article_source.h"
#include "core/settings.h"
#include "processors/knowledge_base.h"

namespace CLI {
class App;
}

namespace herald {

struct ExtractOptions {
  std::vector<std::string> inputs;
  ArticleFormat format = ArticleFormat::kAuto;
  size_t max_article_bytes = 1 << 20;
  KnowledgeSources knowledge;
};

void DeclareExtractSettings(SettingsTable& table, ExtractOptions* options);
// The inputs and per-run flags (--format, --max-article-bytes), which are not settings.
void AddExtractArguments(CLI::App* app, ExtractOptions* options);

// Exit status: 0 when every article was extracted, 1 when any was rejected.
int RunExtract(const ExtractOptions& options);

// `herald explain`: the same inputs, read as `extract` reads them, written for
// a person: each sentence with why it was not parsed, or its words with tags,
// lemmas, heads, relations and actors; then each event with its trigger,
// pattern, rule and confidence. Same exit status as RunExtract.
int RunExplain(const ExtractOptions& options);

}  // namespace herald
