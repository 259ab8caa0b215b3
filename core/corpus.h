// corpus.h: readers of the public corpora in ../shared that the benchmarks, the
// evaluation (processors/evaluation.h) and the tests share, and the small
// record-scanning helpers those readers are made of.
//
//   auto stories = ReadReuters("../shared/corpus/reuters21578");      // PLACES tags and text
//   auto envelopes = ReutersEnvelopes("../shared/corpus/reuters21578");  // herald JSON envelopes
//
// Failure: a missing directory, no file of the kind in it, or an unreadable file
// is an Error naming it (the tests that need the data skip on it).
// Thread-safety: pure functions over files; call them from any thread.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace herald {

// One Reuters-21578 story with places: its PLACES tags and its text (title,
// dateline and body, entities decoded).
struct ReutersStory {
  std::vector<std::string> places;
  std::string text;
};
Result<std::vector<ReutersStory>> ReadReuters(const std::string& dir);
// The same stories as herald JSON envelopes ({"id":"reuters-N","source":"Reuters","body":...}),
// the form producers most often send: the corpus of the benchmarks. Without
// ids, a record's id is its message key: `herald bench` sends the corpus
// several times over, each copy a new article, as a real stream is.
enum class EnvelopeIds { kReutersNumber, kNone };
Result<std::vector<std::string>> ReutersEnvelopes(const std::string& dir,
                                                  EnvelopeIds ids = EnvelopeIds::kReutersNumber);

// The files in `dir` (not below it) whose extension is `ext` (".sgm"), sorted;
// an Error when there are none.
Result<std::vector<std::filesystem::path>> FilesWithExtension(const std::string& dir, std::string_view ext);

// SGML's &lt; &gt; &amp; &quot; decoded; numeric entities (control characters in
// Reuters-21578) dropped.
std::string DecodeSgmlEntities(std::string_view s);

// The text between the first `open` and the next `close` after it; empty if either is missing.
std::string_view Between(std::string_view s, std::string_view open, std::string_view close);

// Calls fn with each stretch of text from `open` up to (not including) `close`:
// the records of the SGML and XML corpora.
template <typename Fn>
void ForEachElement(std::string_view text, std::string_view open, std::string_view close, Fn fn) {
  for (;;) {
    size_t begin = text.find(open);
    if (begin == std::string_view::npos) return;
    size_t end = text.find(close, begin);
    if (end == std::string_view::npos) return;
    fn(text.substr(begin, end - begin));
    text = text.substr(end + close.size());
  }
}

}  // namespace herald
