#include "core/corpus.h"

#include <algorithm>

#include "core/files.h"

namespace herald {

namespace fs = std::filesystem;

Result<std::vector<fs::path>> FilesWithExtension(const std::string& dir, std::string_view ext) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Fail(v1::INTERNAL, dir + " is not a directory");
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ext) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  if (out.empty()) return Fail(v1::INTERNAL, "no " + std::string(ext) + " files in " + dir);
  return out;
}

std::string DecodeSgmlEntities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 8) {
      out.push_back('&');
      continue;
    }
    std::string_view entity = s.substr(i + 1, semi - i - 1);
    if (entity == "lt")
      out.push_back('<');
    else if (entity == "gt")
      out.push_back('>');
    else if (entity == "amp")
      out.push_back('&');
    else if (entity == "quot")
      out.push_back('"');
    // Numeric entities in this corpus are control characters: dropped.
    i = semi;
  }
  return out;
}

std::string_view Between(std::string_view s, std::string_view open, std::string_view close) {
  size_t b = s.find(open);
  if (b == std::string_view::npos) return {};
  b += open.size();
  size_t e = s.find(close, b);
  return e == std::string_view::npos ? std::string_view() : s.substr(b, e - b);
}

Result<std::vector<ReutersStory>> ReadReuters(const std::string& dir) {
  auto files = FilesWithExtension(dir, ".sgm");
  if (!files) return Unexpected(files.error());
  std::vector<ReutersStory> stories;
  for (const fs::path& file : *files) {
    auto text = ReadWholeFile(file.string());
    if (!text) return Unexpected(text.error());
    ForEachElement(*text, "<REUTERS", "</REUTERS>", [&](std::string_view story) {
      std::string_view places = Between(story, "<PLACES>", "</PLACES>");
      std::string_view body = Between(story, "<BODY>", "</BODY>");
      if (places.empty() || body.empty()) return;
      ReutersStory s;
      for (std::string_view p = places; !p.empty();) {
        std::string_view d = Between(p, "<D>", "</D>");
        if (d.empty()) break;
        s.places.emplace_back(d);
        p = p.substr(p.find("</D>") + 4);
      }
      s.text = DecodeSgmlEntities(Between(story, "<TITLE>", "</TITLE>")) + "\n" +
               DecodeSgmlEntities(Between(story, "<DATELINE>", "</DATELINE>")) + DecodeSgmlEntities(body);
      stories.push_back(std::move(s));
    });
  }
  return stories;
}

Result<std::vector<std::string>> ReutersEnvelopes(const std::string& dir, EnvelopeIds ids) {
  auto stories = ReadReuters(dir);
  if (!stories) return Unexpected(stories.error());
  std::vector<std::string> out;
  out.reserve(stories->size());
  for (const ReutersStory& s : *stories) {
    std::string body;
    for (char c : s.text) {
      switch (c) {
        case '"': body += "\\\""; break;
        case '\\': body += "\\\\"; break;
        case '\n': body += "\\n"; break;
        case '\t': body += "\\t"; break;
        default:
          if (static_cast<unsigned char>(c) >= 0x20) body.push_back(c);
      }
    }
    const std::string id =
        ids == EnvelopeIds::kReutersNumber ? "\"id\":\"reuters-" + std::to_string(out.size()) + "\"," : "";
    out.push_back("{" + id + "\"source\":\"Reuters\",\"body\":\"" + body + "\"}");
  }
  return out;
}

}  // namespace herald
