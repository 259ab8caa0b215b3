#include "core/stop.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <optional>

#include "core/log.h"

namespace herald {
namespace {

sigset_t WatchedSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  // SIGUSR1 only wakes the watcher when it is being destroyed.
  sigaddset(&set, SIGUSR1);
  return set;
}

}  // namespace

bool SleepUnlessStopped(std::chrono::milliseconds d, std::stop_token stop) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  cv.wait_for(lock, stop, d, [] { return false; });
  return stop.stop_requested();
}

SignalWatcher::SignalWatcher(std::stop_source stop, std::chrono::seconds shutdown_timeout)
    : stop_(std::move(stop)), shutdown_timeout_(shutdown_timeout) {
  sigset_t set = WatchedSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::jthread([this, set](std::stop_token own) {
    std::optional<std::chrono::steady_clock::time_point> deadline;
    const timespec tick{0, 200'000'000};
    while (!own.stop_requested()) {
      int sig = sigtimedwait(&set, nullptr, &tick);
      if (deadline && std::chrono::steady_clock::now() > *deadline) {
        log::Error("did not stop within the shutdown timeout; exiting",
                   {{"shutdown_timeout_s", std::to_string(shutdown_timeout_.count())}});
        std::_Exit(1);
      }
      if (sig <= 0 || sig == SIGUSR1) continue;
      if (sig == SIGHUP) {
        log::Info("reload requested", {{"signal", "SIGHUP"}});
        hangups_.fetch_add(1);
        continue;
      }
      if (deadline) {
        log::Warn("second signal while stopping: exiting now");
        std::_Exit(130);
      }
      log::Info("stopping", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
      deadline = std::chrono::steady_clock::now() + shutdown_timeout_;
      stop_.request_stop();
    }
  });
}

SignalWatcher::~SignalWatcher() {
  thread_.request_stop();
  pthread_kill(thread_.native_handle(), SIGUSR1);
}

}  // namespace herald
