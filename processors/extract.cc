#include "processors/extract.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <optional>

#include "core/files.h"
#include "herald/v1/json.h"
#include "processors/article_parser.h"
#include "processors/extractor.h"

namespace herald {

void DeclareExtractSettings(SettingsTable& t, ExtractOptions* o) { DeclareKnowledgeSettings(t, &o->knowledge); }

void AddExtractArguments(CLI::App* app, ExtractOptions* o) {
  app->add_option("inputs", o->inputs, "Files, directories, or - for stdin")->required();
  AddArticleFormatOption(app, &o->format);
  app->add_option("--max-article-bytes", o->max_article_bytes, "Larger articles are rejected")->capture_default_str();
}

namespace {

// The extractor both commands use; nullopt after reporting why on stderr.
std::optional<Extractor> LoadExtractor(const ExtractOptions& options, std::string_view command) {
  auto kb = KnowledgeBase::Load(options.knowledge);
  if (!kb) {
    std::cerr << "herald " << command << ": " << kb.error().reason << "\n";
    return std::nullopt;
  }
  return Extractor(*kb);
}

// Reading errors end the command (exit 2) after what was read is written.
int ReadingFailed(std::string_view command, const Status& read) {
  std::cerr << "herald " << command << ": " << read.error().reason << "\n";
  return 2;
}

}  // namespace

int RunExtract(const ExtractOptions& options) {
  const std::optional<Extractor> extractor = LoadExtractor(options, "extract");
  if (!extractor) return 2;
  int rejected = 0;
  // Records go out a megabyte at a time: one write per thousand lines or so,
  // not one per line.
  std::string out;
  auto write_out = [&] {
    std::fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
  };
  Status read = ForEachArticle(options.inputs, options.format, [&](SourceArticle&& a) -> Status {
    const std::string key = ArticleKey(a);
    auto record = extractor->Process(
        a.bytes, {.content_type = a.content_type, .key = key, .max_bytes = options.max_article_bytes});
    if (!record) {
      std::cerr << "herald extract: " << a.origin << ": rejected (" << record.error().code_name()
                << "): " << record.error().reason << "\n";
      ++rejected;
      return {};
    }
    v1::AppendJson(*record, &out);
    out.push_back('\n');
    if (out.size() >= BlockReader::kBlockBytes) write_out();
    return {};
  });
  write_out();
  std::fflush(stdout);
  if (!read) return ReadingFailed("extract", read);
  return rejected ? 1 : 0;
}

int RunExplain(const ExtractOptions& options) {
  const std::optional<Extractor> extractor = LoadExtractor(options, "explain");
  if (!extractor) return 2;
  int rejected = 0;
  Status read = ForEachArticle(options.inputs, options.format, [&](SourceArticle&& a) -> Status {
    v1::EventRecord record;
    const std::string key = ArticleKey(a);
    Status parsed =
        ParseArticle(a.bytes, {.content_type = a.content_type, .key = key, .max_bytes = options.max_article_bytes},
                     record.mutable_article());
    if (!parsed) {
      std::cout << "== " << a.origin << ": rejected (" << parsed.error().code_name() << "): " << parsed.error().reason
                << "\n";
      ++rejected;
      return {};
    }
    std::string explanation;
    extractor->Extract(&record, &explanation);
    std::cout << "== " << a.origin << ": " << record.article().title() << "\n";
    std::cout << "countries:";
    for (const v1::CountryMention& c : record.countries()) std::cout << " " << c.code() << "(" << c.mentions() << ")";
    std::cout << "\npersons:";
    for (const v1::Person& p : record.persons()) {
      std::cout << " \"" << p.name() << "\"" << (p.actor_code().empty() ? "" : " " + p.actor_code()) << ";";
    }
    std::cout << "\nsentences (word, UPOS, lemma, head, relation, actor):" << explanation;
    std::cout << "\nevents: " << record.events_size() << "\n";
    for (const v1::CodedEvent& e : record.events()) {
      std::cout << "  " << e.source().code() << " " << e.cameo_code() << " " << e.target().code() << " " << e.plover()
                << " [" << e.trigger() << "; " << e.pattern() << "; " << e.rule() << "; " << e.confidence() << "]\n";
    }
    return {};
  });
  if (!read) return ReadingFailed("explain", read);
  return rejected ? 1 : 0;
}

}  // namespace herald
