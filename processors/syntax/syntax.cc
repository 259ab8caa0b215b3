#include "processors/syntax/syntax.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace herald::syntax {
namespace {

constexpr char kMagic[8] = {'H', 'R', 'L', 'D', 'S', 'Y', 'N', '1'};

// Each sentence's tags as a tagger that never saw it makes them.
std::vector<std::vector<Upos>> JackknifedTags(const std::vector<TreebankSentence>& sentences, int folds,
                                              const TaggerTraining& options) {
  std::vector<std::vector<Upos>> tags(sentences.size());
  if (folds < 2) {
    for (size_t i = 0; i < sentences.size(); ++i) {
      for (const TreebankWord& w : sentences[i].words) {
        tags[i].push_back(ValueNamed(w.upos, kUposNames).value_or(Upos::kX));
      }
    }
    return tags;
  }
  for (int fold = 0; fold < folds; ++fold) {
    std::vector<TreebankSentence> others;
    for (size_t i = 0; i < sentences.size(); ++i) {
      if (static_cast<int>(i % folds) != fold) others.push_back(sentences[i]);
    }
    const Tagger tagger = Tagger::Train(others, options);
    for (size_t i = fold; i < sentences.size(); i += folds) tagger.Tag(sentences[i].Forms(), &tags[i]);
  }
  return tags;
}

void AppendPart(std::string* out, const std::string& part) {
  const uint64_t size = part.size();
  out->append(reinterpret_cast<const char*>(&size), sizeof size);
  *out += part;
}

bool TakePart(std::string_view* in, std::string_view* part) {
  uint64_t size = 0;
  if (in->size() < sizeof size) return false;
  std::memcpy(&size, in->data(), sizeof size);
  if (in->size() - sizeof size < size) return false;
  *part = in->substr(sizeof size, size);
  in->remove_prefix(sizeof size + size);
  return true;
}

}  // namespace

Syntax Syntax::Train(const std::vector<TreebankSentence>& sentences, const SyntaxTraining& options) {
  const std::vector<std::vector<Upos>> tags = JackknifedTags(sentences, options.folds, options.tagger);
  return Syntax(Tagger::Train(sentences, options.tagger), Lemmatizer::Train(sentences),
                Parser::Train(sentences, tags, options.parser));
}

std::string Syntax::Serialize() const {
  std::string out(kMagic, sizeof kMagic);
  AppendPart(&out, tagger_.Serialize());
  AppendPart(&out, lemmatizer_.Serialize());
  AppendPart(&out, parser_.Serialize());
  return out;
}

Result<Syntax> Syntax::Deserialize(std::string_view bytes) {
  std::string_view tagger, lemmatizer, parser;
  if (!bytes.starts_with(std::string_view(kMagic, sizeof kMagic))) {
    return Fail(v1::INTERNAL, "not a herald syntax model");
  }
  bytes.remove_prefix(sizeof kMagic);
  if (!TakePart(&bytes, &tagger) || !TakePart(&bytes, &lemmatizer) || !TakePart(&bytes, &parser) || !bytes.empty()) {
    return Fail(v1::INTERNAL, "a truncated herald syntax model");
  }
  auto t = Tagger::Deserialize(tagger);
  if (!t) return Unexpected(t.error());
  auto l = Lemmatizer::Deserialize(lemmatizer);
  if (!l) return Unexpected(l.error());
  auto p = Parser::Deserialize(parser);
  if (!p) return Unexpected(p.error());
  return Syntax(std::move(*t), std::move(*l), std::move(*p));
}

namespace {

// The universal part of a relation: "obl" for "obl:agent".
std::string_view Universal(std::string_view relation) { return relation.substr(0, relation.find(':')); }

bool SameLemma(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

SyntaxScore ScoreSyntax(const Syntax& syntax, const std::vector<TreebankSentence>& sentences) {
  SyntaxScore score;
  SentenceSyntax analysis;
  for (const TreebankSentence& s : sentences) {
    syntax.Analyze(s.Forms(), &analysis);
    for (size_t i = 0; i < s.words.size(); ++i) {
      const TreebankWord& gold = s.words[i];
      ++score.words;
      score.tags_right += NameOf(analysis.tags[i], kUposNames) == gold.upos;
      score.lemmas_right += SameLemma(analysis.lemmas[i], gold.lemma);
      if (analysis.arcs[i].head != gold.head) continue;
      ++score.heads_right;
      score.arcs_right += Universal(syntax.relation(analysis.arcs[i])) == Universal(gold.deprel);
    }
  }
  return score;
}

std::string AnalysedConllu(const Syntax& syntax, const std::vector<TreebankSentence>& sentences) {
  std::string out;
  SentenceSyntax analysis;
  for (const TreebankSentence& s : sentences) {
    syntax.Analyze(s.Forms(), &analysis);
    if (!s.id.empty()) out += "# sent_id = " + s.id + "\n";
    for (size_t i = 0; i < s.words.size(); ++i) {
      out += std::to_string(i + 1) + "\t" + s.words[i].form + "\t" + analysis.lemmas[i] + "\t" +
             std::string(NameOf(analysis.tags[i], kUposNames)) + "\t_\t_\t" + std::to_string(analysis.arcs[i].head) +
             "\t" + std::string(syntax.relation(analysis.arcs[i])) + "\t_\t_\n";
    }
    out += "\n";
  }
  return out;
}

void Syntax::Analyze(std::span<const std::string_view> words, SentenceSyntax* out) const {
  TagAndLemmatize(words, out);
  Parse(words, out);
}

int Syntax::RelationIndex(std::string_view name) const {
  const std::vector<std::string>& all = parser_.relations();
  auto it = std::find(all.begin(), all.end(), name);
  return it == all.end() ? -1 : static_cast<int>(it - all.begin());
}

void Syntax::TagAndLemmatize(std::span<const std::string_view> words, SentenceSyntax* out) const {
  tagger_.Tag(words, &out->tags);
  out->lemmas.resize(words.size());
  for (size_t i = 0; i < words.size(); ++i) out->lemmas[i] = lemmatizer_.Lemma(words[i], out->tags[i]);
  out->arcs.clear();
}

void Syntax::Parse(std::span<const std::string_view> words, SentenceSyntax* out) const {
  parser_.Parse(words, out->tags, &out->arcs);
}

}  // namespace herald::syntax
