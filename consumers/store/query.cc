#include "consumers/store/query.h"

#include <charconv>
#include <cmath>
#include <set>

#include "core/clock.h"
#include "core/utf8.h"

namespace herald::store {
namespace {

constexpr size_t kMaxTextBytes = 200;

Status Refuse(std::string_view parameter, const std::string& why) {
  return Fail(v1::ERROR_CODE_UNSPECIFIED, std::string(parameter) + ": " + why, ErrorKind::kFatal);
}

template <typename T>
std::optional<T> Number(std::string_view text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(value)) return std::nullopt;
  }
  return value;
}

// A number within [low, high], or the reason it is not.
template <typename T>
Status InRange(std::string_view name, std::string_view text, T low, T high, T* out) {
  const std::optional<T> v = Number<T>(text);
  if (!v || *v < low || *v > high) {
    return Refuse(name, "expected a number from " + std::to_string(low) + " to " + std::to_string(high) + ", got \"" +
                            std::string(text.substr(0, 40)) + "\"");
  }
  *out = *v;
  return {};
}

template <typename T>
Status OptionalInRange(std::string_view name, std::string_view text, T low, T high, std::optional<T>* out) {
  T v{};
  if (Status s = InRange(name, text, low, high, &v); !s) return s;
  *out = v;
  return {};
}

Status Time(std::string_view name, std::string_view text, std::optional<int64_t>* out) {
  if (auto seconds = Number<int64_t>(text); seconds && *seconds >= 0) {
    *out = *seconds;
    return {};
  }
  if (auto micros = ParseTimestamp(text)) {
    *out = *micros / 1000000;
    return {};
  }
  return Refuse(name, "expected a date (2026-11-29, 2026-11-29T12:00:00Z) or unix seconds, got \"" +
                          std::string(text.substr(0, 40)) + "\"");
}

// Letters, digits and `extra`, upper-cased, of `min`..`max` characters.
Status Code(std::string_view name, std::string_view text, size_t min, size_t max, std::string_view extra,
            std::string* out) {
  std::string code;
  for (char c : text) {
    const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!std::isalnum(static_cast<unsigned char>(upper)) && extra.find(c) == std::string_view::npos) {
      return Refuse(name, "expected letters and digits, got \"" + std::string(text.substr(0, 40)) + "\"");
    }
    code += upper;
  }
  if (code.size() < min || code.size() > max) {
    return Refuse(name, "expected " + std::to_string(min) + " to " + std::to_string(max) + " characters");
  }
  *out = std::move(code);
  return {};
}

Status Text(std::string_view name, std::string_view text, std::string* out) {
  if (text.empty() || text.size() > kMaxTextBytes) {
    return Refuse(name, "expected 1 to " + std::to_string(kMaxTextBytes) + " bytes of text");
  }
  if (!IsValidUtf8(text)) return Refuse(name, "not valid UTF-8");
  for (unsigned char c : text) {
    if (c < 0x20) return Refuse(name, "control characters are not allowed");
  }
  *out = std::string(text);
  return {};
}

template <typename E, size_t N>
Status Named(std::string_view name, std::string_view text, const EnumName<E> (&names)[N], E* out) {
  if (auto v = ValueNamed(text, names)) {
    *out = *v;
    return {};
  }
  std::string allowed;
  for (const auto& n : names) allowed += (allowed.empty() ? "" : ", ") + std::string(n.name);
  return Refuse(name, "expected one of " + allowed);
}

Status ParseNear(std::string_view text, Query* q) {
  Near near;
  const size_t first = text.find(','), second = text.find(',', first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos) {
    return Refuse("near", "expected latitude,longitude,km (48.85,2.35,50)");
  }
  if (Status s = InRange("near", text.substr(0, first), -90.0, 90.0, &near.latitude); !s) return s;
  if (Status s = InRange("near", text.substr(first + 1, second - first - 1), -180.0, 180.0, &near.longitude); !s) {
    return s;
  }
  if (Status s = InRange("near", text.substr(second + 1), 0.001, 20000.0, &near.km); !s) return s;
  q->near = near;
  return {};
}

const QueryParameter kParameters[] = {
    {"mode", "articles, events, timeline, top-countries, top-actors, top-themes, top-persons or top-organizations",
     "events", [](std::string_view v, Query* q) { return Named("mode", v, kQueryModeNames, &q->mode); }},
    {"format", "json, ndjson, csv, geojson (events with coordinates) or gdelt (events as GDELT 2.0 event rows)", "json",
     [](std::string_view v, Query* q) { return Named("format", v, kQueryFormatNames, &q->format); }},
    {"from", "from this time on (a date, an RFC 3339 time, or unix seconds)", "2026-11-01",
     [](std::string_view v, Query* q) { return Time("from", v, &q->from); }},
    {"to", "before this time", "2026-12-01T00:00:00Z",
     [](std::string_view v, Query* q) { return Time("to", v, &q->to); }},
    {"country", "ISO 3166 alpha-3: articles that mention it; events whose source or target is of it", "UKR",
     [](std::string_view v, Query* q) { return Code("country", v, 3, 3, "", &q->country); }},
    {"actor", "CAMEO actor code of an event's source or target", "USAGOV",
     [](std::string_view v, Query* q) { return Code("actor", v, 3, 24, "", &q->actor); }},
    {"person", "a person the article names, exactly", "Lloyd Austin",
     [](std::string_view v, Query* q) { return Text("person", v, &q->person); }},
    {"organization", "an organisation the article names, exactly", "United Nations",
     [](std::string_view v, Query* q) { return Text("organization", v, &q->organization); }},
    {"theme", "a theme of the article", "MILITARY",
     [](std::string_view v, Query* q) { return Code("theme", v, 1, 64, "_-", &q->theme); }},
    {"cameo", "a CAMEO event code, or its root (two digits) or base (three)", "14",
     [](std::string_view v, Query* q) {
       for (char c : v) {
         if (c < '0' || c > '9') return Refuse("cameo", "expected 2 to 4 digits");
       }
       return Code("cameo", v, 2, 4, "", &q->cameo);
     }},
    {"plover", "a PLOVER category", "PROTEST",
     [](std::string_view v, Query* q) { return Code("plover", v, 2, 32, "_-", &q->plover); }},
    {"plover_mode", "a PLOVER mode, how within the category (CodedEvent.plover_mode)", "riot",
     [](std::string_view v, Query* q) {
       Status s = Code("plover_mode", v, 2, 32, "_-", &q->plover_mode);
       for (char& c : q->plover_mode) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
       return s;
     }},
    {"quad_class", "1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict", "4",
     [](std::string_view v, Query* q) { return OptionalInRange("quad_class", v, 1, 4, &q->quad_class); }},
    {"goldstein_min", "events at or above this Goldstein value (-10 to 10)", "-10",
     [](std::string_view v, Query* q) { return OptionalInRange("goldstein_min", v, -10.0, 10.0, &q->goldstein_min); }},
    {"goldstein_max", "events at or below this Goldstein value", "-5",
     [](std::string_view v, Query* q) { return OptionalInRange("goldstein_max", v, -10.0, 10.0, &q->goldstein_max); }},
    {"tone_min", "articles whose tone is at or above this (-100 to 100)", "-5",
     [](std::string_view v, Query* q) { return OptionalInRange("tone_min", v, -100.0, 100.0, &q->tone_min); }},
    {"tone_max", "articles whose tone is at or below this", "0",
     [](std::string_view v, Query* q) { return OptionalInRange("tone_max", v, -100.0, 100.0, &q->tone_max); }},
    {"near", "latitude,longitude,km: events (or, for articles, places named) within km of the point", "50.45,30.52,100",
     ParseNear},
    {"text", "words the title or body holds, all of them, in any order (up to 200 bytes)", "ceasefire talks",
     [](std::string_view v, Query* q) { return Text("text", v, &q->text); }},
    {"bucket", "the timeline's step: day or hour", "day",
     [](std::string_view v, Query* q) {
       if (v != "day" && v != "hour") return Refuse("bucket", "expected day or hour");
       q->bucket_seconds = v == "day" ? 86400 : 3600;
       return Status{};
     }},
    {"limit", "rows per page (1 to 1000; default 100)", "100",
     [](std::string_view v, Query* q) { return InRange("limit", v, 1, kMaxPageSize, &q->limit); }},
    {"cursor", "the next_cursor of the previous page", "1795996740.12.0",
     [](std::string_view v, Query* q) {
       q->after = DecodeCursor(v);
       return q->after ? Status{} : Refuse("cursor", "not a cursor this store gave out");
     }},
};

}  // namespace

std::span<const QueryParameter> QueryParameters() { return kParameters; }

Result<Query> ParseQuery(std::span<const std::pair<std::string, std::string>> parameters) {
  Query q;
  std::set<std::string_view> seen;
  for (const auto& [name, value] : parameters) {
    auto it = std::find_if(std::begin(kParameters), std::end(kParameters),
                           [&](const QueryParameter& p) { return p.name == name; });
    if (it == std::end(kParameters)) {
      return Unexpected(Refuse(std::string_view(name).substr(0, 40), "no such parameter").error());
    }
    if (!seen.insert(it->name).second) return Unexpected(Refuse(it->name, "given twice").error());
    if (Status s = it->parse(value, &q); !s) return Unexpected(s.error());
  }
  if (q.from && q.to && *q.from >= *q.to) return Unexpected(Refuse("from", "must be before to").error());
  if (q.goldstein_min && q.goldstein_max && *q.goldstein_min > *q.goldstein_max) {
    return Unexpected(Refuse("goldstein_min", "must not exceed goldstein_max").error());
  }
  if (q.tone_min && q.tone_max && *q.tone_min > *q.tone_max) {
    return Unexpected(Refuse("tone_min", "must not exceed tone_max").error());
  }
  if (q.format == QueryFormat::kGeoJson || q.format == QueryFormat::kGdelt) {
    if (q.mode != QueryMode::kEvents) {
      return Unexpected(
          Refuse("format", std::string(NameOf(q.format, kQueryFormatNames)) + " is for mode=events").error());
    }
  }
  return q;
}

std::string EncodeCursor(const Cursor& c) {
  return std::to_string(c.time) + "." + std::to_string(c.seq) + "." + std::to_string(c.ordinal);
}

std::optional<Cursor> DecodeCursor(std::string_view text) {
  const size_t first = text.find('.'), second = text.find('.', first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos) return std::nullopt;
  auto time = Number<int64_t>(text.substr(0, first));
  auto seq = Number<int64_t>(text.substr(first + 1, second - first - 1));
  auto ordinal = Number<int64_t>(text.substr(second + 1));
  if (!time || !seq || !ordinal || *time < 0 || *seq < 0 || *ordinal < 0) return std::nullopt;
  return Cursor{*time, *seq, *ordinal};
}

}  // namespace herald::store
