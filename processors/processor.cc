#include "processors/processor.h"

#include <google/protobuf/util/json_util.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>


#include "core/article_source.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/record_format.h"
#include "core/stage_loop.h"
#include "processors/evaluation.h"
#include "processors/extractor.h"

#ifndef HERALD_VERSION
#define HERALD_VERSION "dev"
#endif

namespace herald {
namespace {

// The knowledge base's run-time sources, shared by `process` and `extract`.
void AddKnowledgeOptions(CLI::App* app, KnowledgeSources* k) {
  app->add_option("--knowledge-dir", k->tables_dir,
                  "Directory of herald's knowledge tables (countries.tsv, ...) replacing the built-in ones")
      ->check(CLI::ExistingDirectory);
  app->add_option("--geonames", k->geonames_cities, "GeoNames cities dump to add (e.g. cities15000.txt)")
      ->check(CLI::ExistingFile);
  app->add_option("--geonames-alternate-names", k->geonames_alternate_names,
                  "GeoNames alternate names (geonameid<TAB>names, with a header) for a --geonames subset")
      ->check(CLI::ExistingFile);
  app->add_option("--geonames-min-population", k->geonames_min_population, "Leave out smaller GeoNames places")
      ->capture_default_str();
  app->add_option("--cameo-goldstein", k->cameo_goldstein, "GDELT CAMEO.goldsteinscale.txt to use")
      ->check(CLI::ExistingFile);
  app->add_option("--petrarch-verbs", k->petrarch_verbs, "PETRARCH CAMEO verb dictionary to add")
      ->check(CLI::ExistingFile);
  app->add_option("--petrarch-actors", k->petrarch_actors, "PETRARCH/Phoenix actor dictionary to add (repeatable)")
      ->check(CLI::ExistingFile);
  app->add_option("--petrarch-agents", k->petrarch_agents, "PETRARCH/Phoenix agents dictionary to add")
      ->check(CLI::ExistingFile);
}

int64_t ParseMicros(std::optional<std::string_view> v) {
  if (!v) return 0;
  int64_t out = 0;
  for (char c : *v) {
    if (c < '0' || c > '9') return 0;
    out = out * 10 + (c - '0');
  }
  return out;
}

}  // namespace

void AddProcessorOptions(CLI::App* app, ProcessorOptions* o) {
  AddKafkaOptions(app, &o->kafka);
  AddTopicOptions(app, &o->topics);
  app->add_option("--group", o->group, "Consumer group id")->capture_default_str();
  app->add_option("--batch-size", o->batch_size, "Records per poll and commit")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app->add_option_function<std::string>(
         "--delivery", [o](const std::string& v) { o->exactly_once = v == "exactly-once"; },
         "exactly-once (Kafka transactions, default) or at-least-once")
      ->check(CLI::IsMember({"exactly-once", "at-least-once"}));
  app->add_option("--instance-id", o->instance_id,
                  "This instance's name: static group membership and transactional.id (default: host name)");
  app->add_option("--max-article-bytes", o->max_article_bytes, "Larger articles are dead-lettered")
      ->capture_default_str()
      ->check(CLI::Range(1, 64 << 20));
  AddKnowledgeOptions(app, &o->knowledge);
}

Status RunProcessor(const ProcessorOptions& options, std::stop_token stop, StageCounters* counters) {
  auto kb = KnowledgeBase::Load(options.knowledge);
  if (!kb) return Unexpected(kb.error());
  Extractor extractor(*kb);

  TransactionalIdentity identity = MakeTransactionalIdentity("processor", options.group, options.instance_id);
  const std::string& instance = identity.instance;
  kafka::Properties producer_properties = options.kafka.properties;
  kafka::Properties consumer_properties = options.kafka.properties;
  if (options.exactly_once) {
    producer_properties.insert(producer_properties.end(), identity.producer.begin(), identity.producer.end());
    consumer_properties.insert(consumer_properties.end(), identity.consumer.begin(), identity.consumer.end());
  }
  auto producer = kafka::Producer::Create(kafka::ProducerProperties(options.kafka.brokers, producer_properties));
  if (!producer) return Unexpected(producer.error());
  if (options.exactly_once) {
    if (Status init = InitTransactions(**producer, stop); !init) return init;
  }
  auto consumer = kafka::Consumer::Create(
      kafka::ConsumerProperties(options.kafka.brokers, options.group, consumer_properties), {options.topics.raw});
  if (!consumer) return Unexpected(consumer.error());
  log::Info("processor started", {{"brokers", options.kafka.brokers}, {"topic", options.topics.raw},
                                  {"group", options.group}, {"instance", instance},
                                  {"delivery", options.exactly_once ? "exactly-once" : "at-least-once"}});

  const kafka::Headers event_headers_template = {{std::string(header::kContentType), std::string(kProtobufContentType)}};
  std::string serialized;
  // Events and dead letters of one batch, produced; the outcome counts them.
  auto produce_batch = [&](const kafka::Batch& batch, BatchOutcome* outcome) -> Status {
    for (const kafka::Record& r : batch) {
      ParseOptions parse{.content_type = r.header(header::kContentType),
                         .source = r.header(header::kSource).value_or(""),
                         .url = r.header(header::kUrl).value_or(""),
                         .key = r.key(),
                         .max_bytes = options.max_article_bytes};
      auto record = extractor.Process(r.value(), parse);
      Status sent;
      if (record) {
        int64_t produced_at = ParseMicros(r.header(header::kProducedAtUs));
        v1::Provenance* p = record->mutable_provenance();
        p->set_topic(r.topic());
        p->set_partition(r.partition());
        p->set_offset(r.offset());
        p->set_processed_at(NowRfc3339());
        p->set_processor_version(HERALD_VERSION);
        p->set_produced_at_us(produced_at);
        if (!record->SerializeToString(&serialized)) {
          Error e{v1::SERIALIZE_FAILED, ErrorKind::kPermanent, "event record did not serialise"};
          sent = DeadLetter(**producer, options.topics.dlq, r, "serialize", e);
          ++outcome->dead_lettered;
        } else {
          kafka::Headers h = event_headers_template;
          if (produced_at) h.push_back({std::string(header::kProducedAtUs), std::to_string(produced_at)});
          sent = (*producer)->Produce(options.topics.events, record->id(), serialized, h);
          ++outcome->records_out;
        }
      } else {
        log::Debug("article rejected", {{"code", record.error().code_name()}, {"reason", record.error().reason},
                                        {"offset", std::to_string(r.offset())}});
        sent = DeadLetter(**producer, options.topics.dlq, r, "parse", record.error());
        ++outcome->dead_lettered;
      }
      if (!sent) return sent;
    }
    return {};
  };
  auto at_least_once = [&](const kafka::Batch& batch) -> Result<BatchOutcome> {
    BatchOutcome outcome;
    if (Status s = produce_batch(batch, &outcome); !s) return Unexpected(s.error());
    if (Status s = (*producer)->Flush(std::chrono::seconds(60)); !s) return Unexpected(s.error());
    return outcome;
  };
  auto exactly_once = [&](const kafka::Batch& batch) -> Result<BatchOutcome> {
    return TransactBatch(**producer, **consumer, batch, [&]() -> Result<BatchOutcome> {
      BatchOutcome outcome;
      if (Status s = produce_batch(batch, &outcome); !s) return Unexpected(s.error());
      return outcome;
    });
  };
  BatchHandler handle = options.exactly_once ? BatchHandler(exactly_once) : BatchHandler(at_least_once);
  auto quarantine = [&](const kafka::Batch& batch, const Error& error, int attempts) -> Result<BatchOutcome> {
    auto dead_letter = [&]() -> Result<BatchOutcome> {
      if (Status s = DeadLetter(**producer, options.topics.dlq, batch.front(), "process", error, attempts); !s) {
        return Unexpected(s.error());
      }
      return BatchOutcome{.dead_lettered = 1};
    };
    if (options.exactly_once) return TransactBatch(**producer, **consumer, batch, dead_letter);
    auto outcome = dead_letter();
    if (Status f = (*producer)->Flush(std::chrono::seconds(60)); !f) return Unexpected(f.error());
    return outcome;
  };
  Status s = RunStageLoop(**consumer,
                          {.stage = "process", .batch_size = options.batch_size, .counters = counters,
                           .commit_offsets = !options.exactly_once},
                          handle, stop, quarantine);
  log::Info("processor stopped", {{"delivered", std::to_string((*producer)->delivered())}});
  return s;
}

void AddExtractOptions(CLI::App* app, ExtractOptions* o) {
  app->add_option("inputs", o->inputs, "Files, directories, or - for stdin")->required();
  app->add_option("--format", o->format, "auto, json, ndjson, text or html")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "json", "ndjson", "text", "html"}));
  app->add_option("--max-article-bytes", o->max_article_bytes, "Larger articles are rejected")->capture_default_str();
  AddKnowledgeOptions(app, &o->knowledge);
}

int RunExtract(const ExtractOptions& options) {
  auto kb = KnowledgeBase::Load(options.knowledge);
  if (!kb) {
    std::cerr << "herald extract: " << kb.error().reason << "\n";
    return 2;
  }
  auto articles = ReadArticles(options.inputs, options.format);
  if (!articles) {
    std::cerr << "herald extract: " << articles.error().reason << "\n";
    return 2;
  }
  Extractor extractor(*kb);
  google::protobuf::util::JsonPrintOptions json;
  json.preserve_proto_field_names = true;
  int rejected = 0;
  std::string line;
  for (const SourceArticle& a : *articles) {
    std::string key = ArticleKey(a);
    auto record = extractor.Process(a.bytes, {.content_type = a.content_type, .key = key,
                                              .max_bytes = options.max_article_bytes});
    if (!record) {
      std::cerr << "herald extract: " << a.origin << ": rejected (" << record.error().code_name()
                << "): " << record.error().reason << "\n";
      ++rejected;
      continue;
    }
    line.clear();
    (void)google::protobuf::util::MessageToJsonString(*record, &line, json);
    std::cout << line << "\n";
  }
  std::cout.flush();
  return rejected ? 1 : 0;
}

void AddEvalOptions(CLI::App* app, EvalOptions* o) {
  app->add_option("--shared", o->shared_dir, "Directory holding corpus/, eval/ and reference/")
      ->capture_default_str()
      ->check(CLI::ExistingDirectory);
}

int RunEval(const EvalOptions& options) {
  auto report = EvaluateAll(options.shared_dir);
  if (!report) {
    std::cerr << "herald eval: " << report.error().reason << "\n";
    return 2;
  }
  std::printf("%-30s %7s %7s %7s %7s\n", "EVALUATION", "ITEMS", "P", "R", "F1");
  for (const auto& [name, s] : report->scores) {
    std::printf("%-30s %7lld %7.3f %7.3f %7.3f\n", name.c_str(), static_cast<long long>(s.items), s.precision(),
                s.recall(), s.f1());
  }
  for (const std::string& skipped : report->skipped) std::printf("skipped: %s\n", skipped.c_str());
  return 0;
}

}  // namespace herald
