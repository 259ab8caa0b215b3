// timestamp.cc: NormalizeTimestamp (web_article.h): ISO 8601 and RFC 822 dates to RFC 3339 UTC.
#include <ctime>
#include <string>
#include <string_view>

#include "core/utf8.h"
#include "webpage/web_article.h"

namespace herald::webpage {
namespace {

struct Reader {
  std::string_view s;
  size_t i = 0;
  bool Digits(int n, int* out) {
    if (i + static_cast<size_t>(n) > s.size()) return false;
    int v = 0;
    for (int k = 0; k < n; ++k) {
      char c = s[i + static_cast<size_t>(k)];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    i += static_cast<size_t>(n);
    *out = v;
    return true;
  }
  bool Take(char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  void SkipSpaces() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  }
  bool AtEnd() const { return i >= s.size(); }
};

// "+05:30", "-0800", "Z", "GMT", "UTC", "EST"... as seconds east of UTC; false when unreadable.
bool ReadOffset(Reader& r, long* seconds) {
  *seconds = 0;
  r.SkipSpaces();
  if (r.AtEnd() || r.Take('Z') || r.Take('z')) return true;
  std::string_view rest = r.s.substr(r.i);
  static constexpr std::pair<std::string_view, int> kZones[] = {{"gmt", 0},  {"utc", 0},  {"ut", 0},   {"est", -5},
                                                                {"edt", -4}, {"cst", -6}, {"cdt", -5}, {"mst", -7},
                                                                {"mdt", -6}, {"pst", -8}, {"pdt", -7}};
  for (auto [name, hours] : kZones) {
    if (rest.size() >= name.size() && EqualsFolded(rest.substr(0, name.size()), name)) {
      *seconds = hours * 3600L;
      return true;
    }
  }
  int sign = r.Take('+') ? 1 : r.Take('-') ? -1 : 0;
  int hh = 0, mm = 0;
  if (sign == 0 || !r.Digits(2, &hh)) return false;
  r.Take(':');
  r.Digits(2, &mm);
  *seconds = sign * (hh * 3600L + mm * 60L);
  return true;
}

// The time of day checked, then written in UTC.
std::string Format(int y, int mo, int d, int h, int mi, int sec, long offset_seconds) {
  if (h > 23 || mi > 59 || sec > 60) return {};
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  time_t t = timegm(&tm) - offset_seconds;
  std::tm utc{};
  if (!gmtime_r(&t, &utc)) return {};
  char out[32];
  size_t n = std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(out, n);
}

bool ValidDate(int y, int mo, int d) { return y >= 1900 && y <= 2200 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31; }

std::string FromIso(Reader r) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!r.Digits(4, &y) || !r.Take('-') || !r.Digits(2, &mo) || !r.Take('-') || !r.Digits(2, &d)) return {};
  if (!ValidDate(y, mo, d)) return {};
  long offset = 0;
  if (r.Take('T') || r.Take('t') || r.Take(' ')) {
    if (!r.Digits(2, &h) || !r.Take(':') || !r.Digits(2, &mi)) return {};
    if (r.Take(':') && !r.Digits(2, &sec)) return {};
    if (r.Take('.') || r.Take(',')) {
      while (!r.AtEnd() && r.s[r.i] >= '0' && r.s[r.i] <= '9') ++r.i;
    }
    if (!ReadOffset(r, &offset)) return {};
  }
  return Format(y, mo, d, h, mi, sec, offset);
}

// "Tue, 19 Nov 2019 13:14:00 GMT" (the weekday optional, seconds optional).
std::string FromRfc822(Reader r) {
  size_t comma = r.s.find(',');
  if (comma != std::string_view::npos && comma < 12) r.i = comma + 1;
  r.SkipSpaces();
  int d = 0, y = 0, h = 0, mi = 0, sec = 0;
  if (!r.Digits(2, &d) && !r.Digits(1, &d)) return {};
  r.SkipSpaces();
  static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"};
  int mo = 0;
  for (int m = 0; m < 12 && mo == 0; ++m) {
    if (r.i + 3 <= r.s.size() && EqualsFolded(r.s.substr(r.i, 3), kMonths[m])) mo = m + 1;
  }
  if (mo == 0) return {};
  while (!r.AtEnd() && r.s[r.i] != ' ') ++r.i;
  r.SkipSpaces();
  if (!r.Digits(4, &y)) {
    if (!r.Digits(2, &y)) return {};
    y += y < 70 ? 2000 : 1900;
  }
  if (!ValidDate(y, mo, d)) return {};
  r.SkipSpaces();
  long offset = 0;
  if (r.Digits(2, &h)) {
    if (!r.Take(':') || !r.Digits(2, &mi)) return {};
    if (r.Take(':') && !r.Digits(2, &sec)) return {};
    if (!ReadOffset(r, &offset)) return {};
  }
  return Format(y, mo, d, h, mi, sec, offset);
}

}  // namespace

std::string NormalizeTimestamp(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\t')) text.remove_suffix(1);
  if (text.size() < 8 || text.size() > 64) return {};
  if (text[0] >= '0' && text[0] <= '9' && text.size() >= 10 && text[4] == '-') return FromIso(Reader{text});
  return FromRfc822(Reader{text});
}

}  // namespace herald::webpage
