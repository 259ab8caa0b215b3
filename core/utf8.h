// utf8.h: keeping what leaves herald valid UTF-8 where the contract says
// string, and what reaches an operator's terminal harmless; and the one
// ASCII case folding herald's matching uses.
//
//   std::string source = RepairUtf8(header_value);   // invalid sequences -> U+FFFD
//   std::cout << EscapeControl(key);                  // "\x1b[2J" printed as text
//   AsciiLower("Attacked")                            // "attacked"
//   TrimAsciiSpace("  x \r\n")                         // "x"
//
// Thread-safety: pure functions.
// Failure: none; every input has an output.
#pragma once

#include <string>
#include <string_view>

namespace herald {

// Whether bytes are well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

// bytes with each maximal ill-formed subsequence replaced by U+FFFD (the
// Unicode Standard's "substitution of maximal subparts"); valid input comes back unchanged.
std::string RepairUtf8(std::string_view bytes);

// RepairUtf8, then C0 controls, DEL and C1 controls written as \xNN (and a
// backslash as \\), so that printing the result cannot move a terminal's
// cursor, change its colours or set its title.
std::string EscapeControl(std::string_view bytes);

// A-Z as a-z; every other byte (UTF-8 sequences included) as it is, whatever the locale.
std::string AsciiLower(std::string_view bytes);
// The same for one byte, where a copy of the whole would cost too much.
inline constexpr char FoldCase(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
// Whether `text` is `lower` (already lower case) in any case, without a copy.
inline constexpr bool EqualsFolded(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (FoldCase(text[i]) != lower[i]) return false;
  }
  return true;
}

// s without the ASCII white space (space, \t, \n, \v, \f, \r) at its ends;
// a view into s. Every parser's trimming: headers, table cells, feed fields.
inline constexpr std::string_view TrimAsciiSpace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\v\f\r";
  const size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kSpace) - begin + 1);
}

}  // namespace herald
