#include "core/record_format.h"

#include <gtest/gtest.h>

#include <string>

namespace herald {
namespace {

std::optional<std::string> Header(const kafka::Headers& headers, std::string_view name) {
  for (const kafka::Header& h : headers) {
    if (h.key == name) return h.value;
  }
  return std::nullopt;
}

TEST(FitDeadLetterTest, ALetterThatFitsIsLeftWhole) {
  OutgoingRecord letter{"key", "value", {{"herald-dlq-reason", "bad"}}};
  FitDeadLetter(4096, &letter);
  EXPECT_EQ(letter.value, "value");
  EXPECT_EQ(letter.headers.size(), 1u);
}

TEST(FitDeadLetterTest, ALargeValueIsCutAndTheWholesLengthAndHashAdded) {
  const std::string value(100000, 'x');
  OutgoingRecord letter{"key", value, {{"herald-dlq-reason", "too large"}}};
  FitDeadLetter(8192, &letter);
  EXPECT_LE(RecordBytes(letter.key, letter.value, letter.headers), 8192u);
  EXPECT_GT(letter.value.size(), 7000u) << "the rest of the room goes to the value";
  EXPECT_EQ(letter.value, std::string_view(value).substr(0, letter.value.size()));
  EXPECT_EQ(Header(letter.headers, header::kDlqOriginalBytes), "100000");
  EXPECT_EQ(Header(letter.headers, header::kDlqOriginalSha256), Sha256Hex(value));
  EXPECT_EQ(Header(letter.headers, header::kDlqReason), "too large");
}

TEST(FitDeadLetterTest, TheCutNeverSplitsAUtf8Character) {
  std::string value;
  while (value.size() < 20000) value += "\xE2\x82\xAC";  // euro signs, three bytes each
  OutgoingRecord letter{"k", value, {}};
  FitDeadLetter(5000, &letter);
  EXPECT_EQ(letter.value.size() % 3, 0u);
}

TEST(FitDeadLetterTest, HugeKeysAndHeadersAreCutToo) {
  const std::string key(50000, 'k'), header_value(50000, 'h'), value(50000, 'v');
  OutgoingRecord letter{key, value, {{"herald-source", header_value}, {"herald-dlq-reason", "why"}}};
  FitDeadLetter(8192, &letter);
  EXPECT_LE(RecordBytes(letter.key, letter.value, letter.headers), 8192u);
  EXPECT_EQ(letter.key.size(), 1024u);
  EXPECT_EQ(Header(letter.headers, "herald-source")->size(), 256u);
  EXPECT_EQ(Header(letter.headers, header::kDlqReason), "why");
}

TEST(FitDeadLetterTest, ThousandsOfHeadersAreDroppedUntilItFits) {
  kafka::Headers headers;
  for (int i = 0; i < 5000; ++i) headers.push_back({"x-" + std::to_string(i), std::string(100, 'h')});
  headers.push_back({"herald-dlq-reason", "why"});
  const std::string value(100, 'v');  // the letter views it
  OutgoingRecord letter{"k", value, headers};
  FitDeadLetter(65536, &letter);
  EXPECT_LE(RecordBytes(letter.key, letter.value, letter.headers), 65536u);
  EXPECT_EQ(Header(letter.headers, header::kDlqReason), "why") << "herald's own headers stay";
  EXPECT_EQ(Header(letter.headers, "x-0")->size(), 100u) << "the first original ones stay too";
  EXPECT_GT(std::stoi(*Header(letter.headers, header::kDlqHeadersDropped)), 4000);
}

TEST(Sha256Test, KnownDigest) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace herald
