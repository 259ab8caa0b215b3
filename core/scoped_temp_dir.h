// scoped_temp_dir.h: a fresh directory under the system temp directory, removed
// with everything in it when the object goes away. For tests.
//
//   ScopedTempDir dir("herald-kb-test");
//   std::string path = dir.Write("cities.txt", "...");
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace herald {

class ScopedTempDir {
 public:
  explicit ScopedTempDir(const std::string& prefix)
      : path_(std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScopedTempDir() { std::filesystem::remove_all(path_); }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `text` to `relative` (its directories must exist) and returns the full path.
  std::string Write(const std::filesystem::path& relative, const std::string& text) const {
    std::ofstream(path_ / relative) << text;
    return (path_ / relative).string();
  }

 private:
  std::filesystem::path path_;
};

}  // namespace herald
