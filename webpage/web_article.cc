// web_article.cc: metadata of web_article.h from JSON-LD, meta tags and markup.
#include "webpage/web_article.h"

#include <simdjson.h>

#include <array>

#include "core/utf8.h"
#include "webpage/charset.h"
#include "webpage/main_text.h"

namespace herald::webpage {
namespace {

// White space runs folded to one space.
std::string Folded(std::string_view s) {
  std::string out;
  for (char c : TrimAsciiSpace(s)) {
    bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
    if (!space)
      out.push_back(c);
    else if (!out.empty() && out.back() != ' ')
      out.push_back(' ');
  }
  return out;
}

void SetIfEmpty(std::string* field, std::string_view value) {
  if (field->empty()) *field = Folded(value);
}

constexpr std::array<std::string_view, 9> kArticleTypes = {
    "NewsArticle",        "Article", "ReportageNewsArticle", "BlogPosting",     "AnalysisNewsArticle",
    "OpinionNewsArticle", "WebPage", "LiveBlogPosting",      "ScholarlyArticle"};

bool IsArticleType(simdjson::dom::element type) {
  auto is = [](std::string_view t) {
    for (std::string_view a : kArticleTypes) {
      if (t == a) return true;
    }
    return false;
  };
  if (std::string_view s; type.get(s) == simdjson::SUCCESS) return is(s);
  if (simdjson::dom::array list; type.get(list) == simdjson::SUCCESS) {
    for (auto t : list) {
      if (std::string_view s; t.get(s) == simdjson::SUCCESS && is(s)) return true;
    }
  }
  return false;
}

// A person or list of persons as "A, B".
std::string Names(simdjson::dom::element author) {
  if (std::string_view s; author.get(s) == simdjson::SUCCESS) return Folded(s);
  if (simdjson::dom::object o; author.get(o) == simdjson::SUCCESS) {
    std::string_view name;
    return o["name"].get(name) == simdjson::SUCCESS ? Folded(name) : std::string();
  }
  std::string out;
  if (simdjson::dom::array list; author.get(list) == simdjson::SUCCESS) {
    for (auto a : list) {
      std::string one = Names(a);
      if (one.empty() || out.find(one) != std::string::npos) continue;
      if (!out.empty()) out += ", ";
      out += one;
    }
  }
  return out;
}

void ReadJsonLdObject(simdjson::dom::element node, WebArticle* a, int depth) {
  if (depth > 8) return;
  if (simdjson::dom::array list; node.get(list) == simdjson::SUCCESS) {
    for (auto item : list) ReadJsonLdObject(item, a, depth + 1);
    return;
  }
  simdjson::dom::object o;
  if (node.get(o) != simdjson::SUCCESS) return;
  if (simdjson::dom::element graph; o["@graph"].get(graph) == simdjson::SUCCESS) ReadJsonLdObject(graph, a, depth + 1);
  simdjson::dom::element type;
  if (o["@type"].get(type) != simdjson::SUCCESS || !IsArticleType(type)) return;
  auto text = [&](const char* key) {
    std::string_view s;
    return o[key].get(s) == simdjson::SUCCESS ? s : std::string_view();
  };
  SetIfEmpty(&a->title, text("headline"));
  if (simdjson::dom::element author; a->author.empty() && o["author"].get(author) == simdjson::SUCCESS)
    a->author = Names(author);
  if (a->published_at.empty()) a->published_at = NormalizeTimestamp(text("datePublished"));
  if (a->published_at.empty()) a->published_at = NormalizeTimestamp(text("dateCreated"));
  SetIfEmpty(&a->language, text("inLanguage"));
  if (simdjson::dom::element publisher; o["publisher"].get(publisher) == simdjson::SUCCESS) {
    std::string_view name;
    if (publisher["name"].get(name) == simdjson::SUCCESS) SetIfEmpty(&a->site_name, name);
  }
}

void ReadJsonLd(const HtmlDocument& doc, uint32_t script, WebArticle* a) {
  if (AsciiLower(doc.Attribute(script, "type")) != "application/ld+json") return;
  std::string json = doc.TextOf(script);
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json).get(root) != simdjson::SUCCESS) return;  // a page's broken JSON-LD is ignored
  ReadJsonLdObject(root, a, 0);
}

// <meta property|name|itemprop=K content=V>: the metadata sites declare for sharing and indexing.
void ReadMeta(const HtmlDocument& doc, uint32_t meta, WebArticle* a) {
  std::string_view content = doc.Attribute(meta, "content");
  if (content.empty()) {
    std::string_view charset = doc.Attribute(meta, "charset");
    if (!charset.empty()) SetIfEmpty(&a->charset, AsciiLower(charset));
    return;
  }
  std::string key = AsciiLower(doc.Attribute(meta, "property"));
  if (key.empty()) key = AsciiLower(doc.Attribute(meta, "name"));
  if (key.empty()) key = AsciiLower(doc.Attribute(meta, "itemprop"));
  if (key.empty()) key = AsciiLower(doc.Attribute(meta, "http-equiv"));
  if (key == "og:title" || key == "twitter:title") {
    SetIfEmpty(&a->title, content);
  } else if (key == "og:site_name" || key == "application-name") {
    SetIfEmpty(&a->site_name, content);
  } else if (key == "og:url") {
    SetIfEmpty(&a->canonical_url, content);
  } else if (key == "og:locale" || key == "content-language" || key == "language" || key == "dc.language") {
    std::string tag = Folded(content);
    std::replace(tag.begin(), tag.end(), '_', '-');
    SetIfEmpty(&a->language, tag);
  } else if (key == "author" || key == "article:author" || key == "byl" || key == "parsely-author" ||
             key == "sailthru.author" || key == "dc.creator" || key == "dcterms.creator") {
    std::string_view name = TrimAsciiSpace(content);
    if (name.starts_with("http://") || name.starts_with("https://")) return;  // a profile page, not a name
    if (name.size() > 3 && EqualsFolded(name.substr(0, 3), "by ")) name.remove_prefix(3);
    SetIfEmpty(&a->author, name);
  } else if (key == "article:published_time" || key == "datepublished" || key == "date" || key == "pubdate" ||
             key == "publishdate" || key == "parsely-pub-date" || key == "sailthru.date" || key == "dc.date" ||
             key == "dc.date.issued" || key == "dcterms.created" || key == "og:published_time" ||
             key == "article.published") {
    if (a->published_at.empty()) a->published_at = NormalizeTimestamp(content);
  }
}

// " | Site", " - Site" after a title that the page's <h1> does not have.
std::string WithoutSiteSuffix(std::string title) {
  for (std::string_view sep : {" | ", " - ", " – ", " — ", " :: "}) {
    size_t at = title.rfind(sep);
    if (at != std::string::npos && at >= 15) return title.substr(0, at);
  }
  return title;
}

}  // namespace

WebArticle ReadWebArticle(std::string_view bytes, std::string_view content_type) {
  std::string charset = DetectCharset(bytes, content_type);
  HtmlDocument doc = HtmlDocument::Parse(ToUtf8(bytes, charset));
  WebArticle a = ReadWebArticle(doc);
  a.charset = charset;
  return a;
}

WebArticle ReadWebArticle(const HtmlDocument& doc) {
  WebArticle a;
  // Declarations first (JSON-LD before meta tags, wherever each is), then the markup.
  for (uint32_t i = 0; i < doc.size(); ++i) {
    if (doc[i].tag == HtmlTag::kScript) ReadJsonLd(doc, i, &a);
  }
  std::string title_element, h1;
  for (uint32_t i = 0; i < doc.size(); ++i) {
    switch (doc[i].tag) {
      case HtmlTag::kMeta: ReadMeta(doc, i, &a); break;
      case HtmlTag::kLink:
        if (AsciiLower(doc.Attribute(i, "rel")) == "canonical") SetIfEmpty(&a.canonical_url, doc.Attribute(i, "href"));
        break;
      case HtmlTag::kHtml: SetIfEmpty(&a.language, doc.Attribute(i, "lang")); break;
      case HtmlTag::kTitle:
        if (title_element.empty()) title_element = Folded(doc.TextOf(i));
        break;
      case HtmlTag::kH1:
        if (h1.empty()) h1 = Folded(doc.TextOf(i));
        break;
      case HtmlTag::kTime:
        if (a.published_at.empty()) a.published_at = NormalizeTimestamp(doc.Attribute(i, "datetime"));
        break;
      default: break;
    }
  }
  if (a.title.empty()) a.title = !h1.empty() ? h1 : WithoutSiteSuffix(title_element);
  a.text = ExtractMainText(doc);
  // The text often opens with the headline the title already holds.
  if (!a.title.empty() && a.text.starts_with(a.title) &&
      (a.text.size() == a.title.size() || a.text[a.title.size()] == '\n'))
    a.text.erase(0, std::min(a.text.size(), a.title.size() + 1));
  return a;
}

}  // namespace herald::webpage
