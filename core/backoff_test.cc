#include "core/backoff.h"

#include <gtest/gtest.h>

namespace herald {
namespace {

using std::chrono::seconds;

TEST(BackoffTest, DoublesFromTheFirstWaitUpToTheLongest) {
  EXPECT_EQ(DoubledBackoff(seconds(1), 0, seconds(60)), seconds(0));
  EXPECT_EQ(DoubledBackoff(seconds(1), 1, seconds(60)), seconds(1));
  EXPECT_EQ(DoubledBackoff(seconds(1), 4, seconds(60)), seconds(8));
  EXPECT_EQ(DoubledBackoff(seconds(1), 7, seconds(60)), seconds(60));
  EXPECT_EQ(DoubledBackoff(seconds(1), 1'000'000, seconds(60)), seconds(60)) << "no overflow however many failures";
}

TEST(BackoffTest, JitterStaysWithinAFifthEitherWay) {
  std::mt19937 random(7);
  bool below = false, above = false;
  for (int i = 0; i < 200; ++i) {
    const auto w = Jittered(std::chrono::milliseconds(1000), random);
    EXPECT_GE(w.count(), 800);
    EXPECT_LE(w.count(), 1200);
    below |= w.count() < 1000;
    above |= w.count() > 1000;
  }
  EXPECT_TRUE(below && above) << "spread, not a constant";
}

}  // namespace
}  // namespace herald
