#include "core/article_source.h"

#include <simdjson.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include <fcntl.h>
#include <unistd.h>

#include "core/files.h"
#include "core/record_format.h"
#include "core/utf8.h"

namespace herald {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kText = "text/plain";
constexpr std::string_view kHtml = "text/html";

bool EveryLineIsAnObject(std::string_view text) {
  size_t lines = 0;
  for (size_t start = 0; start < text.size();) {
    size_t newline = std::min(text.find('\n', start), text.size());
    std::string_view t = TrimAsciiSpace(text.substr(start, newline - start));
    start = newline + 1;
    if (t.empty()) continue;
    if (!t.starts_with('{') || !t.ends_with('}')) return false;
    ++lines;
  }
  return lines >= 2;
}

ArticleFormat SniffFormat(std::string_view text) {
  std::string_view t = TrimAsciiSpace(text);
  if (t.starts_with('{')) return EveryLineIsAnObject(t) ? ArticleFormat::kNdjson : ArticleFormat::kJson;
  if (t.starts_with('<')) return ArticleFormat::kHtml;
  return ArticleFormat::kText;
}

// One article: the whole of a json, text or html input.
SourceArticle WholeArticle(std::string text, ArticleFormat format, const std::string& origin) {
  std::string_view ct = format == ArticleFormat::kJson ? kJson : format == ArticleFormat::kHtml ? kHtml : kText;
  return {std::move(text), std::string(ct), origin};
}

// The complete lines of `buffer` from `*start` as NDJSON articles; *start ends
// at the first byte of the incomplete last line (all of it when `at_end`).
Status EachLine(const std::string& buffer, bool at_end, const std::string& origin, size_t* start, size_t* line_number,
                const ArticleCallback& each) {
  while (*start < buffer.size()) {
    size_t newline = buffer.find('\n', *start);
    if (newline == std::string::npos) {
      if (!at_end) break;
      newline = buffer.size();
    }
    ++*line_number;
    std::string_view line(buffer.data() + *start, newline - *start);
    *start = std::min(newline + 1, buffer.size());
    if (TrimAsciiSpace(line).empty()) continue;
    if (Status s = each({std::string(line), std::string(kJson), origin + ":" + std::to_string(*line_number)}); !s) {
      return s;
    }
  }
  return {};
}

size_t CompleteNonBlankLines(std::string_view text, size_t enough) {
  size_t lines = 0;
  for (size_t start = 0, newline; lines < enough && (newline = text.find('\n', start)) != std::string_view::npos;
       start = newline + 1) {
    lines += !TrimAsciiSpace(text.substr(start, newline - start)).empty();
  }
  return lines;
}

// The articles of one open descriptor, read in blocks: an NDJSON input is
// never held whole, only a block and the line it is in.
Status EachArticleOf(int fd, ArticleFormat format, const std::string& origin, const ArticleCallback& each) {
  BlockReader reader(fd, origin);
  std::string buffer;
  bool more = true;
  auto read = [&]() -> Status {
    auto got = reader.AppendTo(&buffer);
    if (!got) return Unexpected(got.error());
    more = *got;
    return {};
  };
  if (format == ArticleFormat::kAuto) {
    // Enough of the start to tell: two complete lines, or all of it.
    while (more && CompleteNonBlankLines(buffer, 2) < 2) {
      if (Status s = read(); !s) return s;
    }
    std::string_view known = buffer;
    if (more) known = known.substr(0, known.rfind('\n') + 1);
    format = SniffFormat(known);
  }
  if (format != ArticleFormat::kNdjson) {
    while (more) {
      if (Status s = read(); !s) return s;
    }
    return each(WholeArticle(std::move(buffer), format, origin));
  }
  size_t start = 0, line_number = 0;
  while (true) {
    if (Status s = EachLine(buffer, !more, origin, &start, &line_number, each); !s) return s;
    if (!more) return {};
    buffer.erase(0, start);
    start = 0;
    if (Status s = read(); !s) return s;
  }
}

}  // namespace

void AddArticleFormatOption(CLI::App* app, ArticleFormat* format) {
  std::map<std::string, ArticleFormat> named;
  for (const auto& n : kArticleFormatNames) named.emplace(n.name, n.value);
  app->add_option("--format", *format, "Article format, by extension and content when auto")
      ->transform(CLI::CheckedTransformer(named))
      ->default_str(std::string(NameOf(*format, kArticleFormatNames)));
}

ArticleFormat FormatFromExtension(const std::filesystem::path& path) {
  const std::string ext = AsciiLower(path.extension().string());
  if (ext == ".ndjson" || ext == ".jsonl") return ArticleFormat::kNdjson;
  if (ext == ".json") return ArticleFormat::kJson;
  if (ext == ".txt" || ext == ".text" || ext == ".md") return ArticleFormat::kText;
  if (ext == ".html" || ext == ".htm") return ArticleFormat::kHtml;
  return ArticleFormat::kAuto;
}

Status ForEachArticle(const std::vector<std::string>& inputs, ArticleFormat format, const ArticleCallback& each) {
  auto each_of_file = [&](const fs::path& path, bool from_directory) -> Status {
    const ArticleFormat f = format == ArticleFormat::kAuto ? FormatFromExtension(path) : format;
    if (f == ArticleFormat::kAuto && from_directory) return {};
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Fail(v1::INTERNAL, "cannot read " + path.string() + ": " + std::strerror(errno));
    Status s = EachArticleOf(fd, f, path.string(), each);
    ::close(fd);
    return s;
  };
  for (const std::string& input : inputs) {
    if (input == "-") {
      if (Status s = EachArticleOf(STDIN_FILENO, format, "stdin", each); !s) return s;
      continue;
    }
    std::error_code ec;
    fs::file_status st = fs::status(input, ec);
    if (ec || !fs::exists(st)) return Fail(v1::INTERNAL, "no such file or directory: " + input);
    if (!fs::is_directory(st)) {
      if (Status s = each_of_file(input, false); !s) return s;
      continue;
    }
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
      if (Status s = each_of_file(p, true); !s) return s;
    }
  }
  return {};
}

Result<std::vector<SourceArticle>> ReadArticles(const std::vector<std::string>& inputs, ArticleFormat format) {
  std::vector<SourceArticle> out;
  Status s = ForEachArticle(inputs, format, [&](SourceArticle&& a) -> Status {
    out.push_back(std::move(a));
    return {};
  });
  if (!s) return Unexpected(s.error());
  return out;
}

std::string ArticleKey(const SourceArticle& article) {
  if (article.content_type == kJson) {
    // The DOM, not On-Demand: after a failed lookup in a broken document
    // On-Demand's iterator must not be used again (UBSan caught a second
    // lookup reaching simdjson's "unreachable" assumption).
    thread_local simdjson::dom::parser parser;
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
