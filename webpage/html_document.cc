// html_document.cc: the one-pass reader of html_document.h.
#include "webpage/html_document.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <unordered_map>

#include "core/utf8.h"

namespace herald::webpage {
namespace {

constexpr std::string_view kTagNames[] = {"#text", "#other",
#define HERALD_HTML_TAG_NAME(name, text) text,
                                          HERALD_HTML_TAGS(HERALD_HTML_TAG_NAME)
#undef HERALD_HTML_TAG_NAME
};

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// HTML's numeric references 0x80-0x9F mean windows-1252's characters ("&#146;" is ’).
constexpr std::array<uint16_t, 32> kWindows1252High = {0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                                       0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,   0x017D, 0x8F,
                                                       0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                                       0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};

bool IsAsciiAlnum(char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }
bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f'; }

// One reference starting at raw[0] == '&': appends its character and returns
// the bytes it took, or 0 when it is not one (the '&' is then literal).
size_t DecodeReference(std::string_view raw, std::string* out) {
  if (raw.size() > 2 && raw[1] == '#') {
    bool hex = (raw[2] | 0x20) == 'x';
    size_t i = hex ? 3 : 2;
    uint32_t cp = 0;
    size_t digits = 0;
    for (; i < raw.size() && digits < 8; ++i, ++digits) {
      char c = raw[i];
      int v = c >= '0' && c <= '9'                            ? c - '0'
              : hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
                                                              : -1;
      if (v < 0) break;
      cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
    }
    if (digits == 0) return 0;
    if (i < raw.size() && raw[i] == ';') ++i;
    if (cp >= 0x80 && cp <= 0x9F) cp = kWindows1252High[cp - 0x80];
    AppendUtf8(cp, out);
    return i;
  }
  size_t i = 1;
  while (i < raw.size() && i < 33 && IsAsciiAlnum(raw[i])) ++i;
  if (i == 1 || i >= raw.size() || raw[i] != ';') return 0;
  struct Entity {
    std::string_view name, utf8;
  };
  static constexpr Entity kEntities[] = {
#include "webpage/html_entities.inc"
  };
  std::string_view name = raw.substr(1, i - 1);
  const Entity* e = std::lower_bound(std::begin(kEntities), std::end(kEntities), name,
                                     [](const Entity& a, std::string_view n) { return a.name < n; });
  if (e == std::end(kEntities) || e->name != name) return 0;
  out->append(e->utf8);
  return i + 1;
}

bool IsRawText(HtmlTag t) {
  return t == HtmlTag::kScript || t == HtmlTag::kStyle || t == HtmlTag::kTextarea || t == HtmlTag::kTitle ||
         t == HtmlTag::kIframe || t == HtmlTag::kNoscript || t == HtmlTag::kTemplate;
}
bool IsVoid(HtmlTag t) {
  return t == HtmlTag::kBr || t == HtmlTag::kHr || t == HtmlTag::kImg || t == HtmlTag::kInput || t == HtmlTag::kLink ||
         t == HtmlTag::kMeta || t == HtmlTag::kSource;
}
bool IsVoidName(std::string_view n) {
  return n == "area" || n == "base" || n == "col" || n == "embed" || n == "param" || n == "track" || n == "wbr";
}
// Start tags that close an open <p> (HTML's "close a p element" list).
bool ClosesParagraph(HtmlTag t) {
  switch (t) {
    case HtmlTag::kAddress:
    case HtmlTag::kArticle:
    case HtmlTag::kAside:
    case HtmlTag::kBlockquote:
    case HtmlTag::kDetails:
    case HtmlTag::kDialog:
    case HtmlTag::kDiv:
    case HtmlTag::kDl:
    case HtmlTag::kFigcaption:
    case HtmlTag::kFigure:
    case HtmlTag::kFooter:
    case HtmlTag::kForm:
    case HtmlTag::kH1:
    case HtmlTag::kH2:
    case HtmlTag::kH3:
    case HtmlTag::kH4:
    case HtmlTag::kH5:
    case HtmlTag::kH6:
    case HtmlTag::kHeader:
    case HtmlTag::kHr:
    case HtmlTag::kMain:
    case HtmlTag::kMenu:
    case HtmlTag::kNav:
    case HtmlTag::kOl:
    case HtmlTag::kP:
    case HtmlTag::kPre:
    case HtmlTag::kSection:
    case HtmlTag::kTable:
    case HtmlTag::kUl: return true;
    default: return false;
  }
}
bool IsScopeBoundary(HtmlTag t) {
  return t == HtmlTag::kHtml || t == HtmlTag::kTable || t == HtmlTag::kTd || t == HtmlTag::kTh ||
         t == HtmlTag::kCaption || t == HtmlTag::kTemplate || t == HtmlTag::kButton;
}

}  // namespace

bool IsPhrasing(HtmlTag t) {
  switch (t) {
    case HtmlTag::kText:
    case HtmlTag::kOther:
    case HtmlTag::kA:
    case HtmlTag::kB:
    case HtmlTag::kEm:
    case HtmlTag::kI:
    case HtmlTag::kLabel:
    case HtmlTag::kSpan:
    case HtmlTag::kStrong:
    case HtmlTag::kSup:
    case HtmlTag::kTime:
    case HtmlTag::kU:
    case HtmlTag::kBr:
    case HtmlTag::kImg:
    case HtmlTag::kPicture:
    case HtmlTag::kSource: return true;
    default: return false;
  }
}

bool IsHeading(HtmlTag t) { return t >= HtmlTag::kH1 && t <= HtmlTag::kH6; }

HtmlTag TagOfName(std::string_view lower_name) {
  static const auto* const kByName = [] {
    auto* m = new std::unordered_map<std::string_view, HtmlTag>();
    for (size_t i = 2; i < std::size(kTagNames); ++i) m->emplace(kTagNames[i], static_cast<HtmlTag>(i));
    return m;
  }();
  auto it = kByName->find(lower_name);
  return it == kByName->end() ? HtmlTag::kOther : it->second;
}

void AppendDecoded(std::string_view raw, std::string* out) {
  while (!raw.empty()) {
    const void* amp = std::memchr(raw.data(), '&', raw.size());
    if (!amp) {
      out->append(raw);
      return;
    }
    size_t at = static_cast<size_t>(static_cast<const char*>(amp) - raw.data());
    out->append(raw.substr(0, at));
    raw.remove_prefix(at);
    size_t used = DecodeReference(raw, out);
    if (used == 0) {
      out->push_back('&');
      used = 1;
    }
    raw.remove_prefix(used);
  }
}

class HtmlTreeBuilder {
 public:
  explicit HtmlTreeBuilder(HtmlDocument* doc) : doc_(*doc) {
    doc_.buffer_ = "#document";
    doc_.nodes_.push_back({.tag = HtmlTag::kOther, .parent = 0, .end = 1, .data = 0, .data_size = 9});
    open_.push_back(0);
  }

  void Run(std::string_view html) {
    size_t pos = 0;
    while (pos < html.size()) {
      const void* lt = std::memchr(html.data() + pos, '<', html.size() - pos);
      size_t at = lt ? static_cast<size_t>(static_cast<const char*>(lt) - html.data()) : html.size();
      if (at > pos) AddText(html.substr(pos, at - pos), true);
      if (at >= html.size()) break;
      pos = Markup(html, at);
    }
    CloseTo(0);
    doc_.nodes_[0].end = doc_.size();
  }

 private:
  // The markup at html[at] == '<'; returns where the text after it starts.
  size_t Markup(std::string_view html, size_t at) {
    std::string_view rest = html.substr(at);
    auto skip_past = [&](std::string_view closing) {
      size_t e = html.find(closing, at + 2);
      return e == std::string_view::npos ? html.size() : e + closing.size();
    };
    if (rest.starts_with("<!--")) return skip_past("-->");
    if (rest.size() > 1 && (rest[1] == '!' || rest[1] == '?')) return skip_past(">");
    bool closing = rest.size() > 1 && rest[1] == '/';
    size_t name_start = at + (closing ? 2 : 1);
    if (name_start >= html.size() || !((html[name_start] | 0x20) >= 'a' && (html[name_start] | 0x20) <= 'z')) {
      AddText("<", false);
      return at + 1;
    }
    size_t i = name_start;
    while (i < html.size() && !IsSpace(html[i]) && html[i] != '>' && html[i] != '/') ++i;
    std::string name = AsciiLower(html.substr(name_start, i - name_start));
    if (closing) {
      size_t gt = html.find('>', i);
      EndTag(name);
      return gt == std::string_view::npos ? html.size() : gt + 1;
    }
    bool self_closing = false;
    uint32_t first_attribute = static_cast<uint32_t>(doc_.attributes_.size());
    i = ReadAttributes(html, i, &self_closing);
    HtmlTag tag = StartTag(name, first_attribute, self_closing);
    if (!IsRawText(tag) || self_closing) return i;
    // Raw text runs to its own end tag; entities are decoded only in title and textarea.
    size_t e = i;
    while (true) {
      e = html.find("</", e);
      if (e == std::string_view::npos || EqualsFolded(html.substr(e + 2, name.size()), name)) break;
      e += 2;
    }
    size_t stop = e == std::string_view::npos ? html.size() : e;
    AddText(html.substr(i, stop - i), tag == HtmlTag::kTitle || tag == HtmlTag::kTextarea);
    EndTag(name);
    if (e == std::string_view::npos) return html.size();
    size_t gt = html.find('>', e);
    return gt == std::string_view::npos ? html.size() : gt + 1;
  }

  // Attributes from html[i] to the tag's '>'; returns the position after it.
  size_t ReadAttributes(std::string_view html, size_t i, bool* self_closing) {
    while (i < html.size()) {
      while (i < html.size() && (IsSpace(html[i]) || html[i] == '/')) {
        *self_closing = html[i] == '/';
        ++i;
      }
      if (i >= html.size()) break;
      if (html[i] == '>') return i + 1;
      *self_closing = false;
      size_t n = i;
      while (i < html.size() && !IsSpace(html[i]) && html[i] != '>' && html[i] != '=' && (html[i] != '/' || i == n))
        ++i;
      std::string_view name = html.substr(n, i - n);
      while (i < html.size() && IsSpace(html[i])) ++i;
      std::string_view value;
      if (i < html.size() && html[i] == '=') {
        ++i;
        while (i < html.size() && IsSpace(html[i])) ++i;
        if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
          size_t close = html.find(html[i], i + 1);
          if (close == std::string_view::npos) close = html.size();
          value = html.substr(i + 1, close - i - 1);
          i = std::min(close + 1, html.size());
        } else {
          size_t v = i;
          while (i < html.size() && !IsSpace(html[i]) && html[i] != '>') ++i;
          value = html.substr(v, i - v);
        }
      }
      HtmlDocument::AttributeSpan span;
      span.name = static_cast<uint32_t>(doc_.buffer_.size());
      for (char c : name) doc_.buffer_.push_back(FoldCase(c));
      span.name_size = static_cast<uint32_t>(name.size());
      span.value = static_cast<uint32_t>(doc_.buffer_.size());
      AppendDecoded(value, &doc_.buffer_);
      span.value_size = static_cast<uint32_t>(doc_.buffer_.size() - span.value);
      doc_.attributes_.push_back(span);
    }
    return html.size();
  }

  void AddText(std::string_view raw, bool decode) {
    uint32_t parent = open_.back();
    std::string& buffer = doc_.buffer_;
    HtmlNode& last = doc_.nodes_.back();
    bool extend = last.tag == HtmlTag::kText && last.parent == parent && last.data + last.data_size == buffer.size();
    size_t before = buffer.size();
    if (decode)
      AppendDecoded(raw, &buffer);
    else
      buffer.append(raw);
    if (extend) {
      last.data_size += static_cast<uint32_t>(buffer.size() - before);
      return;
    }
    uint32_t index = doc_.size();
    doc_.nodes_.push_back({.tag = HtmlTag::kText,
                           .parent = parent,
                           .end = index + 1,
                           .data = static_cast<uint32_t>(before),
                           .data_size = static_cast<uint32_t>(buffer.size() - before)});
  }

  HtmlTag StartTag(const std::string& name, uint32_t first_attribute, bool self_closing) {
    HtmlTag tag = TagOfName(name);
    ImplyEndTags(tag);
    uint32_t index = doc_.size();
    HtmlNode node{.tag = tag, .parent = open_.back(), .end = index + 1};
    node.data = static_cast<uint32_t>(doc_.buffer_.size());
    node.data_size = static_cast<uint32_t>(name.size());
    doc_.buffer_.append(name);
    node.first_attribute = first_attribute;
    node.attribute_count = static_cast<uint32_t>(doc_.attributes_.size()) - first_attribute;
    doc_.nodes_.push_back(node);
    bool leaf = IsVoid(tag) || (tag == HtmlTag::kOther && IsVoidName(name)) ||
                (self_closing && !IsRawText(tag) && tag != HtmlTag::kOther) || open_.size() > HtmlDocument::kMaxDepth;
    if (!leaf) open_.push_back(index);
    return tag;
  }

  // HTML's implied end tags where they decide which element text belongs to.
  void ImplyEndTags(HtmlTag tag) {
    if (ClosesParagraph(tag)) CloseIfOpen({HtmlTag::kP}, {});
    if (IsHeading(tag) && IsHeading(Top())) CloseTo(open_.size() - 1);
    switch (tag) {
      case HtmlTag::kLi: CloseIfOpen({HtmlTag::kLi}, {HtmlTag::kUl, HtmlTag::kOl}); break;
      case HtmlTag::kDt:
      case HtmlTag::kDd: CloseIfOpen({HtmlTag::kDt, HtmlTag::kDd}, {HtmlTag::kDl}); break;
      case HtmlTag::kOption:
        if (Top() == HtmlTag::kOption) CloseTo(open_.size() - 1);
        break;
      case HtmlTag::kTr:
        CloseIfOpen({HtmlTag::kTd, HtmlTag::kTh}, {HtmlTag::kTr, HtmlTag::kTable});
        CloseIfOpen({HtmlTag::kTr}, {HtmlTag::kTable});
        break;
      case HtmlTag::kTd:
      case HtmlTag::kTh: CloseIfOpen({HtmlTag::kTd, HtmlTag::kTh}, {HtmlTag::kTr, HtmlTag::kTable}); break;
      case HtmlTag::kA: CloseIfOpen({HtmlTag::kA}, {}); break;
      default: break;
    }
  }

  // Closes the nearest open element with one of `tags`, looking no further
  // than an element of `stops` or a scope boundary.
  void CloseIfOpen(std::initializer_list<HtmlTag> tags, std::initializer_list<HtmlTag> stops) {
    for (size_t d = open_.size() - 1; d > 0; --d) {
      HtmlTag t = doc_.nodes_[open_[d]].tag;
      if (std::find(tags.begin(), tags.end(), t) != tags.end()) {
        CloseTo(d);
        return;
      }
      if (IsScopeBoundary(t) || std::find(stops.begin(), stops.end(), t) != stops.end()) return;
    }
  }

  void EndTag(const std::string& name) {
    HtmlTag tag = TagOfName(name);
    if (tag == HtmlTag::kBr) {
      StartTag(name, static_cast<uint32_t>(doc_.attributes_.size()), true);
      return;
    }
    for (size_t d = open_.size() - 1; d > 0; --d) {
      const HtmlNode& open = doc_.nodes_[open_[d]];
      if (open.tag == tag && (tag != HtmlTag::kOther || doc_.Name(open_[d]) == name)) {
        CloseTo(d);
        return;
      }
      // A stray end tag of phrasing content does not close the blocks around it.
      if (IsPhrasing(tag) && !IsPhrasing(open.tag)) return;
      if (IsScopeBoundary(open.tag) && !IsScopeBoundary(tag) && tag != HtmlTag::kTr && tag != HtmlTag::kTbody &&
          tag != HtmlTag::kThead)
        return;
    }
  }

  HtmlTag Top() const { return doc_.nodes_[open_.back()].tag; }

  // Closes the open elements from depth d up.
  void CloseTo(size_t d) {
    uint32_t end = doc_.size();
    while (open_.size() > d && open_.size() > 1) {
      doc_.nodes_[open_.back()].end = end;
      open_.pop_back();
    }
  }

  HtmlDocument& doc_;
  std::vector<uint32_t> open_;
};

HtmlDocument HtmlDocument::Parse(std::string_view html) {
  HtmlDocument doc;
  doc.nodes_.reserve(html.size() / 64 + 16);
  doc.buffer_.reserve(html.size() / 2 + 64);
  HtmlTreeBuilder(&doc).Run(html);
  return doc;
}

std::string_view HtmlDocument::Attribute(uint32_t i, std::string_view lower_name, bool* has) const {
  const HtmlNode& n = nodes_[i];
  for (uint32_t a = n.first_attribute; a < n.first_attribute + n.attribute_count; ++a) {
    const AttributeSpan& s = attributes_[a];
    if (Slice(s.name, s.name_size) == lower_name) {
      if (has) *has = true;
      return Slice(s.value, s.value_size);
    }
  }
  if (has) *has = false;
  return {};
}

std::string HtmlDocument::TextOf(uint32_t i) const {
  std::string text;
  for (uint32_t j = i; j < nodes_[i].end; ++j) {
    if (nodes_[j].tag == HtmlTag::kText) text.append(Text(j));
  }
  return text;
}

uint32_t HtmlDocument::Find(HtmlTag tag, uint32_t i) const {
  for (uint32_t j = i; j < nodes_[i].end; ++j) {
    if (nodes_[j].tag == tag) return j;
  }
  return 0;
}

}  // namespace herald::webpage
