// Small helpers of the randomized tests: one item of a list, a chance in percent.
#pragma once

#include <random>
#include <vector>

namespace ykien::testing {

template <typename T>
const T &pick(std::mt19937 &rng, const std::vector<T> &from) {
  return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(rng)];
}

inline bool chance(std::mt19937 &rng, int percent) { return std::uniform_int_distribution<int>(0, 99)(rng) < percent; }

}  // namespace ykien::testing
