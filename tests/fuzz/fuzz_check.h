// What every fuzz target asserts with: FUZZ_CHECK stays on in every build type
// (NDEBUG or not) and aborts with the failed property, which libFuzzer reports as a
// crash with the input that made it (docs/fuzzing.md).
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                          \
  do {                                                                                            \
    if (!(cond)) {                                                                                \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);           \
      std::abort();                                                                               \
    }                                                                                             \
  } while (0)
