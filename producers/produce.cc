#include "producers/produce.h"

#include <CLI/CLI.hpp>
#include <chrono>

#include "core/article_source.h"
#include "core/clock.h"
#include "core/kafka.h"
#include "core/log.h"
#include "core/record_format.h"
#include "producers/progress.h"

namespace herald {

void DeclareProduceSettings(SettingsTable& t, ProduceOptions* o) {
  DeclareKafkaSettings(t, &o->kafka);
  DeclareTopicSettings(t, &o->topics);
  t.Add("produce.source", &o->source, "Publisher name for articles that carry none.").Flag("--source");
  t.Add("produce.flush_timeout_s", &o->flush_timeout_s, "Seconds to wait for the last delivery reports.")
      .Flag("--flush-timeout")
      .Range(1, 3600);
  t.Add("produce.watch", &o->watch_dir,
        "A directory to watch instead of reading inputs: each file is produced once it is complete (closed by its "
        "writer or moved in) and then moved to produce.done_dir; runs until stopped.")
      .Flag("--watch");
  t.Add("produce.done_dir", &o->done_dir, "Where produced files go (empty: .done inside the watched directory).")
      .Flag("--done-dir");
  t.Add("produce.settle_ms", &o->settle_ms,
        "A watched file untouched this long counts as complete when a rescan finds it (present at start, or its "
        "events missed); rescans run this often.")
      .Flag("--settle-ms")
      .Range(100, 3600000);
}

void AddProduceArguments(CLI::App* app, ProduceOptions* o) {
  app->add_option("inputs", o->inputs, "Files, directories, or - for stdin (none with --watch)");
  AddArticleFormatOption(app, &o->format);
}

Status ProduceArticle(kafka::Producer& producer, std::string_view topic, const SourceArticle& a,
                      const ArticleHeaders& h, const std::shared_ptr<kafka::Deliveries>& deliveries) {
  std::string key = ArticleKey(a);
  kafka::Headers headers = {
      {std::string(header::kContentType), a.content_type},
      {std::string(header::kArticleId), key},
      {std::string(header::kIngestedAt), h.ingested_at.empty() ? NowRfc3339() : std::string(h.ingested_at)},
      {std::string(header::kProducedAtUs), std::to_string(NowMicros())}};
  if (key.find("://") != std::string::npos) headers.push_back({std::string(header::kUrl), key});
  for (auto [name, value] :
       {std::pair{header::kSource, h.source}, std::pair{header::kFeed, h.feed},
        std::pair{header::kFetchedAt, h.fetched_at}, std::pair{header::kDuplicateOf, h.duplicate_of}}) {
    if (!value.empty()) headers.push_back({std::string(name), std::string(value)});
  }
  return deliveries ? producer.ProduceTracked(topic, key, a.bytes, headers, deliveries)
                    : producer.Produce(topic, key, a.bytes, headers);
}

Result<ProduceSummary> RunProduce(const ProduceOptions& options) {
  if (options.inputs.empty()) return Fatal("nothing to produce: give files, directories or -, or --watch DIR");
  auto articles = ReadArticles(options.inputs, options.format);
  if (!articles) return Unexpected(articles.error());
  auto producer = kafka::Producer::Create(options.kafka.ProducerProperties());
  if (!producer) return Unexpected(producer.error());

  auto start = std::chrono::steady_clock::now();
  ProduceSummary summary;
  std::string ingested_at = NowRfc3339();
  Progress progress(static_cast<int64_t>(articles->size()));
  for (const SourceArticle& a : *articles) {
    progress.Update(summary.articles + summary.failed);
    Status s =
        ProduceArticle(**producer, options.topics.raw, a, {.source = options.source, .ingested_at = ingested_at});
    if (!s) {
      log::Error("produce failed", {{"origin", a.origin}, {"reason", s.error().reason}});
      if (s.error().kind == ErrorKind::kFatal) return Unexpected(s.error());
      ++summary.failed;
      continue;
    }
    ++summary.articles;
    summary.bytes += static_cast<int64_t>(a.bytes.size());
  }
  progress.Update(summary.articles + summary.failed);
  Status flushed = (*producer)->Flush(std::chrono::seconds(options.flush_timeout_s));
  progress.Finish();
  if (!flushed) log::Error("not every article was delivered", {{"reason", flushed.error().reason}});
  summary.delivered = (*producer)->delivered();
  summary.failed += (*producer)->failed() + (summary.articles - (*producer)->delivered() - (*producer)->failed());
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace herald
