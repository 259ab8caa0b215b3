// feed_parser.h: a feed document (RSS 0.9x/2.0, RSS 1.0/RDF, Atom 1.0, JSON
// Feed 1.0/1.1) to its items.
//
//   Result<ParsedFeed> feed = ParseFeed(body, "application/rss+xml; charset=utf-8");
//   for (const FeedItem& item : feed->items) fetch(item.url);
//
// XML is read with pugixml, after conversion to UTF-8 from the HTTP charset,
// else the XML declaration's encoding, else detection (webpage/charset.h); no
// DOCTYPE is read, so no entity beyond XML's own is expanded and nothing is
// fetched. JSON is read with simdjson. The
// format is told by the document, not the Content-Type: '{' starts JSON Feed,
// the XML root names RSS (<rss>), RDF (<rdf:RDF>) or Atom (<feed>). Elements
// are matched by their local name and namespace, so prefixes do not matter.
// For each item: its id (guid, Atom id, JSON id; else its link), link (RSS
// <link>, Atom <link rel=alternate>, JSON url, resolved against the feed's
// address when relative), title, summary, full content (content:encoded, Atom
// content, content_html/content_text), author (dc:creator, author, Atom
// author name, JSON authors) and published time as RFC 3339 UTC.
//
// Thread-safety: thread-safe.
// Failure: a document that is none of these formats, or malformed, is a
// permanent Error naming the problem (MALFORMED_FEED's reason carries
// pugixml's or simdjson's message, and the line). Items beyond `max_items` are
// dropped, newest kept (documents list newest first).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace herald {

struct FeedItem {
  std::string id;
  std::string url;
  std::string title;
  std::string summary;  // HTML or text, as the feed gives it
  std::string content;  // the full article, HTML or text, when the feed carries it
  bool content_is_html = false;
  std::string author;
  std::string published_at;  // RFC 3339 UTC, or empty
};

enum class FeedFormat { kRss, kRdf, kAtom, kJsonFeed };
std::string_view FeedFormatName(FeedFormat format);

struct ParsedFeed {
  FeedFormat format = FeedFormat::kRss;
  std::string title;
  std::vector<FeedItem> items;
};

// `base_url`: the feed's own address, against which relative links resolve.
Result<ParsedFeed> ParseFeed(std::string_view bytes, std::string_view content_type = {}, std::string_view base_url = {},
                             size_t max_items = 1000);

// `link` resolved against `base` (RFC 3986's rules for the usual cases:
// absolute, scheme-relative, absolute path, relative path); `link` itself when
// it is absolute or `base` is not an http(s) URL.
std::string ResolveUrl(std::string_view base, std::string_view link);

}  // namespace herald
