#include "core/record_limits.h"

#include <algorithm>
#include <cstdlib>
#include <optional>

namespace herald {
namespace {

// librdkafka's defaults for the properties these rules read.
constexpr int64_t kDefaultMessageMaxBytes = 1000000;
constexpr int64_t kDefaultQueueKbytes = 1048576;
constexpr int64_t kDefaultBatchSize = 1000000;
constexpr int64_t kDefaultReceiveMessageMaxBytes = 100000000;
// Kafka's default max.message.bytes, for a topic nobody described.
constexpr size_t kKafkaDefaultMaxMessageBytes = 1048588;
// A record batch's header (61 bytes) and a record's varint framing, rounded up generously.
constexpr int64_t kBatchFramingBytes = 512;
// Per header: its varint lengths.
constexpr size_t kHeaderFramingBytes = 10;

int64_t Property(const kafka::Properties& properties, std::string_view name, int64_t fallback) {
  std::optional<int64_t> value;
  for (const auto& [k, v] : properties) {
    if (k == name) value = std::strtoll(v.c_str(), nullptr, 10);
  }
  return value.value_or(fallback);
}

// The largest uncompressed record whose compressed batch still fits in
// `topic_limit`: LZ4 (the worst of Kafka's codecs) grows incompressible input
// by at most 1/255 plus 16 bytes.
int64_t UncompressedLimit(int64_t topic_limit) { return (topic_limit - kBatchFramingBytes - 16) * 255 / 256; }

}  // namespace

size_t RecordLimits::For(std::string_view topic) const {
  auto it = max_record_bytes.find(topic);
  return it != max_record_bytes.end() ? it->second
                                      : static_cast<size_t>(UncompressedLimit(kKafkaDefaultMaxMessageBytes));
}

size_t RecordBytes(std::string_view key, std::string_view value, const kafka::Headers& headers) {
  size_t n = key.size() + value.size();
  for (const kafka::Header& h : headers) n += h.key.size() + h.value.size() + kHeaderFramingBytes;
  return n;
}

Result<RecordLimits> ResolveRecordLimits(const kafka::Properties& producer, const kafka::Properties& consumer,
                                         const kafka::TopicLimits& brokers, const std::string& input,
                                         const std::vector<std::string>& outputs) {
  const int64_t message_max = Property(producer, "message.max.bytes", kDefaultMessageMaxBytes);
  const int64_t queue_bytes = Property(producer, "queue.buffering.max.kbytes", kDefaultQueueKbytes) * 1024;
  if (message_max > queue_bytes) {
    return Fatal(
        "message.max.bytes (" + std::to_string(message_max) +
        ") is larger than the producer's queue (queue.buffering.max.kbytes = " + std::to_string(queue_bytes / 1024) +
        " KiB): a record that large could never be queued. "
        "Raise queue.buffering.max.kbytes or lower message.max.bytes");
  }
  RecordLimits limits;
  int64_t smallest = kDefaultBatchSize;
  for (const std::string& topic : outputs) {
    auto reported = brokers.find(topic);
    const int64_t topic_limit = reported != brokers.end() ? reported->second : kKafkaDefaultMaxMessageBytes;
    const int64_t limit = std::min(UncompressedLimit(topic_limit), message_max - kBatchFramingBytes);
    if (limit < static_cast<int64_t>(kMinRecordLimitBytes)) {
      return Fatal("topic " + topic + " accepts records of at most " + std::to_string(limit) +
                   " bytes (its max.message.bytes is " + std::to_string(topic_limit) +
                   ", the producer's message.max.bytes " + std::to_string(message_max) + "); herald needs at least " +
                   std::to_string(kMinRecordLimitBytes));
    }
    limits.max_record_bytes[topic] = static_cast<size_t>(limit);
    smallest = std::min(smallest, limit);
  }
  if (Property(producer, "batch.size", kDefaultBatchSize) > smallest) {
    limits.producer_overrides.emplace_back("batch.size", std::to_string(smallest));
  }
  if (auto reported = brokers.find(input); reported != brokers.end()) {
    const int64_t receive_max = Property(consumer, "receive.message.max.bytes", kDefaultReceiveMessageMaxBytes);
    if (reported->second + kBatchFramingBytes > receive_max) {
      return Fatal("topic " + input + " accepts records of up to " + std::to_string(reported->second) +
                   " bytes (max.message.bytes), more than the consumer can receive (receive.message.max.bytes = " +
                   std::to_string(receive_max) + "): raise receive.message.max.bytes above " +
                   std::to_string(reported->second + kBatchFramingBytes) + " or lower the topic's max.message.bytes");
    }
  }
  return limits;
}

}  // namespace herald
