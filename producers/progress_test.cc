#include "producers/progress.h"

#include <gtest/gtest.h>

namespace herald {
namespace {

TEST(ProgressTest, ShowsBarCountsRateAndEta) {
  EXPECT_EQ(FormatProgress(5000, 10000, std::chrono::seconds(2)),
            "[##########..........]  5,000/10,000 articles  2,500/s  ETA 2s");
}

TEST(ProgressTest, StartAndEndAreWellFormed) {
  EXPECT_EQ(FormatProgress(0, 1234567, std::chrono::seconds(0)),
            "[....................]  0/1,234,567 articles  0/s  ETA -");
  EXPECT_EQ(FormatProgress(10, 10, std::chrono::milliseconds(500)),
            "[####################]  10/10 articles  20/s  ETA 0s");
}

}  // namespace
}  // namespace herald
