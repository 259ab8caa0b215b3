// files.h: reading a whole file, the way every herald component that loads
// inputs, tables or rules does, and writing one whole (models, reports).
//
//   Result<std::string> text = ReadWholeFile("samples/alert-rules.yaml");
//   Status written = WriteWholeFile("model.bin", bytes);   // complete, or not there at all
//   BlockReader stdin_reader(STDIN_FILENO, "stdin");        // a megabyte at a time
//
// Failure: an unreadable file is a fatal Error naming the path and the reason
// (files are read at start-up: a daemon cannot go on without them); so is one
// that cannot be written.
// Thread-safety: thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "core/status.h"

namespace herald {

Result<std::string> ReadWholeFile(const std::string& path);

// Reads an open file descriptor (a file, a pipe, stdin) in blocks of kBlockBytes,
// retrying interrupted reads. `name` is for error messages. Not thread-safe.
class BlockReader {
 public:
  static constexpr size_t kBlockBytes = size_t{1} << 20;
  BlockReader(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  // Appends the next block to *buffer: true while more may follow, false at
  // the end of the input; an Error when the read fails.
  Result<bool> AppendTo(std::string* buffer);

 private:
  int fd_;
  std::string name_;
};
// Writes `bytes` to a temporary file beside `path`, then renames it over `path`.
Status WriteWholeFile(const std::string& path, std::string_view bytes);

}  // namespace herald
