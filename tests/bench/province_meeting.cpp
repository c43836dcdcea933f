#include "province_meeting.h"

#include <array>
#include <cstdio>
#include <string>

#include "support/seed_data.h"

namespace ykien::bench {
namespace {

using test::must;

struct Topic {
  const char *category;
  const char *content;  // 150–300 bytes of Vietnamese, as secretaries write them
};

constexpr std::array<Topic, 8> kTopics = {{
    {"rural_infrastructure",
     "Tuyến đường liên ấp xuống cấp nghiêm trọng, mùa mưa lầy lội, học sinh đi lại khó khăn; đề nghị xã sớm bê tông "
     "hóa và lắp đèn chiếu sáng"},
    {"environment",
     "Rác thải sinh hoạt tồn đọng tại bãi đất trống cuối ấp, gây ô nhiễm và mùi hôi; đề nghị bố trí điểm tập kết và "
     "tăng số lần thu gom trong tuần"},
    {"land",
     "Gia đình đã nộp hồ sơ cấp giấy chứng nhận quyền sử dụng đất hơn sáu tháng nhưng chưa nhận được kết quả; đề nghị "
     "cho biết hồ sơ đang vướng ở khâu nào"},
    {"security_order",
     "Thanh thiếu niên tụ tập chạy xe lạng lách vào ban đêm trên tuyến đường chính của ấp; đề nghị công an xã tăng "
     "cường tuần tra"},
    {"social",
     "Đề nghị xem xét lại danh sách hộ cận nghèo năm nay, một số hộ khó khăn thực sự chưa được đưa vào danh sách "
     "bình xét"},
    {"traffic_safety",
     "Ngã ba giao với đường tỉnh không có biển báo, đã xảy ra nhiều vụ va chạm; đề nghị lắp biển báo và gờ giảm tốc"},
    {"economy",
     "Bà con trồng lúa cần vốn vay ưu đãi để chuyển đổi sang cây ăn trái; đề nghị hướng dẫn thủ tục vay tại ngân hàng "
     "chính sách xã hội"},
    {"administrative_procedure",
     "Thủ tục chứng thực bản sao còn phải chờ lâu vào buổi sáng; đề nghị bố trí thêm cán bộ tiếp nhận tại bộ phận "
     "một cửa"},
}};

constexpr std::array<const char *, 6> kFamilyNames = {"Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ"};
constexpr std::array<const char *, 6> kGivenNames = {"Văn Hùng", "Thị Lan",  "Văn Minh",
                                                     "Thị Hoa",  "Quốc Bảo", "Thị Mai"};

// Meeting n is held on a Saturday-like day of week n from 2010 on; its answers are
// due the next month.
struct MeetingDate {
  int year, month, day;
  std::string at(const char *time) const {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %s", year, month, day, time);
    return buf;
  }
  std::string due() const {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", month == 12 ? year + 1 : year, month % 12 + 1, day);
    return buf;
  }
};

MeetingDate date_of(int64_t n) {
  return {2010 + static_cast<int>((n / 48) % 16), 1 + static_cast<int>((n / 4) % 12), 1 + static_cast<int>(n % 4) * 7};
}

}  // namespace

void record_meeting(Database &db, const Unit &hamlet, int64_t n, int opinions) {
  test::SeedBuilder b(db);
  const MeetingDate date = date_of(n);
  if (opinions <= 0) opinions = 8 + static_cast<int>(n % 5);
  must(db.batch([&]() -> Status {
    Meeting m = b.meeting(hamlet, "residential_saturday", date.at("07:30"), 40 + n % 60,
                          "Sinh hoạt khu dân cư – lắng nghe dân nói, " + hamlet.name);
    for (int i = 0; i < opinions; ++i) {
      const Topic &topic = kTopics[static_cast<size_t>(n + i) % kTopics.size()];
      Opinion o;
      o.meeting_id = m.id;
      o.kind = i % 5 == 4 ? "petition" : "opinion";
      o.category = topic.category;
      o.content = std::string(topic.content) + " (ý kiến " + std::to_string(i + 1) + ")";
      o.citizen_name = std::string(kFamilyNames[static_cast<size_t>(i) % kFamilyNames.size()]) + " " +
                       kGivenNames[static_cast<size_t>(n + i) % kGivenNames.size()];
      o.recorded_by = "Thư ký " + hamlet.name;
      o = must(db.record_opinion(o), "record_opinion");
      switch (i % 4) {
        case 0:
          b.assign(o, "Phòng Kinh tế", date.due());
          break;
        case 1:
          b.appoint(o, date.at("14:00"), "Nhà văn hóa " + hamlet.name);
          break;
        default:
          b.answer_at_meeting(o, "Lãnh đạo xã trả lời trực tiếp tại buổi sinh hoạt, bà con thống nhất");
          break;
      }
    }
    must(db.close_meeting(m.id, 40 + n % 60, "Thông báo kết luận số " + std::to_string(n + 1) + "-TB/UBND",
                          date.at("10:30")),
         "close_meeting");
    return Status::Ok();
  }),
       "record a meeting");
}

}  // namespace ykien::bench
