#include "core/files.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

namespace herald {

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(v1::INTERNAL, "cannot read " + path + ": " + std::strerror(errno), ErrorKind::kFatal);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

Status WriteWholeFile(const std::string& path, std::string_view bytes) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())) || !out.flush()) {
      return Fail(v1::INTERNAL, "cannot write " + temporary + ": " + std::strerror(errno), ErrorKind::kFatal);
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    return Fail(v1::INTERNAL, "cannot rename " + temporary + " to " + path + ": " + std::strerror(errno),
                ErrorKind::kFatal);
  }
  return {};
}

}  // namespace herald
