// dead_letters.h: `herald dlq list` and `herald dlq replay`: reading the
// dead-letter topic and sending dead letters back to where they came from.
//
//   DeadLetterOptions o{.kafka = {.brokers = "localhost:9092"}};
//   ListDeadLetters(o, std::cout);             // one line per dead letter, or JSON lines
//   o.filter_code = "EMPTY_ARTICLE";
//   Result<ReplaySummary> s = ReplayDeadLetters(o);
//
// list reads the whole topic (a throw-away consumer group) and prints, per dead
// letter: partition and offset on the DLQ, key, stage, error code, reason, and
// the source topic, partition and offset. replay produces each matching dead
// letter back to its source topic (header herald-dlq-topic) with its original
// key, value and headers (the herald-dlq-* ones removed, herald-replayed-from
// added), and commits its progress in its own consumer group, so a second
// replay sends only what was dead-lettered since. Both stop when caught up.
// Keys and headers are printed with control characters escaped (EscapeControl),
// JSON with invalid UTF-8 repaired. A truncated copy (herald-dlq-original-bytes)
// is listed as such and never replayed.
// Failure: a record without a source topic header is skipped and counted; a
// producer failure ends the replay with an Error before committing.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "core/options.h"
#include "core/settings.h"
#include "core/status.h"

namespace CLI {
class App;
}

namespace herald {

struct DeadLetterOptions {
  KafkaOptions kafka;
  Topics topics;
  std::string replay_group = "herald-dlq-replay";
  // Filters, empty for all: the stage and error code of the dead letter, and its key.
  std::string filter_stage, filter_code, filter_key;
  bool json = false;
  size_t limit = 0;  // list: at most this many, 0 for all
};

struct ReplaySummary {
  int64_t replayed = 0;
  int64_t skipped = 0;  // not matching the filters, or without a source topic
};

void DeclareDeadLetterSettings(SettingsTable& table, DeadLetterOptions* options);
// The filters of `dlq list` and `dlq replay` (--stage, --code, --key), and list's
// output flags (--json, --limit): per run, not settings.
void AddDeadLetterFilterArguments(CLI::App* command, DeadLetterOptions* options);
void AddDeadLetterListArguments(CLI::App* list, DeadLetterOptions* options);
Status ListDeadLetters(const DeadLetterOptions& options, std::ostream& out);
Result<ReplaySummary> ReplayDeadLetters(const DeadLetterOptions& options);

}  // namespace herald
