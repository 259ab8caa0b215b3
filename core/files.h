// files.h: reading a whole file, the way every herald component that loads
// inputs, tables or rules does.
//
//   Result<std::string> text = ReadWholeFile("samples/alert-rules.yaml");
//
// Failure: an unreadable file is a fatal Error naming the path and the reason
// (files are read at start-up: a daemon cannot go on without them).
// Thread-safety: thread-safe.
#pragma once

#include <string>

#include "core/status.h"

namespace herald {

Result<std::string> ReadWholeFile(const std::string& path);

}  // namespace herald
