#include "processors/syntax/conllu.h"

#include <charconv>

#include "core/files.h"

namespace herald::syntax {
namespace {

bool ParseInt(std::string_view s, int* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

// The ten tab-separated fields of a word line.
bool SplitFields(std::string_view line, std::string_view (&fields)[10]) {
  size_t n = 0, start = 0;
  for (size_t i = 0; i <= line.size() && n < 10; ++i) {
    if (i == line.size() || line[i] == '\t') {
      fields[n++] = line.substr(start, i - start);
      start = i + 1;
    }
  }
  return n == 10 && start >= line.size();
}

}  // namespace

Result<std::vector<TreebankSentence>> ParseConllu(std::string_view text) {
  std::vector<TreebankSentence> sentences;
  TreebankSentence current;
  size_t line_number = 0;
  auto finish = [&] {
    if (!current.words.empty()) sentences.push_back(std::move(current));
    current = {};
  };
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      finish();
      continue;
    }
    if (line.front() == '#') {
      if (line.starts_with("# sent_id = ")) current.id = std::string(line.substr(12));
      if (line.starts_with("# text = ")) current.text = std::string(line.substr(9));
      continue;
    }
    std::string_view f[10];
    if (!SplitFields(line, f))
      return Fail(v1::INTERNAL, "CoNLL-U line " + std::to_string(line_number) + ": not ten fields");
    if (f[0].find_first_of("-.") != std::string_view::npos) continue;  // multiword token or empty node
    int id = 0;
    TreebankWord w{.form = std::string(f[1]),
                   .lemma = std::string(f[2]),
                   .upos = std::string(f[3]),
                   .xpos = std::string(f[4]),
                   .feats = std::string(f[5]),
                   .deprel = std::string(f[7])};
    if (!ParseInt(f[0], &id) || id != static_cast<int>(current.words.size()) + 1 || !ParseInt(f[6], &w.head) ||
        w.head < 0) {
      return Fail(v1::INTERNAL, "CoNLL-U line " + std::to_string(line_number) + ": bad id or head");
    }
    current.words.push_back(std::move(w));
  }
  finish();
  for (const TreebankSentence& s : sentences) {
    for (const TreebankWord& w : s.words) {
      if (w.head > static_cast<int>(s.words.size())) {
        return Fail(v1::INTERNAL, "CoNLL-U sentence " + s.id + ": a head beyond the sentence");
      }
    }
  }
  return sentences;
}

Result<std::vector<TreebankSentence>> ReadConllu(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text) return Unexpected(text.error());
  return ParseConllu(*text);
}

}  // namespace herald::syntax
