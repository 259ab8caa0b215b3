// files.h: reading a whole file, the way every herald component that loads
// inputs, tables or rules does, and writing one whole (models, reports).
//
//   Result<std::string> text = ReadWholeFile("samples/alert-rules.yaml");
//   Status written = WriteWholeFile("model.bin", bytes);   // complete, or not there at all
//
// Failure: an unreadable file is a fatal Error naming the path and the reason
// (files are read at start-up: a daemon cannot go on without them); so is one
// that cannot be written.
// Thread-safety: thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace herald {

Result<std::string> ReadWholeFile(const std::string& path);
// Writes `bytes` to a temporary file beside `path`, then renames it over `path`.
Status WriteWholeFile(const std::string& path, std::string_view bytes);

}  // namespace herald
