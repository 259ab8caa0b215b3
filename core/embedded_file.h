// embedded_file.h: a file compiled into the binary by cmake/embed.cmake.
//
// Purpose: herald's built-in data (the knowledge tables) ships inside the binary, so
// that it runs with no files beside it. A CMake target embeds a folder's files as an
// array of these; the code that owns the data declares the array and looks entries
// up by name (FindEmbedded).
//
//   extern const EmbeddedFile kEmbeddedKnowledge[];   // generated
//   extern const size_t kEmbeddedKnowledge_count;
//   std::optional<std::string_view> text = FindEmbedded(kEmbeddedKnowledge, kEmbeddedKnowledge_count, "tone");
//
// Thread-safety: constant data. Failure: FindEmbedded returns nullopt for a name
// the array lacks.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace herald {

struct EmbeddedFile {
  std::string_view name;  // the file name without folder and extension
  std::string_view text;
};

inline std::optional<std::string_view> FindEmbedded(const EmbeddedFile* files, size_t count, std::string_view name) {
  for (size_t i = 0; i < count; ++i) {
    if (files[i].name == name) return files[i].text;
  }
  return std::nullopt;
}

}  // namespace herald
