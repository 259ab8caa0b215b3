#include "core/record_format.h"

#include <cstdio>

#include "core/clock.h"

namespace herald {

std::string ContentHashId(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "h:%016llx", static_cast<unsigned long long>(h));
  return buf;
}

kafka::Headers DeadLetterHeaders(const kafka::Record& record, std::string_view stage, const Error& error,
                                 int attempts) {
  kafka::Headers h = record.headers();
  auto add = [&h](std::string_view k, std::string v) { h.push_back({std::string(k), std::move(v)}); };
  add(header::kDlqStage, std::string(stage));
  add(header::kDlqErrorCode, std::string(error.code_name()));
  add(header::kDlqReason, error.reason);
  add(header::kDlqTopic, record.topic());
  add(header::kDlqPartition, std::to_string(record.partition()));
  add(header::kDlqOffset, std::to_string(record.offset()));
  add(header::kDlqAt, NowRfc3339());
  add(header::kDlqAttempts, std::to_string(attempts));
  return h;
}

Status DeadLetter(kafka::Producer& producer, const std::string& dlq_topic, const kafka::Record& record,
                  std::string_view stage, const Error& error, int attempts) {
  return producer.Produce(dlq_topic, record.key(), record.value(), DeadLetterHeaders(record, stage, error, attempts));
}

}  // namespace herald
