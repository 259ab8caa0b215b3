// log.h: structured logging, one line per event.
//
//   log::Info("processor started", {{"topic", topic}, {"group", group}});
//   -> 2026-11-29T23:59:00.123Z INFO processor started topic=herald.articles.raw group=herald-processor
//   -> {"ts":"...","level":"info","msg":"processor started","topic":"...","group":"..."}  (JSON mode)
//
// Lines go to stderr so that stdout stays for a command's data (NDJSON, tables).
// Nothing on a per-record hot path logs at info; per-record detail is debug.
// Thread-safety: every function may be called from any thread; lines never interleave.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "core/enum_names.h"

namespace herald::log {

enum class Level { kDebug, kInfo, kWarn, kError };
inline constexpr EnumName<Level> kLevelNames[] = {
    {Level::kDebug, "debug"}, {Level::kInfo, "info"}, {Level::kWarn, "warn"}, {Level::kError, "error"}};

using Field = std::pair<std::string_view, std::string_view>;

void SetLevel(Level level);
void SetJson(bool json);
bool Enabled(Level level);

void Write(Level level, std::string_view message, std::initializer_list<Field> fields = {});

inline void Debug(std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kDebug, m, f); }
inline void Info(std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kInfo, m, f); }
inline void Warn(std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kWarn, m, f); }
inline void Error(std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kError, m, f); }

}  // namespace herald::log
