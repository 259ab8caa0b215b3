// ExtractQuotes (passes.h): quoted speech and who said it.
#include <algorithm>
#include <string>

#include "processors/extraction/passes.h"
#include "processors/extraction/record_building.h"
#include "processors/extraction/speech_verbs.h"

namespace herald::extraction {
namespace {

// The words of `text` from `from` up to the first comma, full stop, quote or line end.
std::string_view PhraseFrom(std::string_view text, size_t from) {
  while (from < text.size() && text[from] == ' ') ++from;
  size_t end = text.find_first_of(",.;:\"\n", from);
  if (end == std::string_view::npos) end = text.size();
  return text.substr(from, end - from);
}

// The person named within [begin, end) of the text, or the last one named
// before `before` for "he"/"she".
const v1::Person* PersonIn(const Context& ctx, size_t begin, size_t end) {
  for (const v1::Person& p : ctx.record->persons()) {
    for (const v1::Span& s : p.spans()) {
      if (s.begin() >= begin && s.end() <= end) return &p;
    }
  }
  return nullptr;
}
const v1::Person* PersonBefore(const Context& ctx, size_t before) {
  const v1::Person* last = nullptr;
  uint32_t last_at = 0;
  for (const v1::Person& p : ctx.record->persons()) {
    for (const v1::Span& s : p.spans()) {
      if (s.end() <= before && (last == nullptr || s.begin() > last_at)) last = &p, last_at = s.begin();
    }
  }
  return last;
}

// Who the words next to a speech verb name: a person, "he"/"she" (the last
// person named), or the phrase itself ("a senior defence official").
std::string Speaker(const Context& ctx, std::string_view phrase, size_t at, size_t quote_begin) {
  if (phrase.empty()) return "";
  if (const v1::Person* p = PersonIn(ctx, at, at + phrase.size())) return p->name();
  if (phrase == "he" || phrase == "she" || phrase == "He" || phrase == "She") {
    const v1::Person* p = PersonBefore(ctx, quote_begin);
    return p ? p->name() : "";
  }
  for (std::string_view article : {"a ", "an ", "the ", "A ", "An ", "The "}) {
    if (phrase.starts_with(article)) phrase.remove_prefix(article.size());
  }
  if (std::count(phrase.begin(), phrase.end(), ' ') > 6) return "";  // a clause, not a speaker
  return std::string(phrase);
}

// Newswire's attributions after a quote: ", X said", ", said X", ", noted X",
// ", X told reporters".
std::string SpeakerAfter(const Context& ctx, size_t after, size_t quote_begin) {
  std::string_view text = ctx.text;
  size_t i = after;
  while (i < text.size() && (text[i] == ',' || text[i] == ' ')) ++i;
  std::string_view phrase = PhraseFrom(text, i);
  for (size_t word = 0; word < phrase.size();) {
    size_t space = phrase.find(' ', word);
    if (space == std::string_view::npos) space = phrase.size();
    if (SpeechVerbForm(phrase.substr(word, space - word))) {
      if (word > 0) return Speaker(ctx, phrase.substr(0, word - 1), i, quote_begin);  // ", X said"
      if (space < phrase.size()) {
        return Speaker(ctx, PhraseFrom(phrase, space + 1), i + space + 1, quote_begin);  // ", said X"
      }
      return "";
    }
    word = space + 1;
  }
  return "";
}

// Newswire's attributions before a quote: 'Austin said: "', 'X told
// reporters, "'. The speech verb is among the last four words before the quote.
std::string SpeakerBefore(const Context& ctx, size_t open) {
  std::string_view text = ctx.text;
  size_t end = open;
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == ':' || text[end - 1] == ',')) --end;
  const size_t clause = text.find_last_of(".\n\"", end == 0 ? 0 : end - 1);
  const size_t begin = clause == std::string_view::npos ? 0 : clause + 1;
  std::string_view phrase = text.substr(begin, end - begin);
  size_t word_end = phrase.size();
  for (int k = 0; k < 4 && word_end > 0; ++k) {
    size_t space = phrase.rfind(' ', word_end - 1);
    const size_t word_begin = space == std::string_view::npos ? 0 : space + 1;
    if (SpeechVerbForm(phrase.substr(word_begin, word_end - word_begin))) {
      if (word_begin == 0) return "";
      const std::string_view speaker = PhraseFrom(phrase.substr(0, word_begin - 1), 0);
      return Speaker(ctx, speaker, static_cast<size_t>(speaker.data() - text.data()), open);
    }
    if (space == std::string_view::npos) break;
    word_end = space;
  }
  return "";
}

}  // namespace

// Text between straight or curly double quotes, three words or more, and its
// speaker: named by an attribution after it or before it, else that of the
// quote before it in the same paragraph (a speaker quoted twice in a row is
// named once).
void ExtractQuotes(Context& ctx) {
  std::string_view text = ctx.text;
  size_t i = 0, previous_end = 0;
  std::string previous_speaker;
  while (i < text.size()) {
    size_t open = FindAnyOf(text, i, {'"', '\xE2', '"', '\xE2'});
    if (open == text.size()) break;
    bool curly = text[open] != '"';
    if (curly && text.substr(open, 3) != "\xE2\x80\x9C") {  // “
      i = open + 1;
      continue;
    }
    size_t start = open + (curly ? 3 : 1);
    size_t close = curly ? text.find("\xE2\x80\x9D", start) : text.find('"', start);  // ”
    if (close == std::string_view::npos) break;
    std::string_view quote = text.substr(start, close - start);
    const size_t after = close + (curly ? 3 : 1);
    if (std::count(quote.begin(), quote.end(), ' ') >= 2) {
      v1::Quote* q = ctx.record->add_quotes();
      q->set_text(std::string(quote));
      SetSpan(q->mutable_span(), static_cast<uint32_t>(start), static_cast<uint32_t>(close));
      std::string speaker = SpeakerAfter(ctx, after, open);
      if (speaker.empty()) speaker = SpeakerBefore(ctx, open);
      const bool same_paragraph =
          previous_end > 0 && text.substr(previous_end, open - previous_end).find('\n') == std::string_view::npos;
      if (speaker.empty() && same_paragraph) speaker = previous_speaker;
      q->set_speaker(speaker);
      previous_speaker = speaker;
      previous_end = after;
    }
    i = after;
  }
}

}  // namespace herald::extraction
