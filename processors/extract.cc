#include "processors/extract.h"

#include <google/protobuf/util/json_util.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>

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

// The knowledge and the articles both commands start from; false after
// reporting why on stderr.
struct Loaded {
  std::optional<Extractor> extractor;
  std::vector<SourceArticle> articles;
};
bool Load(const ExtractOptions& options, std::string_view command, Loaded* out) {
  auto kb = KnowledgeBase::Load(options.knowledge);
  if (!kb) {
    std::cerr << "herald " << command << ": " << kb.error().reason << "\n";
    return false;
  }
  auto articles = ReadArticles(options.inputs, options.format);
  if (!articles) {
    std::cerr << "herald " << command << ": " << articles.error().reason << "\n";
    return false;
  }
  out->extractor.emplace(*kb);
  out->articles = std::move(*articles);
  return true;
}

}  // namespace

int RunExtract(const ExtractOptions& options) {
  Loaded loaded;
  if (!Load(options, "extract", &loaded)) return 2;
  google::protobuf::util::JsonPrintOptions json;
  json.preserve_proto_field_names = true;
  int rejected = 0;
  std::string line;
  for (const SourceArticle& a : loaded.articles) {
    std::string key = ArticleKey(a);
    auto record = loaded.extractor->Process(
        a.bytes, {.content_type = a.content_type, .key = key, .max_bytes = options.max_article_bytes});
    if (!record) {
      std::cerr << "herald extract: " << a.origin << ": rejected (" << record.error().code_name()
                << "): " << record.error().reason << "\n";
      ++rejected;
      continue;
    }
    line.clear();
    (void)google::protobuf::util::MessageToJsonString(*record, &line, json);
    std::cout << line << "\n";
  }
  std::cout.flush();
  return rejected ? 1 : 0;
}

int RunExplain(const ExtractOptions& options) {
  Loaded loaded;
  if (!Load(options, "explain", &loaded)) return 2;
  int rejected = 0;
  for (const SourceArticle& a : loaded.articles) {
    v1::EventRecord record;
    const std::string key = ArticleKey(a);
    Status parsed =
        ParseArticle(a.bytes, {.content_type = a.content_type, .key = key, .max_bytes = options.max_article_bytes},
                     record.mutable_article());
    if (!parsed) {
      std::cout << "== " << a.origin << ": rejected (" << parsed.error().code_name() << "): " << parsed.error().reason
                << "\n";
      ++rejected;
      continue;
    }
    std::string explanation;
    loaded.extractor->Extract(&record, &explanation);
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
  }
  return rejected ? 1 : 0;
}

}  // namespace herald
