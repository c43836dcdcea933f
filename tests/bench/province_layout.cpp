#include "province_layout.h"

#include <algorithm>

namespace ykien::bench {
namespace {

constexpr const char *kProvince = "vn/79";
constexpr const char *kHubCommuneCode = "26734";
constexpr int64_t kFirstCommuneCode = 27001;

std::string commune_code(int64_t c) { return std::to_string(kFirstCommuneCode + c); }
std::string hamlet_code(int64_t h) { return "ap-" + std::to_string(h + 1); }

}  // namespace

ProvinceLayout::ProvinceLayout(int64_t devices)
    : device_hamlets_((devices + kTabletsPerHamlet - 1) / kTabletsPerHamlet),
      hub_commune_(std::string(kProvince) + "/" + kHubCommuneCode) {
  for (int h = 0; h < kHamletsPerCommune; ++h) hub_hamlets_.push_back(hub_commune_ + "/" + hamlet_code(h));
}

std::string ProvinceLayout::device_hamlet(int64_t i) const {
  const int64_t h = i % device_hamlets_;
  return std::string(kProvince) + "/" + commune_code(h / kHamletsPerCommune) + "/" +
         hamlet_code(h % kHamletsPerCommune);
}

std::string ProvinceLayout::units_csv() const {
  std::string csv = "code,name,kind,parent\nvn,Việt Nam,country,\n79,Thành phố Hồ Chí Minh,province,vn\n";
  auto commune = [&](const std::string &code, const std::string &name, int64_t hamlets) {
    csv += code + "," + name + ",commune," + kProvince + "\n";
    for (int64_t h = 0; h < hamlets; ++h) {
      csv += hamlet_code(h) + ",Ấp " + std::to_string(h + 1) + ",hamlet," + kProvince + "/" + code + "\n";
    }
  };
  commune(kHubCommuneCode, "Xã Trung Tâm", kHamletsPerCommune);
  const int64_t communes = (device_hamlets_ + kHamletsPerCommune - 1) / kHamletsPerCommune;
  for (int64_t c = 0; c < communes; ++c) {
    const int64_t hamlets = std::min<int64_t>(kHamletsPerCommune, device_hamlets_ - c * kHamletsPerCommune);
    commune(commune_code(c), "Xã " + commune_code(c), hamlets);
  }
  return csv;
}

}  // namespace ykien::bench
