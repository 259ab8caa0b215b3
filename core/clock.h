// clock.h: wall-clock helpers in the formats herald's contract uses.
// Thread-safety: all functions are thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herald {

// Microseconds since the Unix epoch.
int64_t NowMicros();
// RFC 3339 UTC with milliseconds, e.g. 2026-11-29T23:59:00.123Z.
std::string FormatRfc3339(int64_t micros);
inline std::string NowRfc3339() { return FormatRfc3339(NowMicros()); }

// Microseconds since the Unix epoch of a timestamp as news sources write
// them, or nullopt when `text` is none of these:
//   ISO 8601 / RFC 3339: "2026-11-29", "2026-11-29T23:59:00Z",
//     "2026-11-29 23:59:00.123+01:00"; a time without a zone is taken as UTC
//     (the basic format, "20261129T235900Z", is not accepted);
//   RFC 2822 / RFC 1123 (RSS): "Sun, 29 Nov 2026 23:59:00 GMT", "+0100",
//     "EST"/"EDT"/"CST"/"CDT"/"MST"/"MDT"/"PST"/"PDT", "UT", "Z"; the weekday is optional.
// Years before 1900 or after 9999 and impossible dates ("2026-02-30") are refused.
std::optional<int64_t> ParseTimestamp(std::string_view text);

}  // namespace herald
