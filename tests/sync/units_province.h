// The reorganisation the units/ tests share (issue 18): a province with two
// districts and five communes, reorganised on 2025-07-01 into two communes without
// districts; a hamlet of the third commune goes to the second new commune.
#pragma once

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "ykien/database.h"
#include "ykien/replica.h"
#include "ykien/unit_tree.h"

namespace ykien::test {

inline constexpr const char *kReorganised = "2025-07-01";
inline constexpr int64_t kAugust2025 = 1'754'006'400'000;  // 2025-08-01 00:00 UTC
inline constexpr int64_t kJune2025 = 1'748'736'000'000;    // 2025-06-01 00:00 UTC

// The value of `result`; the test fails naming `what` and the error otherwise.
template <typename T>
T held(Result<T> result, const std::string &what) {
  INFO(what << ": " << result.status().message());
  REQUIRE(result.ok());
  return std::move(result).value();
}

struct Province {
  Unit p, d1, d2, c1, c2, c3, c4, c5, hamlet, n1, n2;

  // The 2024 tree: p/d1/{c1,c2,c3}, p/d2/{c4,c5}, p/d1/c3/h (a hamlet).
  static Province build(Replica &r) {
    Province t;
    auto unit = [&](const std::string &code, const std::string &name, const std::string &kind, const Unit *parent) {
      return held(r.create_unit({.code = code, .name = name, .kind = kind, .parent_id = parent ? parent->id : ""}),
                  "unit " + code);
    };
    t.p = unit("p", "Tỉnh Bình Phước", "province", nullptr);
    t.d1 = unit("d1", "Thành phố Đồng Xoài", "district", &t.p);
    t.d2 = unit("d2", "Huyện Đồng Phú", "district", &t.p);
    t.c1 = unit("c1", "Phường Tân Phú", "ward", &t.d1);
    t.c2 = unit("c2", "Phường Tân Đồng", "ward", &t.d1);
    t.c3 = unit("c3", "Phường Tân Bình", "ward", &t.d1);
    t.c4 = unit("c4", "Xã Tân Lập", "commune", &t.d2);
    t.c5 = unit("c5", "Xã Tân Hưng", "commune", &t.d2);
    t.hamlet = unit("h", "Khu phố 3", "hamlet", &t.c3);
    // The successors exist before the day they take over (made by the office).
    t.n1 = unit("n1", "Phường Đồng Xoài", "ward", &t.p);
    t.n2 = unit("n2", "Xã Đồng Phú", "commune", &t.p);
    return t;
  }

  // The reorganisation's records, effective 2025-07-01.
  std::vector<UnitEvent> reorganisation() const {
    const std::string day = kReorganised;
    return {{.kind = "merge", .unit_id = c1.id, .target_id = n1.id, .effective_on = day},
            {.kind = "merge", .unit_id = c2.id, .target_id = n1.id, .effective_on = day},
            {.kind = "merge", .unit_id = c3.id, .target_id = n1.id, .effective_on = day},
            {.kind = "merge", .unit_id = c4.id, .target_id = n2.id, .effective_on = day},
            {.kind = "merge", .unit_id = c5.id, .target_id = n2.id, .effective_on = day},
            {.kind = "move", .unit_id = hamlet.id, .target_id = n2.id, .effective_on = day},
            {.kind = "dissolve", .unit_id = d1.id, .effective_on = day},
            {.kind = "dissolve", .unit_id = d2.id, .effective_on = day}};
  }
};

}  // namespace ykien::test
