#include "processors/syntax/tokenizer.h"

#include <algorithm>
#include <array>
#include <set>
#include <string>

#include "core/utf8.h"

namespace herald::syntax {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Punctuation that is a word of its own wherever it stands (ASCII).
bool IsSplitPunct(char c) {
  switch (c) {
    case '"':
    case '(':
    case ')':
    case '[':
    case ']':
    case '{':
    case '}':
    case ';':
    case '!':
    case '?':
    case ',':
    case ':': return true;
    default: return false;
  }
}

// The UTF-8 punctuation that is split like ASCII's: curly quotes, the ellipsis, dashes.
constexpr std::array<std::string_view, 8> kWidePunct = {"\u201c", "\u201d", "\u2018", "\u2019",
                                                        "\u2026", "\u2013", "\u2014", "\u00ab"};

// The length of the wide punctuation mark at text[i], or 0.
size_t WidePunctAt(std::string_view text, size_t i) {
  if (static_cast<unsigned char>(text[i]) < 0x80) return 0;
  for (std::string_view p : kWidePunct) {
    if (text.substr(i).starts_with(p)) return p.size();
  }
  return 0;
}

// Abbreviations that keep their period (beyond single letters: "U.S.", "e.g.").
bool IsAbbreviation(std::string_view word) {
  static const std::set<std::string, std::less<>> kKnown = {
      "mr.",  "mrs.", "ms.",  "dr.",   "st.",   "vs.",   "etc.", "inc.", "co.",     "corp.", "ltd.", "jr.",
      "sr.",  "gen.", "lt.",  "col.",  "sgt.",  "rev.",  "gov.", "sen.", "rep.",    "prof.", "no.",  "ft.",
      "mt.",  "jan.", "feb.", "mar.",  "apr.",  "jun.",  "jul.", "aug.", "sep.",    "sept.", "oct.", "nov.",
      "dec.", "mon.", "tue.", "wed.",  "thu.",  "fri.",  "sat.", "sun.", "approx.", "dept.", "est.", "fig.",
      "vol.", "pp.",  "ave.", "blvd.", "capt.", "cmdr.", "adm.", "maj.", "messrs."};
  if (kKnown.contains(AsciiLower(word))) return true;
  // Letters each followed by a period: "U.S.", "e.g.", "a.m."
  if (word.size() < 2 || word.size() % 2 != 0) return false;
  for (size_t i = 0; i < word.size(); i += 2) {
    if (!IsLetter(word[i]) || word[i + 1] != '.') return false;
  }
  return true;
}

bool IsEmoticon(std::string_view chunk) {
  static constexpr std::string_view kEmoticons[] = {":)", ":-)", ":(", ":-(", ";)", ";-)",
                                                    ":D", ":-D", ":P", ":-P", "=)", ":/"};
  return std::find(std::begin(kEmoticons), std::end(kEmoticons), chunk) != std::end(kEmoticons);
}

// Prefixes whose hyphen stays in the word ("non-stop", "e-mail"); UD English
// splits other hyphens between letters ("al - Qaeda", "two - state").
bool IsHyphenPrefix(std::string_view left) {
  static const std::set<std::string, std::less<>> kPrefixes = {
      "e",   "non",  "mid", "pre",   "anti", "re", "post",  "co",    "over",  "pro",   "multi",   "ex",
      "sub", "semi", "neo", "cross", "vice", "un", "socio", "micro", "intra", "inter", "counter", "mis"};
  return kPrefixes.contains(AsciiLower(left));
}

bool LooksLikeUrl(std::string_view chunk) {
  const std::string lower = AsciiLower(chunk.substr(0, 8));
  if (lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.")) return true;
  const size_t at = chunk.find('@');
  return at != std::string_view::npos && at > 0 && chunk.find('.', at) != std::string_view::npos;
}

class Splitter {
 public:
  Splitter(std::string_view text, std::vector<WordSpan>* out) : text_(text), out_(out) {}

  void Chunk(size_t b, size_t e) {
    if (IsEmoticon(text_.substr(b, e - b))) {
      Emit(b, e);
      return;
    }
    // Opening punctuation.
    while (b < e) {
      const size_t wide = WidePunctAt(text_, b);
      if (wide > 0 && b + wide <= e) {
        Emit(b, b + wide);
        b += wide;
      } else if (IsSplitPunct(text_[b]) || text_[b] == '\'' || text_[b] == '`') {
        Emit(b, b + 1);
        ++b;
      } else {
        break;
      }
    }
    // Closing punctuation, kept to emit after the core.
    std::vector<WordSpan>& closing = closing_;
    closing.clear();
    while (e > b) {
      size_t wide = 0;
      for (std::string_view p : kWidePunct) {
        if (static_cast<unsigned char>(text_[e - 1]) < 0x80) break;
        if (e - b >= p.size() && text_.substr(e - p.size(), p.size()) == p) wide = p.size();
      }
      const char c = text_[e - 1];
      if (wide > 0) {
        closing.push_back({static_cast<uint32_t>(e - wide), static_cast<uint32_t>(e)});
        e -= wide;
      } else if (c == '.' && !IsAbbreviation(text_.substr(b, e - b))) {
        size_t run = e;  // "...", ".." as one word
        while (run > b && text_[run - 1] == '.') --run;
        closing.push_back({static_cast<uint32_t>(run), static_cast<uint32_t>(e)});
        e = run;
      } else if (IsSplitPunct(c) || c == '\'' || (c == '-' && e - b > 1 && text_[e - 2] == '-')) {
        size_t run = e - 1;  // "!!!", "?!", "--"
        const bool exclaim = c == '!' || c == '?';
        while (run > b && (text_[run - 1] == c || (exclaim && (text_[run - 1] == '!' || text_[run - 1] == '?')))) --run;
        if (c == '\'' && run > b && (text_[run - 1] == 's' || text_[run - 1] == 'S')) {
          closing.push_back({static_cast<uint32_t>(e - 1), static_cast<uint32_t>(e)});  // "states'"
          e -= 1;
          break;
        }
        closing.push_back({static_cast<uint32_t>(run), static_cast<uint32_t>(e)});
        e = run;
      } else {
        break;
      }
    }
    if (b < e) Core(b, e);
    for (auto it = closing.rbegin(); it != closing.rend(); ++it) out_->push_back(*it);
  }

 private:
  void Emit(size_t b, size_t e) { out_->push_back({static_cast<uint32_t>(b), static_cast<uint32_t>(e)}); }

  // A chunk without its outer punctuation: split at inner punctuation (a comma
  // between digits stays), then each piece's clitics.
  void Core(size_t b, size_t e) {
    if (LooksLikeUrl(text_.substr(b, e - b))) {
      Emit(b, e);
      return;
    }
    size_t start = b;
    for (size_t i = b; i < e; ++i) {
      const char c = text_[i];
      const bool between_digits = i > b && i + 1 < e && IsDigit(text_[i - 1]) && IsDigit(text_[i + 1]);
      const bool between_letters = i > b && i + 1 < e && IsLetter(text_[i - 1]) && IsLetter(text_[i + 1]);
      const bool ellipsis = c == '.' && i + 2 < e && text_[i + 1] == '.' && text_[i + 2] == '.';
      const bool split_hyphen = c == '-' && between_letters && !IsHyphenPrefix(text_.substr(start, i - start));
      if ((IsSplitPunct(c) && !((c == ',' || c == ':') && between_digits)) || ellipsis || split_hyphen ||
          (c == '/' && between_letters)) {
        if (start < i) Clitics(start, i);
        size_t end = i + 1;
        while (end < e && text_[end] == c) ++end;
        Emit(i, end);
        start = end;
        i = end - 1;
      }
    }
    if (start < e) Clitics(start, e);
  }

  // "don't" -> "do" "n't", "Russia's" -> "Russia" "'s", "cannot" -> "can" "not".
  // Every word of every tagged sentence comes here: most have no apostrophe
  // and are not one of the fused words, and are emitted without a copy.
  void Clitics(size_t b, size_t e) {
    static constexpr std::string_view kEndings[] = {"n't",      "'s",       "'re",      "'ve",     "'ll",
                                                    "'d",       "'m",       "n\u2019t", "\u2019s", "\u2019re",
                                                    "\u2019ve", "\u2019ll", "\u2019d",  "\u2019m"};
    static constexpr std::pair<std::string_view, size_t> kFused[] = {
        {"cannot", 3}, {"gonna", 3}, {"wanna", 3}, {"gotta", 3}, {"dont", 2}};
    const std::string_view word = text_.substr(b, e - b);
    if (word.find_first_of("'\xE2") != std::string_view::npos) {
      for (std::string_view ending : kEndings) {
        if (word.size() > ending.size() && EqualsFolded(word.substr(word.size() - ending.size()), ending)) {
          const size_t cut = e - ending.size();
          Emit(b, cut);
          Emit(cut, e);
          return;
        }
      }
    }
    for (const auto& [fused, split] : kFused) {
      if (EqualsFolded(word, fused)) {
        Emit(b, b + split);
        Emit(b + split, e);
        return;
      }
    }
    Emit(b, e);
  }

  std::string_view text_;
  std::vector<WordSpan>* out_;
  std::vector<WordSpan> closing_;  // Chunk's, kept between chunks
};

}  // namespace

void Tokenize(std::string_view text, std::vector<WordSpan>* words) {
  words->clear();
  Splitter splitter(text, words);
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    size_t end = i;
    while (end < text.size() && !IsSpace(text[end])) ++end;
    if (end > i) splitter.Chunk(i, end);
    i = end;
  }
}

TokenizerScore ScoreTokenizer(const std::vector<TreebankSentence>& sentences) {
  TokenizerScore score;
  std::vector<WordSpan> words;
  for (const TreebankSentence& s : sentences) {
    if (s.text.empty()) continue;
    // Offsets in the text without its white space, where both sides can be compared.
    std::vector<uint32_t> dense(s.text.size() + 1, 0);
    for (size_t i = 0; i < s.text.size(); ++i) dense[i + 1] = dense[i] + !IsSpace(s.text[i]);
    std::set<std::pair<uint32_t, uint32_t>> gold;
    uint32_t at = 0;
    for (const TreebankWord& w : s.words) {
      const auto size =
          static_cast<uint32_t>(std::count_if(w.form.begin(), w.form.end(), [](char c) { return !IsSpace(c); }));
      gold.insert({at, at + size});
      at += size;
    }
    if (at != dense.back()) continue;  // forms that are not the text's (a rare MWT): not comparable
    Tokenize(s.text, &words);
    score.gold += static_cast<int64_t>(gold.size());
    score.found += static_cast<int64_t>(words.size());
    for (const WordSpan& w : words) score.matched += gold.contains({dense[w.begin], dense[w.end]});
  }
  return score;
}

}  // namespace herald::syntax
