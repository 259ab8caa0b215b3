// record_limits.h: how large the records a stage produces may be, worked out
// once at start-up from the clients' settings and the limits the brokers report
// for each topic, and checked against each other, so that no record is accepted
// at one end of a stage and refused at the other.
//
//   auto brokers = kafka::DescribeTopicLimits(producer_props, {raw, events, dlq});
//   Result<RecordLimits> limits =
//       ResolveRecordLimits(producer_props, consumer_props, *brokers, raw, {events, dlq});
//   if (!limits) return limits.error();          // names the settings that clash
//   size_t max = limits->For(events);            // fit every event record into this
//
// The rules (sizes in bytes):
//   - the producer's message.max.bytes must fit in its queue
//     (queue.buffering.max.kbytes), or a record that large would wait for room for ever;
//   - a record produced to topic T, counted as key + value + headers before
//     compression, is at most T's max.message.bytes less the record batch's
//     framing and the worst-case growth of compressing incompressible bytes, and
//     at most the producer's message.max.bytes; below 4 KiB herald cannot even
//     dead-letter a truncated copy, which is an error;
//   - batch.size is lowered to the smallest output limit, so that batches of
//     small records are not refused either;
//   - the input topic's records must fit in the consumer's receive.message.max.bytes.
// Thread-safety: pure functions and a plain value.
// Failure: a clash is a kFatal Error whose reason names each setting and value.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/kafka.h"
#include "core/kafka_admin.h"
#include "core/status.h"

namespace herald {

// The smallest record limit herald can work with: a dead letter's headers and
// the first bytes of what it carries.
inline constexpr size_t kMinRecordLimitBytes = 4096;

struct RecordLimits {
  // Output topic -> the largest record (key + value + headers, uncompressed) to produce to it.
  std::map<std::string, size_t, std::less<>> max_record_bytes;
  // Producer properties to apply on top of the configured ones.
  kafka::Properties producer_overrides;

  // The limit for `topic`; a topic not resolved gets the smallest Kafka default.
  size_t For(std::string_view topic) const;
};

Result<RecordLimits> ResolveRecordLimits(const kafka::Properties& producer, const kafka::Properties& consumer,
                                         const kafka::TopicLimits& brokers, const std::string& input,
                                         const std::vector<std::string>& outputs);

// A record's size as the producer counts it against message.max.bytes.
size_t RecordBytes(std::string_view key, std::string_view value, const kafka::Headers& headers);

}  // namespace herald
