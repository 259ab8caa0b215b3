// stop.h: orderly shutdown on SIGINT and SIGTERM, reload requests on SIGHUP, and
// sleeps that end early when stop is requested.
//
//   std::stop_source stop;
//   SignalWatcher signals(stop, std::chrono::seconds(30));   // SIGINT/SIGTERM now request stop
//   RunAlert(options, {.stop = stop.get_token(), .metrics = &m, .reloads = &signals.hangups()});
//
// The watcher blocks the signals in every thread created after it and waits for
// them on a thread of its own, so nothing runs inside a signal handler.
// Construct it in main() before starting other threads. Stopping is bounded:
// if the process is still running `shutdown_timeout` after the first signal
// (a flush that cannot finish, a wedged sink), it logs so and exits with
// status 1. A second signal while stopping exits at once with status 130, for
// an operator who means it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <stop_token>
#include <thread>

namespace herald {

// Sleeps for `d` unless stop is requested first; whether it was.
bool SleepUnlessStopped(std::chrono::milliseconds d, std::stop_token stop);

class SignalWatcher {
 public:
  explicit SignalWatcher(std::stop_source stop, std::chrono::seconds shutdown_timeout = std::chrono::seconds(30));
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // How many SIGHUPs have arrived.
  const std::atomic<uint64_t>& hangups() const { return hangups_; }

 private:
  std::stop_source stop_;
  std::chrono::seconds shutdown_timeout_;
  std::atomic<uint64_t> hangups_{0};
  std::jthread thread_;
};

}  // namespace herald
