// record_format.h: the conventions every stage shares for Kafka records, as
// documented in proto/herald/v1/*.proto: header names, article ids, and the
// headers of a dead letter.
//
//   DeadLetterQueue dlq{.topic = topics.dlq, .max_record_bytes = limits.For(topics.dlq)};
//   Status s = DeadLetter(producer, dlq, record, "parse", error);   // whole, or a truncated copy
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/kafka.h"
#include "core/record_limits.h"
#include "core/status.h"

namespace herald {

namespace header {
inline constexpr std::string_view kContentType = "content-type";
inline constexpr std::string_view kArticleId = "herald-article-id";
inline constexpr std::string_view kSource = "herald-source";
inline constexpr std::string_view kUrl = "herald-url";
inline constexpr std::string_view kIngestedAt = "herald-ingested-at";
inline constexpr std::string_view kProducedAtUs = "herald-produced-at-us";
inline constexpr std::string_view kFeed = "herald-feed";
inline constexpr std::string_view kFetchedAt = "herald-fetched-at";
inline constexpr std::string_view kDuplicateOf = "herald-duplicate-of";
inline constexpr std::string_view kDlqStage = "herald-dlq-stage";
inline constexpr std::string_view kDlqErrorCode = "herald-dlq-error-code";
inline constexpr std::string_view kDlqReason = "herald-dlq-reason";
inline constexpr std::string_view kDlqTopic = "herald-dlq-topic";
inline constexpr std::string_view kDlqPartition = "herald-dlq-partition";
inline constexpr std::string_view kDlqOffset = "herald-dlq-offset";
inline constexpr std::string_view kDlqAt = "herald-dlq-at";
inline constexpr std::string_view kDlqAttempts = "herald-dlq-attempts";
inline constexpr std::string_view kDlqOriginalBytes = "herald-dlq-original-bytes";
inline constexpr std::string_view kDlqOriginalSha256 = "herald-dlq-original-sha256";
inline constexpr std::string_view kDlqHeadersDropped = "herald-dlq-headers-dropped";
}  // namespace header

inline constexpr std::string_view kProtobufContentType = "application/x-protobuf";

// The id herald gives an article that has none: "h:" + 16 hex digits of a
// 64-bit FNV-1a hash of its bytes. Stable across runs, machines and versions.
std::string ContentHashId(std::string_view bytes);

// The original record's headers plus herald's dead-letter headers (dead_letter.proto).
kafka::Headers DeadLetterHeaders(const kafka::Record& record, std::string_view stage, const Error& error, int attempts);

// Where a stage's dead letters go, and the largest record that topic accepts
// (RecordLimits::For, resolved at start-up).
struct DeadLetterQueue {
  std::string topic;
  size_t max_record_bytes = 1 << 20;
};

// A record on its way out, viewing the bytes of the one it came from.
struct OutgoingRecord {
  std::string_view key;
  std::string_view value;
  kafka::Headers headers;
};

// Makes a dead letter fit in max_bytes (RecordBytes) when it does not: the
// value is cut to its first bytes (at a UTF-8 character boundary), and the
// headers kDlqOriginalBytes (the whole value's length) and kDlqOriginalSha256
// (its SHA-256 in hex) are added; an over-long key (past 1 KiB) or header value
// (past 256 bytes, while the headers take more than a quarter of max_bytes) is
// cut too, and while the headers still take more than half, the original ones
// are dropped, last first, their number in kDlqHeadersDropped. A dead letter
// that fits is left alone.
void FitDeadLetter(size_t max_bytes, OutgoingRecord* letter);

// Produces `record` to the dead-letter topic with those headers, whole when it
// fits and as a truncated copy (FitDeadLetter) when it does not, so that a
// record can always be dead-lettered (delivery is confirmed by the producer's
// next Flush or transaction commit).
Status DeadLetter(kafka::Producer& producer, const DeadLetterQueue& dlq, const kafka::Record& record,
                  std::string_view stage, const Error& error, int attempts = 1);

// The SHA-256 of bytes, as 64 lowercase hex digits.
std::string Sha256Hex(std::string_view bytes);

}  // namespace herald
