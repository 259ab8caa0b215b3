// extraction_eval.cc: the Article Extraction Benchmark's metric (extraction_eval.h).
#include "webpage/extraction_eval.h"

#include <simdjson.h>
#include <zlib.h>

#include <unordered_map>

#include "core/files.h"
#include "webpage/web_article.h"

namespace herald::webpage {
namespace {

// Whether code point cp is a word character as Python's \w: letters and
// numbers of any script and '_'. Outside ASCII, everything but the blocks of
// punctuation, symbols, spaces and emoji counts as a letter: exact for the
// Latin, Greek, Cyrillic and CJK text of the benchmark without a Unicode table.
bool IsWordCodePoint(uint32_t cp) {
  if (cp < 0x80) return (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') || cp == '_';
  if (cp < 0xC0)
    return cp == 0xAA || cp == 0xB2 || cp == 0xB3 || cp == 0xB5 || cp == 0xB9 || cp == 0xBA ||
           (cp >= 0xBC && cp <= 0xBE);
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;  // punctuation, currency, arrows, maths, shapes
  if (cp >= 0x3000 && cp <= 0x303F) return false;  // CJK punctuation
  if (cp >= 0xFE30 && cp <= 0xFE4F) return false;
  if (cp >= 0xFF00 && cp <= 0xFF0F) return false;
  if (cp >= 0xFF1A && cp <= 0xFF20) return false;
  if (cp >= 0xFF3B && cp <= 0xFF40) return false;
  if (cp >= 0xFF5B && cp <= 0xFF65) return false;
  if (cp >= 0xFFF0 && cp <= 0xFFFF) return false;
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return false;  // emoji and pictographs
  if (cp >= 0x0300 && cp <= 0x036F) return false;    // combining marks
  return true;
}

std::vector<std::string_view> Tokens(std::string_view text) {
  std::vector<std::string_view> tokens;
  size_t start = std::string_view::npos;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (i + len > text.size()) len = text.size() - i;
    uint32_t cp = len == 1 ? c : c & (0xFF >> (len + 1));
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    bool word = IsWordCodePoint(cp);
    if (word && start == std::string_view::npos) start = i;
    if (!word && start != std::string_view::npos) {
      tokens.push_back(text.substr(start, i - start));
      start = std::string_view::npos;
    }
    i += len;
  }
  if (start != std::string_view::npos) tokens.push_back(text.substr(start));
  return tokens;
}

std::unordered_map<std::string, int> Shingles(std::string_view text) {
  std::vector<std::string_view> tokens = Tokens(text);
  std::unordered_map<std::string, int> shingles;
  for (size_t i = 0; i + 4 <= tokens.size(); ++i) {
    std::string key;
    for (size_t k = 0; k < 4; ++k) {
      key.append(tokens[i + k]);
      key.push_back('\x1f');
    }
    ++shingles[key];
  }
  return shingles;
}

}  // namespace

PageScore ScorePage(std::string_view predicted, std::string_view truth) {
  auto p = Shingles(predicted), t = Shingles(truth);
  int64_t shared = 0, predicted_total = 0, true_total = 0;
  for (const auto& [key, n] : p) {
    predicted_total += n;
    if (auto it = t.find(key); it != t.end()) shared += std::min(n, it->second);
  }
  for (const auto& [key, n] : t) true_total += n;
  PageScore s;
  s.has_prediction = predicted_total > 0;
  s.has_truth = true_total > 0;
  if (s.has_prediction) s.precision = static_cast<double>(shared) / static_cast<double>(predicted_total);
  if (s.has_truth) s.recall = static_cast<double>(shared) / static_cast<double>(true_total);
  return s;
}

Result<std::string> ReadGzipFile(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return Fail(v1::INTERNAL, "cannot open " + path);
  std::string out;
  char buffer[1 << 16];
  int n = 0;
  while ((n = gzread(f, buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<size_t>(n));
  bool failed = n < 0;
  gzclose(f);
  if (failed) return Fail(v1::INTERNAL, "cannot decompress " + path);
  return out;
}

Result<ExtractionScore> EvalArticleExtraction(const std::string& dir) {
  Result<std::string> truth_json = ReadWholeFile(dir + "/ground-truth.json");
  if (!truth_json) return Unexpected(truth_json.error());
  simdjson::dom::parser parser;
  simdjson::dom::object truth;
  if (parser.parse(*truth_json).get(truth) != simdjson::SUCCESS)
    return Fail(v1::INTERNAL, dir + "/ground-truth.json is not a JSON object");
  ExtractionScore score;
  int with_prediction = 0, with_truth = 0;
  for (auto [id, page] : truth) {
    std::string_view body, url;
    if (page["articleBody"].get(body) != simdjson::SUCCESS) continue;
    if (page["url"].get(url) != simdjson::SUCCESS) url = "";
    Result<std::string> html = ReadGzipFile(dir + "/html/" + std::string(id) + ".html.gz");
    if (!html) return Unexpected(html.error());
    PageScore s = ScorePage(ReadWebArticle(*html).text, body);
    s.id = std::string(id);
    s.url = std::string(url);
    if (s.has_prediction) {
      score.precision += s.precision;
      ++with_prediction;
    }
    if (s.has_truth) {
      score.recall += s.recall;
      ++with_truth;
    }
    score.per_page.push_back(std::move(s));
  }
  if (with_prediction > 0) score.precision /= with_prediction;
  if (with_truth > 0) score.recall /= with_truth;
  score.pages = static_cast<int>(score.per_page.size());
  return score;
}

}  // namespace herald::webpage
