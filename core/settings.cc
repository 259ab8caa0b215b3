#include "core/settings.h"

#include <yaml-cpp/yaml.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <set>

#include "core/files.h"
#include "core/utf8.h"

extern char** environ;

namespace herald {
namespace {

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string DefaultText(const Setting::Target& target) {
  struct Visitor {
    std::string operator()(const std::string* v) const { return *v; }
    std::string operator()(const int* v) const { return std::to_string(*v); }
    std::string operator()(const int64_t* v) const { return std::to_string(*v); }
    std::string operator()(const size_t* v) const { return std::to_string(*v); }
    std::string operator()(const bool* v) const { return *v ? "true" : "false"; }
    std::string operator()(const std::vector<std::string>* v) const { return Join(*v, ","); }
    std::string operator()(const kafka::Properties* v) const {
      std::vector<std::string> kv;
      for (const auto& [k, value] : *v) kv.push_back(k + "=" + value);
      return Join(kv, ",");
    }
    std::string operator()(const EnumBinding& b) const { return b.current(); }
  };
  return std::visit(Visitor{}, target);
}

SettingType TypeOf(const Setting::Target& target) {
  if (std::holds_alternative<std::string*>(target)) return SettingType::kString;
  if (std::holds_alternative<bool*>(target)) return SettingType::kBoolean;
  if (std::holds_alternative<std::vector<std::string>*>(target)) return SettingType::kList;
  if (std::holds_alternative<kafka::Properties*>(target)) return SettingType::kProperties;
  if (std::holds_alternative<EnumBinding>(target)) return SettingType::kChoice;
  return SettingType::kInteger;
}

std::optional<bool> ParseBoolean(std::string_view v) {
  static const std::set<std::string_view> kTrue = {"true", "yes", "on", "1"};
  static const std::set<std::string_view> kFalse = {"false", "no", "off", "0"};
  const std::string lower = AsciiLower(v);
  if (kTrue.contains(lower)) return true;
  if (kFalse.contains(lower)) return false;
  return std::nullopt;
}

// Splits "a, b,c" into items, for lists given as one environment variable.
std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = text.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    start = comma + 1;
  }
  return out;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// herald's settings nest a few levels (section.key, kafka.a.b.c); deeper is a mistake.
constexpr int kMaxConfigDepth = 16;

// Flattens YAML nodes into entries, collecting problems (with their lines)
// instead of throwing. `path` holds the maps being flattened, so that an alias
// to one of them (a: &x {b: *x}) is refused instead of followed for ever.
class Flattener {
 public:
  Flattener(std::vector<ConfigEntry>* out, std::vector<std::string>* problems, const std::string& file)
      : out_(out), problems_(problems), file_(file) {}

  void Flatten(const YAML::Node& node, const std::string& key, int key_line) {
    switch (node.Type()) {
      case YAML::NodeType::Map: FlattenMap(node, key, key_line); return;
      case YAML::NodeType::Sequence: FlattenList(node, key, key_line); return;
      case YAML::NodeType::Null: out_->push_back({.key = key, .values = {""}, .line = key_line}); return;
      default: out_->push_back({.key = key, .values = {node.Scalar()}, .line = key_line});
    }
  }

 private:
  void Problem(int line, const std::string& what) {
    problems_->push_back(file_ + ":" + std::to_string(line) + ": " + what);
  }

  void FlattenMap(const YAML::Node& node, const std::string& key, int key_line) {
    for (const YAML::Node& open : path_) {
      if (open.is(node)) return Problem(key_line, key + ": an alias refers to a mapping that contains it");
    }
    if (path_.size() >= kMaxConfigDepth) return Problem(key_line, key + ": nested deeper than herald's settings go");
    path_.push_back(node);
    std::map<std::string, int> seen;  // key -> line
    for (const auto& kv : node) {
      const int line = kv.first.Mark().line + 1;
      if (!kv.first.IsScalar()) {
        Problem(line, "a key must be a plain value");
        continue;
      }
      const std::string& child = kv.first.Scalar();
      if (auto [it, first] = seen.emplace(child, line); !first) {
        Problem(line, (key.empty() ? child : key + "." + child) + ": given twice (first on line " +
                          std::to_string(it->second) + ")");
        continue;
      }
      Flatten(kv.second, key.empty() ? child : key + "." + child, line);
    }
    path_.pop_back();
  }

  void FlattenList(const YAML::Node& node, const std::string& key, int key_line) {
    ConfigEntry entry{.key = key, .is_list = true, .line = key_line};
    for (const auto& item : node) {
      if (!item.IsScalar()) return Problem(item.Mark().line + 1, key + ": expected a list of plain values");
      entry.values.push_back(item.Scalar());
    }
    out_->push_back(std::move(entry));
  }

  std::vector<ConfigEntry>* out_;
  std::vector<std::string>* problems_;
  const std::string& file_;
  std::vector<YAML::Node> path_;
};

// The 1-based line of the first bytes that are not UTF-8, if any.
std::optional<int> FirstLineNotUtf8(std::string_view text) {
  if (IsValidUtf8(text)) return std::nullopt;
  int line = 1;
  for (size_t start = 0; start <= text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (!IsValidUtf8(text.substr(start, end - start))) return line;
    start = end + 1;
    ++line;
  }
  return std::nullopt;
}

// Whether a file key sets s: its own key, or a property under a properties section.
bool Owns(const Setting& s, std::string_view key) {
  return s.key() == key || (s.type() == SettingType::kProperties && key.starts_with(s.key() + "."));
}

// Applies (or, store=false, checks) one config-file entry to its setting.
std::optional<std::string> ApplyEntry(const Setting& s, const ConfigEntry& e, bool store) {
  if (s.type() != SettingType::kProperties) return s.Apply(e.values, store);
  if (e.key == s.key()) {
    if (e.values == std::vector<std::string>{""}) return std::nullopt;  // an empty section
    return "expected a mapping of Kafka properties";
  }
  if (e.is_list) return "expected a value, not a list";
  return s.Apply({e.key.substr(s.key().size() + 1), e.values.front()}, store);
}

}  // namespace

std::string_view SettingTypeName(SettingType type) {
  switch (type) {
    case SettingType::kString: return "string";
    case SettingType::kInteger: return "integer";
    case SettingType::kBoolean: return "boolean";
    case SettingType::kList: return "list";
    case SettingType::kProperties: return "map";
    case SettingType::kChoice: return "choice";
  }
  return "string";
}

Result<ConfigFile> ConfigFile::Load(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text) return Unexpected(text.error());
  return Parse(*text, path);
}

Result<ConfigFile> ConfigFile::Parse(std::string_view yaml, std::string name) {
  ConfigFile file;
  file.name_ = std::move(name);
  if (std::optional<int> line = FirstLineNotUtf8(yaml)) {
    return Fatal(file.name_ + ":" + std::to_string(*line) + ": not UTF-8 text");
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return Fatal(file.name_ + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
  }
  if (root.IsNull()) return file;
  if (!root.IsMap()) return Fatal(file.name_ + ": expected a mapping of settings at the top level");
  std::vector<std::string> problems;
  Flattener(&file.entries_, &problems, file.name_).Flatten(root, "", 1);
  if (!problems.empty()) return Fatal(Join(problems, "\n"));
  return file;
}

Environment ProcessEnvironment() {
  Environment out;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    out.emplace_back(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return out;
}

std::vector<std::string> ReadEnvironmentFiles(Environment* environment) {
  constexpr std::string_view kSuffix = "_FILE";
  constexpr size_t kMaxSecretBytes = 64 * 1024;
  std::vector<std::string> problems;
  auto is_set = [&](const std::string& name) {
    return std::any_of(environment->begin(), environment->end(), [&](const auto& kv) { return kv.first == name; });
  };
  for (auto& [variable, value] : *environment) {
    if (!variable.starts_with("HERALD_") || !variable.ends_with(kSuffix)) continue;
    const std::string target = variable.substr(0, variable.size() - kSuffix.size());
    // A variable that cannot stand for its target is reported here and dropped, so
    // that it is not reported again as a setting (or Kafka property) of its own.
    auto drop = [&](std::string problem) {
      problems.push_back(variable + problem);
      variable.clear();
    };
    if (is_set(target)) {
      drop(" and " + target + " are both set: keep one");
      continue;
    }
    auto contents = ReadWholeFile(value);
    if (!contents) {
      drop(": " + contents.error().reason);
      continue;
    }
    if (contents->size() > kMaxSecretBytes) {
      drop(": " + value + " is larger than 64 KiB; not a secret");
      continue;
    }
    if (contents->ends_with('\n')) contents->pop_back();
    if (contents->ends_with('\r')) contents->pop_back();
    variable = target;
    value = std::move(*contents);
  }
  std::erase_if(*environment, [](const auto& kv) { return kv.first.empty(); });
  return problems;
}

Setting::Setting(std::string key, Target target, std::string description)
    : key_(std::move(key)),
      target_(std::move(target)),
      type_(TypeOf(target_)),
      default_text_(DefaultText(target_)),
      description_(std::move(description)) {
  if (const auto* binding = std::get_if<EnumBinding>(&target_)) choices_ = binding->names;
}

Setting& Setting::Flag(std::string names) {
  flag_ = std::move(names);
  return *this;
}

Setting& Setting::Range(int64_t min, int64_t max) {
  range_ = {min, max};
  return *this;
}

Setting& Setting::Required() {
  required_ = true;
  return *this;
}

std::string Setting::environment_name() const {
  std::string name = "HERALD_";
  for (char c : key_) name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (type_ == SettingType::kProperties) name += "_";
  return name;
}

std::string Setting::full_description() const {
  std::string out = description_;
  if (!choices_.empty()) out += " One of: " + Join(choices_, ", ") + ".";
  if (range_) out += " From " + std::to_string(range_->first) + " to " + std::to_string(range_->second) + ".";
  if (required_) out += " Required.";
  return out;
}

std::optional<std::string> Setting::Apply(const std::vector<std::string>& values, bool store) const {
  if (type_ == SettingType::kProperties) {
    if (values.size() != 2 || values[0].empty()) return "expected a Kafka property name and value";
    if (Status s = kafka::CheckProperty(values[0], values[1]); !s) return s.error().reason;
    if (store) {
      auto* properties = std::get<kafka::Properties*>(target_);
      std::erase_if(*properties, [&](const auto& kv) { return kv.first == values[0]; });
      properties->emplace_back(values[0], values[1]);
    }
    return std::nullopt;
  }
  if (type_ == SettingType::kList) {
    if (store) *std::get<std::vector<std::string>*>(target_) = values;
    return std::nullopt;
  }
  if (values.size() != 1) return "expected one value, got a list of " + std::to_string(values.size());
  const std::string& text = values.front();
  if (!choices_.empty() && std::find(choices_.begin(), choices_.end(), text) == choices_.end()) {
    return "expected one of " + Join(choices_, ", ") + "; got " + Quote(text);
  }
  switch (type_) {
    case SettingType::kString:
      if (store) *std::get<std::string*>(target_) = text;
      return std::nullopt;
    case SettingType::kChoice:  // the text is one of the names (checked above)
      if (store) std::get<EnumBinding>(target_).set(text);
      return std::nullopt;
    case SettingType::kBoolean: {
      std::optional<bool> b = ParseBoolean(text);
      if (!b) return "expected true or false, got " + Quote(text);
      if (store) *std::get<bool*>(target_) = *b;
      return std::nullopt;
    }
    default: {
      int64_t v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      auto [min, max] = range_.value_or(
          std::pair<int64_t, int64_t>{std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()});
      if (std::holds_alternative<size_t*>(target_)) min = std::max<int64_t>(min, 0);
      if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max) {
        return "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) + ", got " +
               Quote(text);
      }
      if (!store) return std::nullopt;
      if (auto* i = std::get_if<int*>(&target_)) **i = static_cast<int>(v);
      if (auto* i = std::get_if<int64_t*>(&target_)) **i = v;
      if (auto* i = std::get_if<size_t*>(&target_)) **i = static_cast<size_t>(v);
      return std::nullopt;
    }
  }
}

Setting& SettingsTable::Add(std::string key, Setting::Target target, std::string description) {
  settings_.push_back(std::make_unique<Setting>(std::move(key), std::move(target), std::move(description)));
  return *settings_.back();
}

const Setting* SettingsTable::Find(std::string_view key) const {
  for (const auto& s : settings_) {
    if (Owns(*s, key)) return s.get();
  }
  return nullptr;
}

void SettingsTable::AddFlags(CLI::App* app) {
  for (auto& s : settings_) {
    if (s->flag_.empty()) continue;
    Setting* setting = s.get();
    std::string help = setting->full_description() + " [" + setting->key() + ", " + setting->environment_name() +
                       (setting->type() == SettingType::kProperties ? "<NAME>" : "") + "]";
    switch (setting->type()) {
      case SettingType::kBoolean:
        setting->option_ = app->add_flag(setting->flag_, setting->flag_values_, help)
                               ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
        break;
      case SettingType::kList: setting->option_ = app->add_option(setting->flag_, setting->flag_values_, help); break;
      case SettingType::kProperties:
        // -X NAME=VALUE once per property, so that a positional argument after
        // the last one is not taken for another property.
        setting->option_ = app->add_option(setting->flag_, setting->flag_values_, help)->allow_extra_args(false);
        break;
      default:
        // One value per occurrence, the last occurrence winning; without allow_extra_args(false)
        // an option bound to a vector also swallows the positional arguments after it.
        setting->option_ = app->add_option(setting->flag_, setting->flag_values_, help)
                               ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
                               ->expected(1)
                               ->allow_extra_args(false);
    }
    if (setting->type() == SettingType::kProperties) setting->option_->type_name("NAME=VALUE");
    if (setting->type() == SettingType::kInteger) setting->option_->type_name("INT");
    if (setting->type() != SettingType::kBoolean && !setting->default_text().empty()) {
      setting->option_->default_str(setting->default_text());
    }
  }
}

std::vector<std::string> SettingsTable::Resolve(const ConfigFile* file, const Environment& environment) {
  std::vector<std::string> problems;
  std::set<const Setting*> given;
  // Notes what applying `values` to s from `source` gave: a problem, or a value.
  auto record = [&](const Setting& s, const std::optional<std::string>& problem, const std::vector<std::string>& values,
                    const std::string& source) {
    if (problem) {
      problems.push_back(source + ": " + *problem);
    } else if (!(values.size() == 1 && values[0].empty())) {
      given.insert(&s);
    }
  };
  auto apply = [&](const Setting& s, const std::vector<std::string>& values, const std::string& source) {
    record(s, s.Apply(values, /*store=*/true), values, source);
  };
  if (file) {
    for (const ConfigEntry& e : file->entries()) {
      const Setting* s = Find(e.key);
      if (!s) continue;
      record(*s, ApplyEntry(*s, e, /*store=*/true), e.values,
             file->name() + ":" + std::to_string(e.line) + ": " + e.key);
    }
  }
  for (const auto& s : settings_) {
    const std::string name = s->environment_name();
    for (const auto& [variable, value] : environment) {
      if (s->type() == SettingType::kProperties) {
        if (!variable.starts_with(name) || variable.size() == name.size()) continue;
        std::string property = variable.substr(name.size());
        for (char& c : property) c = c == '_' ? '.' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        apply(*s, {property, value}, variable);
      } else if (variable == name) {
        apply(*s, s->type() == SettingType::kList ? SplitList(value) : std::vector<std::string>{value}, variable);
      }
    }
  }
  for (const auto& s : settings_) {
    if (!s->option_ || s->option_->count() == 0) continue;
    std::string source = s->option_->get_name();
    if (s->type() == SettingType::kProperties) {
      for (const std::string& kv : s->flag_values_) {
        size_t eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) {
          problems.push_back(source + ": expected NAME=VALUE, got " + Quote(kv));
          continue;
        }
        apply(*s, {kv.substr(0, eq), kv.substr(eq + 1)}, source);
      }
    } else if (s->type() == SettingType::kList) {
      apply(*s, s->flag_values_, source);
    } else {
      apply(*s, {s->flag_values_.empty() ? "true" : s->flag_values_.back()}, source);
    }
  }
  for (const auto& s : settings_) {
    if (s->required() && !given.contains(s.get()) && s->default_text().empty()) {
      problems.push_back(s->key() + " is required: set it in the config file, " + s->environment_name() +
                         (s->flag().empty() ? "" : " or " + s->flag()));
    }
  }
  return problems;
}

Status SettingsCatalog::Add(std::string command, const SettingsTable* table) {
  for (const auto& s : table->settings()) {
    auto it =
        std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.setting->key() == s->key(); });
    if (it == entries_.end()) {
      entries_.push_back({s.get(), {command}});
      continue;
    }
    const Setting& known = *it->setting;
    if (known.type() != s->type() || known.default_text() != s->default_text() ||
        known.full_description() != s->full_description()) {
      return Fatal("setting " + s->key() + " is declared differently by " + it->commands.front() + " and " + command);
    }
    it->commands.push_back(command);
  }
  return {};
}

const SettingsCatalog::Entry* SettingsCatalog::Find(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (Owns(*e.setting, key)) return &e;
  }
  return nullptr;
}

std::vector<std::string> SettingsCatalog::Check(const ConfigFile& file) const {
  std::vector<std::string> problems;
  for (const ConfigEntry& e : file.entries()) {
    std::string where = file.name() + ":" + std::to_string(e.line) + ": ";
    const Entry* entry = Find(e.key);
    if (!entry) {
      const Setting* nearest = nullptr;
      size_t best = 4;  // suggest only close matches
      for (const Entry& candidate : entries_) {
        size_t d = EditDistance(e.key, candidate.setting->key());
        if (d < best) {
          best = d;
          nearest = candidate.setting;
        }
      }
      problems.push_back(where + "unknown key " + Quote(e.key) +
                         (nearest ? " (did you mean " + Quote(nearest->key()) + "?)" : ""));
      continue;
    }
    if (auto problem = ApplyEntry(*entry->setting, e, /*store=*/false))
      problems.push_back(where + e.key + ": " + *problem);
  }
  return problems;
}

std::vector<std::string> SettingsCatalog::UnknownEnvironment(const Environment& environment) const {
  std::vector<std::string> unknown;
  for (const auto& [variable, value] : environment) {
    if (!variable.starts_with("HERALD_") || variable == "HERALD_CONFIG") continue;
    bool known = std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) {
      const std::string name = e.setting->environment_name();
      return e.setting->type() == SettingType::kProperties ? variable.starts_with(name) : variable == name;
    });
    if (!known) unknown.push_back(variable);
  }
  return unknown;
}

std::string SettingsCatalog::RenderMarkdown() const {
  auto cell = [](const std::string& text) {
    std::string out;
    for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
  };
  std::map<std::string, std::vector<const Entry*>> sections;
  std::vector<std::string> order;
  for (const Entry& e : entries_) {
    const std::string& key = e.setting->key();
    std::string section = key.find('.') == std::string::npos ? "general" : key.substr(0, key.find('.'));
    if (!sections.contains(section)) order.push_back(section);
    sections[section].push_back(&e);
  }
  std::string out;
  for (const std::string& section : order) {
    out += "\n## " + section + "\n\n";
    out += "| Key | Type | Default | Environment | Flag | Commands | Description |\n";
    out += "|---|---|---|---|---|---|---|\n";
    for (const Entry* e : sections[section]) {
      const Setting& s = *e->setting;
      std::string env = s.environment_name() + (s.type() == SettingType::kProperties ? "<NAME>" : "");
      out += "| `" + s.key() + "` | " + std::string(SettingTypeName(s.type())) + " | " +
             (s.default_text().empty() ? "" : "`" + cell(s.default_text()) + "`") + " | `" + env + "` | " +
             (s.flag().empty() ? "" : "`" + cell(s.flag()) + "`") + " | " + Join(e->commands, ", ") + " | " +
             cell(s.full_description()) + " |\n";
    }
  }
  return out;
}

}  // namespace herald
