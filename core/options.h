// options.h: the settings every herald stage shares (brokers, topics, client
// pass-through properties), declared once with their flags and defaults.
//
//   CLI::App* cmd = app.add_subcommand("process", "...");
//   AddKafkaOptions(cmd, &opts.kafka);
//   AddTopicOptions(cmd, &opts.topics);
#pragma once

#include <string>

#include "core/kafka.h"

namespace CLI {
class App;
}

namespace herald {

struct Topics {
  std::string raw = "herald.articles.raw";
  std::string events = "herald.events.v1";
  std::string alerts = "herald.alerts.v1";
  std::string dlq = "herald.articles.dlq";
};

struct KafkaOptions {
  std::string brokers = "localhost:9092";
  // librdkafka properties passed through as given (TLS, SASL, tuning).
  kafka::Properties properties;
};

void AddKafkaOptions(CLI::App* app, KafkaOptions* options);
void AddTopicOptions(CLI::App* app, Topics* topics);

}  // namespace herald
