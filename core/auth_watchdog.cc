#include "core/auth_watchdog.h"

#include "core/kafka.h"
#include "core/log.h"
#include "core/stop.h"

namespace herald {

AuthenticationWatchdog::AuthenticationWatchdog(std::stop_source stop, std::chrono::seconds limit)
    : stop_(std::move(stop)), limit_(limit), thread_([this](std::stop_token own) { Watch(own); }) {}

AuthenticationWatchdog::~AuthenticationWatchdog() {
  thread_.request_stop();
  thread_.join();
}

std::optional<std::string> AuthenticationWatchdog::reason() const {
  std::lock_guard lock(mutex_);
  return reason_;
}

void AuthenticationWatchdog::Watch(std::stop_token own) {
  std::optional<std::chrono::steady_clock::time_point> reported;  // the streak already logged
  while (!SleepUnlessStopped(std::chrono::milliseconds(500), own)) {
    std::optional<kafka::AuthenticationFailure> failure = kafka::CurrentAuthenticationFailure();
    if (!failure) continue;
    if (reported != failure->first) {
      reported = failure->first;
      log::Error("Kafka authentication failed: the brokers refuse this client's credentials",
                 {{"detail", failure->detail}, {"stops_after_s", std::to_string(limit_.count())}});
    }
    const auto failing_for = std::chrono::steady_clock::now() - failure->first;
    if (failing_for < limit_) continue;
    {
      std::lock_guard guard(mutex_);
      reason_ = "Kafka authentication has failed for " +
                std::to_string(std::chrono::duration_cast<std::chrono::seconds>(failing_for).count()) +
                " s (check the SASL or TLS settings and credentials): " + failure->detail;
    }
    stop_.request_stop();
    return;
  }
}

}  // namespace herald
