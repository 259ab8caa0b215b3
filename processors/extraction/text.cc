#include "processors/extraction/text.h"

#include <bit>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "processors/extraction/word_set.h"

namespace herald::extraction {
namespace {

uint64_t Mix(uint64_t h) {  // MurmurHash3's finaliser
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ULL;
  return h ^ (h >> 33);
}

}  // namespace

// The text's words from the matcher's (maximal runs of word bytes), joined
// where an apostrophe and a letter continue one ("China's", "don't").
void JoinWords(std::string_view text, std::span<const PhraseMatcher::TextWord> runs, std::vector<Word>* out) {
  out->clear();
  for (size_t k = 0; k < runs.size(); ++k) {
    Word w{runs[k].begin, runs[k].end, runs[k].hash};
    bool joined = false;
    while (k + 1 < runs.size() && w.end + 1 < text.size() && text[w.end] == '\'' && IsAlpha(text[w.end + 1])) {
      w.end = runs[++k].end;
      joined = true;
    }
    if (joined) w.folded_hash = FoldedHash(text, w.begin, w.end);
    out->push_back(w);
  }
}

void SplitWords(std::string_view text, std::vector<Word>* out) {
  std::vector<PhraseMatcher::TextWord> runs;
  PhraseMatcher::SplitWords(text, &runs);
  JoinWords(text, runs, out);
}

// The first position at or after `from` holding any of the (up to four) bytes
// in `set`, or text.size(). Sixteen bytes a step where SSE2 is there (every
// x86-64): sentence and quote boundaries are a few bytes in a hundred.
size_t FindAnyOf(std::string_view text, size_t from, std::array<char, 4> set) {
#ifdef __SSE2__
  const __m128i a = _mm_set1_epi8(set[0]), b = _mm_set1_epi8(set[1]), c = _mm_set1_epi8(set[2]),
                d = _mm_set1_epi8(set[3]);
  for (; from + 16 <= text.size(); from += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + from));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, a), _mm_cmpeq_epi8(v, b)),
                               _mm_or_si128(_mm_cmpeq_epi8(v, c), _mm_cmpeq_epi8(v, d)));
    if (int mask = _mm_movemask_epi8(hit)) return from + std::countr_zero(static_cast<unsigned>(mask));
  }
#endif
  for (; from < text.size(); ++from) {
    char ch = text[from];
    if (ch == set[0] || ch == set[1] || ch == set[2] || ch == set[3]) return from;
  }
  return text.size();
}

// Sentences end at . ! ? followed by white space and an upper-case letter, a
// quote or a line end; "Mr. Smith" stays whole. A line break ends one where a
// paragraph ends (a blank or indented line follows) or after a short line (a
// heading, a byline, a table row); a long line running on into the next is a
// sentence wrapped at a fixed width (wire copy such as Reuters'), kept whole.
void SplitSentences(std::string_view text, std::vector<Sentence>* out) {
  constexpr size_t kWrappedLineBytes = 40;
  out->clear();
  size_t begin = 0, line_begin = 0;
  auto emit = [&](size_t end) {
    size_t b = begin;
    while (b < end && (text[b] == ' ' || text[b] == '\n' || text[b] == '\t' || text[b] == '\r')) ++b;
    if (end > b) out->push_back({static_cast<uint32_t>(b), static_cast<uint32_t>(end)});
    begin = end;
  };
  for (size_t i = FindAnyOf(text, 0, {'\n', '.', '!', '?'}); i < text.size();
       i = FindAnyOf(text, i + 1, {'\n', '.', '!', '?'})) {
    char c = text[i];
    if (c == '\n') {
      const bool paragraph = i + 1 >= text.size() || text[i + 1] == ' ' || text[i + 1] == '\t' || text[i + 1] == '\n' ||
                             text[i + 1] == '\r';
      if (paragraph || i - line_begin < kWrappedLineBytes) emit(i);
      line_begin = i + 1;
      continue;
    }
    if (i + 1 < text.size() && (text[i + 1] == '\n' || text[i + 1] == '\r')) {
      emit(i + 1);  // the line ends with the sentence
      continue;
    }
    if (i + 2 < text.size() && text[i + 1] == ' ') {
      char next = text[i + 2];
      bool abbreviation = i >= 2 && IsUpper(text[i - 2]) == false && text[i - 2] == ' ' && IsUpper(text[i - 1]);
      bool title = i >= 2 && (text.substr(i - 2, 2) == "Mr" || text.substr(i - 2, 2) == "Ms" ||
                              text.substr(i - 2, 2) == "Dr" || (i >= 3 && text.substr(i - 3, 3) == "Mrs"));
      if ((IsUpper(next) || next == '"') && !abbreviation && !title) emit(i + 1);
    }
  }
  emit(text.size());
}

// English function words make up a large share of any English text.
bool LooksEnglish(const std::vector<Word>& words) {
  static const WordSet kCommon{"the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "was", "has"};
  if (words.size() < 5) return false;
  size_t hits = 0;
  for (const Word& w : words) hits += kCommon.ContainsFolded(w);
  return hits * 100 >= words.size() * 15;
}

uint64_t SimHashOfWords(const std::vector<Word>& words) {
  if (words.empty()) return 0;
  // Per-bit counts of ones over the bigram hashes, kept bit-sliced: plane k
  // holds bit k of all 64 counts, so adding a hash is a ripple of ANDs and
  // XORs through eight planes (in registers), which are emptied into `ones`
  // before a count can pass 255.
  uint32_t ones[64] = {};
  uint64_t p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0;
  auto drain = [&] {
    const uint64_t planes[8] = {p0, p1, p2, p3, p4, p5, p6, p7};
    for (int k = 0; k < 8; ++k) {
      for (uint64_t bits = planes[k]; bits != 0; bits &= bits - 1) ones[std::countr_zero(bits)] += 1u << k;
    }
    p0 = p1 = p2 = p3 = p4 = p5 = p6 = p7 = 0;
  };
  auto add = [](uint64_t& plane, uint64_t& carry) {
    uint64_t next = plane & carry;
    plane ^= carry;
    carry = next;
  };
  const size_t n = words.size();
  for (size_t i = 0, until_drain = 255; i < n; ++i) {
    // A bigram's hash; the last word stands alone.
    uint64_t carry = Mix(words[i].folded_hash ^ (i + 1 < n ? std::rotl(words[i + 1].folded_hash, 23) : 0));
    add(p0, carry), add(p1, carry), add(p2, carry), add(p3, carry);
    add(p4, carry), add(p5, carry), add(p6, carry), add(p7, carry);
    if (--until_drain == 0) {
      drain();
      until_drain = 255;
    }
  }
  drain();
  uint64_t out = 0;
  for (int b = 0; b < 64; ++b) {
    if (2 * ones[b] > n) out |= (uint64_t{1} << b);
  }
  return out;
}

}  // namespace herald::extraction
