// `herald bench`: end-to-end load on a real broker, the processor against its passthrough baseline (bench/).
#include "apps/command.h"
#include "bench/end_to_end.h"

namespace herald {

Command BenchCommand() {
  auto o = std::make_shared<BenchOptions>();
  return {.path = {"bench"},
          .help = "End-to-end load: the processor and a passthrough baseline on a real broker",
          .settings = [o](SettingsTable& t) { DeclareBenchSettings(t, o.get()); },
          .arguments = [o](CLI::App* app) { AddBenchArguments(app, o.get()); },
          .run =
              [o](const CommandContext& context) {
                o->herald_binary = context.binary;  // the stages run as child processes of this binary
                return RunBench(*o);
              }};
}

}  // namespace herald
