// charset.cc: detection (charset.h) with uchardet, conversion with iconv.
#include "webpage/charset.h"

#include <iconv.h>
#include <uchardet/uchardet.h>

#include <cerrno>
#include <memory>

#include "core/utf8.h"

namespace herald::webpage {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string_view TrimQuotes(std::string_view v) {
  while (!v.empty() && (IsSpace(v.front()) || v.front() == '"' || v.front() == '\'')) v.remove_prefix(1);
  size_t end = 0;
  while (end < v.size() && !IsSpace(v[end]) && v[end] != '"' && v[end] != '\'' && v[end] != ';' && v[end] != '>' &&
         v[end] != '/')
    ++end;
  return v.substr(0, end);
}

// HTML's encoding labels that browsers read as another charset.
std::string Canonical(std::string_view label) {
  std::string l = AsciiLower(label);
  if (l == "iso-8859-1" || l == "latin1" || l == "iso8859-1" || l == "us-ascii" || l == "ascii" || l == "cp1252" ||
      l == "l1")
    return "windows-1252";
  if (l == "utf8" || l == "unicode-1-1-utf-8") return "utf-8";
  if (l == "x-sjis" || l == "shift-jis") return "shift_jis";
  if (l == "gb2312" || l == "x-gbk") return "gbk";
  return l;
}

bool Converts(const std::string& charset) {
  iconv_t cd = iconv_open("UTF-8", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  iconv_close(cd);
  return true;
}

std::string_view Bom(std::string_view bytes, std::string* charset) {
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    *charset = "utf-8";
    return bytes.substr(3);
  }
  if (bytes.starts_with("\xFF\xFE")) {
    *charset = "utf-16le";
    return bytes.substr(2);
  }
  if (bytes.starts_with("\xFE\xFF")) {
    *charset = "utf-16be";
    return bytes.substr(2);
  }
  return bytes;
}

// <meta charset="x"> or <meta http-equiv="content-type" content="...; charset=x"> in the first 4 KB.
std::string MetaCharset(std::string_view bytes) {
  std::string head = AsciiLower(bytes.substr(0, 4096));
  for (size_t at = head.find("<meta"); at != std::string::npos; at = head.find("<meta", at + 5)) {
    size_t close = head.find('>', at);
    std::string_view tag =
        std::string_view(head).substr(at, close == std::string::npos ? head.size() - at : close - at);
    size_t c = tag.find("charset");
    if (c == std::string_view::npos) continue;
    std::string_view rest = tag.substr(c + 7);
    while (!rest.empty() && IsSpace(rest.front())) rest.remove_prefix(1);
    if (rest.empty() || rest.front() != '=') continue;
    std::string_view value = TrimQuotes(rest.substr(1));
    if (!value.empty()) return std::string(value);
  }
  return {};
}

std::string Detected(std::string_view bytes) {
  if (IsValidUtf8(bytes)) return "utf-8";
  std::unique_ptr<std::remove_pointer_t<uchardet_t>, void (*)(uchardet_t)> detector(uchardet_new(), uchardet_delete);
  std::string guess;
  if (detector && uchardet_handle_data(detector.get(), bytes.data(), bytes.size()) == 0) {
    uchardet_data_end(detector.get());
    guess = Canonical(uchardet_get_charset(detector.get()));
  }
  return guess.empty() || guess == "ascii" || !Converts(guess) ? "windows-1252" : guess;
}

}  // namespace

std::string_view CharsetParameter(std::string_view content_type) {
  std::string lower = AsciiLower(content_type);
  size_t at = lower.find("charset=");
  if (at == std::string::npos) return {};
  return TrimQuotes(content_type.substr(at + 8));
}

std::string DetectCharset(std::string_view bytes, std::string_view content_type) {
  std::string charset;
  Bom(bytes, &charset);
  if (!charset.empty()) return charset;
  for (std::string declared : {std::string(CharsetParameter(content_type)), MetaCharset(bytes)}) {
    if (declared.empty()) continue;
    declared = Canonical(declared);
    // A page served as UTF-16 but read this far as ASCII bytes is not UTF-16 (HTML says so too).
    if (declared.starts_with("utf-16")) declared = "utf-8";
    if (Converts(declared)) return declared;
  }
  return Detected(bytes);
}

std::string ToUtf8(std::string_view bytes, std::string_view charset) {
  std::string ignored;
  bytes = Bom(bytes, &ignored);
  std::string label = Canonical(charset);
  if (label == "utf-8" || label.empty()) return RepairUtf8(bytes);
  iconv_t cd = iconv_open("UTF-8", label.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return RepairUtf8(bytes);
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  size_t done = 0;
  while (in_left > 0) {
    char* dst = out.data() + done;
    size_t out_left = out.size() - done;
    size_t r = iconv(cd, &in, &in_left, &dst, &out_left);
    done = out.size() - out_left;
    if (r != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
    } else {  // EILSEQ or EINVAL: one byte that does not convert becomes U+FFFD
      if (out.size() - done < 3) out.resize(out.size() * 2);
      out.replace(done, 3, "\xEF\xBF\xBD");
      done += 3;
      ++in;
      --in_left;
    }
  }
  iconv_close(cd);
  out.resize(done);
  return RepairUtf8(out);
}

}  // namespace herald::webpage
