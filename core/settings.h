// settings.h: herald's settings, each declared once, and the layers that set them.
//
// Purpose: one table per command says, for every setting, its key in the YAML
// file, its type, its default (the bound field's initial value), its bounds and
// its description. From that table alone come the command-line flags (and
// their --help), the HERALD_... environment variables, the YAML loader, the
// checks of `herald config check` and docs/CONFIGURATION.md.
//
//   SettingsTable table;
//   table.Add("processor.batch_size", &options.batch_size, "Records per poll and commit")
//       .Flag("--batch-size").Range(1, 100000);
//   table.AddFlags(cli_subcommand);                 // before CLI11 parses
//   ... parse the command line ...
//   std::vector<std::string> problems = table.Resolve(file_or_null, ProcessEnvironment());
//
// Precedence, lowest first: the declared default, the config file, the
// environment (HERALD_ + the key upper-cased with dots as underscores, e.g.
// HERALD_PROCESSOR_BATCH_SIZE), the command-line flag. Lists are replaced
// whole by a higher layer; Kafka properties (type kProperties, the `kafka:`
// section) are merged property by property: HERALD_KAFKA_SECURITY_PROTOCOL or
// -X security.protocol=... overrides the file's `kafka: {security.protocol: ...}`.
//
// Thread-safety: build and resolve a table on one thread, before the stages start.
// Failure: problems come back as messages naming their source ("herald.yaml:12:",
// "HERALD_STORE_BATCH_SIZE:", "--batch-size:"), never as exceptions.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/enum_names.h"
#include "core/kafka.h"
#include "core/status.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace herald {

enum class SettingType { kString, kInteger, kBoolean, kList, kProperties, kChoice };
std::string_view SettingTypeName(SettingType type);

// One value read from a config file: its dotted key, its scalar (or list
// items) and the line it was on.
struct ConfigEntry {
  std::string key;
  std::vector<std::string> values;
  bool is_list = false;
  int line = 0;
};

// A parsed YAML config file, flattened to entries. Mappings nest keys
// ("processor: {batch_size: 5}" is "processor.batch_size"); a sequence of
// scalars is a list.
class ConfigFile {
 public:
  static Result<ConfigFile> Load(const std::string& path);
  // `name` labels messages (normally the path).
  static Result<ConfigFile> Parse(std::string_view yaml, std::string name);

  const std::string& name() const { return name_; }
  const std::vector<ConfigEntry>& entries() const { return entries_; }

 private:
  std::string name_;
  std::vector<ConfigEntry> entries_;
};

// Every environment variable, name and value; ProcessEnvironment() reads this process's.
using Environment = std::vector<std::pair<std::string, std::string>>;
Environment ProcessEnvironment();

// Secrets from mounted files (Docker and Kubernetes secrets, systemd credentials):
// HERALD_<NAME>_FILE=/run/secrets/x stands for HERALD_<NAME> set to that file's
// contents, one trailing newline removed; e.g. HERALD_KAFKA_SASL_PASSWORD_FILE.
// Replaces each such variable in *environment by the one it stands for. Returns
// a problem per file that cannot be read, is larger than 64 KiB, or whose
// variable is also set directly (which of the two wins would be a guess), and
// drops those variables from *environment.
std::vector<std::string> ReadEnvironmentFiles(Environment* environment);

// A setting bound to an enum field through its names (core/enum_names.h), type kChoice:
//   table.Add("processor.delivery", BindEnum(&options.delivery, kDeliveryNames), "...");
// Its allowed values are the names, in their order.
struct EnumBinding {
  std::vector<std::string> names;
  std::function<std::string()> current;       // the field's value's name
  std::function<void(std::string_view)> set;  // stores the value a name in `names` stands for
};

template <typename E, size_t N>
EnumBinding BindEnum(E* field, const EnumName<E> (&names)[N]) {
  EnumBinding b;
  b.names = NamesOf(names);
  b.current = [field, &names] { return std::string(NameOf(*field, names)); };
  b.set = [field, &names](std::string_view name) {
    if (auto value = ValueNamed(name, names)) *field = *value;
  };
  return b;
}

class Setting {
 public:
  using Target = std::variant<std::string*, int*, int64_t*, size_t*, bool*, std::vector<std::string>*,
                              kafka::Properties*, EnumBinding>;
  Setting(std::string key, Target target, std::string description);

  // The command-line flag, CLI11 style: "--batch-size" or "-X,--kafka-property".
  Setting& Flag(std::string names);
  Setting& Range(int64_t min, int64_t max);
  // Resolve reports the setting when no layer gives it a non-empty value.
  Setting& Required();

  const std::string& key() const { return key_; }
  SettingType type() const { return type_; }
  const std::string& default_text() const { return default_text_; }
  const std::string& description() const { return description_; }
  const std::string& flag() const { return flag_; }
  const std::vector<std::string>& choices() const { return choices_; }
  std::optional<std::pair<int64_t, int64_t>> range() const { return range_; }
  bool required() const { return required_; }
  // HERALD_PROCESSOR_BATCH_SIZE; for kProperties the prefix, HERALD_KAFKA_.
  std::string environment_name() const;
  // The description with its allowed values or range, as --help and the docs show it.
  std::string full_description() const;

  // Parses values (one scalar, or list items) and stores them in the bound
  // field, or only checks them when store is false. Returns the problem, if any.
  // For kProperties, values is {property name, value}.
  std::optional<std::string> Apply(const std::vector<std::string>& values, bool store) const;

 private:
  friend class SettingsTable;
  std::string key_;
  Target target_;
  SettingType type_;
  std::string default_text_;
  std::string description_;
  std::string flag_;
  std::vector<std::string> choices_;
  std::optional<std::pair<int64_t, int64_t>> range_;
  bool required_ = false;
  // What CLI11 parsed for the flag, applied last by Resolve.
  std::vector<std::string> flag_values_;
  CLI::Option* option_ = nullptr;
};

class SettingsTable {
 public:
  SettingsTable() = default;
  SettingsTable(const SettingsTable&) = delete;
  SettingsTable& operator=(const SettingsTable&) = delete;

  // Declares a setting bound to *target; its current value is the default.
  // The type follows the target: string, integer, boolean, list of strings,
  // or Kafka properties (a whole section of pass-through key/values).
  Setting& Add(std::string key, Setting::Target target, std::string description);

  const std::vector<std::unique_ptr<Setting>>& settings() const { return settings_; }
  // The setting a file key belongs to ("kafka.security.protocol" belongs to "kafka").
  const Setting* Find(std::string_view key) const;

  // Registers each flag on the CLI11 command; parsed values wait for Resolve.
  void AddFlags(CLI::App* app);

  // Applies file, then environment, then flags over the defaults. Keys this
  // table does not declare are left alone (other commands may use them; the
  // catalog reports the unknown). Returns every problem; empty means resolved.
  std::vector<std::string> Resolve(const ConfigFile* file, const Environment& environment);

 private:
  std::vector<std::unique_ptr<Setting>> settings_;
};

// Every command's table: what `herald config check` validates a file against
// and what docs/CONFIGURATION.md is generated from.
class SettingsCatalog {
 public:
  // A key declared by several commands must agree on type, default and description.
  Status Add(std::string command, const SettingsTable* table);

  // Unknown keys (with the nearest known key as a hint) and bad values, with lines.
  std::vector<std::string> Check(const ConfigFile& file) const;
  // HERALD_ variables that name no setting (a typo would otherwise be ignored).
  std::vector<std::string> UnknownEnvironment(const Environment& environment) const;
  std::string RenderMarkdown() const;

 private:
  struct Entry {
    const Setting* setting;
    std::vector<std::string> commands;
  };
  const Entry* Find(std::string_view key) const;
  std::vector<Entry> entries_;  // in declaration order, one per key
};

}  // namespace herald
