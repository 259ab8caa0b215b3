// web_article.h: a fetched web page to the article on it: main text, title,
// author, published time, canonical URL, language, site name.
//
//   WebArticle a = ReadWebArticle(body, response_content_type);
//   if (a.text.empty()) dead_letter("no article text on the page");
//
// The bytes are converted to UTF-8 first (charset.h), then read once into an
// HtmlDocument. Metadata comes from the page's own declarations, best first:
// schema.org JSON-LD (NewsArticle, Article, BlogPosting, ... also inside
// @graph), then OpenGraph and article:* meta properties, then the common meta
// names (author, date, parsely-*, dc.*), then the markup (<title>, <h1>,
// <time datetime>, <html lang>, <link rel=canonical>). The text is
// main_text.h's.
//
// Thread-safety: thread-safe.
// Failure: none; what the page does not say stays empty.
#pragma once

#include <string>
#include <string_view>

#include "webpage/html_document.h"

namespace herald::webpage {

struct WebArticle {
  std::string text;  // the main text, one paragraph per line
  std::string title;
  std::string author;        // several joined with ", "
  std::string published_at;  // RFC 3339 in UTC when the page's value could be read, else empty
  std::string canonical_url;
  std::string language;  // as declared: "en", "en-US"
  std::string site_name;
  std::string charset;  // what the bytes were converted from
};

WebArticle ReadWebArticle(std::string_view bytes, std::string_view content_type = {});
// The same from a document already parsed from UTF-8.
WebArticle ReadWebArticle(const HtmlDocument& doc);

// A timestamp as pages and feeds write it (ISO 8601 / RFC 3339 with or
// without time, offset or fraction; RFC 822/1123 as in RSS) as RFC 3339 in
// UTC ("2019-11-19T13:14:00Z"), or empty when it cannot be read.
std::string NormalizeTimestamp(std::string_view text);

}  // namespace herald::webpage
