#include "core/options.h"

#include <CLI/CLI.hpp>

namespace herald {

void AddKafkaOptions(CLI::App* app, KafkaOptions* options) {
  app->add_option("--brokers", options->brokers, "Kafka bootstrap servers, host:port[,host:port]")
      ->capture_default_str();
  app->add_option_function<std::vector<std::string>>(
         "-X,--kafka-property",
         [options](const std::vector<std::string>& values) {
           for (const std::string& kv : values) {
             auto eq = kv.find('=');
             if (eq == std::string::npos || eq == 0) {
               throw CLI::ValidationError("--kafka-property", "expected key=value, got '" + kv + "'");
             }
             options->properties.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
           }
         },
         "librdkafka property key=value, passed through (repeatable), e.g. -X security.protocol=SSL")
      ->type_name("KEY=VALUE");
}

void AddTopicOptions(CLI::App* app, Topics* topics) {
  app->add_option("--raw-topic", topics->raw, "Topic of raw articles")->capture_default_str();
  app->add_option("--events-topic", topics->events, "Topic of event records")->capture_default_str();
  app->add_option("--alerts-topic", topics->alerts, "Topic of alerts")->capture_default_str();
  app->add_option("--dlq-topic", topics->dlq, "Dead-letter topic")->capture_default_str();
}

}  // namespace herald
