// The main job, engine only: two tablets record a village meeting offline, their
// change logs are merged at the commune office, and the commune report is printed.
// (Once the sync server lands, scripts/demo.sh runs the same story over HTTP.)
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "ykien/database.h"

using namespace ykien;

namespace {

bool english = false;
const char *tr(const char *vi, const char *en) { return english ? en : vi; }

template <typename T>
T must(Result<T> r, const char *what) {
  if (!r.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, r.status().to_string().c_str());
    std::exit(1);
  }
  return std::move(r).value();
}

void record_meeting(Database &tablet, const std::string &hamlet_id, const char *held_at, int attendance,
                    const char *secretary, std::initializer_list<std::pair<const char *, const char *>> opinions) {
  auto meeting = must(tablet.create_meeting({.unit_id = hamlet_id,
                                             .kind = "residential_saturday",
                                             .title = "Ngày thứ Bảy về với khu dân cư – lắng nghe dân nói",
                                             .held_at = held_at,
                                             .place = "Nhà văn hóa khu phố",
                                             .chair = "Chủ tịch UBND phường",
                                             .secretary = secretary,
                                             .attendance = attendance}),
                      "meeting");
  int n = 0;
  for (const auto &[category, content] : opinions) {
    auto o = must(tablet.record_opinion({.meeting_id = meeting.id, .kind = "opinion", .category = category,
                                         .content = content, .recorded_by = secretary}),
                  "opinion");
    if (n++ % 2 == 0) {
      must(tablet.add_response({.opinion_id = o.id, .kind = "answered_at_meeting",
                                .content = "Lãnh đạo phường đã trả lời trực tiếp tại buổi gặp gỡ",
                                .responder = "Chủ tịch UBND phường"}),
           "response");
    } else {
      must(tablet.assign_opinion(o.id, "Phòng Tài nguyên và Môi trường", "2023-04-15", secretary), "assign");
    }
  }
  must(tablet.close_meeting(meeting.id, attendance, "Thông báo kết luận số 12-TB/ĐU", std::string(held_at).substr(0, 11) + "11:30"),
       "close");
}

void merge(Database &from, Database &into, const char *peer) {
  int64_t cursor = 0;
  for (bool more = true; more;) {
    auto batch = must(from.export_changes(cursor, {.limit_changes = 500}), "export");
    must(into.apply_changes(batch.changes, {.origin = peer, .detect_conflicts = true}), "apply");
    cursor = batch.next_cursor;
    more = batch.more;
  }
}

// Pads to `width` characters (not bytes: Vietnamese letters take 2-3 bytes).
std::string pad(const std::string &s, size_t width) {
  size_t chars = 0;
  for (unsigned char c : s) chars += (c & 0xC0) != 0x80;
  return s + std::string(chars < width ? width - chars : 0, ' ');
}

void line(const std::string &label, const std::string &value) {
  std::printf("%s %s\n", pad(label, 30).c_str(), value.c_str());
}

void print_report(const Report &r, const char *title) {
  std::printf("\n== %s ==\n", title);
  line(tr("Số buổi gặp gỡ", "Meetings"), std::to_string(r.meetings));
  line(tr("Lượt người tham dự", "Attendance"), std::to_string(r.attendance));
  line(tr("Số ý kiến", "Opinions"), std::to_string(r.opinions));
  for (const auto &[category, n] : r.opinions_by_category) line("  " + category, std::to_string(n));
  line(tr("Tỷ lệ đã giải quyết", "Share resolved"), std::to_string(static_cast<int>(r.resolved_share * 100 + 0.5)) + " %");
  line(tr("Quá hạn", "Overdue"), std::to_string(r.overdue));
}

}  // namespace

int main(int argc, char **argv) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--lang") == 0 && i + 1 < argc) english = std::strcmp(argv[++i], "en") == 0;
  auto dir = std::filesystem::temp_directory_path() / ("ykien-demo-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);

  auto office = must(Database::open((dir / "office.db").string()), "open office");
  auto city = must(office->create_unit({.code = "dong-xoai", .name = "Thành phố Đồng Xoài", .kind = "district"}), "unit");
  auto ward = must(office->create_unit({.code = "tan-phu", .name = "Phường Tân Phú", .kind = "ward", .parent_id = city.id}), "unit");
  auto kp1 = must(office->create_unit({.code = "kp-1", .name = "Khu phố 1", .kind = "hamlet", .parent_id = ward.id}), "unit");
  auto kp2 = must(office->create_unit({.code = "kp-2", .name = "Khu phố 2", .kind = "hamlet", .parent_id = ward.id}), "unit");

  std::printf("%s\n", tr("Hai máy tính bảng nhận danh mục đơn vị rồi ra khu phố, không có mạng...",
                         "Two tablets receive the unit list, then go out to the hamlets, offline..."));
  auto tablet_a = must(Database::open((dir / "tablet-a.db").string()), "open tablet A");
  auto tablet_b = must(Database::open((dir / "tablet-b.db").string()), "open tablet B");
  merge(*office, *tablet_a, "office");
  merge(*office, *tablet_b, "office");

  record_meeting(*tablet_a, kp1.id, "2023-03-04 08:00", 72, "Nguyễn Thị Lan",
                 {{"land", "Đề nghị sớm cấp giấy chứng nhận quyền sử dụng đất cho các hộ dân khu phố 1"},
                  {"traffic_safety", "Đường Lê Duẩn thiếu đèn tín hiệu, xe tải chạy nhanh gây mất an toàn giao thông"},
                  {"environment", "Rác thải tồn đọng ở cuối hẻm 12, đề nghị thu gom thường xuyên"}});
  record_meeting(*tablet_b, kp2.id, "2023-03-11 08:00", 65, "Trần Văn Minh",
                 {{"security_order", "Tình trạng trộm cắp vặt ban đêm, đề nghị tăng cường tuần tra"},
                  {"construction", "Công trình xây dựng không phép lấn chiếm hành lang đường"},
                  {"compensation_clearance", "Người dân chưa nhận đủ tiền bồi thường giải phóng mặt bằng dự án đường ĐT 741"}});
  std::printf("%s\n", tr("Về trụ sở phường: đồng bộ hai máy với văn phòng.", "Back at the ward office: syncing both tablets."));
  merge(*tablet_a, *office, "tablet-a");
  merge(*tablet_b, *office, "tablet-b");
  merge(*office, *tablet_a, "office");
  merge(*office, *tablet_b, "office");

  ReportRequest req{.scope = ward.scope, .from = "2023-03-01", .to = "2023-10-31", .today = "2023-05-01"};
  print_report(must(office->report(req), "report"), tr("Báo cáo phường Tân Phú (văn phòng)", "Tân Phú ward report (office)"));
  print_report(must(tablet_a->report(req), "report"), tr("Báo cáo trên máy tính bảng A", "Report on tablet A"));
  bool same = must(office->state_hash(), "hash") == must(tablet_a->state_hash(), "hash") &&
              must(office->state_hash(), "hash") == must(tablet_b->state_hash(), "hash");
  std::printf("\n%s\n", same ? tr("Ba bản sao giống hệt nhau.", "All three replicas are identical.")
                             : tr("CẢNH BÁO: các bản sao khác nhau!", "WARNING: replicas differ!"));
  std::filesystem::remove_all(dir);
  return same ? 0 : 1;
}
