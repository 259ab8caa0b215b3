// libFuzzer target: any bytes as a sentence's text (Tokenize) and as a syntax
// model file (Syntax::Deserialize and each part's own), since a model may come
// from a path a user gives. Words must cover the text's every non-space byte,
// in order; a model must load or be refused, never crash or allocate what the
// bytes only claim; one that loads must analyse. Seeds in fuzz/corpus/syntax.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "processors/syntax/syntax.h"
#include "processors/syntax/tokenizer.h"

namespace {

void Check(bool holds) {
  if (!holds) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace herald::syntax;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::vector<WordSpan> words;
  Tokenize(bytes, &words);
  size_t covered = 0, previous_end = 0;
  for (const WordSpan& w : words) {
    Check(w.begin < w.end && w.begin >= previous_end && w.end <= size);
    previous_end = w.end;
    covered += w.end - w.begin;
  }
  size_t spaces = 0;
  for (char c : bytes) spaces += c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  Check(covered == size - spaces);

  (void)Tagger::Deserialize(bytes);
  (void)Parser::Deserialize(bytes);
  (void)Lemmatizer::Deserialize(bytes);
  (void)Perceptron::Deserialize(bytes);
  if (auto syntax = Syntax::Deserialize(bytes)) {
    std::vector<std::string_view> forms;
    for (const WordSpan& w : words) forms.push_back(w.Of(bytes));
    if (forms.size() > 64) forms.resize(64);
    SentenceSyntax analysis;
    syntax->Analyze(forms, &analysis);
    Check(analysis.arcs.size() == forms.size());
  }
  return 0;
}
