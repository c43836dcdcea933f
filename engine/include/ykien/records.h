// The domain records (see shared/domain/DOMAIN.md) as plain structs.
// Times entered by officials are local Vietnam time "YYYY-MM-DD HH:MM";
// dates are "YYYY-MM-DD". Enumerations are the stable identifiers of DOMAIN.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ykien {

// An administrative unit: province, (district,) commune/ward, hamlet... any depth.
struct Unit {
  std::string id{};
  std::string code{};       // unique among siblings; becomes one segment of the scope
  std::string name{};       // "Phường Tân Phú"
  std::string kind{};       // province, district, commune, ward, town, hamlet
  std::string parent_id{};  // empty for a root
  std::string scope{};      // path of codes from the root: "vn/79/26734/ap-3"
};

struct Meeting {
  std::string id{};
  std::string unit_id{};
  std::string scope{};
  std::string kind{};  // residential_saturday, listen_monthly, leader_dialogue,
                       // voter_contact, citizen_reception, business_dialogue
  std::string title{};
  std::string held_at{};  // "YYYY-MM-DD HH:MM"
  std::string place{};
  std::string chair{};
  std::string secretary{};
  int64_t attendance = 0;
  std::vector<std::string> departments{};  // participating departments
  std::string notes{};
  std::string conclusion{};  // conclusion notice, e.g. "Thông báo kết luận 80-TB/ĐU"
  std::string closed_at{};   // empty while the meeting is open
};

struct Opinion {
  std::string id{};
  std::string meeting_id{};  // empty for an opinion received outside a meeting
  std::string unit_id{};
  std::string scope{};
  std::string kind{};      // opinion, petition, report, complaint, denunciation
  std::string category{};  // security_order, traffic_safety, land, ...
  std::string content{};
  std::string citizen_name{};  // empty when not given
  std::string citizen_contact{};
  bool anonymous = false;
  bool confidential = false;           // always true for a denunciation
  std::string jurisdiction = "local";  // local or escalated
  std::string escalated_to{};          // unit or department, when escalated
  std::string assigned_department{};
  std::string status = "received";       // received, answered, scheduled, assigned,
                                         // resolved, closed, withdrawn
  std::string due_date{};                // "YYYY-MM-DD" or empty
  std::string satisfaction = "unknown";  // satisfied, unsatisfied, unknown
  std::string raised_at{};               // "YYYY-MM-DD HH:MM"
  std::string recorded_by{};
};

struct Response {
  std::string id{};
  std::string opinion_id{};
  std::string scope{};
  std::string kind{};  // answered_at_meeting, appointment, written_reply
  std::string content{};
  std::string responder{};
  std::string appointment_at{};     // for an appointment: "YYYY-MM-DD HH:MM"
  std::string appointment_place{};  // for an appointment
  std::string created_at{};         // "YYYY-MM-DD HH:MM"
};

// One entry of an opinion's append-only status history.
struct StatusChange {
  std::string id{};
  std::string opinion_id{};
  std::string scope{};
  std::string from_status{};
  std::string to_status{};
  std::string note{};
  std::string changed_by{};
  std::string changed_at{};  // "YYYY-MM-DD HH:MM"
};

// Visits to households in difficulty, gifts, volunteer work.
struct SupportVisit {
  std::string id{};
  std::string unit_id{};
  std::string scope{};
  std::string meeting_id{};  // optional
  std::string household{};
  std::string kind{};  // gift, visit, volunteer_work
  int64_t gift_value_vnd = 0;
  std::string notes{};
  std::string visited_at{};  // "YYYY-MM-DD HH:MM"
  std::string reason{};      // why: "hộ nghèo", "gia đình chính sách"
  std::string given{};       // what was given: "10 kg gạo, 500.000 đồng"
  std::string visitors{};    // who visited
};

// A photo, a scanned document or a recording attached to a meeting, an opinion, a
// response or a support visit (docs/attachments.md). The row is replicated like any
// other; the file itself is a blob named by its SHA-256, kept in a folder beside the
// database ("<db>.blobs/") and moved apart from the cells.
struct Attachment {
  std::string id{};
  std::string scope{};        // the scope of what it is attached to
  std::string meeting_id{};   // exactly one of these four names what it is attached to
  std::string opinion_id{};
  std::string response_id{};
  std::string visit_id{};
  std::string sha256{};       // 64 lowercase hex digits: the blob's name
  int64_t size = 0;           // bytes
  std::string media_type{};   // image/jpeg, image/png, image/heic, application/pdf, audio/...
  std::string caption{};      // "Biên bản hội nghị", "Ảnh đường hư hỏng"
  std::string added_by{};
  std::string added_at{};     // "YYYY-MM-DD HH:MM"
};

// Two concurrent edits of one cell: the winner stands, the loser is kept here.
struct Conflict {
  std::string id{};
  std::string scope{};
  std::string table{};
  std::string row_id{};
  std::string column{};
  std::string winner_value{};  // JSON text of the value
  std::string loser_value{};   // JSON text of the value
  std::string winner_hlc{};
  std::string loser_hlc{};
  std::string winner_site{};
  std::string loser_site{};
  std::string status = "open";  // open, resolved
  std::string resolution{};     // JSON text of the value chosen
  std::string resolved_by{};
};

}  // namespace ykien
