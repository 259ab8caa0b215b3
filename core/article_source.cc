#include "core/article_source.h"

#include <simdjson.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>

#include "core/files.h"
#include "core/record_format.h"
#include "core/utf8.h"

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

// kAuto for an extension that names no format.
ArticleFormat FormatFromExtension(const fs::path& path) {
  const std::string ext = AsciiLower(path.extension().string());
  if (ext == ".ndjson" || ext == ".jsonl") return ArticleFormat::kNdjson;
  if (ext == ".json") return ArticleFormat::kJson;
  if (ext == ".txt" || ext == ".text" || ext == ".md") return ArticleFormat::kText;
  if (ext == ".html" || ext == ".htm") return ArticleFormat::kHtml;
  return ArticleFormat::kAuto;
}

ArticleFormat SniffFormat(std::string_view text) {
  std::string_view t = TrimView(text);
  if (t.starts_with('{')) return EveryLineIsAnObject(t) ? ArticleFormat::kNdjson : ArticleFormat::kJson;
  if (t.starts_with('<')) return ArticleFormat::kHtml;
  return ArticleFormat::kText;
}

void Split(std::string text, ArticleFormat format, const std::string& origin, std::vector<SourceArticle>* out) {
  if (format == ArticleFormat::kNdjson) {
    std::istringstream in(text);
    size_t line_number = 0;
    for (std::string line; std::getline(in, line);) {
      ++line_number;
      if (TrimView(line).empty()) continue;
      out->push_back({std::move(line), std::string(kJson), origin + ":" + std::to_string(line_number)});
    }
    return;
  }
  std::string_view ct = format == ArticleFormat::kJson ? kJson : format == ArticleFormat::kHtml ? kHtml : kText;
  out->push_back({std::move(text), std::string(ct), origin});
}

}  // namespace

void AddArticleFormatOption(CLI::App* app, ArticleFormat* format) {
  std::map<std::string, ArticleFormat> named;
  for (const auto& n : kArticleFormatNames) named.emplace(n.name, n.value);
  app->add_option("--format", *format, "Article format, by extension and content when auto")
      ->transform(CLI::CheckedTransformer(named))
      ->default_str(std::string(NameOf(*format, kArticleFormatNames)));
}

Result<std::vector<SourceArticle>> ReadArticles(const std::vector<std::string>& inputs, ArticleFormat format) {
  std::vector<SourceArticle> out;
  auto add_file = [&](const fs::path& path, bool from_directory) -> Status {
    ArticleFormat f = format == ArticleFormat::kAuto ? FormatFromExtension(path) : format;
    if (f == ArticleFormat::kAuto && from_directory) return {};
    auto text = ReadWholeFile(path.string());
    if (!text) return Unexpected(text.error());
    if (f == ArticleFormat::kAuto) f = SniffFormat(*text);
    Split(std::move(*text), f, path.string(), &out);
    return {};
  };
  for (const std::string& input : inputs) {
    if (input == "-") {
      std::string text(std::istreambuf_iterator<char>(std::cin), {});
      const ArticleFormat f = format == ArticleFormat::kAuto ? SniffFormat(text) : format;
      Split(std::move(text), f, "stdin", &out);
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
