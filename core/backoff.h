// backoff.h: how long to wait after failures in a row: doubling from a first
// wait up to a longest one, with jitter so that many clients that failed
// together do not come back together.
//
//   auto wait = DoubledBackoff(std::chrono::seconds(1), failures, std::chrono::minutes(10));
//   wait = Jittered(wait, random);            // somewhere in [0.8, 1.2] of it
//
// failures <= 0 means no failure: no wait. Thread-safety: pure functions; the
// random engine is the caller's. Failure: none; the doubling stops at `longest`
// before it could overflow.
#pragma once

#include <algorithm>
#include <chrono>
#include <random>

namespace herald {

template <typename Duration>
Duration DoubledBackoff(Duration first, int failures, Duration longest) {
  if (failures <= 0) return Duration::zero();
  Duration wait = first;
  for (int i = 1; i < failures && wait < longest; ++i) wait *= 2;
  return std::min(wait, longest);
}

template <typename Duration, typename Random>
Duration Jittered(Duration wait, Random& random) {
  std::uniform_real_distribution<double> factor(0.8, 1.2);
  return std::chrono::duration_cast<Duration>(
      std::chrono::duration<double, typename Duration::period>(static_cast<double>(wait.count()) * factor(random)));
}

}  // namespace herald
