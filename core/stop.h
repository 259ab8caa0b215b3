// stop.h: orderly shutdown on SIGINT and SIGTERM.
//
//   std::stop_source stop;
//   SignalWatcher signals(stop);   // SIGINT/SIGTERM now request stop
//   RunProcessor(options, stop.get_token());
//
// The watcher blocks the signals in every thread created after it and waits for
// them on a thread of its own, so nothing runs inside a signal handler.
// Construct it in main() before starting other threads. A second signal while
// stopping exits at once with status 130, for an operator who means it.
#pragma once

#include <stop_token>
#include <thread>

namespace herald {

class SignalWatcher {
 public:
  explicit SignalWatcher(std::stop_source stop);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  std::stop_source stop_;
  std::jthread thread_;
};

}  // namespace herald
