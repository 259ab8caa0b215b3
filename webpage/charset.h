// charset.h: a fetched page's bytes as UTF-8, whatever charset it was sent in.
//
//   std::string charset = DetectCharset(body, "text/html; charset=ISO-8859-1");   // "windows-1252"
//   std::string utf8 = ToUtf8(body, charset);
//
// The charset is decided in HTML's order: a byte-order mark, then the HTTP
// Content-Type's charset, then a <meta charset> or http-equiv declaration in
// the page's first 4 KB (HTML's prescan reads 1 KB; sites put it later), and
// only when none of those is there, detection: bytes that are valid UTF-8 are
// UTF-8, anything else is what uchardet (Mozilla's detector) says, else
// windows-1252. As browsers do, ISO-8859-1 and US-ASCII labels mean
// windows-1252 (pages so labelled use its curly quotes), and a declared
// charset that iconv does not know is replaced by detection.
//
// Thread-safety: thread-safe.
// Failure: none; bytes that do not convert become U+FFFD, so the output is
// always valid UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace herald::webpage {

// The charset label to convert from (lower case, canonical where HTML says so).
std::string DetectCharset(std::string_view bytes, std::string_view content_type = {});

// bytes (a byte-order mark dropped) converted from `charset` to valid UTF-8.
std::string ToUtf8(std::string_view bytes, std::string_view charset);

// The charset parameter of a Content-Type value ("text/html; charset=utf-8" -> "utf-8"), or empty.
std::string_view CharsetParameter(std::string_view content_type);

}  // namespace herald::webpage
