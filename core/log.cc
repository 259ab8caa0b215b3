#include "core/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "core/clock.h"
#include "proto/json_text.h"

namespace herald::log {
namespace {

std::atomic<Level> g_level{Level::kInfo};
std::atomic<bool> g_json{false};
std::mutex g_mutex;

std::string_view Name(Level level) { return NameOf(level, kLevelNames); }

// Text mode quotes a value only when it would otherwise be ambiguous.
void AppendTextValue(std::string* out, std::string_view s) {
  bool plain = !s.empty() && s.find_first_of(" \"=\n\t") == std::string_view::npos;
  if (plain) {
    out->append(s);
  } else {
    json::AppendString(s, out);
  }
}

}  // namespace

void SetLevel(Level level) { g_level = level; }
void SetJson(bool json) { g_json = json; }
bool Enabled(Level level) { return level >= g_level.load(std::memory_order_relaxed); }

void Write(Level level, std::string_view message, std::initializer_list<Field> fields) {
  if (!Enabled(level)) return;
  std::string line;
  line.reserve(128);
  std::string ts = NowRfc3339();
  if (g_json) {
    line.append("{\"ts\":\"").append(ts).append("\",\"level\":\"").append(Name(level)).append("\",\"msg\":");
    json::AppendString(message, &line);
    for (const auto& [key, value] : fields) {
      line.push_back(',');
      json::AppendString(key, &line);
      line.push_back(':');
      json::AppendString(value, &line);
    }
    line.append("}\n");
  } else {
    line.append(ts).push_back(' ');
    for (char c : Name(level)) line.push_back(static_cast<char>(c - 'a' + 'A'));
    line.push_back(' ');
    line.append(message);
    for (const auto& [key, value] : fields) {
      line.push_back(' ');
      line.append(key).push_back('=');
      AppendTextValue(&line, value);
    }
    line.push_back('\n');
  }
  std::lock_guard lock(g_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace herald::log
