// A small deterministic random source for the demo data: the same seed gives
// the same data with every compiler and standard library (std distributions do not).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ykien::cli {

class DemoRng {
 public:
  explicit DemoRng(uint64_t seed) : state_(seed) {}

  uint64_t next() {  // splitmix64
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // In [0, n).
  int below(int n) { return n <= 0 ? 0 : static_cast<int>(next() % static_cast<uint64_t>(n)); }
  // True with probability percent/100.
  bool chance(int percent) { return below(100) < percent; }
  template <typename T>
  const T &pick(const std::vector<T> &items) {
    return items[static_cast<std::size_t>(below(static_cast<int>(items.size())))];
  }
  template <typename T>
  void shuffle(std::vector<T> &items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      std::swap(items[i - 1], items[static_cast<std::size_t>(below(static_cast<int>(i)))]);
    }
  }
  // `parts` whole numbers of at least `min` summing exactly to `total`.
  std::vector<int64_t> split(int64_t total, int parts, int64_t min);

 private:
  uint64_t state_;
};

}  // namespace ykien::cli
