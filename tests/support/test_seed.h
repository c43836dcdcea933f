// The seed of a randomised test: YKIEN_TEST_SEED=<number> replays a run,
// YKIEN_TEST_SEED=random draws one; otherwise a fixed one. Every test prints it.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>

namespace ykien::test {

inline uint64_t test_seed(uint64_t fallback) {
  const char *env = std::getenv("YKIEN_TEST_SEED");
  if (!env || !*env) return fallback;
  if (std::string(env) == "random") return (uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
  return std::strtoull(env, nullptr, 0);
}

}  // namespace ykien::test
