#include "core/files.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fcntl.h>
#include <unistd.h>

namespace herald {

Result<bool> BlockReader::AppendTo(std::string* buffer) {
  const size_t size = buffer->size();
  buffer->resize(size + kBlockBytes);
  ssize_t got;
  do {
    got = ::read(fd_, buffer->data() + size, kBlockBytes);
  } while (got < 0 && errno == EINTR);
  buffer->resize(size + std::max<ssize_t>(got, 0));
  if (got < 0) return Fail(v1::INTERNAL, "cannot read " + name_ + ": " + std::strerror(errno), ErrorKind::kFatal);
  return got > 0;
}

Result<std::string> ReadWholeFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Fail(v1::INTERNAL, "cannot read " + path + ": " + std::strerror(errno), ErrorKind::kFatal);
  BlockReader reader(fd, path);
  std::string text;
  Result<bool> more = true;
  while (more && *more) more = reader.AppendTo(&text);
  ::close(fd);
  if (!more) return Unexpected(more.error());
  return text;
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
