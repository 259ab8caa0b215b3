#include "herald/v1/json.h"

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <random>

#include "proto/json_text.h"

namespace herald {
namespace {

template <typename Message>
std::string ProtobufJson(const Message& m) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string out;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(m, &out, options).ok());
  return out;
}

std::string Utf8(uint32_t c) {
  std::string s;
  if (c < 0x80) {
    s += static_cast<char>(c);
  } else if (c < 0x800) {
    s += static_cast<char>(0xc0 | (c >> 6)), s += static_cast<char>(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    s += static_cast<char>(0xe0 | (c >> 12)), s += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    s += static_cast<char>(0x80 | (c & 0x3f));
  } else {
    s += static_cast<char>(0xf0 | (c >> 18)), s += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3f)), s += static_cast<char>(0x80 | (c & 0x3f));
  }
  return s;
}

TEST(JsonWriterTest, EveryCodePointIsWrittenAsProtobufWritesIt) {
  // All of Unicode but the surrogates, in strings of 4,096 code points.
  for (uint32_t first = 0; first <= 0x10ffff; first += 0x1000) {
    v1::Article article;
    std::string text;
    for (uint32_t c = first; c < first + 0x1000 && c <= 0x10ffff; ++c) {
      if (c < 0xd800 || c > 0xdfff) text += Utf8(c);
    }
    article.set_body(text);
    ASSERT_EQ(v1::ToJson(article), ProtobufJson(article)) << "code points from U+" << std::hex << first;
  }
}

TEST(JsonWriterTest, NumbersAreWrittenAsProtobufWritesThem) {
  std::mt19937_64 random(7);
  v1::EventRecord record;
  const double specials[] = {0.0,
                             -0.0,
                             0.1,
                             1.0 / 3,
                             1e21,
                             1e-7,
                             123456789012345678.0,
                             -10,
                             5e-324,
                             std::numeric_limits<double>::max(),
                             std::numeric_limits<double>::quiet_NaN(),
                             std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity()};
  for (double d : specials) {
    v1::Location* l = record.add_locations();
    l->set_latitude(d);
    l->set_longitude(-d);
    l->set_geonames_id(static_cast<int64_t>(random()));
    record.add_events()->set_confidence(static_cast<float>(d));
  }
  for (int i = 0; i < 2000; ++i) {  // subnormals, which only strtof refuses to read back
    record.add_locations()->set_latitude(std::bit_cast<double>(random() >> 12));
    record.add_events()->set_confidence(std::bit_cast<float>(static_cast<uint32_t>(random() >> 41)));
  }
  for (int i = 0; i < 20000; ++i) {
    v1::Location* l = record.add_locations();
    l->set_latitude(std::bit_cast<double>(random()));                             // any bits: any exponent
    l->set_longitude(std::uniform_real_distribution<double>(-180, 180)(random));  // coordinates
    v1::CodedEvent* e = record.add_events();
    e->set_confidence(std::bit_cast<float>(static_cast<uint32_t>(random())));
    e->set_goldstein(std::round(std::uniform_real_distribution<double>(-100, 100)(random)) / 10);
    e->set_quad_class(static_cast<uint32_t>(random()));
  }
  record.mutable_stats()->set_simhash(std::numeric_limits<uint64_t>::max());
  record.mutable_provenance()->set_offset(std::numeric_limits<int64_t>::min());
  record.mutable_provenance()->set_partition(-1);
  const std::string ours = v1::ToJson(record), theirs = ProtobufJson(record);
  const size_t differ = std::mismatch(ours.begin(), ours.end(), theirs.begin(), theirs.end()).first - ours.begin();
  EXPECT_EQ(ours.substr(differ > 80 ? differ - 80 : 0, 160), theirs.substr(differ > 80 ? differ - 80 : 0, 160));
}

TEST(JsonWriterTest, EmptyAndDefaultFieldsAreLeftOutAsProtobufLeavesThem) {
  v1::EventRecord record;
  EXPECT_EQ(v1::ToJson(record), "{}");
  record.mutable_tone();                                 // present though empty
  record.add_locations()->set_resolved(false);           // a default scalar
  record.add_themes("");                                 // an empty string in a list
  record.mutable_article()->add_tags("a\"b\\c\n<>&'/");  // escapes
  EXPECT_EQ(v1::ToJson(record), ProtobufJson(record));
  EXPECT_EQ(v1::ToJson(record),
            R"({"article":{"tags":["a\"b\\c\n\u003c\u003e&'/"]},"locations":[{}],"themes":[""],"tone":{}})");
}

TEST(JsonWriterTest, IllFormedUtf8BecomesReplacementCharactersAndStaysValidJson) {
  std::string out;
  json::AppendString(
      "a\xff"
      "b\xe2\x82"
      "c\xed\xa0\x80"
      "d\xc0\xaf",
      &out);
  EXPECT_EQ(out,
            "\"a\xef\xbf\xbd"
            "b\xef\xbf\xbd\xef\xbf\xbd"
            "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
            "d\xef\xbf\xbd\xef\xbf\xbd\"");
}

TEST(JsonWriterTest, BytesAreBase64) {
  std::string out;
  json::AppendBase64("", &out);
  json::AppendBase64("f", &out);
  json::AppendBase64("fo", &out);
  json::AppendBase64("foo\xff", &out);
  EXPECT_EQ(out, R"("""Zg==""Zm8=""Zm9v/w==")");
}

}  // namespace
}  // namespace herald
