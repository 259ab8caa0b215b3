// libFuzzer target: any bytes as a feed document (RSS, RDF, Atom, JSON Feed)
// under a Content-Type with or without a charset, through ParseFeed and the
// resolution of its links: what `herald feeds` runs on bytes from any server.
// Built by scripts/fuzz.sh; seeds in fuzz/corpus/feed.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/utf8.h"
#include "producers/feeds/feed_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr std::string_view kTypes[] = {"", "application/rss+xml; charset=utf-8",
                                                "text/xml; charset=windows-1252", "application/feed+json"};
  std::string_view type = kTypes[data[0] % std::size(kTypes)];
  std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  auto feed = herald::ParseFeed(bytes, type, "https://example.com/feeds/all.xml", 100);
  if (feed) {
    for (const herald::FeedItem& item : feed->items) {
      if (!herald::IsValidUtf8(item.title) || !herald::IsValidUtf8(item.url)) __builtin_trap();
    }
  }
  return 0;
}
