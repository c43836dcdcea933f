// The province `ykien-bench province` simulates: a hub commune whose hamlets hold the
// history a hub pulls, and as many other communes as the devices need, two tablets
// per hamlet (the hamlet's head and its secretary), ten hamlets per commune.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ykien::bench {

class ProvinceLayout {
 public:
  static constexpr int kHamletsPerCommune = 10;
  static constexpr int kTabletsPerHamlet = 2;

  explicit ProvinceLayout(int64_t devices);

  const std::string &hub_commune() const { return hub_commune_; }
  const std::vector<std::string> &hub_hamlets() const { return hub_hamlets_; }
  // The hamlet device `i` serves. Devices i and i + devices/2 share one, so the
  // second half of a run in device order pulls what the first half pushed.
  std::string device_hamlet(int64_t i) const;
  // Every unit, parents first, in the CSV that `ykien-server admin import-units` reads.
  std::string units_csv() const;

 private:
  int64_t device_hamlets_;  // hamlets that have tablets
  std::string hub_commune_;
  std::vector<std::string> hub_hamlets_;
};

}  // namespace ykien::bench
