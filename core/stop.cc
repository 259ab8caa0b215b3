#include "core/stop.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>

#include "core/log.h"

namespace herald {
namespace {

sigset_t WatchedSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  // SIGUSR1 only wakes the watcher when it is being destroyed.
  sigaddset(&set, SIGUSR1);
  return set;
}

}  // namespace

SignalWatcher::SignalWatcher(std::stop_source stop) : stop_(std::move(stop)) {
  sigset_t set = WatchedSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::jthread([this, set](std::stop_token own) {
    int signals_seen = 0;
    while (!own.stop_requested()) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0 || sig == SIGUSR1) continue;
      if (++signals_seen > 1) {
        log::Warn("second signal while stopping: exiting now");
        std::_Exit(130);
      }
      log::Info("stopping", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
      stop_.request_stop();
    }
  });
}

SignalWatcher::~SignalWatcher() {
  thread_.request_stop();
  pthread_kill(thread_.native_handle(), SIGUSR1);
}

}  // namespace herald
