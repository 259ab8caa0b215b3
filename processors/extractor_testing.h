// extractor_testing.h: for tests, an Extractor on herald's built-in knowledge
// and syntax model, made once per test binary and shared by its tests.
//
//   const Extractor& extractor = testing::BuiltinExtractor();
//
// Thread-safety: the first call builds it (a function-local static); an
// Extractor is immutable. Failure: a built-in table that does not load aborts
// the binary with the reason (no test could run without it).
#pragma once

#include <cstdio>
#include <cstdlib>

#include "processors/extractor.h"

namespace herald::testing {

inline const Extractor& BuiltinExtractor() {
  static const Extractor* extractor = [] {
    auto kb = KnowledgeBase::LoadBuiltin();
    if (!kb) {
      std::fprintf(stderr, "built-in knowledge does not load: %s\n", kb.error().reason.c_str());
      std::abort();
    }
    return new Extractor(*kb);
  }();
  return *extractor;
}

}  // namespace herald::testing
