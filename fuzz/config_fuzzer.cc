// libFuzzer target: any bytes as a herald config file, through ConfigFile::Parse
// and a settings table's Resolve, as `herald config check` and every daemon read
// one. It must answer with entries or problems, never crash or recurse without
// bound (a self-referencing alias once did). Seeds in fuzz/corpus/config.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/options.h"
#include "core/settings.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view yaml(reinterpret_cast<const char*>(data), size);
  auto file = herald::ConfigFile::Parse(yaml, "fuzz.yaml");
  if (!file) return 0;
  herald::KafkaOptions kafka;
  herald::Topics topics;
  herald::DaemonOptions daemon;
  herald::SettingsTable table;
  herald::DeclareKafkaSettings(table, &kafka);
  herald::DeclareTopicSettings(table, &topics);
  herald::DeclareDaemonSettings(table, "processor", &daemon);
  (void)table.Resolve(&*file, {});
  return 0;
}
