#include "core/article_source.h"

#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <sstream>

#include "core/files.h"
#include "core/record_format.h"

namespace herald {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kText = "text/plain";
constexpr std::string_view kHtml = "text/html";

std::string_view TrimView(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

bool EveryLineIsAnObject(std::string_view text) {
  size_t lines = 0;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    std::string_view t = TrimView(line);
    if (t.empty()) continue;
    if (!t.starts_with('{') || !t.ends_with('}')) return false;
    ++lines;
  }
  return lines >= 2;
}

std::string FormatFromExtension(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".ndjson" || ext == ".jsonl") return "ndjson";
  if (ext == ".json") return "json";
  if (ext == ".txt" || ext == ".text" || ext == ".md") return "text";
  if (ext == ".html" || ext == ".htm") return "html";
  return "";
}

std::string SniffFormat(std::string_view text) {
  std::string_view t = TrimView(text);
  if (t.starts_with('{')) return EveryLineIsAnObject(t) ? "ndjson" : "json";
  if (t.starts_with('<')) return "html";
  return "text";
}

void Split(std::string text, std::string_view format, const std::string& origin, std::vector<SourceArticle>* out) {
  if (format == "ndjson") {
    std::istringstream in(text);
    size_t line_number = 0;
    for (std::string line; std::getline(in, line);) {
      ++line_number;
      if (TrimView(line).empty()) continue;
      out->push_back({std::move(line), std::string(kJson), origin + ":" + std::to_string(line_number)});
    }
    return;
  }
  std::string_view ct = format == "json" ? kJson : format == "html" ? kHtml : kText;
  out->push_back({std::move(text), std::string(ct), origin});
}

}  // namespace

Result<std::vector<SourceArticle>> ReadArticles(const std::vector<std::string>& inputs, std::string_view format) {
  if (format != "auto" && format != "json" && format != "ndjson" && format != "text" && format != "html") {
    return Fail(v1::INTERNAL, "unknown format '" + std::string(format) + "': use auto, json, ndjson, text or html");
  }
  std::vector<SourceArticle> out;
  auto add_file = [&](const fs::path& path, bool from_directory) -> Status {
    std::string f = format == "auto" ? FormatFromExtension(path) : std::string(format);
    if (f.empty() && from_directory) return {};
    auto text = ReadWholeFile(path.string());
    if (!text) return Unexpected(text.error());
    if (f.empty()) f = SniffFormat(*text);
    Split(std::move(*text), f, path.string(), &out);
    return {};
  };
  for (const std::string& input : inputs) {
    if (input == "-") {
      std::string text(std::istreambuf_iterator<char>(std::cin), {});
      Split(std::move(text), format == "auto" ? SniffFormat(text) : std::string(format), "stdin", &out);
      continue;
    }
    std::error_code ec;
    fs::file_status st = fs::status(input, ec);
    if (ec || !fs::exists(st)) return Fail(v1::INTERNAL, "no such file or directory: " + input);
    if (fs::is_directory(st)) {
      std::vector<fs::path> files;
      for (auto it = fs::recursive_directory_iterator(input, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (name.starts_with('.')) {
          if (it->is_directory()) it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file()) files.push_back(it->path());
      }
      if (ec) return Fail(v1::INTERNAL, "cannot walk " + input + ": " + ec.message());
      std::sort(files.begin(), files.end());
      for (const fs::path& p : files) {
        if (Status s = add_file(p, true); !s) return Unexpected(s.error());
      }
    } else if (Status s = add_file(input, false); !s) {
      return Unexpected(s.error());
    }
  }
  return out;
}

std::string ArticleKey(const SourceArticle& article) {
  if (article.content_type == kJson) {
    // The DOM, not On-Demand: after a failed lookup in a broken document
    // On-Demand's iterator must not be used again (UBSan caught a second
    // lookup reaching simdjson's "unreachable" assumption).
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(article.bytes.data(), article.bytes.size()).get(doc) == simdjson::SUCCESS) {
      for (const char* field : {"id", "url"}) {
        std::string_view value;
        if (doc[field].get(value) == simdjson::SUCCESS && !value.empty()) return std::string(value);
      }
    }
  }
  return ContentHashId(article.bytes);
}

}  // namespace herald
