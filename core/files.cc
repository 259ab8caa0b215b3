#include "core/files.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace herald {

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(v1::INTERNAL, "cannot read " + path + ": " + std::strerror(errno), ErrorKind::kFatal);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace herald
