// html_document.h: an HTML page as a flat tree of elements and text, built in
// one pass for reading a page's text and metadata (not for rendering).
//
//   HtmlDocument doc = HtmlDocument::Parse(page);
//   for (uint32_t i = 0; i < doc.size(); ++i)
//     if (doc[i].tag == HtmlTag::kP) use(doc.TextOf(i));   // every text below it
//
// Nodes are in document order, and a node's descendants are the nodes from it
// up to its `end`, so a subtree is a range and needs no pointer chasing. Text
// is decoded (character references) but not collapsed; attribute names are
// lower case. Tree building follows HTML's rules where they change what text
// belongs to which element: void elements, raw-text elements (script, style,
// title, textarea, ...), comments, implied end tags (a block start closes an
// open <p>, a new <li> its sibling, <td>/<tr> theirs) and end tags that close
// every element opened after their match. Misnested formatting elements are
// not reconstructed (the text stays, in the element where it appears).
//
// Why hand-written: a page must be read at several hundred per second on one
// core (issue 17). On the article-extraction pages (186 KB on average) gumbo,
// a full HTML5 parser, reads 30 MB/s (160 pages/s) and libxml2's HTML parser
// 100 MB/s; this reader, which builds only what extraction needs, is measured
// in webpage_benchmark.cc. Character references are HTML's whole named list
// (html_entities.inc, made by scripts/compile_html_entities.py).
//
// Limits: elements nest at most kMaxDepth deep (deeper starts are read as
// siblings), so hostile input cannot exhaust the stack of a recursive reader.
// Thread-safety: a parsed document is immutable; Parse is thread-safe.
// Failure: none; any bytes give a document (invalid UTF-8 is left as it is).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace herald::webpage {

// The elements extraction tells apart; every other element is kOther (its name
// is kept). Declared once: the names come from this list.
// clang-format off
#define HERALD_HTML_TAGS(X) \
  X(A, "a") X(Address, "address") X(Article, "article") X(Aside, "aside") X(B, "b") X(Blockquote, "blockquote") \
  X(Body, "body") X(Br, "br") X(Button, "button") X(Caption, "caption") X(Dd, "dd") X(Details, "details") \
  X(Dialog, "dialog") X(Div, "div") X(Dl, "dl") X(Dt, "dt") X(Em, "em") X(Figcaption, "figcaption") \
  X(Figure, "figure") X(Footer, "footer") X(Form, "form") X(H1, "h1") X(H2, "h2") X(H3, "h3") \
  X(H4, "h4") X(H5, "h5") X(H6, "h6") X(Head, "head") X(Header, "header") X(Hr, "hr") X(Html, "html") \
  X(I, "i") X(Iframe, "iframe") X(Img, "img") X(Input, "input") X(Label, "label") X(Li, "li") \
  X(Link, "link") X(Main, "main") X(Menu, "menu") X(Meta, "meta") X(Nav, "nav") X(Noscript, "noscript") \
  X(Ol, "ol") X(Option, "option") X(P, "p") X(Picture, "picture") X(Pre, "pre") X(Script, "script") \
  X(Section, "section") X(Select, "select") X(Source, "source") X(Span, "span") X(Strong, "strong") \
  X(Style, "style") X(Sup, "sup") X(Svg, "svg") X(Table, "table") X(Tbody, "tbody") X(Td, "td") \
  X(Template, "template") X(Textarea, "textarea") X(Th, "th") X(Thead, "thead") X(Time, "time") \
  X(Title, "title") X(Tr, "tr") X(U, "u") X(Ul, "ul")
// clang-format on

enum class HtmlTag : uint8_t {
  kText,   // a run of text
  kOther,  // an element not in the list
#define HERALD_HTML_TAG_ENUM(name, text) k##name,
  HERALD_HTML_TAGS(HERALD_HTML_TAG_ENUM)
#undef HERALD_HTML_TAG_ENUM
};

// The tag of a lower-case element name ("p" -> kP, "amp-img" -> kOther).
HtmlTag TagOfName(std::string_view lower_name);
// Whether a node is text or phrasing content (inline: a, b, span, img, ...,
// and unknown elements): text in it belongs to the nearest block around it.
bool IsPhrasing(HtmlTag tag);
// h1 to h6.
bool IsHeading(HtmlTag tag);

struct HtmlNode {
  HtmlTag tag = HtmlTag::kOther;
  uint32_t parent = 0;  // the root's parent is itself
  uint32_t end = 0;     // one past the last descendant
  uint32_t data = 0;    // text: its bytes; element: its lower-case name (offsets into the document's buffer)
  uint32_t data_size = 0;
  uint32_t first_attribute = 0, attribute_count = 0;
};

class HtmlDocument {
 public:
  static constexpr int kMaxDepth = 256;

  static HtmlDocument Parse(std::string_view html);

  uint32_t size() const { return static_cast<uint32_t>(nodes_.size()); }
  const HtmlNode& operator[](uint32_t i) const { return nodes_[i]; }
  // Node 0 is the document (an element named "#document").
  static constexpr uint32_t kRoot = 0;

  bool IsElement(uint32_t i) const { return nodes_[i].tag != HtmlTag::kText; }
  // A text node's decoded bytes.
  std::string_view Text(uint32_t i) const { return Slice(nodes_[i].data, nodes_[i].data_size); }
  std::string_view Name(uint32_t i) const { return Slice(nodes_[i].data, nodes_[i].data_size); }
  // An attribute's decoded value, or empty when absent (`has` tells them apart).
  std::string_view Attribute(uint32_t i, std::string_view lower_name, bool* has = nullptr) const;
  // Every text below node i, concatenated as it is.
  std::string TextOf(uint32_t i) const;
  // The first element with this tag at or below node i, or 0 when none.
  uint32_t Find(HtmlTag tag, uint32_t i = kRoot) const;

 private:
  struct AttributeSpan {
    uint32_t name, name_size, value, value_size;
  };
  friend class HtmlTreeBuilder;
  std::string_view Slice(uint32_t offset, uint32_t size) const { return {buffer_.data() + offset, size}; }

  std::vector<HtmlNode> nodes_;
  std::vector<AttributeSpan> attributes_;
  std::string buffer_;
};

// Appends `raw` with its character references (&amp; &#8217; &eacute; ...)
// decoded as UTF-8; an unknown or unterminated reference stays as written.
void AppendDecoded(std::string_view raw, std::string* out);

}  // namespace herald::webpage
