// main_text.cc: the scoring and cleaning of main_text.h.
#include "webpage/main_text.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/utf8.h"

namespace herald::webpage {
namespace {

// The class and id words of boilerplate and of content, as sites write them
// (Mozilla Readability's lists, with the share bars and recirculation widgets
// of today's news sites added).
constexpr std::string_view kUnlikely[] = {
    "-ad-",       "ai2html",  "banner",  "breadcrumb", "combx",     "comment",    "community",  "cover-wrap",
    "disqus",     "extra",    "footer",  "gdpr",       "header",    "legends",    "menu",       "related",
    "remark",     "replies",  "rss",     "shoutbox",   "sidebar",   "skyscraper", "social",     "sponsor",
    "supplement", "ad-break", "agegate", "pager",      "popup",     "share",      "newsletter", "subscribe",
    "promo",      "cookie",   "signup",  "recirc",     "trending",  "outbrain",   "taboola",    "paywall",
    "byline",     "author",   "meta",    "dateline",   "timestamp", "caption",    "credit",     "copyright"};
constexpr std::string_view kMaybeContent[] = {"and", "article", "body", "column", "content", "main", "shadow"};
constexpr std::string_view kPositive[] = {"article", "body", "content", "entry", "hentry", "h-entry",
                                          "main",    "page", "post",    "text",  "blog",   "story"};
constexpr std::string_view kNegative[] = {
    "-ad-",    "hidden",   "banner", "combx",   "comment", "com-",     "contact",  "foot",       "masthead",
    "media",   "meta",     "promo",  "related", "scroll",  "share",    "shoutbox", "sidebar",    "skyscraper",
    "sponsor", "shopping", "tags",   "tool",    "widget",  "outbrain", "taboola",  "newsletter", "subscribe"};

template <size_t N>
bool ContainsAny(std::string_view text, const std::string_view (&words)[N]) {
  for (std::string_view w : words) {
    if (text.find(w) != std::string_view::npos) return true;
  }
  return false;
}

// Elements that never hold an article's text.
bool IsBoilerplateKind(HtmlTag t) {
  switch (t) {
    case HtmlTag::kScript:
    case HtmlTag::kStyle:
    case HtmlTag::kNoscript:
    case HtmlTag::kTemplate:
    case HtmlTag::kSvg:
    case HtmlTag::kIframe:
    case HtmlTag::kButton:
    case HtmlTag::kSelect:
    case HtmlTag::kInput:
    case HtmlTag::kTextarea:
    case HtmlTag::kNav:
    case HtmlTag::kAside:
    case HtmlTag::kFooter:
    case HtmlTag::kHead:
    case HtmlTag::kTitle:
    case HtmlTag::kDialog:
    case HtmlTag::kMenu:
    case HtmlTag::kLabel:
    case HtmlTag::kFigcaption:
    case HtmlTag::kFigure:
    case HtmlTag::kH1: return true;
    default: return false;
  }
}

bool IsHidden(const HtmlDocument& doc, uint32_t i) {
  bool hidden = false;
  doc.Attribute(i, "hidden", &hidden);
  if (hidden || doc.Attribute(i, "aria-hidden") == "true") return true;
  std::string_view style = doc.Attribute(i, "style");
  if (style.empty()) return false;
  std::string s = AsciiLower(style);
  std::erase(s, ' ');
  return s.find("display:none") != std::string::npos || s.find("visibility:hidden") != std::string::npos;
}

struct ClassVerdict {
  bool unlikely = false;  // boilerplate by its class or id
  int weight = 0;         // Readability's class weight: +-25 for each of class and id
};

// Per element: what scoring needs, filled in one backward pass.
struct NodeFacts {
  bool removed = false;  // set aside as boilerplate (with its subtree)
  bool in_link = false;
  int class_weight = 0;
  uint32_t text = 0, link_text = 0, commas = 0;  // in the subtree, removed parts excluded
  uint32_t paragraphs = 0, images = 0, list_items = 0, inputs = 0;
  uint32_t prose = 0;  // text of the paragraphs (few links) in the subtree
  float score = 0;
  bool scored = false;  // a candidate: some block's score reached it
};

class MainTextFinder {
 public:
  MainTextFinder(const HtmlDocument& doc, bool use_classes) : doc_(doc), facts_(doc.size()) {
    MarkBoilerplate(use_classes);
    CountText();
    ScoreBlocks();
  }

  std::string Extract() {
    uint32_t top = TopCandidate();
    if (top == 0) return {};
    std::string out;
    uint32_t parent = doc_[top].parent;
    float threshold = std::max(10.0f, facts_[top].score * 0.2f);
    std::string_view top_class = doc_.Attribute(top, "class");
    for (uint32_t c = parent + 1; c < doc_[parent].end; c = doc_[c].end) {
      if (c == top || (parent != 0 && IncludeSibling(c, top_class, facts_[top].score, threshold)))
        WriteText(c, true, &out);
    }
    return out;
  }

  // The page's text outside boilerplate elements, for pages without an article.
  std::string VisibleText() const {
    std::string out;
    WriteText(HtmlDocument::kRoot, false, &out);
    return out;
  }

 private:
  void MarkBoilerplate(bool use_classes) {
    std::unordered_map<std::string, ClassVerdict> verdicts;
    for (uint32_t i = 1; i < doc_.size(); ++i) {
      const HtmlNode& n = doc_[i];
      NodeFacts& f = facts_[i];
      const NodeFacts& p = facts_[n.parent];
      f.in_link = p.in_link || n.tag == HtmlTag::kA;
      if (p.removed) {
        f.removed = true;
        continue;
      }
      if (n.tag == HtmlTag::kText) continue;
      if (IsBoilerplateKind(n.tag) || (n.attribute_count > 0 && IsHidden(doc_, i))) {
        f.removed = true;
        continue;
      }
      if (n.attribute_count == 0) continue;
      std::string_view cls = doc_.Attribute(i, "class"), id = doc_.Attribute(i, "id");
      if (cls.empty() && id.empty()) continue;
      std::string key = AsciiLower(cls);
      key += '#';
      key += AsciiLower(id);
      auto [it, fresh] = verdicts.try_emplace(key);
      if (fresh) it->second = Judge(AsciiLower(cls), AsciiLower(id));
      f.class_weight = it->second.weight;
      if (use_classes && it->second.unlikely && n.tag != HtmlTag::kHtml && n.tag != HtmlTag::kBody &&
          n.tag != HtmlTag::kA && n.tag != HtmlTag::kArticle && n.tag != HtmlTag::kMain)
        f.removed = true;
    }
  }

  static ClassVerdict Judge(std::string_view cls, std::string_view id) {
    ClassVerdict v;
    std::string both = std::string(cls) + " " + std::string(id);
    v.unlikely = ContainsAny(both, kUnlikely) && !ContainsAny(both, kMaybeContent);
    for (std::string_view part : {cls, id}) {
      if (part.empty()) continue;
      if (ContainsAny(part, kNegative)) v.weight -= 25;
      if (ContainsAny(part, kPositive)) v.weight += 25;
    }
    return v;
  }

  // Text lengths (non-space bytes), link text, commas and element counts per
  // subtree, children before parents.
  void CountText() {
    for (uint32_t i = doc_.size(); i-- > 1;) {
      NodeFacts& f = facts_[i];
      if (f.removed) continue;
      const HtmlNode& n = doc_[i];
      if (n.tag == HtmlTag::kText) {
        for (char c : doc_.Text(i)) {
          f.text += !(c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f');
          f.commas += c == ',';
        }
        if (f.in_link) f.link_text = f.text;
      } else {
        f.paragraphs += n.tag == HtmlTag::kP;
        f.images += n.tag == HtmlTag::kImg;
        f.list_items += n.tag == HtmlTag::kLi;
        f.inputs += n.tag == HtmlTag::kInput;
      }
      NodeFacts& p = facts_[n.parent];
      p.text += f.text;
      p.link_text += f.link_text;
      p.commas += f.commas;
      p.paragraphs += f.paragraphs;
      p.images += f.images;
      p.list_items += f.list_items;
      p.inputs += f.inputs;
    }
  }

  float LinkDensity(uint32_t i) const {
    const NodeFacts& f = facts_[i];
    return f.text == 0 ? 0.0f : static_cast<float>(f.link_text) / static_cast<float>(f.text);
  }

  static float TagScore(HtmlTag t) {
    switch (t) {
      case HtmlTag::kDiv:
      case HtmlTag::kArticle:
      case HtmlTag::kMain:
      case HtmlTag::kSection: return 5;
      case HtmlTag::kPre:
      case HtmlTag::kTd:
      case HtmlTag::kBlockquote: return 3;
      case HtmlTag::kAddress:
      case HtmlTag::kOl:
      case HtmlTag::kUl:
      case HtmlTag::kDl:
      case HtmlTag::kDd:
      case HtmlTag::kDt:
      case HtmlTag::kLi:
      case HtmlTag::kForm: return -3;
      case HtmlTag::kTh: return -5;
      default: return IsHeading(t) ? -5 : 0;
    }
  }

  void Touch(uint32_t i) {
    NodeFacts& f = facts_[i];
    if (f.scored) return;
    f.scored = true;
    f.score = TagScore(doc_[i].tag) + static_cast<float>(f.class_weight);
  }

  // A block is an element whose own text (not inside a nested block) is a
  // paragraph: <p>, <pre>, <td>, or a <div> written as one.
  bool IsParagraph(uint32_t i) const {
    HtmlTag t = doc_[i].tag;
    if (t == HtmlTag::kP || t == HtmlTag::kPre || t == HtmlTag::kTd) return true;
    if (t != HtmlTag::kDiv && t != HtmlTag::kSection && t != HtmlTag::kBlockquote) return false;
    for (uint32_t c = i + 1; c < doc_[i].end; c = doc_[c].end) {
      if (!IsPhrasing(doc_[c].tag) && !facts_[c].removed) return false;
    }
    return true;
  }

  // A paragraph's score goes to the elements above it: all of it to the
  // first, half to the second, a third of the level to those further up.
  void Credit(uint32_t first, uint32_t text, uint32_t commas) {
    float score = 1.0f + static_cast<float>(commas) + std::min(static_cast<float>(text) / 100.0f, 3.0f);
    uint32_t a = first;
    for (int level = 0; level < 5 && a != 0; ++level, a = doc_[a].parent) {
      Touch(a);
      facts_[a].score += level == 0 ? score : level == 1 ? score / 2 : score / static_cast<float>(level * 3);
    }
  }

  // Paragraph elements score as one; text written straight into a container
  // (between its blocks, split at <br>) scores as paragraphs of that container.
  void ScoreBlocks() {
    uint32_t run_block = 0, run_text = 0, run_commas = 0;
    auto flush = [&] {
      if (run_text >= 25) Credit(run_block, run_text, run_commas);
      run_text = run_commas = 0;
    };
    std::vector<bool> paragraph(doc_.size());
    for (uint32_t i = 1; i < doc_.size(); ++i) {
      const HtmlNode& n = doc_[i];
      if (facts_[i].removed) {
        i = n.end - 1;
        continue;
      }
      if (n.tag == HtmlTag::kText) {
        uint32_t block = n.parent;
        while (block != 0 && IsPhrasing(doc_[block].tag)) block = doc_[block].parent;
        if (paragraph[block]) continue;
        if (block != run_block) flush();
        run_block = block;
        run_text += facts_[i].text;
        run_commas += facts_[i].commas;
      } else if (n.tag == HtmlTag::kBr || !IsPhrasing(n.tag)) {
        flush();
        if (!IsPhrasing(n.tag) && IsParagraph(i)) {
          paragraph[i] = true;
          if (facts_[i].text >= 25) Credit(n.parent, facts_[i].text, facts_[i].commas);
          if (facts_[i].text >= 25 && LinkDensity(i) < 0.25f) facts_[i].prose = facts_[i].text;
        }
      }
    }
    flush();
    for (uint32_t i = doc_.size(); i-- > 1;) facts_[doc_[i].parent].prose += facts_[i].prose;
  }

  bool Contains(uint32_t ancestor, uint32_t node) const { return ancestor <= node && node < doc_[ancestor].end; }

  uint32_t TopCandidate() {
    std::vector<std::pair<float, uint32_t>> ranked;
    for (uint32_t i = 1; i < doc_.size(); ++i) {
      if (facts_[i].scored) ranked.emplace_back(facts_[i].score * (1.0f - LinkDensity(i)), i);
    }
    if (ranked.empty()) return 0;
    std::partial_sort(ranked.begin(), ranked.begin() + std::min<size_t>(5, ranked.size()), ranked.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    uint32_t top = ranked[0].second;
    float best = ranked[0].first;
    // Several near-best candidates under one ancestor: the article is that ancestor.
    std::vector<uint32_t> alternatives;
    for (size_t r = 1; r < std::min<size_t>(5, ranked.size()); ++r) {
      if (best > 0 && ranked[r].first / best >= 0.75f) alternatives.push_back(ranked[r].second);
    }
    if (alternatives.size() >= 3) {
      for (uint32_t a = doc_[top].parent; a != 0 && doc_[a].tag != HtmlTag::kBody; a = doc_[a].parent) {
        size_t under =
            std::count_if(alternatives.begin(), alternatives.end(), [&](uint32_t c) { return Contains(a, c); });
        if (under >= 3) {
          top = a;
          break;
        }
      }
    }
    Touch(top);
    // A parent that scores higher holds more of the article.
    float last = facts_[top].score, floor = last / 3;
    for (uint32_t p = doc_[top].parent; p != 0 && doc_[p].tag != HtmlTag::kBody; p = doc_[p].parent) {
      if (!facts_[p].scored) continue;
      if (facts_[p].score < floor) break;
      if (facts_[p].score > last) {
        top = p;
        break;
      }
      last = facts_[p].score;
    }
    // An article split into sections under one ancestor: that ancestor, when it holds much more prose.
    for (uint32_t p = doc_[top].parent; p != 0 && doc_[p].tag != HtmlTag::kBody; p = doc_[p].parent) {
      if (facts_[p].prose > facts_[top].prose * 3 / 2 && LinkDensity(p) < 0.3f) top = p;
    }
    Touch(top);
    // An only child stands for its parent.
    while (doc_[top].parent != 0 && doc_[doc_[top].parent].tag != HtmlTag::kBody && OnlyChildElement(top)) {
      top = doc_[top].parent;
      Touch(top);
    }
    return top;
  }

  bool OnlyChildElement(uint32_t i) const {
    uint32_t p = doc_[i].parent;
    for (uint32_t c = p + 1; c < doc_[p].end; c = doc_[c].end) {
      if (c == i) continue;
      if (doc_[c].tag != HtmlTag::kText || facts_[c].text > 0) return false;
    }
    return true;
  }

  bool IncludeSibling(uint32_t s, std::string_view top_class, float top_score, float threshold) const {
    const NodeFacts& f = facts_[s];
    if (f.removed || doc_[s].tag == HtmlTag::kText) return false;
    float bonus = !top_class.empty() && doc_.Attribute(s, "class") == top_class ? top_score * 0.2f : 0.0f;
    if (f.scored && f.score + bonus >= threshold) return true;
    if (doc_[s].tag != HtmlTag::kP) return false;
    float density = LinkDensity(s);
    if (f.text > 80) return density < 0.25f;
    if (f.text == 0 || density > 0) return false;
    std::string text = doc_.TextOf(s);
    size_t dot = text.rfind('.');
    return dot != std::string::npos && (dot + 1 == text.size() || text[dot + 1] == ' ');
  }

  // Readability's "conditional cleaning": a box inside the article that looks
  // like a list of links, a gallery or a form rather than text.
  bool IsFishy(uint32_t i) const {
    HtmlTag t = doc_[i].tag;
    if (t != HtmlTag::kUl && t != HtmlTag::kOl && t != HtmlTag::kTable && t != HtmlTag::kDiv &&
        t != HtmlTag::kSection && t != HtmlTag::kForm && t != HtmlTag::kHeader && t != HtmlTag::kFigure)
      return false;
    const NodeFacts& f = facts_[i];
    // As Readability: the class weight plus the content score (which holds the weight again).
    if (static_cast<float>(f.class_weight) + (f.scored ? f.score : 0.0f) < 0) return true;
    if (f.commas >= 10) return false;
    bool list = t == HtmlTag::kUl || t == HtmlTag::kOl;
    float density = LinkDensity(i);
    if (f.images > 1 && f.paragraphs * 2 < f.images) return true;
    if (!list && f.list_items > f.paragraphs + 100) return true;
    if (f.inputs * 3 > f.paragraphs) return true;
    if (!list && f.text < 25 && (f.images == 0 || f.images > 2)) return true;
    if (f.class_weight < 25 && density > 0.2f && f.text < 1000) return true;
    if (f.class_weight >= 25 && density > 0.5f) return true;
    return false;
  }

  // The text below top, one block per line; with `clean`, boxes inside it that
  // look like links or widgets are left out.
  void WriteText(uint32_t top, bool clean, std::string* out) const {
    std::vector<uint32_t> open_blocks;  // ends of the blocks being written: leaving one ends its line
    for (uint32_t i = top; i < doc_[top].end;) {
      while (!open_blocks.empty() && i >= open_blocks.back()) {
        open_blocks.pop_back();
        EndLine(out);
      }
      const HtmlNode& n = doc_[i];
      if (facts_[i].removed || (clean && i != top && (IsFishy(i) || (!IsPhrasing(n.tag) && LinkDensity(i) > 0.7f)))) {
        i = n.end;
        continue;
      }
      if (n.tag == HtmlTag::kText) {
        AppendCollapsed(doc_.Text(i), out);
      } else if (n.tag == HtmlTag::kBr) {
        EndLine(out);
      } else if (!IsPhrasing(n.tag)) {
        EndLine(out);
        open_blocks.push_back(n.end);
      }
      ++i;
    }
    EndLine(out);
  }

  static void EndLine(std::string* out) {
    while (!out->empty() && out->back() == ' ') out->pop_back();
    if (!out->empty() && out->back() != '\n') out->push_back('\n');
  }

  static void AppendCollapsed(std::string_view text, std::string* out) {
    for (char c : text) {
      bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
      if (!space) {
        out->push_back(c);
      } else if (!out->empty() && out->back() != ' ' && out->back() != '\n') {
        out->push_back(' ');
      }
    }
  }

  const HtmlDocument& doc_;
  std::vector<NodeFacts> facts_;
};

}  // namespace

std::string ExtractMainText(const HtmlDocument& doc) {
  std::string text = MainTextFinder(doc, true).Extract();
  if (text.size() < 500) {
    std::string again = MainTextFinder(doc, false).Extract();
    if (again.size() > text.size()) text = std::move(again);
    if (text.empty()) text = MainTextFinder(doc, false).VisibleText();
  }
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

}  // namespace herald::webpage
