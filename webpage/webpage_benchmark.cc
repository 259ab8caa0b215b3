// Pages per second on one core: reading a web article (charset, HTML, main
// text, metadata) and the HTML reading alone, against gumbo (a full HTML5
// parser) and libxml2's HTML parser reading the same pages, over the
// article-extraction pages in ../shared (a built-in page when it is absent).
//
//   build/webpage/herald_webpage_benchmark
//
// items_per_second is pages/s; bytes_per_second is page bytes/s.
#include <benchmark/benchmark.h>
#include <gumbo.h>
#include <libxml/HTMLparser.h>

#include <cstdio>
#include <filesystem>

#include "webpage/extraction_eval.h"
#include "webpage/html_document.h"
#include "webpage/web_article.h"

namespace herald::webpage {
namespace {

constexpr const char* kPages = "../shared/eval/article-extraction/html";

const std::vector<std::string>& Pages() {
  static const std::vector<std::string> pages = [] {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(kPages, ec)) {
      if (Result<std::string> page = ReadGzipFile(entry.path().string())) out.push_back(std::move(*page));
    }
    if (out.empty()) {
      std::fprintf(stderr, "note: %s is absent; benchmarking one built-in page\n", kPages);
      std::string page = "<html><head><title>T</title></head><body><nav><a href=/>Home</a></nav><article>";
      for (int i = 0; i < 40; ++i) page += "<p>A paragraph of the article, with a comma and some words.</p>";
      out.push_back(page + "</article><footer>(c) Site</footer></body></html>");
    }
    return out;
  }();
  return pages;
}

template <typename Read>
void OverPages(benchmark::State& state, Read read) {
  const std::vector<std::string>& pages = Pages();
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& page = pages[i++ % pages.size()];
    read(page);
    bytes += page.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_ReadWebArticle(benchmark::State& state) {
  OverPages(state, [](const std::string& page) { benchmark::DoNotOptimize(ReadWebArticle(page)); });
}
BENCHMARK(BM_ReadWebArticle);

void BM_HtmlDocument(benchmark::State& state) {
  OverPages(state, [](const std::string& page) { benchmark::DoNotOptimize(HtmlDocument::Parse(page)); });
}
BENCHMARK(BM_HtmlDocument);

void BM_Gumbo(benchmark::State& state) {
  OverPages(state, [](const std::string& page) {
    GumboOutput* out = gumbo_parse_with_options(&kGumboDefaultOptions, page.data(), page.size());
    gumbo_destroy_output(&kGumboDefaultOptions, out);
  });
}
BENCHMARK(BM_Gumbo);

void BM_Libxml2Html(benchmark::State& state) {
  OverPages(state, [](const std::string& page) {
    htmlDocPtr doc = htmlReadMemory(page.data(), static_cast<int>(page.size()), nullptr, "UTF-8",
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    xmlFreeDoc(doc);
  });
}
BENCHMARK(BM_Libxml2Html);

}  // namespace
}  // namespace herald::webpage

BENCHMARK_MAIN();
