#include "commune_rows.h"

#include <cstdio>
#include <cstdlib>

namespace ykien::bench {

void create_commune_units(Replica &replica) {
  std::string parent;
  const char *const kinds[][2] = {{"vn", "country"}, {"79", "province"}, {"26734", "ward"}, {"ap-1", "hamlet"}};
  for (const auto &[code, kind] : kinds) {
    Unit u;
    u.code = code;
    u.name = std::string("Unit ") + code;
    u.kind = kind;
    u.parent_id = parent;
    auto made = replica.create_unit(u);
    if (!made.ok()) {
      std::fprintf(stderr, "ykien-bench: cannot create units: %s\n", made.status().to_string().c_str());
      std::exit(1);
    }
    parent = made->id;
  }
}

Opinion sample_opinion(const std::string &unit_id, size_t n) {
  Opinion o;
  o.unit_id = unit_id;
  o.kind = "opinion";
  o.category = "rural_infrastructure";
  o.content = "Ý kiến số " + std::to_string(n) +
              ": tuyến đường liên ấp xuống cấp, mùa mưa lầy lội, đề nghị nâng cấp và lắp đèn chiếu sáng";
  o.citizen_name = "Nguyễn Văn " + std::to_string(n % 97);
  o.raised_at = "2024-07-03 09:30";
  o.recorded_by = "thư ký ấp";
  return o;
}

}  // namespace ykien::bench
