#include "processors/extract.h"

#include <google/protobuf/util/json_util.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "processors/extractor.h"

namespace herald {

void DeclareExtractSettings(SettingsTable& t, ExtractOptions* o) { DeclareKnowledgeSettings(t, &o->knowledge); }

void AddExtractArguments(CLI::App* app, ExtractOptions* o) {
  app->add_option("inputs", o->inputs, "Files, directories, or - for stdin")->required();
  AddArticleFormatOption(app, &o->format);
  app->add_option("--max-article-bytes", o->max_article_bytes, "Larger articles are rejected")->capture_default_str();
}

int RunExtract(const ExtractOptions& options) {
  auto kb = KnowledgeBase::Load(options.knowledge);
  if (!kb) {
    std::cerr << "herald extract: " << kb.error().reason << "\n";
    return 2;
  }
  auto articles = ReadArticles(options.inputs, options.format);
  if (!articles) {
    std::cerr << "herald extract: " << articles.error().reason << "\n";
    return 2;
  }
  Extractor extractor(*kb);
  google::protobuf::util::JsonPrintOptions json;
  json.preserve_proto_field_names = true;
  int rejected = 0;
  std::string line;
  for (const SourceArticle& a : *articles) {
    std::string key = ArticleKey(a);
    auto record = extractor.Process(
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

}  // namespace herald
