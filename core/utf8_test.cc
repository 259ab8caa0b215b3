#include "core/utf8.h"

#include <gtest/gtest.h>

namespace herald {
namespace {

constexpr std::string_view kFffd = "\xEF\xBF\xBD";

TEST(Utf8Test, ValidTextComesBackUnchanged) {
  for (std::string_view s : {"", "plain", "caf\xC3\xA9", "\xE2\x82\xAC 5", "\xF0\x9F\x98\x80"}) {
    EXPECT_TRUE(IsValidUtf8(s)) << s;
    EXPECT_EQ(RepairUtf8(s), s);
  }
}

TEST(Utf8Test, EachMaximalIllFormedSubpartBecomesOneReplacementCharacter) {
  EXPECT_EQ(RepairUtf8("Le Monde \xE9"
                       "dition"),
            std::string("Le Monde ") + std::string(kFffd) + "dition");
  EXPECT_EQ(RepairUtf8("\xFF\xFE"), std::string(kFffd) + std::string(kFffd));
  // A truncated three-byte sequence is one subpart; the byte after it stands alone.
  EXPECT_EQ(RepairUtf8("\xE2\x82"
                       "A"),
            std::string(kFffd) + "A");
  // Overlong and surrogate encodings are ill-formed from their first byte.
  EXPECT_EQ(RepairUtf8("\xC0\xAF"), std::string(kFffd) + std::string(kFffd));
  EXPECT_EQ(RepairUtf8("\xED\xA0\x80"), std::string(kFffd) + std::string(kFffd) + std::string(kFffd));
  EXPECT_EQ(RepairUtf8("end\xF0\x9F"), "end" + std::string(kFffd));
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80")) << "past U+10FFFF";
  EXPECT_TRUE(IsValidUtf8(RepairUtf8("\xF4\x90\x80\x80\xC3")));
}

TEST(Utf8Test, ControlCharactersAreShownNotObeyed) {
  EXPECT_EQ(EscapeControl("\x1B[2Jkey\n"), "\\x1B[2Jkey\\x0A");
  EXPECT_EQ(EscapeControl("a\\b"), "a\\\\b");
  EXPECT_EQ(EscapeControl("\xC2\x9B"
                          "31m"),
            "\\x9B31m")
      << "C1 CSI";
  EXPECT_EQ(EscapeControl("\x7F"), "\\x7F");
  EXPECT_EQ(EscapeControl("caf\xC3\xA9 \xFF"), "caf\xC3\xA9 " + std::string(kFffd));
}

}  // namespace
}  // namespace herald

namespace herald {
namespace {

TEST(TrimAsciiSpaceTest, TakesAsciiSpaceOffBothEndsOnly) {
  EXPECT_EQ(TrimAsciiSpace("  a b\t\r\n"), "a b");
  EXPECT_EQ(TrimAsciiSpace("\f\vx\v"), "x");
  EXPECT_EQ(TrimAsciiSpace(" \t\r\n"), "");
  EXPECT_EQ(TrimAsciiSpace(""), "");
  EXPECT_EQ(TrimAsciiSpace("\xC2\xA0x\xC2\xA0"), "\xC2\xA0x\xC2\xA0") << "no-break space is not ASCII space";
}

}  // namespace
}  // namespace herald
