// kafka_admin.h: what herald asks of a cluster besides producing and consuming:
// creating topics, and reading the limits the brokers enforce on them.
//
//   kafka::Properties p = kafka::ProducerProperties(brokers);
//   Status s = kafka::EnsureTopics(p, {"herald.articles.raw"}, 3);
//   Result<kafka::TopicLimits> limits = kafka::DescribeTopicLimits(p, {"herald.events.v1"});
//   if (limits) size_t max = limits->at("herald.events.v1");   // bytes, as the broker reports
//
// Each call opens a short-lived admin client from the properties (so TLS and
// SASL settings apply) and closes it before returning.
// Thread-safety: free functions; any thread.
// Failure: a bad property is kFatal; a cluster that does not answer in time,
// or refuses, is kRetriable (an authentication failure says so in the reason).
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/kafka.h"
#include "core/status.h"

namespace herald::kafka {

// Creates those of `topics` that do not exist yet, with `partitions` partitions,
// the broker's default replication factor and `configs` (topic configuration,
// e.g. max.message.bytes). Existing topics are left as they are.
Status EnsureTopics(const Properties& properties, const std::vector<std::string>& topics, int partitions,
                    std::chrono::milliseconds timeout = std::chrono::seconds(30), const Properties& configs = {});

// Topic name -> the largest record batch (bytes, after compression) the
// brokers accept on it: the topic's max.message.bytes, which defaults to the
// broker's message.max.bytes. A topic that does not exist yet gets the
// broker's setting, which it will inherit when it is created. A cluster that
// cannot describe configurations (librdkafka's mock cluster, brokers before
// 0.11) yields no limits, with a warning: callers assume Kafka's defaults.
using TopicLimits = std::map<std::string, int64_t>;
Result<TopicLimits> DescribeTopicLimits(const Properties& properties, const std::vector<std::string>& topics,
                                        std::chrono::milliseconds timeout = std::chrono::seconds(30));

namespace internal {
// A C-API client handle of `type` from properties, its log routed into herald's
// log; null with the reason in *error. Shared by the admin calls and the mock cluster.
rd_kafka_t* NewClientHandle(rd_kafka_type_t type, const Properties& properties, std::string* error);
}  // namespace internal

}  // namespace herald::kafka
