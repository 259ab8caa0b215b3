// string_hash.h: hash maps and sets keyed by std::string that are looked up
// with a std::string_view, without building a std::string for each lookup.
//
//   StringMap<int> counts;            counts.find(std::string_view("key"));
//   StringSet words;                  words.contains(word_view);
//
// Thread-safety: as the standard containers. Failure: none.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace herald {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

template <typename T>
using StringMap = std::unordered_map<std::string, T, StringHash, std::equal_to<>>;
using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

}  // namespace herald
