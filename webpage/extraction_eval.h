// extraction_eval.h: main-text quality on the Article Extraction Benchmark's
// layout (../shared/eval/article-extraction: ground-truth.json and
// html/<sha256>.html.gz), scored as the benchmark defines it.
//
//   Result<ExtractionScore> s = EvalArticleExtraction("../shared/eval/article-extraction");
//   std::printf("P=%.3f R=%.3f F1=%.3f\n", s->precision, s->recall, s->f1());
//
// Metric: tokens are runs of word characters (letters, digits, underscore, as
// Python's \w); a text is its multiset of token 4-grams; per page, precision
// is shared 4-grams over predicted ones and recall shared over true ones;
// each is averaged over the pages that have some, F1 is their harmonic mean.
// Pages go through ReadWebArticle as fetched bytes (charset detection included).
//
// Thread-safety: thread-safe. Failure: a missing or unreadable directory or
// ground truth is an Error (the eval test skips on it).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace herald::webpage {

struct PageScore {
  std::string id, url;
  double precision = 0, recall = 0;
  bool has_prediction = false, has_truth = false;
};

struct ExtractionScore {
  double precision = 0, recall = 0;
  int pages = 0;
  std::vector<PageScore> per_page;  // in the ground truth's order
  double f1() const { return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0; }
};

Result<ExtractionScore> EvalArticleExtraction(const std::string& dir);

// One page's 4-gram precision and recall of `predicted` against `truth`.
PageScore ScorePage(std::string_view predicted, std::string_view truth);

// A .gz file's bytes, decompressed.
Result<std::string> ReadGzipFile(const std::string& path);

}  // namespace herald::webpage
