// clock.h: wall-clock helpers in the formats herald's contract uses.
// Thread-safety: all functions are thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace herald {

// Microseconds since the Unix epoch.
int64_t NowMicros();
// RFC 3339 UTC with milliseconds, e.g. 2026-11-29T23:59:00.123Z.
std::string FormatRfc3339(int64_t micros);
inline std::string NowRfc3339() { return FormatRfc3339(NowMicros()); }

}  // namespace herald
