// demo.h: `herald demo`: the whole pipeline in one process over herald's bundled
// sample articles: produce, process, store and alert, then a table of the
// extracted events, the alerts fired and the dead letters, and the SQLite file
// left for the user to query.
//
// Without --brokers it runs against an in-process Kafka-protocol cluster
// (librdkafka's mock cluster): nothing to install. With --brokers it runs the
// same against a real cluster.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace herald {

struct DemoOptions {
  std::string brokers;  // empty: in-process mock cluster
  std::string samples_dir;
  std::string rules_path;
  std::string sqlite_path = "herald-demo.db";
  int timeout_s = 60;
};

void AddDemoOptions(CLI::App* app, DemoOptions* options);
int RunDemo(const DemoOptions& options);

}  // namespace herald
