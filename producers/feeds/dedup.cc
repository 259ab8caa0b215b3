// dedup.cc: canonical URLs, SimHash and the bounded seen index (dedup.h).
#include "producers/feeds/dedup.h"

#include <bit>

#include "core/utf8.h"

namespace herald {
namespace {

// Query parameters that only say where a reader came from.
bool IsTrackingParameter(std::string_view name) {
  std::string n = AsciiLower(name);
  static constexpr std::string_view kExact[] = {"fbclid", "gclid",  "gclsrc",    "dclid",       "msclkid", "yclid",
                                                "mc_cid", "mc_eid", "igshid",    "_ga",         "_gl",     "ocid",
                                                "cmpid",  "smid",   "at_medium", "at_campaign", "ito",     "wt.mc_id"};
  for (std::string_view e : kExact) {
    if (n == e) return true;
  }
  return n.starts_with("utm_");
}

uint64_t Fnv1a(std::string_view bytes, uint64_t h = 1469598103934665603ULL) {
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(FoldCase(c));
    h *= 1099511628211ULL;
  }
  return h;
}

uint16_t Block(uint64_t h, int i) { return static_cast<uint16_t>(h >> (16 * i)); }

}  // namespace

uint64_t StableHash(std::string_view bytes) { return Fnv1a(bytes); }

std::string CanonicalUrl(std::string_view url) {
  while (!url.empty() && (url.front() == ' ' || url.front() == '\t')) url.remove_prefix(1);
  while (!url.empty() && (url.back() == ' ' || url.back() == '\t')) url.remove_suffix(1);
  url = url.substr(0, url.find('#'));
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  std::string scheme = AsciiLower(url.substr(0, scheme_end));
  std::string_view rest = url.substr(scheme_end + 3);
  size_t host_end = rest.find_first_of("/?");
  std::string host = AsciiLower(rest.substr(0, host_end));
  std::string_view tail = host_end == std::string_view::npos ? std::string_view() : rest.substr(host_end);
  if ((scheme == "http" && host.ends_with(":80")) || (scheme == "https" && host.ends_with(":443")))
    host.resize(host.rfind(':'));
  std::string_view path = tail.substr(0, tail.find('?'));
  std::string out = scheme + "://" + host + (path.empty() ? "/" : std::string(path));
  size_t q = tail.find('?');
  if (q == std::string_view::npos) return out;
  std::string_view query = tail.substr(q + 1);
  std::string kept;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty() || IsTrackingParameter(pair.substr(0, pair.find('=')))) continue;
    kept += kept.empty() ? "" : "&";
    kept += pair;
  }
  return kept.empty() ? out : out + "?" + kept;
}

std::string DedupKey(std::string_view url) {
  std::string canonical = CanonicalUrl(url);
  std::string_view key = canonical;
  if (size_t s = key.find("://"); s != std::string_view::npos) key.remove_prefix(s + 3);
  if (key.starts_with("www.")) key.remove_prefix(4);
  std::string out(key);
  size_t q = out.find('?');
  size_t path_end = q == std::string::npos ? out.size() : q;
  if (path_end > 1 && out[path_end - 1] == '/' && out.find('/') < path_end - 1)
    out.erase(path_end - 1, 1);
  else if (path_end > 0 && out[path_end - 1] == '/' && out.find('/') == path_end - 1)
    out.erase(path_end - 1, 1);
  return out;
}

uint64_t TextSimHash(std::string_view text) {
  std::vector<uint64_t> words;
  size_t i = 0;
  // Letters, digits and every non-ASCII byte make words: enough to compare texts.
  auto in_word = [&](size_t k) {
    unsigned char c = static_cast<unsigned char>(text[k]);
    return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
  };
  while (i < text.size()) {
    while (i < text.size() && !in_word(i)) ++i;
    size_t start = i;
    while (i < text.size() && in_word(i)) ++i;
    if (i > start) words.push_back(Fnv1a(text.substr(start, i - start)));
  }
  if (words.size() < kMinSimHashWords) return 0;
  int weights[64] = {};
  for (size_t w = 0; w + 3 <= words.size(); ++w) {
    uint64_t h = words[w] * 0x9E3779B97F4A7C15ULL ^ std::rotl(words[w + 1], 21) ^ std::rotl(words[w + 2], 42);
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 32;
    for (int b = 0; b < 64; ++b) weights[b] += (h >> b) & 1 ? 1 : -1;
  }
  uint64_t out = 0;
  for (int b = 0; b < 64; ++b) out |= static_cast<uint64_t>(weights[b] > 0) << b;
  return out == 0 ? 1 : out;
}

const SeenEntry* SeenIndex::Find(std::string_view key) const {
  auto it = by_key_.find(std::string(key));
  return it == by_key_.end() ? nullptr : &it->second;
}

const SeenEntry* SeenIndex::FindNear(uint64_t simhash) const {
  if (simhash == 0) return nullptr;
  for (int b = 0; b < 4; ++b) {
    auto [lo, hi] = by_block_[b].equal_range(Block(simhash, b));
    for (auto it = lo; it != hi; ++it) {
      const SeenEntry* e = Find(it->second);
      if (e && e->simhash != 0 && std::popcount(e->simhash ^ simhash) <= kNearDuplicateBits) return e;
    }
  }
  return nullptr;
}

void SeenIndex::IndexBlocks(const std::string& key, uint64_t simhash, bool add) {
  if (simhash == 0) return;
  for (int b = 0; b < 4; ++b) {
    if (add) {
      by_block_[b].emplace(Block(simhash, b), key);
      continue;
    }
    auto [lo, hi] = by_block_[b].equal_range(Block(simhash, b));
    for (auto j = lo; j != hi; ++j) {
      if (j->second == key) {
        by_block_[b].erase(j);
        break;
      }
    }
  }
}

void SeenIndex::Add(SeenEntry entry) {
  std::string key = entry.key;
  uint64_t simhash = entry.simhash;
  if (auto it = by_key_.find(key); it != by_key_.end()) {
    // A key seen again keeps its age: eviction order is first sight.
    IndexBlocks(key, it->second.simhash, false);
    it->second = std::move(entry);
  } else {
    by_key_.emplace(key, std::move(entry));
    order_.push_back(key);
  }
  IndexBlocks(key, simhash, true);
  while (by_key_.size() > capacity_ && !order_.empty()) {
    std::string oldest = std::move(order_.front());
    order_.pop_front();
    auto it = by_key_.find(oldest);
    IndexBlocks(oldest, it->second.simhash, false);
    by_key_.erase(it);
  }
}

}  // namespace herald
