#include "core/stop.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <thread>

namespace herald {
namespace {

bool WaitUntil(const std::function<bool()>& cond) {
  for (int i = 0; i < 200 && !cond(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  return cond();
}

TEST(SignalWatcherDeathTest, TermRequestsStopAndHupCountsReloads) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        std::stop_source stop;
        SignalWatcher signals(stop, std::chrono::seconds(30));
        // One at a time: a second pending SIGHUP would merge with the first.
        for (uint64_t n = 1; n <= 2; ++n) {
          ::kill(::getpid(), SIGHUP);
          if (!WaitUntil([&] { return signals.hangups().load() == n; })) std::_Exit(3);
        }
        if (stop.stop_requested()) std::_Exit(4);
        ::kill(::getpid(), SIGTERM);
        std::_Exit(WaitUntil([&] { return stop.stop_requested(); }) ? 0 : 5);
      },
      ::testing::ExitedWithCode(0), "reload requested");
}

TEST(SignalWatcherDeathTest, AStopThatOverrunsTheShutdownTimeoutExitsOne) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        std::stop_source stop;
        SignalWatcher signals(stop, std::chrono::seconds(1));
        ::kill(::getpid(), SIGTERM);
        for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));  // a drain that never finishes
      },
      ::testing::ExitedWithCode(1), "did not stop within the shutdown timeout");
}

}  // namespace
}  // namespace herald
