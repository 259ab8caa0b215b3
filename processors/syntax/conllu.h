// conllu.h: reads CoNLL-U treebanks (Universal Dependencies), the training and
// evaluation data of herald's tagger and parser.
//
//   Result<std::vector<TreebankSentence>> bank = ReadConllu("en_ewt-ud-train.conllu");
//   for (const TreebankSentence& s : *bank) s.words[0].form, .upos, .head, .deprel ...
//
// Only syntactic words are kept: a multiword token's range line ("2-3 don't")
// and empty nodes ("8.1") are skipped, as UD's own scorer does for basic trees.
// Thread-safety: free functions.
// Failure: an unreadable file, or a word line that is not ten tab-separated
// fields with an integer id and head, is an Error naming the line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace herald::syntax {

struct TreebankWord {
  std::string form, lemma, upos, xpos, feats;
  int head = 0;  // 1-based index of the head word; 0 for the root
  std::string deprel;
};

struct TreebankSentence {
  std::string id;    // sent_id, when given
  std::string text;  // the sentence as written (# text), when given
  std::vector<TreebankWord> words;

  // The words' forms, viewing this sentence.
  std::vector<std::string_view> Forms() const {
    std::vector<std::string_view> forms;
    forms.reserve(words.size());
    for (const TreebankWord& w : words) forms.push_back(w.form);
    return forms;
  }
};

Result<std::vector<TreebankSentence>> ParseConllu(std::string_view text);
Result<std::vector<TreebankSentence>> ReadConllu(const std::string& path);

}  // namespace herald::syntax
