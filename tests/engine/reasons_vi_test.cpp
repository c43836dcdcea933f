// The one table of Vietnamese reasons (ykien/reasons_vi.h): the reasons a tablet's
// refused changes and the office's pages show are said in Vietnamese, with what they
// carry (a table's name, a date) in place.
#include <catch2/catch.hpp>

#include "ykien/reasons_vi.h"

TEST_CASE("the write policy's and the office's reasons are said in Vietnamese", "[engine][vi]") {
  const struct {
    const char *english, *vietnamese;
  } said[] = {
      {"an opinion's status changes only with a status-history entry", "lịch sử trạng thái"},
      {"responses are written once and never edited", "loại bản ghi này (responses) chỉ ghi một lần"},
      {"units are made and changed by the office only", "loại bản ghi này (units) chỉ văn phòng"},
      {"the row lies outside this device's units", "ngoài địa bàn của máy này"},
      {"a complainant's identity is changed only by a device entitled to it, or the one that wrote it",
       "thông tin người tố cáo"},
      {"'2042-06-29 08:00' is not within a day of its meeting (2024-06-29)", "cách ngày họp (2024-06-29) quá một ngày"},
      {"no unit has the scope 'vn/79/x'", "không có đơn vị nào mang phạm vi \"vn/79/x\""},
      {"the unit already has a merge from 2025-07-01", "đơn vị đã có một thay đổi (sáp nhập) từ ngày 2025-07-01"},
      {"a commune cannot lie under a hamlet", "đơn vị cấp xã không thể nằm dưới đơn vị cấp thôn, ấp, khu phố"},
      {"only a leader or a secretary assigns opinions", "chỉ lãnh đạo hoặc thư ký"},
      {"must be a date YYYY-MM-DD", "phải là ngày dạng YYYY-MM-DD"},
  };
  for (const auto &s : said) {
    INFO(s.english);
    const std::string vi = ykien::vietnamese_reason(s.english);
    CHECK(vi.find(s.vietnamese) != std::string::npos);
  }
  // A field's name before the reason is left out; a reason the table does not know
  // has no translation (the screens then show it as it is).
  CHECK(ykien::vietnamese_reason(ykien::reason_without_field("due_date: must be a date YYYY-MM-DD")) ==
        "phải là ngày dạng YYYY-MM-DD");
  CHECK(ykien::vietnamese_reason("something no one wrote").empty());
}
