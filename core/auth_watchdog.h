// auth_watchdog.h: stops a daemon whose Kafka credentials the brokers keep
// refusing, instead of letting it retry for ever while looking alive.
//
//   std::stop_source stop;
//   AuthenticationWatchdog watchdog(stop, std::chrono::seconds(60));
//   Status s = RunStore(options, {.stop = stop.get_token(), ...});
//   if (auto why = watchdog.reason()) return exit 1 with *why;
//
// It looks at kafka::CurrentAuthenticationFailure() twice a second: the first
// failure of a streak is logged as an error at once, naming authentication;
// a streak that lasts `limit` requests stop, and reason() says why, so that the
// daemon exits non-zero (a crash-looping pod is how Kubernetes shows an
// operator a bad secret).
// Thread-safety: reason() may be called from any thread.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

namespace herald {

class AuthenticationWatchdog {
 public:
  AuthenticationWatchdog(std::stop_source stop, std::chrono::seconds limit);
  ~AuthenticationWatchdog();
  AuthenticationWatchdog(const AuthenticationWatchdog&) = delete;
  AuthenticationWatchdog& operator=(const AuthenticationWatchdog&) = delete;

  // Why it stopped the daemon; nullopt while it has not.
  std::optional<std::string> reason() const;

 private:
  void Watch(std::stop_token own);

  std::stop_source stop_;
  std::chrono::seconds limit_;
  mutable std::mutex mutex_;
  std::optional<std::string> reason_;  // guarded by mutex_
  std::jthread thread_;
};

}  // namespace herald
