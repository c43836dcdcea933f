// The reasons of the engine, the server and the sync client, in Vietnamese
// (ykien/reasons_vi.h): one table for every screen that speaks it.
#include "ykien/reasons_vi.h"

#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace ykien {

namespace {

// English reason (a regex over the whole reason) → Vietnamese ($1... are its groups).
const std::vector<std::pair<std::regex, std::string>> &vietnamese_reasons() {
  static const std::vector<std::pair<std::regex, std::string>> table = [] {
    const std::pair<const char *, const char *> rules[] = {
        {"is required", "không được để trống"},
        {"is not a photo \\(JPEG, PNG, HEIC\\), a PDF or an audio recording \\(MP3, M4A, OGG, WAV, AMR, FLAC\\)",
         "không phải ảnh (JPEG, PNG, HEIC), tệp PDF hay bản ghi âm (MP3, M4A, OGG, WAV, AMR, FLAC)"},
        {"cannot be read: (.*)", "không đọc được: $1"},
        {"names nothing: attach to a meeting, an opinion, a response or a visit",
         "chưa cho biết đính kèm vào hội nghị, ý kiến, trả lời hay lượt thăm nào"},
        {"is not valid UTF-8 text", "không phải văn bản UTF-8 hợp lệ"},
        {"is longer than (\\d+) bytes", "dài quá $1 byte"},
        {"'(.*)' is not one of: (.*)", "\"$1\" không thuộc các giá trị: $2"},
        {"'(.*)' is not a time of the form YYYY-MM-DD HH:MM", "\"$1\" không phải thời gian dạng YYYY-MM-DD HH:MM"},
        {"'(.*)' is not a date of the form YYYY-MM-DD", "\"$1\" không phải ngày dạng YYYY-MM-DD"},
        {"must not be negative", "không được là số âm"},
        {"must be at most (\\d+)", "không được lớn hơn $1"},
        {"'(.*)' is before the meeting \\((.*)\\)", "ngày $1 trước ngày hội nghị ($2)"},
        {"'(.*)' is before the day it was raised \\((.*)\\)", "ngày $1 trước ngày nêu ý kiến ($2)"},
        {"'(.*)' is before the opinion was raised \\((.*)\\)", "thời gian $1 trước ngày nêu ý kiến ($2)"},
        {"'(.*)' is not within a day of its meeting \\((.*)\\)",
         "thời gian $1 cách ngày họp ($2) quá một ngày: ý kiến của hội nghị được nêu tại hội nghị (hoặc gửi từ hôm trước)"},
        {"must be empty for an anonymous opinion", "phải để trống khi ý kiến ẩn danh"},
        {"is required when the opinion is escalated.*",
         "bắt buộc khi ý kiến vượt thẩm quyền (ghi đơn vị hoặc phòng ban nhận)"},
        {"must be empty unless jurisdiction is escalated", "chỉ ghi khi ý kiến vượt thẩm quyền"},
        {"differs from the unit of the meeting", "khác đơn vị của hội nghị"},
        {"is only for an appointment", "chỉ dùng cho lịch hẹn trả lời"},
        {"the opinion is already (\\w+)", "ý kiến đã ở trạng thái này ($1)"},
        {"going back from (\\w+) to received needs reopen",
         "muốn đưa ý kiến từ \"$1\" về \"đã tiếp nhận\" phải mở lại (--reopen)"},
        {"cannot go from (\\w+) to (\\w+)", "không thể chuyển trạng thái từ \"$1\" sang \"$2\""},
        {"a unit with scope '(.*)' already exists", "đã có đơn vị với phạm vi \"$1\""},
        {"no (\\w+) with id '(.*)'", "không có bản ghi ($1) mã \"$2\""},
        {"the meeting was closed at (.*)", "hội nghị đã kết thúc lúc $1"},
        {"is before the meeting was held \\((.*)\\)", "trước giờ họp ($1)"},
        {"the meeting has (\\d+) opinions; delete or move them first",
         "hội nghị còn $1 ý kiến; hãy xóa hoặc chuyển chúng trước"},
        {"'(.*)' is after (.*), a due date or appointment of one of the meeting's opinions",
         "\"$1\" sau ngày $2, là hạn xử lý hoặc lịch hẹn của một ý kiến trong hội nghị"},
        {"is required when the opinion has no meeting", "bắt buộc khi ý kiến không thuộc hội nghị nào"},
        {"a new opinion starts as received; add a response or change its status afterwards",
         "ý kiến mới bắt đầu ở trạng thái đã tiếp nhận; hãy thêm trả lời hoặc đổi trạng thái sau"},
        {"must be 1-64 characters", "phải dài từ 1 đến 64 ký tự"},
        {"'(.*)' is not a name: use letters or digits", "\"$1\" không phải tên: hãy dùng chữ hoặc số"},
        {"'(.*)' may only hold letters a-z, digits, '-', '_' and '\\.'",
         "\"$1\" chỉ được gồm chữ a-z không dấu, chữ số, '-', '_' và '.'"},
        {"'(.*)' has capital letters: a code is lower case \\('(.*)'\\)",
         "\"$1\" có chữ hoa: mã đơn vị viết thường (\"$2\")"},
        {"the opinion has no answer yet \\(it is \\w+\\)",
         "ý kiến chưa được trả lời: hãy ghi câu trả lời trước"},
        {"this database's site is another device's, enrolled with another key: .*",
         "mã máy của cơ sở dữ liệu này là của một thiết bị khác, đã đăng ký bằng khóa khác: bản sao cơ sở dữ liệu "
         "của máy đó không đăng ký được. Hãy tạo cơ sở dữ liệu mới trên máy này; nếu đúng là máy đó, nhờ văn phòng "
         "thu hồi lần đăng ký cũ trước"},
        {"was raised at another meeting: only records of one meeting are merged",
         "được nêu ở hội nghị khác: chỉ gộp các bản ghi của cùng một hội nghị"},
        {"is confidential and the other is not: only records alike are merged",
         "là ý kiến bảo mật còn ý kiến kia thì không: chỉ gộp các bản ghi cùng loại"},
        {"was raised in another unit: only records of one unit are merged",
         "được nêu ở đơn vị khác: chỉ gộp các bản ghi của cùng một đơn vị"},
        // Bundles (sync/src/bundle_file.cpp, bundle.cpp): the headline says it is damaged; this says how.
        {"the file is truncated: it ends after (\\d+) bytes, before its checksum; it was not copied whole: copy it "
         "again, or export it again on the device that made it",
         "tệp bị cắt cụt: chỉ có $1 byte, thiếu phần kiểm tra ở cuối; tệp chưa được chép trọn: chép lại, hoặc xuất "
         "lại gói trên máy đã tạo ra nó"},
        {"checksum mismatch: the file is damaged or was changed; export it again on the device that made it",
         "sai mã kiểm tra: tệp bị hỏng hoặc đã bị sửa; hãy xuất lại gói trên máy đã tạo ra nó"},
        {"the signature is missing; export it again on the device that made it",
         "thiếu chữ ký; hãy xuất lại gói trên máy đã tạo ra nó"},
        {"the manifest has no end; export it again on the device that made it",
         "phần mô tả gói không có điểm kết thúc; hãy xuất lại gói trên máy đã tạo ra nó"},
        {"the manifest's format differs from the header's; export it again on the device that made it",
         "định dạng trong phần mô tả khác phần đầu tệp; hãy xuất lại gói trên máy đã tạo ra nó"},
        {"(.*) is not a ykien bundle \\(bad format version\\)", "$1 không phải gói đồng bộ ykien (sai phiên bản định dạng)"},
        {"(.*) is not a ykien bundle", "$1 không phải gói đồng bộ ykien"},
        {"the bundle has format version (\\d+); this app reads version (\\d+): update the app that imports it",
         "gói có định dạng phiên bản $1, ứng dụng này đọc phiên bản $2: hãy cập nhật ứng dụng trên máy nhập gói"},
        {"the bundle has format version (\\d+); this app reads version (\\d+): export it again with a current app",
         "gói có định dạng phiên bản $1, ứng dụng này đọc phiên bản $2: hãy xuất lại gói bằng ứng dụng mới"},
        {"the bundle's signature does not match its contents: .*",
         "chữ ký của gói không khớp nội dung: gói đã bị sửa sau khi ký, hoặc bị giả; chưa áp dụng gì. Hãy xuất lại "
         "gói trên máy đã tạo ra nó"},
        {"the bundle from \"(.*)\" is not signed, but this database knows the key of \".*\": .*",
         "gói từ \"$1\" không có chữ ký, nhưng máy này đã biết khóa của \"$1\": gói do ứng dụng cũ tạo ra, hoặc đã "
         "bị sửa; chưa áp dụng gì. Hãy xuất lại gói ở máy đó bằng ứng dụng mới"},
        {"the bundle says it comes from \"(.*)\" but another key signed it: .*",
         "gói ghi là từ \"$1\" nhưng được ký bằng khóa khác: gói bị giả, hoặc do một cơ sở dữ liệu khác cùng tên tạo "
         "ra; chưa áp dụng gì. Chỉ nhập gói do chính máy đó xuất"},
        {"this bundle was made by \"(.*)\" for \"(.*)\", not for this database \\(\"(.*)\"\\); import it where it belongs",
         "gói này do \"$1\" tạo cho \"$2\", không phải cho máy này (\"$3\"); hãy nhập ở đúng máy"},
        {"this bundle was exported from this very database", "gói này được xuất từ chính máy này"},
        {"no such file: (.*)", "không có tệp: $1"},
        {"(.*) is larger than a bundle may be \\((\\d+) bytes\\)", "$1 lớn hơn mức tối đa của một gói ($2 byte)"},
        {"changes nothing", "không thay đổi gì"},
        {"names this database itself \\((.*)\\)", "là tên của chính máy này ($1)"},
        // The server's and the sync client's reasons (enrolling, syncing).
        {"unknown enrollment code", "không có mã đăng ký này (kiểm tra lại từng ký tự)"},
        {"this enrollment code was already used", "mã đăng ký này đã được dùng"},
        {"this enrollment code has expired", "mã đăng ký này đã hết hạn"},
        {"this device was revoked: it must erase its data", "máy này đã bị thu hồi: dữ liệu trên máy phải được xóa"},
        {"the server keeps refusing this device's clock", "máy chủ vẫn không nhận giờ của máy này"},
        {"the reply was cut in transit", "trả lời của máy chủ bị ngắt giữa đường"},
        {"sync cancelled", "đã hủy đồng bộ"},
        {"cannot reach the server: (.*)", "chi tiết kỹ thuật: $1"},
        {"the server's TLS key is not the pinned one \\((.*)\\): a different server, or its certificate was replaced",
         "khóa TLS của máy chủ không phải khóa đã ghim: có thể là máy chủ khác, hoặc chứng chỉ đã được thay (chi tiết "
         "kỹ thuật: $1)"},
        {"the server's TLS certificate is not trusted \\((.*)\\): check the server address and the CA file",
         "chứng chỉ TLS của máy chủ không đáng tin: hãy kiểm tra địa chỉ máy chủ và tệp CA (chi tiết kỹ thuật: $1)"},
        {"is the opinion kept", "là chính ý kiến được giữ lại"},
        {"is the same opinion", "là cùng một ý kiến"},
        {"a complainant's identity is changed only by a device entitled to it, or the one that wrote it",
         "chỉ máy được quyền xem thông tin người tố cáo, hoặc máy đã ghi thông tin đó, mới được sửa"},
        // The write policy's (a tablet's refused changes, `ykien status`).
        {"a confidential opinion stays confidential", "ý kiến đã bảo mật thì luôn được bảo mật"},
        {"a denunciation is confidential from the start", "đơn tố cáo được bảo mật ngay từ đầu"},
        {"a device may only review a conflict record", "máy chỉ được xem xét bản ghi xung đột, không được sửa nội dung"},
        {"an opinion's status changes only with a status-history entry",
         "trạng thái của ý kiến chỉ đổi kèm một dòng lịch sử trạng thái"},
        {"is derived, never written by a device", "do hệ thống tính ra, máy không được ghi"},
        {"is set when the row is made and never changed", "chỉ ghi khi tạo bản ghi, không được sửa sau đó"},
        {"(\\w+) are made and changed by the office only", "loại bản ghi này ($1) chỉ văn phòng được tạo và sửa"},
        {"(\\w+) are recorded by the replica that receives a push", "loại bản ghi này ($1) do máy chủ nhận ghi"},
        {"(\\w+) are written once and never edited", "loại bản ghi này ($1) chỉ ghi một lần, không được sửa"},
        {"the row belongs to another unit", "bản ghi thuộc đơn vị khác"},
        {"the row lies outside this device's units", "bản ghi nằm ngoài địa bàn của máy này"},
        {"a denunciation's complainant is sealed to the office's key on the device that records it",
         "thông tin người tố cáo phải được niêm phong bằng khóa của văn phòng ngay trên máy ghi nhận: hãy cập nhật ứng "
         "dụng"},
        {"this device may send only the changes it made itself", "máy chỉ được gửi các thay đổi do chính nó ghi"},
        // The office's refusals by role and unit.
        {"a department clerk does not read reports", "cán bộ phòng ban không xem báo cáo"},
        {"a department clerk marks opinions answered or resolved only",
         "cán bộ phòng ban chỉ đánh dấu ý kiến đã trả lời hoặc đã giải quyết"},
        {"a viewer may not change opinions", "người xem không được thay đổi ý kiến"},
        {"only a leader closes an opinion", "chỉ lãnh đạo được đóng ý kiến"},
        {"only a leader or a secretary assigns opinions", "chỉ lãnh đạo hoặc thư ký được giao xử lý ý kiến"},
        {"only a leader or a secretary manages devices", "chỉ lãnh đạo hoặc thư ký được quản lý thiết bị"},
        {"only a leader or a secretary records what happened to units",
         "chỉ lãnh đạo hoặc thư ký được ghi nhận thay đổi của đơn vị"},
        {"only a leader or a secretary resolves conflicts", "chỉ lãnh đạo hoặc thư ký được giải quyết xung đột"},
        {"only a user with confidential access gives it to a device",
         "chỉ người được xem thông tin bảo mật mới được cấp quyền đó cho thiết bị"},
        {"that unit is not one of yours", "đơn vị đó không thuộc phạm vi của bạn"},
        {"the form did not come from this site", "biểu mẫu không đến từ trang này"},
        {"the form is stale or did not come from this site; reload the page",
         "biểu mẫu đã cũ hoặc không đến từ trang này; hãy tải lại trang"},
        // A unit's history (the office's units page, units import).
        {"must be a date YYYY-MM-DD", "phải là ngày dạng YYYY-MM-DD"},
        {"a (merge|split|dissolve|move) names the unit it goes to", "cần chọn đơn vị mà đơn vị này chuyển vào"},
        {"a rename names no other unit", "đổi tên không chọn đơn vị nào khác"},
        {"a rename gives the new name \\(1-200 bytes of UTF-8\\)", "đổi tên cần ghi tên mới (1 đến 200 byte)"},
        {"only a rename gives a name", "chỉ khi đổi tên mới ghi tên mới"},
        {"is the unit itself", "là chính đơn vị này"},
        {"lies under the unit, or went into it, on (.*)", "nằm dưới đơn vị này, hoặc đã nhập vào nó, vào ngày $1"},
        {"no unit has the scope '(.*)'", "không có đơn vị nào mang phạm vi \"$1\""},
        // Lists, reports and conflicts (the field app, the office).
        {"must be positive", "phải là số lớn hơn 0"},
        {"is before from", "ngày kết thúc trước ngày bắt đầu"},
        {"must be \"now\" \\(today's units\\) or \"then\" \\(the units of each record's day\\)",
         "phải là \"now\" (các đơn vị hiện nay) hoặc \"then\" (các đơn vị vào ngày của từng bản ghi)"},
        {"choose a unit", "hãy chọn một đơn vị"},
        {"is not valid JSON", "không phải JSON hợp lệ"},
        {"must be a JSON string", "phải là một chuỗi JSON (trong dấu ngoặc kép)"},
        {"must be an integer", "phải là số nguyên"},
        {"must be winner or loser", "hãy chọn giữ giá trị thắng hoặc giá trị thua"},
        {"is required: type the new value, or keep a side", "hãy nhập giá trị mới, hoặc chọn giữ một bên"},
    };
    std::vector<std::pair<std::regex, std::string>> out;
    for (const auto &[en, vi] : rules) out.emplace_back(std::regex(en), vi);
    return out;
  }();
  return table;
}

// "3 days" → "3 ngày" (the engine's durations: sync/src/bundle.cpp).
std::string vietnamese_duration(const std::string &count, const std::string &unit) {
  static const std::pair<const char *, const char *> units[] = {
      {"day", "ngày"}, {"hour", "giờ"}, {"minute", "phút"}, {"second", "giây"}};
  for (const auto &[en, vi] : units) {
    if (unit == en) return count + " " + vi;
  }
  return count + " " + unit;
}

// A bundle refused for stamps ahead of the clock: its durations need their units
// translated, which a table rule cannot do. Empty when `reason` is another one.
std::string vietnamese_clock_drift(const std::string &reason) {
  static const std::regex pattern(
      "the bundle from \"(.*)\" holds (\\d+) change\\(s\\) stamped up to (\\d+) (day|hour|minute|second)s? "
      "ahead of this database's clock \\(at most (\\d+) (day|hour|minute|second)s? allowed\\); nothing was "
      "applied\\..*");
  std::smatch m;
  if (!std::regex_match(reason, m, pattern)) return {};
  const std::string exporter = m[1].str();
  return "gói từ \"" + exporter + "\" có " + m[2].str() + " thay đổi mang giờ ghi vượt trước đồng hồ máy này tới " +
         vietnamese_duration(m[3].str(), m[4].str()) + " (chỉ cho phép " + vietnamese_duration(m[5].str(), m[6].str()) +
         "); chưa áp dụng gì. Hãy chỉnh ngày giờ của máy \"" + exporter +
         "\" cho đúng (hoặc của máy này, nếu máy này sai), rồi xuất gói mới trên máy đó và nhập gói ấy";
}

// A control character in a text (value_rules.cpp), named as a person knows it.
std::string vietnamese_control_character(const std::string &reason) {
  static const std::regex pattern("holds the control character (U\\+([0-9A-F]{4}))");
  std::smatch m;
  if (!std::regex_match(reason, m, pattern)) return {};
  const std::string code = m[2].str();
  const char *name = code == "0009"   ? "dấu tab"
                     : code == "000A" ? "dấu xuống dòng"
                     : code == "000D" ? "dấu về đầu dòng"
                                      : "ký tự không in được";
  return "chứa ký tự điều khiển " + m[1].str() + " (" + name + "); hãy xóa ký tự này";
}

// A unit's level and what happened to it, as a commune's staff says them, not as the
// schema's identifiers ("province", "merge"): the reasons that name them.
std::string unit_word(const std::string &word) {
  static const std::pair<const char *, const char *> words[] = {
      {"country", "quốc gia"}, {"province", "tỉnh"},     {"district", "huyện"},   {"commune", "xã"},
      {"ward", "phường"},      {"town", "thị trấn"},     {"hamlet", "thôn, ấp, khu phố"},
      {"merge", "sáp nhập"},   {"move", "chuyển"},       {"rename", "đổi tên"},   {"split", "chia tách"},
      {"dissolve", "giải thể"}};
  for (const auto &[en, vi] : words)
    if (word == en) return vi;
  return word;
}

std::string vietnamese_unit_reason(const std::string &reason) {
  static const std::regex level("an? (\\w+) cannot lie under an? (\\w+)");
  static const std::regex event("the unit already has an? (\\w+) from (.*)");
  std::smatch m;
  if (std::regex_match(reason, m, level))
    return "đơn vị cấp " + unit_word(m[1].str()) + " không thể nằm dưới đơn vị cấp " + unit_word(m[2].str());
  if (std::regex_match(reason, m, event))
    return "đơn vị đã có một thay đổi (" + unit_word(m[1].str()) + ") từ ngày " + m[2].str();
  return {};
}

}  // namespace

std::string reason_without_field(const std::string &detail) {
  // "due_date: reason" → "reason" (only a leading identifier, not a time like "08:30").
  static const std::regex field_prefix("^[a-z_\\[\\]0-9.]+: (.*)$");
  std::smatch m;
  return std::regex_match(detail, m, field_prefix) ? m[1].str() : detail;
}

std::string vietnamese_reason(const std::string &reason) {
  if (std::string vi = vietnamese_clock_drift(reason); !vi.empty()) return vi;
  if (std::string vi = vietnamese_control_character(reason); !vi.empty()) return vi;
  if (std::string vi = vietnamese_unit_reason(reason); !vi.empty()) return vi;
  std::smatch m;
  for (const auto &[pattern, vietnamese] : vietnamese_reasons()) {
    if (std::regex_match(reason, m, pattern)) return m.format(vietnamese);
  }
  return {};
}

}  // namespace ykien
