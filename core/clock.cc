#include "core/clock.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <utility>

namespace herald {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string FormatRfc3339(int64_t micros) {
  std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buf[96];  // room for any int in each field, as -Wformat-truncation asks; a real time takes 24
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>((micros / 1000) % 1000));
  return buf;
}

namespace {

// A cursor over the text with the few readers both formats need.
struct Scanner {
  std::string_view s;
  size_t at = 0;
  bool End() const { return at >= s.size(); }
  char Peek() const { return End() ? '\0' : s[at]; }
  bool Take(char c) {
    if (Peek() != c) return false;
    ++at;
    return true;
  }
  // Exactly `digits` digits (or 1..digits when `at_least_one`).
  bool Number(int digits, int* out, bool at_least_one = false) {
    int value = 0, n = 0;
    while (n < digits && Peek() >= '0' && Peek() <= '9') value = value * 10 + (s[at++] - '0'), ++n;
    *out = value;
    return n == digits || (at_least_one && n > 0);
  }
  void SkipSpaces() {
    while (Peek() == ' ' || Peek() == '\t') ++at;
  }
};

bool ValidDate(int year, int month, int day) {
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1900 || year > 9999 || month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month != 2 || day <= 28 || leap;
}

std::optional<int64_t> Epoch(int year, int month, int day, int hour, int minute, int second, int64_t micros,
                             int offset_minutes) {
  if (!ValidDate(year, month, day) || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  // Days from civil (Howard Hinnant's algorithm): no time zone database, no timegm.
  const int y = year - (month <= 2);
  const int era = y / 400;
  const int year_of_era = y - era * 400;
  const int day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  const int64_t days = static_cast<int64_t>(era) * 146097 + day_of_era - 719468;
  const int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return seconds * 1000000 + micros;
}

// "Z", "+01:00", "+0100", "-05", or nothing (UTC); false on anything else.
bool NumericZone(Scanner& in, int* offset_minutes) {
  *offset_minutes = 0;
  if (in.End() || in.Take('Z') || in.Take('z')) return true;
  const char sign = in.Peek();
  if (sign != '+' && sign != '-') return false;
  ++in.at;
  int hours = 0, minutes = 0;
  if (!in.Number(2, &hours)) return false;
  in.Take(':');
  if (!in.End() && !in.Number(2, &minutes)) return false;
  if (hours > 23 || minutes > 59) return false;
  *offset_minutes = (sign == '+' ? 1 : -1) * (hours * 60 + minutes);
  return true;
}

std::optional<int64_t> ParseIso(std::string_view text) {
  Scanner in{text};
  int year, month, day, hour = 0, minute = 0, second = 0, offset = 0;
  int64_t micros = 0;
  if (!in.Number(4, &year) || !in.Take('-') || !in.Number(2, &month) || !in.Take('-') || !in.Number(2, &day)) {
    return std::nullopt;
  }
  if (in.Take('T') || in.Take('t') || in.Take(' ')) {
    if (!in.Number(2, &hour) || !in.Take(':') || !in.Number(2, &minute)) return std::nullopt;
    if (in.Take(':') && !in.Number(2, &second)) return std::nullopt;
    if (in.Take('.') || in.Take(',')) {
      int64_t scale = 100000;
      if (in.Peek() < '0' || in.Peek() > '9') return std::nullopt;
      for (; in.Peek() >= '0' && in.Peek() <= '9'; ++in.at, scale /= 10) micros += (in.s[in.at] - '0') * scale;
    }
    in.SkipSpaces();
    if (!NumericZone(in, &offset)) return std::nullopt;
  }
  if (!in.End()) return std::nullopt;
  return Epoch(year, month, day, hour, minute, second, micros, offset);
}

std::optional<int64_t> ParseRfc2822(std::string_view text) {
  static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"};
  static constexpr std::pair<std::string_view, int> kZones[] = {
      {"gmt", 0},       {"ut", 0},        {"utc", 0},       {"z", 0},         {"est", -5 * 60}, {"edt", -4 * 60},
      {"cst", -6 * 60}, {"cdt", -5 * 60}, {"mst", -7 * 60}, {"mdt", -6 * 60}, {"pst", -8 * 60}, {"pdt", -7 * 60}};
  auto lower_word = [](Scanner& in) {
    std::string word;
    while (!in.End() && std::isalpha(static_cast<unsigned char>(in.Peek()))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(in.s[in.at++])));
    }
    return word;
  };
  Scanner in{text};
  in.SkipSpaces();
  if (std::isalpha(static_cast<unsigned char>(in.Peek()))) {  // the weekday
    lower_word(in);
    if (!in.Take(',')) return std::nullopt;
  }
  in.SkipSpaces();
  int day, year, hour, minute, second = 0, offset = 0;
  if (!in.Number(2, &day, /*at_least_one=*/true)) return std::nullopt;
  in.SkipSpaces();
  const std::string month_name = lower_word(in);
  int month = 0;
  for (int m = 0; m < 12; ++m) {
    if (month_name.size() >= 3 && month_name.compare(0, 3, kMonths[m]) == 0) month = m + 1;
  }
  in.SkipSpaces();
  if (month == 0 || !in.Number(4, &year)) return std::nullopt;
  in.SkipSpaces();
  if (!in.Number(2, &hour) || !in.Take(':') || !in.Number(2, &minute)) return std::nullopt;
  if (in.Take(':') && !in.Number(2, &second)) return std::nullopt;
  in.SkipSpaces();
  if (in.Peek() == '+' || in.Peek() == '-') {
    if (!NumericZone(in, &offset)) return std::nullopt;
  } else if (!in.End()) {
    const std::string zone = lower_word(in);
    auto known = std::find_if(std::begin(kZones), std::end(kZones), [&](const auto& z) { return z.first == zone; });
    if (known == std::end(kZones)) return std::nullopt;
    offset = known->second;
  }
  in.SkipSpaces();
  if (!in.End()) return std::nullopt;
  return Epoch(year, month, day, hour, minute, second, 0, offset);
}

}  // namespace

std::optional<int64_t> ParseTimestamp(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (text.size() >= 10 && text[4] == '-') return ParseIso(text);
  return ParseRfc2822(text);
}

}  // namespace herald
