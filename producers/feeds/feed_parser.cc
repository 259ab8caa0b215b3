// feed_parser.cc: RSS, RDF and Atom with pugixml, JSON Feed with simdjson (feed_parser.h).
#include "producers/feeds/feed_parser.h"

#include <simdjson.h>

#include <algorithm>
#include <pugixml.hpp>

#include "core/utf8.h"
#include "webpage/charset.h"
#include "webpage/web_article.h"

namespace herald {
namespace {

constexpr std::string_view kAtomNs = "http://www.w3.org/2005/Atom";
constexpr std::string_view kContentNs = "http://purl.org/rss/1.0/modules/content/";
constexpr std::string_view kDcNs = "http://purl.org/dc/elements/1.1/";

// Elements by local name and namespace URI: pugixml keeps prefixes as written,
// so a prefix is looked up in the xmlns declarations around the element.
std::string_view LocalName(const pugi::xml_node& n) {
  std::string_view name = n.name();
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}
std::string_view Namespace(const pugi::xml_node& n) {
  std::string_view name = n.name();
  size_t colon = name.find(':');
  std::string attribute = colon == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(name.substr(0, colon));
  for (pugi::xml_node a = n; a; a = a.parent()) {
    if (pugi::xml_attribute ns = a.attribute(attribute.c_str())) return ns.value();
  }
  return {};
}
bool Is(const pugi::xml_node& n, std::string_view local) {
  return n.type() == pugi::node_element && LocalName(n) == local;
}

// The text of an element and its descendants (Atom's xhtml content included), trimmed.
std::string Text(const pugi::xml_node& n) {
  std::string out;
  for (pugi::xml_node d = n.first_child(); d; d = d.next_sibling()) {
    if (d.type() == pugi::node_pcdata || d.type() == pugi::node_cdata) {
      out += d.value();
    } else if (d.type() == pugi::node_element) {
      out += Text(d);
    }
  }
  return std::string(TrimAsciiSpace(out));
}

std::string Attribute(const pugi::xml_node& n, const char* name) {
  for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute()) {
    std::string_view an = a.name();
    size_t colon = an.find(':');
    if ((colon == std::string_view::npos ? an : an.substr(colon + 1)) == name)
      return std::string(TrimAsciiSpace(a.value()));
  }
  return {};
}

void SetIfEmpty(std::string* field, std::string value) {
  if (field->empty()) *field = std::move(value);
}

// Links and the update time are kept apart until the item is read whole: they are fallbacks.
struct Fallbacks {
  std::string atom_alternate, atom_any_link, updated;
};

void ReadXmlField(const pugi::xml_node& c, FeedItem* it, Fallbacks* later) {
  std::string_view name = LocalName(c), ns = Namespace(c);
  if (name == "title") {
    SetIfEmpty(&it->title, Text(c));
  } else if (name == "link") {
    if (ns == kAtomNs) {
      std::string rel = Attribute(c, "rel"), href = Attribute(c, "href");
      if (rel.empty() || rel == "alternate") SetIfEmpty(&later->atom_alternate, href);
      SetIfEmpty(&later->atom_any_link, href);
    } else {
      SetIfEmpty(&it->url, Text(c));
    }
  } else if (name == "guid" || (name == "id" && ns == kAtomNs)) {
    SetIfEmpty(&it->id, Text(c));
  } else if (name == "description" || name == "summary") {
    SetIfEmpty(&it->summary, Text(c));
  } else if ((name == "encoded" && ns == kContentNs) || (name == "content" && ns == kAtomNs)) {
    std::string type = Attribute(c, "type");
    it->content_is_html = ns == kContentNs || type == "html" || type == "xhtml" || type.empty();
    SetIfEmpty(&it->content, Text(c));
  } else if ((name == "creator" && ns == kDcNs) || name == "author") {
    std::string author;
    for (pugi::xml_node a = c.first_child(); a; a = a.next_sibling()) {
      if (Is(a, "name")) author = Text(a);
    }
    SetIfEmpty(&it->author, author.empty() ? Text(c) : author);
  } else if (name == "pubDate" || name == "published" || (name == "date" && ns == kDcNs) || name == "issued") {
    SetIfEmpty(&it->published_at, webpage::NormalizeTimestamp(Text(c)));
  } else if (name == "updated" || name == "modified") {
    SetIfEmpty(&later->updated, webpage::NormalizeTimestamp(Text(c)));
  }
}

// One <item> (RSS, RDF) or <entry> (Atom).
FeedItem ReadXmlItem(const pugi::xml_node& item, std::string_view base) {
  FeedItem it;
  Fallbacks later;
  for (pugi::xml_node c = item.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element) ReadXmlField(c, &it, &later);
  }
  if (it.url.empty()) it.url = !later.atom_alternate.empty() ? later.atom_alternate : later.atom_any_link;
  if (it.published_at.empty()) it.published_at = later.updated;
  if (it.url.empty() && it.id.starts_with("http")) it.url = it.id;  // an RSS guid that is a permalink
  if (it.id.empty()) it.id = Attribute(item, "about");              // RSS 1.0 names its item by rdf:about
  it.url = ResolveUrl(base, it.url);
  if (it.id.empty()) it.id = it.url;
  return it;
}

// The XML declaration's encoding="..." in the first bytes, or empty.
std::string DeclaredEncoding(std::string_view bytes) {
  std::string_view head = bytes.substr(0, std::min<size_t>(bytes.size(), 256));
  if (!head.starts_with("<?xml")) return {};
  size_t end = head.find("?>");
  size_t at = head.substr(0, end).find("encoding");
  if (at == std::string_view::npos) return {};
  size_t quote = head.find_first_of("\"'", at);
  if (quote == std::string_view::npos) return {};
  size_t close = head.find(head[quote], quote + 1);
  return close == std::string_view::npos ? std::string() : std::string(head.substr(quote + 1, close - quote - 1));
}

Result<ParsedFeed> ParseXmlFeed(std::string_view bytes, std::string_view content_type, std::string_view base,
                                size_t max_items) {
  // Any charset to UTF-8 first (the HTTP header's, else the XML declaration's, else detection).
  std::string charset(webpage::CharsetParameter(content_type));
  if (charset.empty()) charset = DeclaredEncoding(bytes);
  std::string utf8 = webpage::ToUtf8(bytes, charset.empty() ? webpage::DetectCharset(bytes) : charset);
  pugi::xml_document doc;
  // The default options: no DOCTYPE, so no entity but XML's five and numeric
  // ones is expanded and nothing is fetched.
  pugi::xml_parse_result parsed = doc.load_buffer(utf8.data(), utf8.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    size_t line =
        1 + static_cast<size_t>(std::count(
                utf8.begin(), utf8.begin() + std::min<ptrdiff_t>(parsed.offset, static_cast<ptrdiff_t>(utf8.size())),
                '\n'));
    return Fail(v1::MALFORMED_FEED, std::string("feed is not well-formed XML: ") + parsed.description() + " (line " +
                                        std::to_string(line) + ")");
  }
  pugi::xml_node root = doc.document_element();
  if (!root) return Fail(v1::MALFORMED_FEED, "feed has no root element");
  ParsedFeed feed;
  std::vector<pugi::xml_node> items;
  auto collect = [&](const pugi::xml_node& parent, std::string_view item_name) {
    for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
      if (Is(c, item_name)) items.push_back(c);
      if (Is(c, "title") && feed.title.empty()) feed.title = Text(c);
    }
  };
  std::string_view root_name = LocalName(root);
  if (root_name == "rss") {
    feed.format = FeedFormat::kRss;
    for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
      if (Is(c, "channel")) collect(c, "item");
    }
  } else if (root_name == "RDF") {
    feed.format = FeedFormat::kRdf;
    collect(root, "item");
    for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
      if (Is(c, "channel")) collect(c, "item");
    }
  } else if (root_name == "feed" && Namespace(root) == kAtomNs) {
    feed.format = FeedFormat::kAtom;
    collect(root, "entry");
  } else {
    return Fail(v1::MALFORMED_FEED,
                "feed's root element <" + RepairUtf8(root.name()) + "> is not RSS (<rss>), RDF or Atom (<feed>)");
  }
  for (const pugi::xml_node& item : items) {
    if (feed.items.size() >= max_items) break;
    feed.items.push_back(ReadXmlItem(item, base));
  }
  return feed;
}

std::string JsonString(simdjson::dom::element e, const char* key) {
  std::string_view s;
  return e[key].get(s) == simdjson::SUCCESS ? std::string(TrimAsciiSpace(s)) : std::string();
}

Result<ParsedFeed> ParseJsonFeed(std::string_view bytes, std::string_view base, size_t max_items) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto e = parser.parse(bytes.data(), bytes.size()).get(root); e)
    return Fail(v1::MALFORMED_FEED, std::string("JSON Feed is not valid JSON: ") + simdjson::error_message(e));
  if (!JsonString(root, "version").starts_with("https://jsonfeed.org/version/"))
    return Fail(v1::MALFORMED_FEED, "JSON document is not a JSON Feed (no https://jsonfeed.org/version/ version)");
  ParsedFeed feed{.format = FeedFormat::kJsonFeed, .title = JsonString(root, "title")};
  simdjson::dom::array items;
  if (root["items"].get(items) != simdjson::SUCCESS) return Fail(v1::MALFORMED_FEED, "JSON Feed has no items array");
  for (simdjson::dom::element e : items) {
    if (feed.items.size() >= max_items) break;
    FeedItem it;
    if (std::string_view id; e["id"].get(id) == simdjson::SUCCESS) {
      it.id = std::string(id);
    } else if (int64_t n; e["id"].get(n) == simdjson::SUCCESS) {
      it.id = std::to_string(n);  // JSON Feed 1.0 feeds sometimes number their items
    }
    it.url = ResolveUrl(base, JsonString(e, "url"));
    it.title = JsonString(e, "title");
    it.summary = JsonString(e, "summary");
    it.content = JsonString(e, "content_html");
    it.content_is_html = !it.content.empty();
    if (it.content.empty()) it.content = JsonString(e, "content_text");
    it.published_at = webpage::NormalizeTimestamp(JsonString(e, "date_published"));
    if (simdjson::dom::array authors; e["authors"].get(authors) == simdjson::SUCCESS) {
      for (simdjson::dom::element a : authors) {
        std::string name = JsonString(a, "name");
        if (name.empty()) continue;
        if (!it.author.empty()) it.author += ", ";
        it.author += name;
      }
    }
    if (it.author.empty()) {
      if (simdjson::dom::element a; e["author"].get(a) == simdjson::SUCCESS) it.author = JsonString(a, "name");
    }
    if (it.id.empty()) it.id = it.url;
    feed.items.push_back(std::move(it));
  }
  return feed;
}

}  // namespace

std::string_view FeedFormatName(FeedFormat format) {
  switch (format) {
    case FeedFormat::kRss: return "rss";
    case FeedFormat::kRdf: return "rdf";
    case FeedFormat::kAtom: return "atom";
    case FeedFormat::kJsonFeed: return "json";
  }
  return "rss";
}

Result<ParsedFeed> ParseFeed(std::string_view bytes, std::string_view content_type, std::string_view base_url,
                             size_t max_items) {
  std::string_view body = TrimAsciiSpace(bytes);
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  if (body.empty()) return Fail(v1::MALFORMED_FEED, "feed is empty");
  if (body.size() > static_cast<size_t>(INT32_MAX)) return Fail(v1::MALFORMED_FEED, "feed is over 2 GiB");
  if (body.front() == '{') return ParseJsonFeed(body, base_url, max_items);
  return ParseXmlFeed(bytes, content_type, base_url, max_items);
}

std::string ResolveUrl(std::string_view base, std::string_view link) {
  link = TrimAsciiSpace(link);
  auto scheme_end = [](std::string_view u) {
    size_t colon = u.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::string_view::npos;
    for (size_t i = 0; i < colon; ++i) {
      char c = FoldCase(u[i]);
      if (!((c >= 'a' && c <= 'z') || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))))
        return std::string_view::npos;
    }
    return colon;
  };
  if (link.empty() || scheme_end(link) != std::string_view::npos) return std::string(link);
  size_t colon = scheme_end(base);
  if (colon == std::string_view::npos || !base.substr(colon).starts_with("://")) return std::string(link);
  if (link.starts_with("//")) return std::string(base.substr(0, colon + 1)) + std::string(link);
  size_t host_end = base.find_first_of("/?#", colon + 3);
  std::string_view origin = base.substr(0, host_end == std::string_view::npos ? base.size() : host_end);
  if (link.starts_with('/')) return std::string(origin) + std::string(link);
  std::string_view path = host_end == std::string_view::npos ? "/" : base.substr(host_end);
  path = path.substr(0, path.find_first_of("?#"));
  if (link.starts_with('?') || link.starts_with('#'))
    return std::string(origin) + std::string(path) + std::string(link);
  std::string joined = std::string(path.substr(0, path.rfind('/') + 1)) + std::string(link);
  // Remove "./" and "x/../" segments.
  std::vector<std::string> segments;
  size_t start = 1;
  while (start <= joined.size()) {
    size_t slash = joined.find('/', start);
    std::string seg = joined.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    bool last = slash == std::string::npos;
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
      if (last) segments.emplace_back();
    } else if (seg == ".") {
      if (last) segments.emplace_back();
    } else {
      segments.push_back(seg);
    }
    if (last) break;
    start = slash + 1;
  }
  std::string out(origin);
  for (const std::string& s : segments) out += "/" + s;
  return out;
}

}  // namespace herald
