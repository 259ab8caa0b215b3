#include "core/status.h"

#include <gtest/gtest.h>

namespace herald {
namespace {

TEST(ErrorTest, NamesCodeAndKindForHeadersAndLogs) {
  Error e{v1::MALFORMED_JSON, ErrorKind::kPermanent, "bad"};
  EXPECT_EQ(e.code_name(), "MALFORMED_JSON");
  EXPECT_EQ(e.kind_name(), "permanent");
  EXPECT_EQ(Retriable("x").error().kind_name(), "retriable");
  EXPECT_EQ(Fatal("x").error().kind_name(), "fatal");
}

}  // namespace
}  // namespace herald
