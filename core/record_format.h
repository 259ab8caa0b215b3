// record_format.h: the conventions every stage shares for Kafka records, as
// documented in proto/herald/v1/*.proto: header names, article ids, and the
// headers of a dead letter.
//
//   kafka::Headers h = DeadLetterHeaders(record, "parse", error, /*attempts=*/1);
//   producer.Produce(topics.dlq, record.key(), record.value(), h);
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/kafka.h"
#include "core/status.h"

namespace herald {

namespace header {
inline constexpr std::string_view kContentType = "content-type";
inline constexpr std::string_view kArticleId = "herald-article-id";
inline constexpr std::string_view kSource = "herald-source";
inline constexpr std::string_view kUrl = "herald-url";
inline constexpr std::string_view kIngestedAt = "herald-ingested-at";
inline constexpr std::string_view kProducedAtUs = "herald-produced-at-us";
inline constexpr std::string_view kDlqStage = "herald-dlq-stage";
inline constexpr std::string_view kDlqErrorCode = "herald-dlq-error-code";
inline constexpr std::string_view kDlqReason = "herald-dlq-reason";
inline constexpr std::string_view kDlqTopic = "herald-dlq-topic";
inline constexpr std::string_view kDlqPartition = "herald-dlq-partition";
inline constexpr std::string_view kDlqOffset = "herald-dlq-offset";
inline constexpr std::string_view kDlqAt = "herald-dlq-at";
inline constexpr std::string_view kDlqAttempts = "herald-dlq-attempts";
}  // namespace header

inline constexpr std::string_view kProtobufContentType = "application/x-protobuf";

// The id herald gives an article that has none: "h:" + 16 hex digits of a
// 64-bit FNV-1a hash of its bytes. Stable across runs, machines and versions.
std::string ContentHashId(std::string_view bytes);

// The original record's headers plus herald's dead-letter headers (dead_letter.proto).
kafka::Headers DeadLetterHeaders(const kafka::Record& record, std::string_view stage, const Error& error,
                                 int attempts);

// Produces `record` to the dead-letter topic with those headers (delivery is
// confirmed by the producer's next Flush or transaction commit).
Status DeadLetter(kafka::Producer& producer, const std::string& dlq_topic, const kafka::Record& record,
                  std::string_view stage, const Error& error, int attempts = 1);

}  // namespace herald
