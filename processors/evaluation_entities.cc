// Named entities (persons, organisations, places) against two annotated corpora:
// GUM's Wikinews documents and Universal NER's English EWT.
#include <algorithm>
#include <sstream>
#include <string_view>

#include "core/files.h"
#include "processors/evaluation.h"

namespace herald {
namespace {

namespace fs = std::filesystem;

// A named mention: its bytes in the document's text and its type.
struct Mention {
  uint32_t begin, end;
  std::string type;  // person, place, organization

  bool operator==(const Mention&) const = default;
};

// One GUM document: its text (tokens joined as written) and named mentions.
struct GumDocument {
  std::string text;
  std::vector<Mention> mentions;
};

bool Scored(std::string_view type) { return type == "person" || type == "place" || type == "organization"; }

std::vector<GumDocument> ParseGum(const std::string& conllu) {
  std::vector<GumDocument> docs;
  // A mention is named when its last token is a proper noun ("the Sea Org",
  // "Daniel Montalvo"; not "Scientology defector" nor "he").
  struct Open {
    std::string id, type;
    uint32_t begin;
  };
  std::vector<Open> open;
  std::istringstream in(conllu);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("# newdoc")) {
      docs.emplace_back();
      open.clear();
      continue;
    }
    if (line.empty() || line[0] == '#' || docs.empty()) {
      if (line.empty() && !docs.empty() && !docs.back().text.empty() && docs.back().text.back() != '\n') {
        docs.back().text.push_back('\n');  // sentences on lines of their own
      }
      continue;
    }
    std::vector<std::string> cols;
    std::istringstream ls(line);
    for (std::string c; std::getline(ls, c, '\t');) cols.push_back(c);
    if (cols.size() < 10 || cols[0].find_first_of("-.") != std::string::npos) continue;
    GumDocument& doc = docs.back();
    uint32_t begin = static_cast<uint32_t>(doc.text.size());
    doc.text += cols[1];
    uint32_t end = static_cast<uint32_t>(doc.text.size());
    if (cols[9].find("SpaceAfter=No") == std::string::npos) doc.text.push_back(' ');
    bool propn = cols[3] == "PROPN";
    // Entity=(1-person-...-identity(2-...)  and closings like 1) or 2)1)
    size_t e = cols[9].find("Entity=");
    if (e == std::string::npos) continue;
    std::string ann = cols[9].substr(e + 7, cols[9].find('|', e) - e - 7);
    for (size_t i = 0; i < ann.size();) {
      if (ann[i] == '(') {
        size_t stop = ann.find_first_of("()", i + 1);
        std::string spec = ann.substr(i + 1, (stop == std::string::npos ? ann.size() : stop) - i - 1);
        std::vector<std::string> f;
        std::istringstream ss(spec);
        for (std::string part; std::getline(ss, part, '-');) f.push_back(part);
        Open o{f.empty() ? "" : f[0], f.size() > 1 ? f[1] : "", begin};
        bool closes_here = stop != std::string::npos && ann[stop] == ')';
        if (closes_here) {
          if (propn && Scored(o.type)) doc.mentions.push_back({begin, end, o.type});
          i = stop + 1;
        } else {
          open.push_back(o);
          i = stop == std::string::npos ? ann.size() : stop;
        }
      } else {
        size_t stop = ann.find(')', i);
        if (stop == std::string::npos) break;
        std::string id = ann.substr(i, stop - i);
        for (auto it = open.rbegin(); it != open.rend(); ++it) {
          if (it->id == id) {
            if (propn && Scored(it->type)) doc.mentions.push_back({it->begin, end, it->type});
            open.erase(std::next(it).base());
            break;
          }
        }
        i = stop + 1;
      }
    }
  }
  return docs;
}

// The persons', organisations' and places' mentions herald finds in `text`.
std::vector<Mention> Found(const Extractor& extractor, const std::string& text) {
  v1::Article article;
  article.set_body(text);
  const v1::EventRecord r = extractor.Extract(article);
  std::vector<Mention> found;
  for (const auto& p : r.persons()) {
    for (const auto& s : p.spans()) found.push_back({s.begin(), s.end(), "person"});
  }
  for (const auto& o : r.organizations()) {
    for (const auto& s : o.spans()) found.push_back({s.begin(), s.end(), "organization"});
  }
  for (const auto& l : r.locations()) {
    for (const auto& s : l.spans()) found.push_back({s.begin(), s.end(), "place"});
  }
  return found;
}

// ---- Universal NER (IOB2) ----

// UNER's type names as herald's.
std::string_view HeraldType(std::string_view uner) {
  if (uner == "PER") return "person";
  if (uner == "ORG") return "organization";
  if (uner == "LOC") return "place";
  return {};
}

struct UnerDocument {
  std::string text;  // the sentences' texts, a blank line between two
  std::vector<Mention> mentions;
};

// Each "# newdoc" starts a document; a sentence's tokens are found in order in
// its "# text = " line, and B-/I- runs become mentions over those bytes.
std::vector<UnerDocument> ParseUner(const std::string& iob2) {
  std::vector<UnerDocument> docs;
  std::string_view sentence;
  size_t sentence_at = 0, cursor = 0;  // the sentence's offset in the document; the next token's search start
  std::istringstream in(iob2);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("# newdoc") || docs.empty()) docs.emplace_back();
    UnerDocument& doc = docs.back();
    if (line.starts_with("# text = ")) {
      if (!doc.text.empty()) doc.text += "\n\n";
      sentence_at = doc.text.size();
      doc.text += line.substr(9);
      sentence = std::string_view(doc.text).substr(sentence_at);
      cursor = 0;
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string_view> cols;
    for (std::string_view rest = line;;) {
      const size_t tab = rest.find('\t');
      cols.push_back(rest.substr(0, tab));
      if (tab == std::string_view::npos) break;
      rest.remove_prefix(tab + 1);
    }
    if (cols.size() < 3) continue;
    sentence = std::string_view(doc.text).substr(sentence_at);
    const size_t at = sentence.find(cols[1], cursor);
    if (at == std::string_view::npos) continue;  // a token the text spells otherwise
    cursor = at + cols[1].size();
    const auto begin = static_cast<uint32_t>(sentence_at + at), end = static_cast<uint32_t>(sentence_at + cursor);
    const std::string_view tag = cols[2];
    const std::string_view type = tag.size() > 2 ? HeraldType(tag.substr(2)) : std::string_view();
    if (type.empty()) continue;
    if (tag[0] == 'I' && !doc.mentions.empty() && doc.mentions.back().type == type) {
      doc.mentions.back().end = end;
    } else {
      doc.mentions.push_back({begin, end, std::string(type)});
    }
  }
  return docs;
}

}  // namespace

Result<Score> EvalGumEntities(const Extractor& extractor, const std::string& dir) {
  auto files = FilesWithExtension(dir, ".conllu");
  if (!files) return Unexpected(files.error());
  herald::Score score;
  for (const fs::path& file : *files) {
    auto text = ReadWholeFile(file.string());
    if (!text) return Unexpected(text.error());
    for (const GumDocument& doc : ParseGum(*text)) {
      // A prediction counts when it overlaps a gold mention of its type; each gold mention once.
      std::vector<bool> gold_hit(doc.mentions.size(), false);
      for (const Mention& p : Found(extractor, doc.text)) {
        bool hit = false;
        for (size_t g = 0; g < doc.mentions.size(); ++g) {
          const Mention& m = doc.mentions[g];
          if (m.type == p.type && p.begin < m.end && m.begin < p.end && !gold_hit[g]) {
            gold_hit[g] = hit = true;
            break;
          }
        }
        (hit ? score.true_positives : score.false_positives)++;
      }
      score.false_negatives += std::count(gold_hit.begin(), gold_hit.end(), false);
      score.items++;
    }
  }
  return score;
}

Result<EntityScores> EvalUnerEntities(const Extractor& extractor, const std::string& iob2_path) {
  auto text = ReadWholeFile(iob2_path);
  if (!text) return Unexpected(text.error());
  EntityScores scores;
  auto of_type = [&](std::string_view type) -> Score& {
    return type == "person" ? scores.person : type == "organization" ? scores.organization : scores.place;
  };
  for (const UnerDocument& doc : ParseUner(*text)) {
    std::vector<Mention> found = Found(extractor, doc.text);
    std::sort(found.begin(), found.end(), [](const Mention& a, const Mention& b) {
      return std::tie(a.begin, a.end, a.type) < std::tie(b.begin, b.end, b.type);
    });
    found.erase(std::unique(found.begin(), found.end()), found.end());
    // Exact spans: a found mention is right when a gold one has its bytes and type.
    for (const Mention& f : found) {
      const bool right = std::find(doc.mentions.begin(), doc.mentions.end(), f) != doc.mentions.end();
      (right ? of_type(f.type).true_positives : of_type(f.type).false_positives)++;
    }
    for (const Mention& g : doc.mentions) {
      if (std::find(found.begin(), found.end(), g) == found.end()) of_type(g.type).false_negatives++;
    }
    for (Score* s : {&scores.all, &scores.person, &scores.organization, &scores.place}) s->items++;
  }
  for (const Score* s : {&scores.person, &scores.organization, &scores.place}) {
    scores.all.true_positives += s->true_positives;  // items are counted above
    scores.all.false_positives += s->false_positives;
    scores.all.false_negatives += s->false_negatives;
  }
  if (scores.all.items == 0) return Fail(v1::INTERNAL, iob2_path + ": no documents");
  return scores;
}

}  // namespace herald
