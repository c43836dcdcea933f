#include "labels.h"

#include <vector>

namespace ykien::office {

namespace {

struct Entry {
  const char *key, *vi, *en;
};

// Domain identifiers (DOMAIN.md) and the words of the pages.
const Entry kEntries[] = {
    {"category.security_order", "An ninh trật tự", "Security and order"},
    {"category.traffic_safety", "An toàn giao thông", "Traffic safety"},
    {"category.land", "Đất đai", "Land"},
    {"category.construction", "Quản lý xây dựng", "Construction"},
    {"category.environment", "Vệ sinh môi trường", "Environment"},
    {"category.compensation_clearance", "Bồi thường – giải phóng mặt bằng", "Compensation and clearance"},
    {"category.economy", "Kinh tế", "Economy"},
    {"category.culture", "Văn hóa", "Culture"},
    {"category.social", "Xã hội, chính sách", "Social policy"},
    {"category.rural_infrastructure", "Hạ tầng nông thôn", "Rural infrastructure"},
    {"category.administrative_procedure", "Thủ tục hành chính", "Administrative procedure"},
    {"category.other", "Khác", "Other"},
    {"status.received", "Mới tiếp nhận", "Received"},
    {"status.answered", "Đã trả lời", "Answered"},
    {"status.scheduled", "Hẹn trả lời", "Scheduled"},
    {"status.assigned", "Đã giao", "Assigned"},
    {"status.resolved", "Đã giải quyết", "Resolved"},
    {"status.closed", "Đã kết thúc", "Closed"},
    {"status.withdrawn", "Đã rút", "Withdrawn"},
    {"kind.opinion", "Ý kiến", "Opinion"},
    {"kind.petition", "Kiến nghị", "Petition"},
    {"kind.report", "Phản ánh", "Report"},
    {"kind.complaint", "Khiếu nại", "Complaint"},
    {"kind.denunciation", "Tố cáo", "Denunciation"},
    {"satisfaction.satisfied", "Hài lòng", "Satisfied"},
    {"satisfaction.unsatisfied", "Chưa hài lòng", "Unsatisfied"},
    {"satisfaction.unknown", "Chưa rõ", "Unknown"},
    {"response.answered_at_meeting", "Trả lời tại hội nghị", "Answered at the meeting"},
    {"response.appointment", "Hẹn trả lời", "Appointment"},
    {"response.written_reply", "Trả lời bằng văn bản", "Written reply"},
    {"history.conflict_settled", "Giải quyết xung đột", "Conflict settled"},
    {"history.edit", "Sửa", "Corrected"},
    {"history.withdraw", "Rút lại bản ghi", "Record taken back"},
    {"history.merged_into", "Gộp vào ý kiến", "Merged into opinion"},
    {"history.merged_from", "Gộp ý kiến trùng vào đây", "Duplicate merged into this one"},
    {"history.distinct_from", "Không trùng với ý kiến", "Not a duplicate of opinion"},
    {"yes", "Có", "Yes"},
    {"no", "Không", "No"},
    {"meeting.residential_saturday", "Ngày thứ Bảy về với khu dân cư", "Residential Saturday"},
    {"meeting.listen_monthly", "Nghe dân nói – Làm dân tin", "Monthly listening"},
    {"meeting.leader_dialogue", "Đối thoại với người đứng đầu", "Leader dialogue"},
    {"meeting.voter_contact", "Tiếp xúc cử tri", "Voter contact"},
    {"meeting.citizen_reception", "Tiếp công dân", "Citizen reception"},
    {"meeting.business_dialogue", "Đối thoại doanh nghiệp", "Business dialogue"},
    {"role.leader", "Lãnh đạo", "Leader"},
    {"role.secretary", "Thư ký", "Secretary"},
    {"role.clerk", "Cán bộ ban ngành", "Department clerk"},
    {"role.viewer", "Người xem", "Viewer"},
    // Pages.
    {"app", "Văn phòng xã — ý kiến người dân", "Commune office — citizens' opinions"},
    {"login", "Đăng nhập", "Log in"},
    {"session_ended", "Phiên đăng nhập đã kết thúc", "Your session has ended"},
    {"session_ended_hint",
     "Biểu mẫu chưa được gửi. Hãy sao chép nội dung đã nhập bên dưới, đăng nhập lại rồi gửi lại.",
     "The form was not sent. Copy what you typed below, log in again and send it again."},
    {"typed", "Nội dung đã nhập", "What you typed"},
    {"logout", "Đăng xuất", "Log out"},
    {"user_name", "Tên đăng nhập", "User name"},
    {"password", "Mật khẩu", "Password"},
    {"login_failed", "Sai tên đăng nhập hoặc mật khẩu.", "Wrong user name or password."},
    {"opinions", "Ý kiến", "Opinions"},
    {"meetings", "Hội nghị", "Meetings"},
    {"conflicts", "Xung đột", "Conflicts"},
    {"reports", "Báo cáo", "Reports"},
    {"devices", "Thiết bị", "Devices"},
    {"units_page", "Đơn vị hành chính", "Administrative units"},
    {"units_intro", "Sáp nhập, chuyển, đổi tên, chia tách, giải thể đơn vị từ một ngày: số liệu đã ghi giữ nguyên đơn vị lúc ghi, báo cáo và máy tính bảng theo đơn vị mới.",
     "Merge, move, rename, split or dissolve units from a day on: what was recorded keeps its unit, reports and tablets follow the new units."},
    {"unit_scope", "Mã đường dẫn", "Scope"},
    {"unit_today", "Hiện nay thuộc", "Today found in"},
    {"unit_history", "Lịch sử thay đổi", "History of changes"},
    {"unit_effective_on", "Hiệu lực từ ngày", "Effective from"},
    {"unit_event", "Thay đổi", "Change"},
    {"unit_target", "Vào / dưới đơn vị", "Into / under unit"},
    {"unit_new_name", "Tên mới (khi đổi tên)", "New name (for a rename)"},
    {"unit_record", "Ghi nhận thay đổi", "Record the change"},
    {"unit_import", "Nhập danh sách chính thức", "Import the official list"},
    {"unit_import_hint", "Dán nội dung CSV: old,code,name,kind,parent,date (docs/units.md)",
     "Paste the CSV: old,code,name,kind,parent,date (docs/units.md)"},
    {"unit_event_merge", "Sáp nhập", "Merge"},
    {"unit_event_move", "Chuyển sang đơn vị khác", "Move"},
    {"unit_event_rename", "Đổi tên", "Rename"},
    {"unit_event_split", "Chia tách", "Split"},
    {"unit_event_dissolve", "Giải thể", "Dissolve"},
    {"search", "Tìm kiếm", "Search"},
    {"search_hint", "Từ khóa, có dấu hoặc không dấu", "Words, with or without diacritics"},
    {"filter", "Lọc", "Filter"},
    {"all", "Tất cả", "All"},
    {"status", "Trạng thái", "Status"},
    {"category", "Lĩnh vực", "Field"},
    {"department", "Ban ngành", "Department"},
    {"unit", "Đơn vị", "Unit"},
    {"overdue", "Quá hạn", "Overdue"},
    {"overdue_only", "Chỉ ý kiến quá hạn", "Overdue only"},
    {"due_date", "Hạn giải quyết", "Due date"},
    {"raised_at", "Thời gian nêu", "Raised"},
    {"content", "Nội dung", "Content"},
    {"citizen", "Người nêu", "Citizen"},
    {"contact", "Liên hệ", "Contact"},
    {"confidential_hidden", "(bảo mật)", "(confidential)"},
    {"conflict_confidential", "Chỉ người được xem thông tin bảo mật mới giải quyết được xung đột này.",
     "Only a user with confidential access can settle this conflict."},
    {"sealed", "[đã niêm phong]", "[sealed]"},
    {"anonymous", "Ẩn danh", "Anonymous"},
    {"kind", "Loại", "Kind"},
    {"meeting", "Hội nghị", "Meeting"},
    {"opinion", "Ý kiến", "Opinion"},
    {"satisfaction", "Mức độ hài lòng", "Satisfaction"},
    {"no_opinions", "Không có ý kiến nào.", "No opinions."},
    {"count", "Số lượng", "Count"},
    {"page", "Trang", "Page"},
    {"pages", "Các trang", "Pages"},
    {"previous", "Trang trước", "Previous"},
    {"next", "Trang sau", "Next"},
    {"history", "Lịch sử", "History"},
    {"responses", "Trả lời", "Answers"},
    {"assign", "Giao ban ngành", "Assign to a department"},
    {"answer", "Ghi trả lời", "Record an answer"},
    {"written", "Trả lời bằng văn bản", "Written reply"},
    {"appointment", "Hẹn trả lời", "Schedule an appointment"},
    {"appointment_at", "Thời gian hẹn (YYYY-MM-DD HH:MM)", "Time (YYYY-MM-DD HH:MM)"},
    {"appointment_place", "Địa điểm", "Place"},
    {"set_status", "Chuyển trạng thái", "Set the status"},
    {"note", "Ghi chú", "Note"},
    {"save", "Lưu", "Save"},
    {"from", "Từ ngày", "From"},
    {"to", "Đến ngày", "To"},
    {"by", "Người thực hiện", "By"},
    {"at", "Lúc", "At"},
    {"done", "Đã lưu.", "Saved."},
    {"back", "Quay lại", "Back"},
    {"table", "Bảng", "Table"},
    {"column", "Trường", "Field"},
    {"kept", "Giá trị đang giữ", "Value kept"},
    {"other", "Giá trị kia", "Other value"},
    {"written_by", "Ghi bởi", "Written by"},
    {"keep_kept", "Giữ giá trị đang giữ", "Keep the value kept"},
    {"keep_other", "Chọn giá trị kia", "Take the other value"},
    {"new_value", "Hoặc giá trị mới", "Or a new value"},
    {"resolve", "Giải quyết", "Resolve"},
    {"no_conflicts", "Không có xung đột cần xem xét.", "No conflicts to review."},
    {"report", "Báo cáo", "Report"},
    {"show", "Xem", "Show"},
    {"print", "In", "Print"},
    {"today", "Ngày tính quá hạn", "Overdue as of"},
    {"tree", "Theo đơn vị", "Units as"},
    {"tree_now", "hiện nay (sau sắp xếp)", "of today (after reorganisation)"},
    {"tree_then", "lúc ghi nhận", "when recorded"},
    {"covers", "Gồm cả các đơn vị cũ", "Includes the former units"},
    {"attendance", "Lượt người tham gia", "Attendance"},
    // The report's figure counts answered, resolved and closed (docs/reports.md), as
    // the field app says it: not the status "resolved" alone.
    {"resolved", "Đã trả lời, giải quyết", "Answered or resolved"},
    {"resolved_share", "Tỷ lệ giải quyết", "Share resolved"},
    {"answered_on_spot", "Trả lời ngay tại hội nghị", "Answered at the meeting"},
    {"escalated", "Vượt thẩm quyền", "Escalated"},
    {"support_visits", "Thăm hỏi, tặng quà", "Support visits"},
    {"gift_value", "Giá trị quà (đồng)", "Gift value (VND)"},
    {"by_category", "Ý kiến theo lĩnh vực", "Opinions by field"},
    {"by_month", "Ý kiến theo tháng", "Opinions by month"},
    {"by_unit", "Theo đơn vị", "By unit"},
    {"by_unit_figures", "Theo đơn vị (hội nghị / lượt tham gia / ý kiến / đã trả lời, giải quyết)",
     "By unit (meetings / attendance / opinions / answered or resolved)"},
    {"by_status", "Theo trạng thái", "By status"},
    {"export_xlsx", "Tải về .xlsx", "Download .xlsx"},
    {"export_csv", "Tải về .csv", "Download .csv"},
    {"device", "Thiết bị", "Device"},
    {"name", "Tên", "Name"},
    {"units", "Đơn vị", "Units"},
    {"last_seen", "Lần đồng bộ cuối", "Last seen"},
    {"state", "Tình trạng", "State"},
    {"active", "Đang hoạt động", "Active"},
    {"revoked", "Đã thu hồi", "Revoked"},
    {"revoke", "Thu hồi", "Revoke"},
    {"new_code", "Tạo mã đăng ký", "New enrollment code"},
    {"code_hint", "Nhập mã này (hoặc quét mã QR) trên máy tính bảng; mã dùng một lần, hết hạn sau 7 ngày.",
     "Type this code (or scan the QR code) on the tablet; it works once and expires in 7 days."},
    {"tablet_server", "Máy tính bảng kết nối tới máy chủ:", "Tablets connect to the server at:"},
    {"server_unreachable",
     "Địa chỉ này chỉ dùng được trên chính máy chủ: hãy mở trang này bằng địa chỉ mạng LAN của máy chủ rồi tạo mã mới.",
     "This address works on the server itself only: open this page by the server's LAN address and make a new code."},
    {"with_confidential", "Được nhận thông tin bảo mật", "May receive confidential fields"},
    {"forbidden", "Vai trò của bạn không được làm việc này.", "Your role may not do this."},
    {"not_found", "Không tìm thấy.", "Not found."},
    {"error", "Lỗi", "Error"},
    {"language", "English", "Tiếng Việt"},
    {"minutes", "Biên bản", "Minutes"},
    {"chair", "Chủ trì", "Chair"},
    {"secretary", "Thư ký", "Secretary"},
    {"place", "Địa điểm", "Place"},
    {"conclusion", "Kết luận", "Conclusion"},
    {"held_at", "Thời gian", "Held at"},
    {"raised", "Nêu ý kiến", "Raised"},
    {"support_visit", "Thăm hỏi, tặng quà", "Support visit"},
    {"visit.gift", "Tặng quà", "Gift"},
    {"visit.visit", "Thăm hỏi", "Visit"},
    {"visit.volunteer_work", "Lao động tình nguyện", "Volunteer work"},
    {"household", "Hộ gia đình", "Household"},
    {"vnd", "đồng", "VND"},
    {"what", "Việc", "What"},
    {"departments", "Ban ngành tham dự", "Departments present"},
    {"title", "Tiêu đề", "Title"},
    {"notes", "Ghi chép", "Notes"},
    {"closed_at", "Kết thúc lúc", "Closed at"},
    {"no_meetings", "Không có hội nghị nào.", "No meetings."},
    {"appointments", "Lịch hẹn trả lời", "Appointments"},
    {"no_appointments", "Không có lịch hẹn nào.", "No appointments."},
    {"no_visits", "Không có lượt thăm hỏi nào.", "No support visits."},
    {"gift_total", "Tổng giá trị quà (đồng)", "Gifts in all (VND)"},
    {"responder", "Người trả lời", "Who answers"},
    {"visit_reason", "Lý do", "Reason"},
    {"visit_given", "Quà tặng", "Given"},
    {"visitors", "Người thăm", "Visitors"},
    {"reopen", "Mở lại (về Mới tiếp nhận)", "Reopen (back to Received)"},
    {"attachments", "Tệp đính kèm", "Attachments"},
    {"attachment.photo", "Ảnh", "Photo"},
    {"attachment.pdf", "Văn bản PDF", "PDF document"},
    {"attachment.audio", "Ghi âm", "Recording"},
    {"attachment_size", "Dung lượng", "Size"},
    {"attachment_added", "Người thêm, lúc", "Added by, at"},
    {"attachment_download", "Tải về", "Download"},
    {"not_uploaded", "chưa tải lên", "not uploaded yet"},
    {"attachment.too_large", "Tệp quá lớn để tải qua trang này.", "The file is too large to download from this page."},
    {"attachments_confidential", "Tệp đính kèm của ý kiến bảo mật chỉ hiện với người được nhận thông tin bảo mật.",
     "A confidential opinion's attachments show only to users with confidential access."},
};

const std::map<std::string, std::string> &table(bool english) {
  static const auto make = [](bool en) {
    std::map<std::string, std::string> m;
    for (const auto &e : kEntries) m[e.key] = en ? e.en : e.vi;
    return m;
  };
  static const std::map<std::string, std::string> vi = make(false), en = make(true);
  return english ? en : vi;
}

}  // namespace

std::string language_of(const std::string &requested) { return requested == "en" ? "en" : "vi"; }

std::string label(const std::string &lang, const std::string &key) {
  const auto &t = table(lang == "en");
  auto it = t.find(key);
  return it == t.end() ? key : it->second;
}

const std::map<std::string, std::string> &page_text(const std::string &lang) { return table(lang == "en"); }

std::string column_label(const std::string &lang, const std::string &column) {
  static const std::pair<const char *, const char *> kLabels[] = {
      {"citizen_name", "citizen"}, {"citizen_contact", "contact"}, {"assigned_department", "department"}};
  std::string key = column;
  for (const auto &[c, k] : kLabels)
    if (column == c) key = k;
  const std::string shown = label(lang, key);
  return shown == key && key == column ? column : shown;
}

std::string choice_label(const std::string &lang, const std::string &column, const std::string &value) {
  if (column != "category" && column != "kind" && column != "status" && column != "satisfaction") return value;
  const std::string key = column + "." + value;
  const std::string shown = label(lang, key);
  return shown == key ? value : shown;
}

}  // namespace ykien::office
