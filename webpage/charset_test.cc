#include "webpage/charset.h"

#include <gtest/gtest.h>

#include "core/utf8.h"

namespace herald::webpage {
namespace {

TEST(CharsetTest, TheByteOrderMarkWinsThenTheHeaderThenTheMetaDeclaration) {
  EXPECT_EQ(DetectCharset("\xEF\xBB\xBF<meta charset=windows-1251>", "text/html; charset=koi8-r"), "utf-8");
  EXPECT_EQ(DetectCharset("<meta charset=windows-1251>", "text/html; charset=\"KOI8-R\""), "koi8-r");
  EXPECT_EQ(DetectCharset("<head><meta charset='windows-1251'>"), "windows-1251");
  EXPECT_EQ(DetectCharset("<meta http-equiv=Content-Type content=\"text/html; charset=Shift_JIS\">"), "shift_jis");
}

TEST(CharsetTest, LatinOneLabelsMeanWindows1252AsInBrowsers) {
  EXPECT_EQ(DetectCharset("x", "text/html; charset=ISO-8859-1"), "windows-1252");
  EXPECT_EQ(DetectCharset("<meta charset=us-ascii>"), "windows-1252");
  // windows-1252's curly quote, which ISO-8859-1 would make a C1 control.
  EXPECT_EQ(ToUtf8("it\x92s", DetectCharset("it\x92s", "text/html; charset=iso-8859-1")), "it\u2019s");
}

TEST(CharsetTest, WithoutADeclarationValidUtf8IsUtf8AndOtherBytesAreDetected) {
  EXPECT_EQ(DetectCharset("<p>caf\xC3\xA9</p>"), "utf-8");
  std::string cyrillic =
      "<p>\xcf\xf0\xe5\xe7\xe8\xe4\xe5\xed\xf2 \xf0\xe0\xe7\xf0\xe0\xe1\xee\xf2\xe0\xeb "
      "\xed\xee\xe2\xfb\xe9 \xef\xeb\xe0\xed \xef\xee \xf0\xe5\xf4\xee\xf0\xec\xe5 "
      "\xe3\xee\xf1\xf3\xe4\xe0\xf0\xf1\xf2\xe2\xe5\xed\xed\xee\xe9 \xf1\xeb\xf3\xe6\xe1\xfb</p>";
  std::string charset = DetectCharset(cyrillic);
  EXPECT_EQ(charset, "windows-1251");
  EXPECT_EQ(ToUtf8(cyrillic, charset).substr(3, 18), "Президент");
}

TEST(CharsetTest, AnUnknownDeclarationFallsBackToDetection) {
  EXPECT_EQ(DetectCharset("<meta charset=klingon><p>caf\xC3\xA9", "text/html; charset=x-unknown"), "utf-8");
}

TEST(CharsetTest, ConversionAlwaysGivesValidUtf8) {
  EXPECT_EQ(ToUtf8("\xEF\xBB\xBFhello", "utf-8"), "hello");
  EXPECT_EQ(ToUtf8("bad \xFF\xFE utf8", "utf-8"), "bad \ufffd\ufffd utf8");
  std::string shift_jis = "\x93\xfa\x96\x7b";  // 日本
  EXPECT_EQ(ToUtf8(shift_jis, "shift_jis"), "日本");
  std::string broken = ToUtf8("\x93\xfa\x96", "shift_jis");  // cut in the middle of a character
  EXPECT_TRUE(IsValidUtf8(broken));
  EXPECT_EQ(broken.substr(0, 3), "日");
  EXPECT_EQ(ToUtf8("caf\xE9", "no-such-charset"), "caf\ufffd");
}

TEST(CharsetTest, ReadsTheCharsetParameter) {
  EXPECT_EQ(CharsetParameter("text/html; Charset=UTF-8"), "UTF-8");
  EXPECT_EQ(CharsetParameter("text/html;charset=\"utf-8\"; x=y"), "utf-8");
  EXPECT_EQ(CharsetParameter("text/html"), "");
}

}  // namespace
}  // namespace herald::webpage
