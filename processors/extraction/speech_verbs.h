// speech_verbs.h: the verbs news English reports speech with, declared once
// for the quotes pass (a quote's attribution, by the words as written) and
// the clause coder ("X said Y must ..." is a demand, by lemma).
//
//   SpeechVerbForm("told")   // true
//   ReportingVerb("tell")    // true
//
// Thread-safety: constant data. Failure: none.
#pragma once

#include <algorithm>
#include <array>
#include <string_view>

namespace herald::extraction {

struct SpeechVerb {
  std::string_view lemma;
  std::array<std::string_view, 3> forms;  // as written in an attribution, lower case; "" pads
};

inline constexpr SpeechVerb kSpeechVerbs[] = {
    {"say", {"say", "says", "said"}},
    {"tell", {"tell", "tells", "told"}},
    {"add", {"adds", "added"}},
    {"note", {"notes", "noted"}},
    {"state", {"stated"}},
    {"declare", {"declares", "declared"}},
    {"warn", {"warns", "warned"}},
    {"insist", {"insists", "insisted"}},
    {"explain", {"explains", "explained"}},
    {"argue", {"argues", "argued"}},
    {"write", {"writes", "wrote"}},
    {"ask", {"asks", "asked"}},
    {"reply", {"replies", "replied"}},
    {"continue", {"continued"}},
    {"stress", {"stresses", "stressed"}},
    {"announce", {"announces", "announced"}},
    {"reiterate", {"reiterates", "reiterated"}},
    {"assert", {"asserts", "asserted"}},
    {"maintain", {"maintains", "maintained"}},
    {"emphasize", {"emphasizes", "emphasized"}},
    {"emphasise", {"emphasises", "emphasised"}},
};

// Whether `word`, as written, is a form of a speech verb.
inline bool SpeechVerbForm(std::string_view word) {
  return std::any_of(std::begin(kSpeechVerbs), std::end(kSpeechVerbs), [&](const SpeechVerb& v) {
    return !word.empty() && std::find(v.forms.begin(), v.forms.end(), word) != v.forms.end();
  });
}

// Whether `lemma` is a speech verb's: its complement clause is what was said.
inline bool ReportingVerb(std::string_view lemma) {
  return std::any_of(std::begin(kSpeechVerbs), std::end(kSpeechVerbs),
                     [&](const SpeechVerb& v) { return v.lemma == lemma; });
}

}  // namespace herald::extraction
