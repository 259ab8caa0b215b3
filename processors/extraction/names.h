// names.h: names no dictionary knows, by the shape of the words around them:
// runs of capitalised words ("Johnson Space Center", "University of Texas"),
// and the word lists that say which run is a person, a place or an
// organisation.
//
//   NameRuns runs;  FindCapitalisedRuns(text, words, &runs);
//   for (const NameRun& r : runs.runs) { ... runs.WordsOf(r) ... }
//
// Thread-safety: pure functions. Failure: none.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "processors/extraction/text.h"
#include "processors/syntax/tagger.h"

namespace herald::extraction {

struct NameRun {
  uint32_t begin, end;
  uint32_t first_word, word_count;  // capitalised words, connectors left out: in NameRuns::words
  bool has_connector = false;
};
struct NameRuns {
  std::vector<NameRun> runs;
  std::vector<Word> words;
  std::span<const Word> WordsOf(const NameRun& run) const {
    return std::span(words).subspan(run.first_word, run.word_count);
  }
};

// Runs of capitalised words joined by single spaces, with "of", "for", "the",
// "and", "de" allowed inside.
void FindCapitalisedRuns(std::string_view text, const std::vector<Word>& words, NameRuns* out);
// The part of `run` the tagger reads as proper nouns, in the words around it:
// the run without the words at its edges that are not ("Dear All" -> none,
// "Thanks Josh" -> "Josh", "Hurricane Katrina" -> "Katrina"); word_count 0 when
// no word is. The capitals of greetings, headings and sentence starts are not
// names; `text` is the article's, `words` its words.
NameRun ProperNounPart(std::string_view text, const std::vector<Word>& words, const NameRuns& runs, const NameRun& run,
                       const syntax::Tagger& tagger);
// Words that start with a capital but do not continue a person's name.
bool StopsName(std::string_view w);
bool OrganisationWord(std::string_view text, const Word& w);
bool PlaceWord(std::string_view text, const Word& w);
// Capitalised words of titles, events and products, which people's names do not contain.
bool NonPersonWord(std::string_view text, const Word& w);
// Whether `pos` lies in a heading: a short line of three or more capitalised
// words (small words such as "of" and "the" aside) without a full stop, not a
// byline ("What Was Discussed").
bool InHeading(std::string_view text, uint32_t pos);
// Whether the text right before `pos` is a preposition of place ("in ",
// "near "): a name alone after it is a place.
bool AfterPlacePreposition(std::string_view text, uint32_t pos);
// Whether the text right before `pos` is a courtesy title ("Mr. ", "Dr ").
bool AfterCourtesyTitle(std::string_view text, uint32_t pos);

}  // namespace herald::extraction
