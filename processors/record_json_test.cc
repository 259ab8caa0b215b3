// herald's JSON writer (herald/v1/json.h) against Protobuf's converter on every
// record the corpora make: what `herald extract` prints and the store keeps
// must be what any Protobuf JSON reader expects.
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include "core/article_source.h"
#include "core/corpus.h"
#include "herald/v1/json.h"
#include "processors/extractor.h"

namespace herald {
namespace {

std::string ProtobufJson(const v1::EventRecord& record) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string out;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(record, &out, options).ok());
  return out;
}

// Compares every record of `articles`; returns how many were compared.
size_t CompareRecords(const std::vector<SourceArticle>& articles) {
  auto kb = KnowledgeBase::Load({});
  EXPECT_TRUE(kb.has_value());
  const Extractor extractor(*kb);
  size_t compared = 0;
  for (const SourceArticle& a : articles) {
    auto record = extractor.Process(a.bytes, {.content_type = a.content_type, .key = ArticleKey(a)});
    if (!record) continue;
    EXPECT_EQ(v1::ToJson(*record), ProtobufJson(*record)) << a.origin;
    ++compared;
  }
  return compared;
}

TEST(RecordJsonTest, EverySampleRecordIsWrittenAsProtobufWritesIt) {
  auto samples = ReadArticles({"samples", "../shared/corpus/seed"}, ArticleFormat::kAuto);
  if (!samples) samples = ReadArticles({"samples"}, ArticleFormat::kAuto);
  ASSERT_TRUE(samples.has_value()) << samples.error().reason;
  EXPECT_GT(CompareRecords(*samples), 5u);
}

TEST(RecordJsonTest, EveryReutersRecordIsWrittenAsProtobufWritesIt) {
  auto envelopes = ReutersEnvelopes("../shared/corpus/reuters21578");
  if (!envelopes) GTEST_SKIP() << "../shared/corpus/reuters21578 is absent: " << envelopes.error().reason;
  std::vector<SourceArticle> articles;
  for (std::string& e : *envelopes) articles.push_back({std::move(e), "application/json", "reuters"});
  EXPECT_EQ(CompareRecords(articles), articles.size());
}

}  // namespace
}  // namespace herald
