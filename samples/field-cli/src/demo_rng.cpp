#include "demo_rng.h"

namespace ykien::cli {

std::vector<int64_t> DemoRng::split(int64_t total, int parts, int64_t min) {
  std::vector<int64_t> out(static_cast<std::size_t>(parts), min);
  int64_t left = total - min * parts;
  if (parts <= 0 || left < 0) return out;
  // Spread the rest evenly, then move random amounts between parts.
  for (int i = 0; i < parts; ++i) out[static_cast<std::size_t>(i)] += left / parts + (i < left % parts ? 1 : 0);
  for (int k = 0; k < parts * 3; ++k) {
    auto &from = out[static_cast<std::size_t>(below(parts))];
    auto &to = out[static_cast<std::size_t>(below(parts))];
    const int64_t room = from - min;
    if (room <= 0) continue;
    const int64_t move = static_cast<int64_t>(next() % static_cast<uint64_t>(room / 3 + 1));
    from -= move;
    to += move;
  }
  return out;
}

}  // namespace ykien::cli
