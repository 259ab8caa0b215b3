// article_source.h: reading articles from files, directories and stdin, the
// way `herald produce` and `herald extract` both take them.
//
//   Result<std::vector<SourceArticle>> articles = ReadArticles({"samples/", "-"}, ArticleFormat::kAuto);
//   Status s = ForEachArticle({"-"}, ArticleFormat::kAuto, [](SourceArticle&& a) { ...; return Status{}; });
//
// Inputs are read a megabyte at a time (core/files.h): ForEachArticle holds one
// block and one article of an NDJSON stream, never the whole of it; a json,
// text or html input is one article and is read whole.
// Formats (kArticleFormatNames), by --format or, with "auto", by file extension then content:
//   json    one JSON envelope per file (pretty-printed is fine)
//   ndjson  one JSON envelope per line (.ndjson, .jsonl; a .json file whose
//           every non-blank line is a JSON object also counts)
//   text    one plain-text article per file (.txt, .text, .md)
//   html    one HTML page per file (.html, .htm)
// Directories are walked recursively in name order; hidden files are skipped,
// as are files with other extensions under a directory (named files are read whatever their extension).
// Each article keeps its origin ("path" or "path:line") for error messages.
//
// Failure: an unreadable path is an Error. Bad article
// content is not judged here: it travels on and is dead-lettered by the processor.
// Thread-safety: pure functions.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/enum_names.h"
#include "core/status.h"

namespace CLI {
class App;
}

namespace herald {

enum class ArticleFormat { kAuto, kJson, kNdjson, kText, kHtml };
inline constexpr EnumName<ArticleFormat> kArticleFormatNames[] = {{ArticleFormat::kAuto, "auto"},
                                                                  {ArticleFormat::kJson, "json"},
                                                                  {ArticleFormat::kNdjson, "ndjson"},
                                                                  {ArticleFormat::kText, "text"},
                                                                  {ArticleFormat::kHtml, "html"}};

// The format a file's extension names (.json, .ndjson/.jsonl, .txt/.text/.md,
// .html/.htm), or kAuto for any other: a directory's such files are skipped.
ArticleFormat FormatFromExtension(const std::filesystem::path& path);

// --format, for the commands that read articles (produce, extract).
void AddArticleFormatOption(CLI::App* app, ArticleFormat* format);

struct SourceArticle {
  std::string bytes;
  std::string content_type;  // application/json, text/plain or text/html
  std::string origin;
};

// Calls `each` with every article of `inputs`, in order; stops at the first
// Error, from reading or from `each`.
using ArticleCallback = std::function<Status(SourceArticle&&)>;
Status ForEachArticle(const std::vector<std::string>& inputs, ArticleFormat format, const ArticleCallback& each);

// Every article of `inputs`, in memory at once.
Result<std::vector<SourceArticle>> ReadArticles(const std::vector<std::string>& inputs, ArticleFormat format);

// The record key for an article: a JSON envelope's "id", else its "url", else ContentHashId.
std::string ArticleKey(const SourceArticle& article);

}  // namespace herald
