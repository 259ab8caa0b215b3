// Main-text quality on the article-extraction benchmark's development half in
// ../shared (label "eval"). The gate sits just under the figure reached
// (docs/EXTRACTION.md); the pages scored worst are printed to look at.
#include "webpage/extraction_eval.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace herald::webpage {
namespace {

constexpr const char* kPages = "../shared/eval/article-extraction";

TEST(ArticleExtractionEval, MainTextF1) {
  if (!std::filesystem::exists(std::string(kPages) + "/ground-truth.json")) GTEST_SKIP() << kPages << " is absent";
  Result<ExtractionScore> s = EvalArticleExtraction(kPages);
  ASSERT_TRUE(s) << s.error().reason;
  std::vector<PageScore> pages = s->per_page;
  std::sort(pages.begin(), pages.end(),
            [](const PageScore& a, const PageScore& b) { return a.precision + a.recall < b.precision + b.recall; });
  for (size_t i = 0; i < std::min<size_t>(pages.size(), 10); ++i)
    std::printf("  P=%.3f R=%.3f %s %s\n", pages[i].precision, pages[i].recall, pages[i].id.substr(0, 8).c_str(),
                pages[i].url.c_str());
  std::printf("article extraction: pages=%d P=%.3f R=%.3f F1=%.3f\n", s->pages, s->precision, s->recall, s->f1());
  EXPECT_EQ(s->pages, 91);
  EXPECT_GE(s->f1(), 0.965);
  EXPECT_GE(s->precision, 0.955);
  EXPECT_GE(s->recall, 0.970);
}

}  // namespace
}  // namespace herald::webpage
