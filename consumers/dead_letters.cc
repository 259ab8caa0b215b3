#include "consumers/dead_letters.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <map>

#include "core/kafka.h"
#include "core/record_format.h"
#include "core/utf8.h"
#include "proto/json_text.h"

namespace herald {
namespace {

// Polls until `idle` passes with nothing new; calls fn for each record.
template <typename Fn>
Status Drain(kafka::Consumer& consumer, std::chrono::milliseconds idle, Fn fn) {
  auto last = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - last < idle) {
    auto batch = consumer.Poll(500, std::chrono::milliseconds(200));
    if (!batch) return Unexpected(batch.error());
    if (batch->empty()) continue;
    last = std::chrono::steady_clock::now();
    if (Status s = fn(*batch); !s) return s;
  }
  return {};
}

bool Matches(const DeadLetterOptions& o, const kafka::Record& r) {
  auto is = [&](std::string_view header_name, const std::string& wanted) {
    return wanted.empty() || r.header(header_name).value_or("") == wanted;
  };
  return is(header::kDlqStage, o.filter_stage) && is(header::kDlqErrorCode, o.filter_code) &&
         (o.filter_key.empty() || r.key() == o.filter_key);
}

// A JSON string of bytes: invalid UTF-8 repaired, control characters escaped.
std::string JsonString(std::string_view bytes) {
  std::string out;
  json::AppendString(bytes, &out);
  return out;
}

}  // namespace

void DeclareDeadLetterSettings(SettingsTable& t, DeadLetterOptions* o) {
  DeclareKafkaSettings(t, &o->kafka);
  DeclareTopicSettings(t, &o->topics);
  t.Add("dlq.replay_group", &o->replay_group, "Consumer group that remembers what `herald dlq replay` sent back.")
      .Flag("--group");
}

void AddDeadLetterFilterArguments(CLI::App* cmd, DeadLetterOptions* o) {
  cmd->add_option("--stage", o->filter_stage, "Only dead letters from this stage (parse, store, alert, ...)");
  cmd->add_option("--code", o->filter_code, "Only dead letters with this error code, e.g. MALFORMED_JSON");
  cmd->add_option("--key", o->filter_key, "Only the dead letter with this key");
}

void AddDeadLetterListArguments(CLI::App* list, DeadLetterOptions* o) {
  AddDeadLetterFilterArguments(list, o);
  list->add_flag("--json", o->json, "One JSON object per line");
  list->add_option("--limit", o->limit, "At most this many (0: all)")->capture_default_str();
}

Status ListDeadLetters(const DeadLetterOptions& o, std::ostream& out) {
  auto consumer = kafka::Consumer::Create(o.kafka.ConsumerProperties("herald-dlq-list-" + std::to_string(::getpid())),
                                          {o.topics.dlq});
  if (!consumer) return Unexpected(consumer.error());
  size_t shown = 0;
  Status s = Drain(**consumer, std::chrono::seconds(3), [&](kafka::Batch& batch) -> Status {
    for (const kafka::Record& r : batch) {
      if (!Matches(o, r) || (o.limit && shown >= o.limit)) continue;
      ++shown;
      auto h = [&](std::string_view name) { return std::string(r.header(name).value_or("")); };
      // What the line shows came from anywhere: escaped, it cannot drive the operator's terminal.
      auto shown = [&](std::string_view name) { return EscapeControl(r.header(name).value_or("")); };
      if (o.json) {
        out << "{\"partition\":" << r.partition() << ",\"offset\":" << r.offset() << ",\"key\":" << JsonString(r.key())
            << ",\"stage\":" << JsonString(h(header::kDlqStage)) << ",\"code\":" << JsonString(h(header::kDlqErrorCode))
            << ",\"reason\":" << JsonString(h(header::kDlqReason))
            << ",\"source_topic\":" << JsonString(h(header::kDlqTopic))
            << ",\"source_partition\":" << JsonString(h(header::kDlqPartition))
            << ",\"source_offset\":" << JsonString(h(header::kDlqOffset)) << ",\"at\":" << JsonString(h(header::kDlqAt))
            << ",\"bytes\":" << r.value().size();
        if (auto whole = r.header(header::kDlqOriginalBytes)) out << ",\"original_bytes\":" << JsonString(*whole);
        out << "}\n";
      } else {
        out << r.partition() << "/" << r.offset() << "  " << EscapeControl(r.key()) << "  " << shown(header::kDlqStage)
            << "  " << shown(header::kDlqErrorCode) << "  " << shown(header::kDlqReason) << "  (from "
            << shown(header::kDlqTopic) << "/" << shown(header::kDlqPartition) << "/" << shown(header::kDlqOffset)
            << " at " << shown(header::kDlqAt) << ")";
        if (r.header(header::kDlqOriginalBytes))
          out << "  [truncated copy of " << shown(header::kDlqOriginalBytes) << " bytes]";
        out << "\n";
      }
    }
    return {};
  });
  (*consumer)->Close();
  return s;
}

Result<ReplaySummary> ReplayDeadLetters(const DeadLetterOptions& o) {
  auto producer = kafka::Producer::Create(o.kafka.ProducerProperties());
  if (!producer) return Unexpected(producer.error());
  auto consumer = kafka::Consumer::Create(o.kafka.ConsumerProperties(o.replay_group), {o.topics.dlq});
  if (!consumer) return Unexpected(consumer.error());
  ReplaySummary summary;
  // What each partition held when the replay first saw it: dead letters that
  // arrive later (replayed ones failing again among them) wait for the next
  // replay, so a replay always ends.
  std::map<int32_t, int64_t> end_at_start;
  Status s = Drain(**consumer, std::chrono::seconds(3), [&](kafka::Batch& batch) -> Status {
    kafka::Batch done;
    for (kafka::Record& r : batch) {
      auto [it, first_sight] = end_at_start.try_emplace(r.partition(), 0);
      if (first_sight) {
        auto end = (*consumer)->EndOffset(o.topics.dlq, r.partition(), std::chrono::seconds(5));
        if (!end) return Unexpected(end.error());
        it->second = *end;
      }
      if (r.offset() >= it->second) continue;
      auto source = r.header(header::kDlqTopic);
      // A truncated copy is not the record: replaying it would feed half an article on.
      const bool truncated = r.header(header::kDlqOriginalBytes).has_value();
      if (!Matches(o, r) || !source || source->empty() || truncated) {
        ++summary.skipped;
        done.push_back(std::move(r));
        continue;
      }
      kafka::Headers headers;
      for (kafka::Header& h : r.headers()) {
        if (!h.key.starts_with("herald-dlq-")) headers.push_back(std::move(h));
      }
      headers.push_back({"herald-replayed-from",
                         o.topics.dlq + "/" + std::to_string(r.partition()) + "/" + std::to_string(r.offset())});
      if (Status p = (*producer)->Produce(*source, r.key(), r.value(), headers); !p) return p;
      ++summary.replayed;
      done.push_back(std::move(r));
    }
    // Delivered before committed: a replay interrupted here sends again, never loses.
    if (Status f = (*producer)->Flush(std::chrono::seconds(60)); !f) return f;
    return (*consumer)->Commit(done);
  });
  (*consumer)->Close();
  if (!s) return Unexpected(s.error());
  return summary;
}

}  // namespace herald
