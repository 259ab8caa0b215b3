#include "core/clock.h"

#include <gtest/gtest.h>

namespace herald {
namespace {

constexpr int64_t kSecond = 1000000;
// 2026-11-29T23:59:00Z.
constexpr int64_t kReference = 1795996740 * kSecond;

TEST(ClockTest, Rfc3339RoundTrips) {
  EXPECT_EQ(FormatRfc3339(kReference + 123000), "2026-11-29T23:59:00.123Z");
  EXPECT_EQ(ParseTimestamp("2026-11-29T23:59:00.123Z"), kReference + 123000);
}

TEST(ClockTest, IsoTimestampsInTheirCommonShapes) {
  EXPECT_EQ(ParseTimestamp("2026-11-29T23:59:00Z"), kReference);
  EXPECT_EQ(ParseTimestamp("2026-11-29t23:59:00z"), kReference);
  EXPECT_EQ(ParseTimestamp("2026-11-29 23:59:00"), kReference) << "no zone: UTC";
  EXPECT_EQ(ParseTimestamp("2026-11-29T23:59Z"), kReference) << "no seconds";
  EXPECT_EQ(ParseTimestamp("2026-11-30T00:59:00+01:00"), kReference);
  EXPECT_EQ(ParseTimestamp("2026-11-30T00:59:00+0100"), kReference);
  EXPECT_EQ(ParseTimestamp("2026-11-29T18:59:00-05"), kReference);
  EXPECT_EQ(ParseTimestamp("2026-11-29T23:59:00.5Z"), kReference + kSecond / 2);
  EXPECT_EQ(ParseTimestamp("2026-11-29"), kReference - (23 * 3600 + 59 * 60) * kSecond);
  EXPECT_EQ(ParseTimestamp("  2026-11-29T23:59:00Z\n"), kReference);
  EXPECT_EQ(ParseTimestamp("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseTimestamp("1899-12-31"), std::nullopt) << "before 1900 is refused";
}

TEST(ClockTest, Rfc2822TimestampsAsFeedsWriteThem) {
  EXPECT_EQ(ParseTimestamp("Sun, 29 Nov 2026 23:59:00 GMT"), kReference);
  EXPECT_EQ(ParseTimestamp("29 Nov 2026 23:59:00 +0000"), kReference);
  EXPECT_EQ(ParseTimestamp("Mon, 30 Nov 2026 00:59:00 +0100"), kReference);
  EXPECT_EQ(ParseTimestamp("Sun, 29 Nov 2026 18:59:00 EST"), kReference);
  EXPECT_EQ(ParseTimestamp("Sun, 29 November 2026 23:59 UT"), kReference);
  EXPECT_EQ(ParseTimestamp("Sun, 9 Nov 2026 23:59:00 GMT"), kReference - 20 * 86400 * kSecond);
}

TEST(ClockTest, WhatIsNoTimestampIsRefused) {
  for (const char* bad : {"", "yesterday", "2026-13-01", "2026-02-30T00:00:00Z", "2026-11-29T24:00:00Z",
                          "2026-11-29T23:59:00+25:00", "2026-11-29T23:59:00Zjunk", "Sun, 29 Foo 2026 23:59:00 GMT",
                          "29 Nov 2026 23:59:00 XYZ", "2026-11-29T23:59:00.Z", "20261129T235900Z", "99999-01-01"}) {
    EXPECT_EQ(ParseTimestamp(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(ParseTimestamp("2028-02-29"), ParseTimestamp("2028-02-28T00:00:00Z").value() + 86400 * kSecond)
      << "a leap day";
}

}  // namespace
}  // namespace herald
