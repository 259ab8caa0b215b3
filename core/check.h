// check.h: invariants checked in release builds too, as Redpanda's vassert:
// a broken invariant is a bug, and going on would write wrong data.
//
//   HERALD_CHECK(row.size() == columns.size(), "a row must fill every column");
//
// Failure: prints the condition, the message, the file and line to stderr and
// aborts (a daemon's supervisor restarts it; the batch was not committed).
// Thread-safety: thread-safe.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace herald {

[[noreturn]] inline void CheckFailed(const char* condition, const char* message, const char* file, int line) {
  std::fprintf(stderr, "herald: invariant broken at %s:%d: %s (%s)\n", file, line, message, condition);
  std::abort();
}

}  // namespace herald

#define HERALD_CHECK(condition, message)                              \
  do {                                                                \
    if (!(condition)) [[unlikely]]                                    \
      ::herald::CheckFailed(#condition, message, __FILE__, __LINE__); \
  } while (false)
