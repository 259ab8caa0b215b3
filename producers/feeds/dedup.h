// dedup.h: what makes two feed items the same article: their canonical URL
// (the same page under tracking parameters, another scheme, "www." or a
// trailing slash) or their text (a wire story syndicated by several outlets).
//
//   std::string key = DedupKey("HTTPS://www.Example.com/a/?utm_source=x#top");   // "example.com/a"
//   SeenIndex seen(100000);
//   if (const SeenEntry* first = seen.Find(key)) skip(...);
//   else if (const SeenEntry* near = seen.FindNear(TextSimHash(text))) duplicate_of(near->url);
//   seen.Add({.key = key, .url = url, .simhash = h});
//
// Near-duplicate: SimHash over word 3-grams, case-folded; two texts are one
// story when their 64-bit hashes differ in at most kNearDuplicateBits (3) bits,
// the threshold Manku et al. found right for web pages, and when both have at
// least kMinSimHashWords words (short texts collide by chance). Found through
// four tables of 16-bit blocks: hashes within 3 bits share at least one block.
//
// The index is bounded: past `capacity` entries the oldest go first, so a
// daemon's memory stays flat; with the seen topic as the durable copy (every
// entry is a record there), a restart reloads the newest `capacity`.
// Thread-safety: SeenIndex is not thread-safe (one per daemon loop).
// Failure: none.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace herald {

inline constexpr int kNearDuplicateBits = 3;
inline constexpr size_t kMinSimHashWords = 50;

// The URL as fetched, normalised: scheme and host lower case, default port,
// fragment and tracking parameters (utm_*, fbclid, gclid, ...) removed.
std::string CanonicalUrl(std::string_view url);
// The identity of an article's URL: CanonicalUrl without its scheme, a leading
// "www." and a trailing slash ("example.com/a/b?id=7").
std::string DedupKey(std::string_view url);

// A hash of the bytes that every process and version computes alike (FNV-1a, case-folded).
uint64_t StableHash(std::string_view bytes);

// 64-bit SimHash of the text's words (0 when it has fewer than kMinSimHashWords).
uint64_t TextSimHash(std::string_view text);

struct SeenEntry {
  std::string key;  // DedupKey
  std::string url;  // as produced
  std::string article_id;
  uint64_t simhash = 0;  // 0: none
  int64_t seen_at_ms = 0;
};

class SeenIndex {
 public:
  explicit SeenIndex(size_t capacity) : capacity_(capacity) {}

  const SeenEntry* Find(std::string_view key) const;
  // An entry whose text is within kNearDuplicateBits of simhash (simhash != 0), else null.
  const SeenEntry* FindNear(uint64_t simhash) const;
  // Adds or replaces the entry for entry.key.
  void Add(SeenEntry entry);
  size_t size() const { return by_key_.size(); }

 private:
  void IndexBlocks(const std::string& key, uint64_t simhash, bool add);

  size_t capacity_;
  std::unordered_map<std::string, SeenEntry> by_key_;
  std::deque<std::string> order_;  // keys, first seen first
  std::array<std::unordered_multimap<uint16_t, std::string>, 4> by_block_;
};

}  // namespace herald
