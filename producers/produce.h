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
// `herald produce --watch DIR` runs as a daemon instead: producers/watch.h.
// Failure: unreadable inputs fail before anything is sent; records the broker
// did not acknowledge are counted in ProduceSummary::failed (exit non-zero).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/article_source.h"
#include "core/kafka.h"
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
  // --watch: a directory whose new files are produced as they complete (watch.h).
  std::string watch_dir;
  std::string done_dir;  // where produced files go; empty: <watch_dir>/.done
  int settle_ms = 2000;  // a file untouched this long is complete to a rescan
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

// What every producer says about an article in its record's headers
// (proto/herald/v1/article.proto); empty values are left out.
struct ArticleHeaders {
  std::string_view source;        // herald-source
  std::string_view ingested_at;   // herald-ingested-at; empty: now
  std::string_view feed;          // herald-feed: the feed it came from
  std::string_view fetched_at;    // herald-fetched-at: when its page was fetched
  std::string_view duplicate_of;  // herald-duplicate-of: the article id it nearly duplicates
};

// Sends one article to `topic`, keyed by its id (ArticleKey), with herald's
// headers: content type, id, url (when the id is one), produce time and the
// above. The delivery report comes later (Producer::Flush). The same for every producer.
// With `deliveries`, the record's delivery report is also given to it (kafka::Deliveries).
Status ProduceArticle(kafka::Producer& producer, std::string_view topic, const SourceArticle& article,
                      const ArticleHeaders& headers, const std::shared_ptr<kafka::Deliveries>& deliveries = nullptr);

}  // namespace herald
