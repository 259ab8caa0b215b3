// progress.h: the producer's progress line on a terminal:
//   [##########..........]  5,000/10,000 articles  3,210/s  ETA 2s
// Redrawn in place (carriage return) at most every 100 ms, on stderr, only when
// stderr is a terminal; pipes and logs get the plain summary alone.
// Thread-safety: one Progress per producing thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace herald {

// The line for `done` of `total` after `elapsed`; pure, for tests.
std::string FormatProgress(int64_t done, int64_t total, std::chrono::duration<double> elapsed);

class Progress {
 public:
  explicit Progress(int64_t total);
  void Update(int64_t done);
  // Clears the line, leaving the terminal for the summary.
  void Finish();

 private:
  int64_t total_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace herald
