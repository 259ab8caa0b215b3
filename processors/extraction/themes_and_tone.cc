// ExtractThemes and ScoreTone (passes.h): what the article is about, and how it speaks.
#include <algorithm>

#include "processors/extraction/passes.h"
#include "processors/extraction/word_set.h"

namespace herald::extraction {

void ExtractThemes(Context& ctx) {
  std::vector<uint32_t> hits(ctx.kb.themes().size(), 0);
  for (const Match& m : ctx.all) {
    const KnowledgeBase::Term& t = ctx.kb.term(m.id);
    if (t.kind == TermKind::kThemeKeyword) ++hits[t.index];
  }
  std::vector<std::pair<uint32_t, size_t>> ranked;
  for (size_t i = 0; i < hits.size(); ++i) {
    // One stray keyword does not make a theme.
    if (hits[i] >= 2) ranked.emplace_back(hits[i], i);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [count, i] : ranked) ctx.record->add_themes(ctx.kb.themes()[i].name);
}

// GDELT's V2Tone: percentages of the article's words.
void ScoreTone(Context& ctx) {
  uint32_t positive = 0, negative = 0, active = 0;
  for (const Match& m : ctx.all) {
    const KnowledgeBase::Term& t = ctx.kb.term(m.id);
    if (t.kind == TermKind::kTone) (t.index == 0 ? positive : negative)++;
    if (t.kind == TermKind::kVerb) ++active;
  }
  static const WordSet kSelfGroup{"I", "we", "We", "me", "us", "our", "Our", "my", "My", "ours", "ourselves", "myself"};
  uint32_t self_group = 0;
  for (const Word& w : ctx.words) self_group += kSelfGroup(ctx.text, w);
  v1::Tone* tone = ctx.record->mutable_tone();
  double words = ctx.words.empty() ? 1.0 : static_cast<double>(ctx.words.size());
  tone->set_positive(100.0 * positive / words);
  tone->set_negative(100.0 * negative / words);
  tone->set_tone(tone->positive() - tone->negative());
  tone->set_polarity(tone->positive() + tone->negative());
  tone->set_activity_density(100.0 * active / words);
  tone->set_self_group_density(100.0 * self_group / words);
  tone->set_word_count(static_cast<uint32_t>(ctx.words.size()));
}

}  // namespace herald::extraction
