// produce.h: `herald produce`: push articles from files, directories and stdin
// to the raw-articles topic.
//
//   ProduceOptions o{.inputs = {"samples/"}};
//   Result<ProduceSummary> s = RunProduce(o);
//
// Each record's key is the article id (ArticleKey: the envelope's id, else its
// url, else a content hash); content-type, id, source, url, ingested-at and the
// produce time travel as headers (proto/herald/v1/article.proto). The producer
// is idempotent (no duplicates on retry) and waits for every delivery report.
// Failure: unreadable inputs fail before anything is sent; records the broker
// did not acknowledge are counted in ProduceSummary::failed (exit non-zero).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/article_source.h"
#include "core/options.h"
#include "core/settings.h"
#include "core/status.h"

namespace CLI {
class App;
}

namespace herald {

struct ProduceOptions {
  KafkaOptions kafka;
  Topics topics;
  std::vector<std::string> inputs;
  ArticleFormat format = ArticleFormat::kAuto;
  // Publisher name for articles that do not carry one.
  std::string source;
  int flush_timeout_s = 120;
};

struct ProduceSummary {
  int64_t articles = 0;
  int64_t bytes = 0;
  int64_t delivered = 0;
  int64_t failed = 0;
  double seconds = 0;
};

void DeclareProduceSettings(SettingsTable& table, ProduceOptions* options);
// The inputs and --format, which are per run, not settings.
void AddProduceArguments(CLI::App* app, ProduceOptions* options);
Result<ProduceSummary> RunProduce(const ProduceOptions& options);

}  // namespace herald
