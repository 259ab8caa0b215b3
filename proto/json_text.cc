#include "proto/json_text.h"

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <system_error>
#include <type_traits>
#include <utility>

namespace herald::json {
namespace {

// How AppendString treats each byte: copied as is, escaped (ASCII), or the
// start (or a stray part) of a multi-byte UTF-8 sequence.
enum ByteKind : uint8_t { kCopy = 0, kEscapeAscii = 1, kMultiByte = 2 };
constexpr auto kByteKinds = [] {
  std::array<uint8_t, 256> kinds{};
  for (int b = 0; b < 256; ++b) {
    if (b < 0x20 || b == '"' || b == '\\' || b == '<' || b == '>' || b == 0x7f) {
      kinds[b] = kEscapeAscii;
    } else if (b >= 0x80) {
      kinds[b] = kMultiByte;
    }
  }
  return kinds;
}();

constexpr char kHex[] = "0123456789abcdef";

void AppendUEscape(uint32_t unit, std::string* out) {
  const char escape[6] = {
      '\\', 'u', kHex[(unit >> 12) & 0xf], kHex[(unit >> 8) & 0xf], kHex[(unit >> 4) & 0xf], kHex[unit & 0xf]};
  out->append(escape, sizeof escape);
}

void AppendEscapedAscii(unsigned char c, std::string* out) {
  switch (c) {
    case '\n': out->append("\\n"); return;
    case '\r': out->append("\\r"); return;
    case '\t': out->append("\\t"); return;
    case '"': out->append("\\\""); return;
    case '\f': out->append("\\f"); return;
    case '\b': out->append("\\b"); return;
    case '\\': out->append("\\\\"); return;
    default: AppendUEscape(c, out);
  }
}

// The code points beyond ASCII that Protobuf escapes although JSON does not
// require it: C1 controls, and invisible, format and separator characters
// that JavaScript and browsers mistreat (Protobuf's list, kept for
// compatibility with its converter).
bool EscapedBeyondAscii(uint32_t c) {
  static constexpr std::pair<uint32_t, uint32_t> kRanges[] = {
      {0x0080, 0x009f}, {0x00ad, 0x00ad}, {0x0600, 0x0603},   {0x06dd, 0x06dd},   {0x070f, 0x070f},
      {0x17b4, 0x17b5}, {0x200b, 0x200f}, {0x2028, 0x202e},   {0x2060, 0x2064},   {0x206a, 0x206f},
      {0xfeff, 0xfeff}, {0xfff9, 0xfffb}, {0x1d173, 0x1d17a}, {0xe0001, 0xe0001}, {0xe0020, 0xe007f},
  };
  for (const auto& [first, last] : kRanges) {
    if (c < first) return false;
    if (c <= last) return true;
  }
  return false;
}

// Decodes the well-formed UTF-8 sequence at s[0..), returning its length, or
// 0 for an ill-formed one (overlong, surrogate, past U+10FFFF, cut short).
size_t DecodeUtf8(const unsigned char* s, size_t available, uint32_t* code_point) {
  const unsigned char lead = s[0];
  size_t length;
  uint32_t c, minimum;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2, c = lead & 0x1f, minimum = 0x80;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3, c = lead & 0x0f, minimum = 0x800;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4, c = lead & 0x07, minimum = 0x10000;
  } else {
    return 0;
  }
  if (available < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((s[i] & 0xc0) != 0x80) return 0;
    c = (c << 6) | (s[i] & 0x3f);
  }
  if (c < minimum || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return 0;
  *code_point = c;
  return length;
}

template <typename T>
void AppendChars(T v, std::string* out) {
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  out->append(buffer, end);
}

// printf's "%.{precision}g" of v, as Protobuf's SimpleDtoa and SimpleFtoa
// write it: the shorter precision when it reads back as the same value. A
// subnormal float never counts as read back (SimpleFtoa's strtof reports it
// out of range), so it always takes the longer form.
template <typename T>
void AppendFloating(T v, int short_precision, int long_precision, std::string* out) {
  if (std::isnan(v)) {
    out->append("\"NaN\"");
    return;
  }
  if (std::isinf(v)) {
    out->append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    return;
  }
  char buffer[40];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::general, short_precision);
  T back{};
  std::from_chars(buffer, end, back);
  if (back != v || (std::is_same_v<T, float> && std::fpclassify(v) == FP_SUBNORMAL)) {
    end = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::general, long_precision).ptr;
  }
  out->append(buffer, end);
}

}  // namespace

void AppendString(std::string_view s, std::string* out) {
  out->push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char* const end = p + s.size();
  while (p < end) {
    const unsigned char* run = p;
    while (p < end && kByteKinds[*p] == kCopy) ++p;
    out->append(reinterpret_cast<const char*>(run), p - run);
    if (p == end) break;
    if (kByteKinds[*p] == kEscapeAscii) {
      AppendEscapedAscii(*p++, out);
      continue;
    }
    uint32_t c = 0;
    const size_t length = DecodeUtf8(p, end - p, &c);
    if (length == 0) {
      out->append("\xef\xbf\xbd");  // U+FFFD for one ill-formed byte
      ++p;
    } else if (!EscapedBeyondAscii(c)) {
      out->append(reinterpret_cast<const char*>(p), length);
      p += length;
    } else {
      if (c >= 0x10000) {  // a UTF-16 surrogate pair, as JSON spells it
        AppendUEscape(0xd800 + ((c - 0x10000) >> 10), out);
        AppendUEscape(0xdc00 + ((c - 0x10000) & 0x3ff), out);
      } else {
        AppendUEscape(c, out);
      }
      p += length;
    }
  }
  out->push_back('"');
}

void AppendBase64(std::string_view bytes, std::string* out) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size();
  out->push_back('"');
  for (; n >= 3; n -= 3, p += 3) {
    const uint32_t v = (p[0] << 16) | (p[1] << 8) | p[2];
    const char quad[4] = {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], kAlphabet[v & 63]};
    out->append(quad, 4);
  }
  if (n > 0) {
    const uint32_t v = (p[0] << 16) | (n == 2 ? p[1] << 8 : 0);
    const char quad[4] = {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], n == 2 ? kAlphabet[(v >> 6) & 63] : '=', '='};
    out->append(quad, 4);
  }
  out->push_back('"');
}

void AppendDouble(double v, std::string* out) {
  AppendFloating(v, std::numeric_limits<double>::digits10, std::numeric_limits<double>::digits10 + 2, out);
}

void AppendFloat(float v, std::string* out) {
  AppendFloating(v, std::numeric_limits<float>::digits10, std::numeric_limits<float>::digits10 + 3, out);
}

void AppendInt32(int32_t v, std::string* out) { AppendChars(v, out); }
void AppendUint32(uint32_t v, std::string* out) { AppendChars(v, out); }

void AppendInt64(int64_t v, std::string* out) {
  out->push_back('"');
  AppendChars(v, out);
  out->push_back('"');
}

void AppendUint64(uint64_t v, std::string* out) {
  out->push_back('"');
  AppendChars(v, out);
  out->push_back('"');
}

bool IsSet(double v) { return std::bit_cast<uint64_t>(v) != 0; }
bool IsSet(float v) { return std::bit_cast<uint32_t>(v) != 0; }

}  // namespace herald::json
