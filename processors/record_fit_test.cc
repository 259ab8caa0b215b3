#include "processors/record_fit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace herald {
namespace {

using ::testing::ElementsAre;

v1::EventRecord Record(size_t body_bytes) {
  v1::EventRecord r;
  r.set_id("a1");
  r.mutable_article()->set_title("Talks");
  r.mutable_article()->set_body(std::string(body_bytes, 'w'));
  v1::Location* paris = r.add_locations();
  paris->set_name("Paris");
  for (int i = 0; i < 200; ++i) {
    v1::Span* s = paris->add_spans();
    s->set_begin(i * 10);
    s->set_end(i * 10 + 5);
  }
  r.add_events()->set_cameo_code("036");
  return r;
}

TEST(FitEventRecordTest, ARecordThatFitsIsUntouched) {
  v1::EventRecord r = Record(1000);
  Result<size_t> size = FitEventRecord(1 << 20, &r);
  ASSERT_TRUE(size);
  EXPECT_EQ(*size, r.ByteSizeLong());
  EXPECT_TRUE(r.trimmed().empty());
  EXPECT_EQ(r.article().body().size(), 1000u);
}

TEST(FitEventRecordTest, TheBodyGoesFirstAndTrimmingStopsOnceItFits) {
  v1::EventRecord r = Record(100000);
  ASSERT_TRUE(FitEventRecord(50000, &r));
  EXPECT_THAT(r.trimmed(), ElementsAre("article.body"));
  EXPECT_TRUE(r.article().body().empty());
  EXPECT_EQ(r.locations(0).spans_size(), 200);
  EXPECT_LE(r.ByteSizeLong(), 50000u);
}

TEST(FitEventRecordTest, StepsFollowTheDocumentedOrder) {
  v1::EventRecord r = Record(100000);
  const size_t without_body_and_spans = [&] {
    v1::EventRecord copy = r;
    copy.mutable_article()->clear_body();
    copy.mutable_locations(0)->clear_spans();
    return copy.ByteSizeLong();
  }();
  ASSERT_TRUE(FitEventRecord(without_body_and_spans + 40, &r));
  EXPECT_THAT(r.trimmed(), ElementsAre("article.body", "spans"));
  EXPECT_EQ(r.locations(0).name(), "Paris");
  EXPECT_EQ(r.events_size(), 1);
}

TEST(FitEventRecordTest, ARecordThatCannotFitIsRecordTooLarge) {
  v1::EventRecord r = Record(10);
  r.set_id(std::string(5000, 'i'));
  Result<size_t> s = FitEventRecord(1000, &r);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, v1::RECORD_TOO_LARGE);
}

}  // namespace
}  // namespace herald
