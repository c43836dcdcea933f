#include "support/seed_data.h"

#include <array>
#include <stdexcept>

namespace ykien::test {

void throw_failure(const std::string &what, const Status &status) {
  throw std::runtime_error(what + " failed: " + status.to_string());
}

void must(const Status &status, const std::string &what) {
  if (!status.ok()) throw_failure(what, status);
}

// ---- SeedBuilder ----

Unit SeedBuilder::unit(const Unit *parent, const std::string &code, const std::string &name,
                       const std::string &kind) {
  return must(db_.create_unit({.code = code, .name = name, .kind = kind, .parent_id = parent ? parent->id : ""}),
              "create_unit " + code);
}

Meeting SeedBuilder::meeting(const Unit &unit, const std::string &kind, const std::string &held_at,
                             int64_t attendance, const std::string &title) {
  return must(db_.create_meeting({.unit_id = unit.id,
                                  .kind = kind,
                                  .title = title,
                                  .held_at = held_at,
                                  .chair = "Chủ tịch UBND",
                                  .secretary = "Thư ký",
                                  .attendance = attendance}),
              "create_meeting " + held_at);
}

Opinion SeedBuilder::opinion(const Meeting &meeting, const std::string &category, const std::string &content,
                             const std::string &kind) {
  return must(db_.record_opinion({.meeting_id = meeting.id, .kind = kind, .category = category, .content = content}),
              "record_opinion " + content);
}

Opinion SeedBuilder::opinion_at(const Unit &unit, const std::string &raised_at, const std::string &category,
                                const std::string &content) {
  return must(db_.record_opinion({.unit_id = unit.id,
                                  .kind = "opinion",
                                  .category = category,
                                  .content = content,
                                  .raised_at = raised_at}),
              "record_opinion " + content);
}

Opinion SeedBuilder::answer_at_meeting(const Opinion &o, const std::string &answer) {
  must(db_.add_response({.opinion_id = o.id, .kind = "answered_at_meeting", .content = answer, .responder = "Chủ tịch UBND"}),
       "answer at meeting");
  return must(db_.get_opinion(o.id), "get_opinion");
}

Opinion SeedBuilder::appoint(const Opinion &o, const std::string &at, const std::string &place) {
  must(db_.add_response({.opinion_id = o.id, .kind = "appointment", .appointment_at = at, .appointment_place = place}),
       "appointment");
  return must(db_.get_opinion(o.id), "get_opinion");
}

Opinion SeedBuilder::written_reply(const Opinion &o, const std::string &reply) {
  must(db_.add_response({.opinion_id = o.id, .kind = "written_reply", .content = reply, .responder = "UBND xã"}),
       "written reply");
  return must(db_.get_opinion(o.id), "get_opinion");
}

Opinion SeedBuilder::assign(const Opinion &o, const std::string &department, const std::string &due_date) {
  return must(db_.assign_opinion(o.id, department, due_date, "Chủ tịch UBND"), "assign_opinion");
}

Opinion SeedBuilder::set_status(const Opinion &o, const std::string &to) {
  return must(db_.change_status(o.id, {.to = to, .by = "Văn phòng"}), "change_status to " + to);
}

Opinion SeedBuilder::set_satisfaction(const Opinion &o, const std::string &satisfaction) {
  return must(db_.update_opinion(o.id, {.satisfaction = satisfaction}), "update_opinion satisfaction");
}

SupportVisit SeedBuilder::gift(const Meeting &meeting, const std::string &household, int64_t value_vnd) {
  return must(db_.record_support_visit({.meeting_id = meeting.id,
                                        .household = household,
                                        .kind = "gift",
                                        .gift_value_vnd = value_vnd,
                                        .visited_at = meeting.held_at.substr(0, 10) + " 14:00"}),
              "record_support_visit " + household);
}

SupportVisit SeedBuilder::gift_at(const Unit &unit, const std::string &visited_at, const std::string &household,
                                  int64_t value_vnd) {
  return must(db_.record_support_visit({.unit_id = unit.id,
                                        .household = household,
                                        .kind = "gift",
                                        .gift_value_vnd = value_vnd,
                                        .visited_at = visited_at}),
              "record_support_visit " + household);
}

// ---- Seed 000 ----

namespace {

std::string content_for(const std::string &category, size_t i) {
  static const std::map<std::string, std::string> kText = {
      {"security_order", "An ninh trật tự: tụ tập thanh thiếu niên gây mất trật tự ban đêm"},
      {"traffic_safety", "An toàn giao thông: đề nghị lắp đèn tín hiệu tại ngã ba"},
      {"land", "Đất đai: đề nghị cấp giấy chứng nhận quyền sử dụng đất"},
      {"construction", "Quản lý xây dựng: công trình xây dựng không phép lấn chiếm hành lang"},
      {"environment", "Vệ sinh môi trường: rác thải tồn đọng, đề nghị thu gom"},
      {"compensation_clearance", "Bồi thường giải phóng mặt bằng: chậm chi trả tiền bồi thường"},
      {"economy", "Kinh tế: hỗ trợ vốn vay phát triển sản xuất"},
      {"culture", "Văn hóa: sửa chữa nhà văn hóa bản"},
      {"social", "Xã hội: xét duyệt hộ nghèo, chính sách người có công"},
      {"rural_infrastructure", "Hạ tầng nông thôn: bê tông hóa đường nội đồng"},
      {"administrative_procedure", "Thủ tục hành chính: rút ngắn thời gian chứng thực"},
  };
  return kText.at(category) + " (số " + std::to_string(i + 1) + ")";
}

}  // namespace

Seed000 build_seed_000(Database &db) {
  SeedBuilder b(db);
  Seed000 s;
  s.province = b.unit(nullptr, "bp", "Tỉnh Bình Phước", "province");
  s.city = b.unit(&s.province, "dong-xoai", "Thành phố Đồng Xoài", "district");
  s.tan_phu = b.unit(&s.city, "tan-phu", "Phường Tân Phú", "ward");
  s.tien_hung = b.unit(&s.city, "tien-hung", "Xã Tiến Hưng", "commune");
  s.other_town = b.unit(&s.province, "phuoc-long", "Thị xã Phước Long", "district");

  // Saturdays of 2023; the ward's last meeting is three days before the period ends.
  const std::array<std::pair<const char *, int64_t>, 5> tan_phu = {
      {{"2023-03-25 07:30", 70}, {"2023-05-20 07:30", 65}, {"2023-06-24 07:30", 72}, {"2023-08-26 07:30", 68},
       {"2023-10-28 19:30", 75}}};
  const std::array<std::pair<const char *, int64_t>, 6> tien_hung = {
      {{"2023-04-01 07:30", 60}, {"2023-05-06 07:30", 70}, {"2023-06-10 07:30", 65}, {"2023-07-15 07:30", 75},
       {"2023-09-09 07:30", 62}, {"2023-10-14 07:30", 68}}};
  const char *kKind = "residential_saturday";
  const std::string kTitle = "Ngày thứ Bảy về với khu dân cư – lắng nghe dân nói";
  for (size_t i = 0; i < tan_phu.size(); ++i) {
    Unit area = b.unit(&s.tan_phu, "kp-" + std::to_string(i + 1), "Khu phố " + std::to_string(i + 1), "hamlet");
    s.residential_areas.push_back(area);
    s.meetings.push_back(b.meeting(area, kKind, tan_phu[i].first, tan_phu[i].second, kTitle));
  }
  for (size_t i = 0; i < tien_hung.size(); ++i) {
    Unit area = b.unit(&s.tien_hung, "ap-" + std::to_string(i + 1), "Ấp " + std::to_string(i + 1), "hamlet");
    s.residential_areas.push_back(area);
    s.meetings.push_back(b.meeting(area, kKind, tien_hung[i].first, tien_hung[i].second, kTitle));
  }

  // 106 opinions over the six fields of the seed, spread over the 11 meetings.
  const std::array<std::pair<const char *, int>, 6> per_category = {{{"security_order", 20},
                                                                      {"traffic_safety", 18},
                                                                      {"land", 25},
                                                                      {"construction", 15},
                                                                      {"environment", 16},
                                                                      {"compensation_clearance", 12}}};
  std::vector<std::string> categories;
  for (const auto &[category, n] : per_category) categories.insert(categories.end(), static_cast<size_t>(n), category);
  for (size_t i = 0; i < categories.size(); ++i) {
    const Meeting &m = s.meetings[i % s.meetings.size()];
    Opinion o = b.opinion(m, categories[i], content_for(categories[i], i));
    ++s.opinions_by_category[categories[i]];
    ++s.opinions_by_unit[i % s.meetings.size() < tan_phu.size() ? s.tan_phu.id : s.tien_hung.id];
    switch (i % 4) {
      case 0: b.answer_at_meeting(o, "Đã giải thích, trả lời trực tiếp tại buổi gặp"); break;
      case 1: b.assign(o, "Phòng Tài nguyên và Môi trường", "2023-11-30"); break;
      case 2: b.appoint(o, m.held_at.substr(0, 10) + " 14:00", "Trụ sở UBND"); break;
      default: break;  // still received
    }
  }

  // Outside the period, outside the city, or deleted: never in the city's figures.
  Meeting before = b.meeting(s.residential_areas[0], kKind, "2023-02-25 07:30", 40, kTitle);
  Meeting after = b.meeting(s.residential_areas[1], kKind, "2023-11-04 07:30", 40, kTitle);
  Meeting elsewhere = b.meeting(s.other_town, kKind, "2023-05-13 07:30", 55, kTitle);
  for (int i = 0; i < 3; ++i) {
    b.opinion(before, "land", "Đất đai: tranh chấp ranh giới (trước kỳ)");
    b.opinion(after, "environment", "Vệ sinh môi trường: nước thải (sau kỳ)");
  }
  for (int i = 0; i < 4; ++i) b.opinion(elsewhere, "land", "Đất đai: thị xã khác");
  Opinion gone = b.opinion(s.meetings[0], "land", "Đất đai: ghi nhầm, đã xóa");
  must(db.delete_opinion(gone.id), "delete_opinion");
  return s;
}

// ---- Seed 002 ----

Seed002 build_seed_002(Database &db) {
  SeedBuilder b(db);
  Seed002 s;
  Unit province = b.unit(nullptr, "son-la", "Tỉnh Sơn La", "province");
  Unit district = b.unit(&province, "phu-yen", "Huyện Phù Yên", "district");
  s.commune = b.unit(&district, "huy-thuong", "Xã Huy Thượng", "commune");
  s.hamlet = b.unit(&s.commune, "nui-hong", "Bản Núi Hồng", "hamlet");
  s.meeting = b.meeting(s.hamlet, "leader_dialogue", "2024-06-28 08:00", 85,
                        "Đối thoại trực tiếp giữa người đứng đầu cấp ủy, chính quyền xã với nhân dân bản Núi Hồng");
  for (const char *category : {"economy", "culture", "social", "land", "rural_infrastructure"}) {
    for (size_t i = 0; i < 2; ++i) {
      Opinion o = b.opinion(s.meeting, category, content_for(category, i));
      b.answer_at_meeting(o, "Đồng chí Bí thư Đảng ủy trả lời trực tiếp");
      s.opinions.push_back(b.set_satisfaction(o, "satisfied"));
    }
  }
  s.meeting = must(db.close_meeting(s.meeting.id, 85, "Thông báo kết luận số 80-TB/ĐU ngày 03.7.2024", "2024-07-03 09:00"),
                   "close_meeting");
  return s;
}

// ---- Seed 003 ----

Seed003 build_seed_003(Database &db) {
  SeedBuilder b(db);
  Seed003 s;
  s.province = b.unit(nullptr, "tra-vinh", "Tỉnh Trà Vinh", "province");
  s.district = b.unit(&s.province, "cau-ke", "Huyện Cầu Kè", "district");
  const std::array<std::array<const char *, 3>, 11> communes = {{{"tt-cau-ke", "Thị trấn Cầu Kè", "town"},
                                                                 {"hoa-an", "Xã Hòa Ân", "commune"},
                                                                 {"chau-dien", "Xã Châu Điền", "commune"},
                                                                 {"an-phu-tan", "Xã An Phú Tân", "commune"},
                                                                 {"hoa-tan", "Xã Hòa Tân", "commune"},
                                                                 {"ninh-thoi", "Xã Ninh Thới", "commune"},
                                                                 {"phong-phu", "Xã Phong Phú", "commune"},
                                                                 {"phong-thanh", "Xã Phong Thạnh", "commune"},
                                                                 {"tam-ngai", "Xã Tam Ngãi", "commune"},
                                                                 {"thong-hoa", "Xã Thông Hòa", "commune"},
                                                                 {"thanh-phu", "Xã Thạnh Phú", "commune"}}};
  for (const auto &[code, name, kind] : communes) s.communes.push_back(b.unit(&s.district, code, name, kind));

  // First Mondays, February to June 2024: 5 sessions in each of the 11 units.
  // 1,146 attendees = 55 × 20 + 46: the first 46 sessions had one more.
  const std::array<const char *, 5> mondays = {"2024-02-05", "2024-03-04", "2024-04-01", "2024-05-06", "2024-06-03"};
  const std::string kTitle = "Nghe dân nói – Làm dân tin";
  for (const char *day : mondays) {
    for (const auto &commune : s.communes) {
      int64_t attendees = 20 + (s.sessions.size() < 46 ? 1 : 0);
      s.sessions.push_back(b.meeting(commune, "listen_monthly", std::string(day) + " 07:30", attendees, kTitle));
    }
  }

  // 252 opinions, every one settled: at the session, by a department, at an
  // appointment, or resolved by the office.
  const std::array<const char *, 8> categories = {"land",           "social",      "rural_infrastructure",
                                                  "economy",        "security_order", "environment",
                                                  "administrative_procedure", "traffic_safety"};
  for (size_t j = 0; j < static_cast<size_t>(Seed003::kOpinions); ++j) {
    const Meeting &m = s.sessions[j % s.sessions.size()];
    const std::string category = categories[j % categories.size()];
    Opinion o = b.opinion(m, category, content_for(category, j));
    switch (j % 4) {
      case 0: o = b.answer_at_meeting(o, "Trả lời trực tiếp, thuộc thẩm quyền"); break;
      case 1:
        b.assign(o, "Phòng Lao động – Thương binh và Xã hội", "2024-07-31");
        b.written_reply(o, "Phòng đã trả lời bằng văn bản");
        o = b.set_status(o, "resolved");
        break;
      case 2:
        b.appoint(o, m.held_at.substr(0, 10) + " 14:00", "Nhà văn hóa ấp");
        b.written_reply(o, "Đã trả lời theo lịch hẹn");
        o = b.set_status(o, "closed");
        break;
      default: o = b.set_status(o, "resolved"); break;
    }
    if (j % 10 != 9) b.set_satisfaction(o, "satisfied");
    ++s.opinions_by_status[o.status];
  }

  // Afternoons: one gift per session; 50 × 500,000 + 5 × 300,000 = 26,500,000 VND.
  for (size_t k = 0; k < s.sessions.size(); ++k)
    b.gift(s.sessions[k], "Hộ khó khăn số " + std::to_string(k + 1), k < 50 ? 500'000 : 300'000);

  // Before the model's half year: 233 gifts in 2023 worth 102,000,000 VND
  // (211 × 400,000 + 22 × 800,000), making 288 households and 128.5 million in all.
  for (size_t i = 0; i < 233; ++i) {
    const std::string month = (i % 12 < 9 ? "0" : "") + std::to_string(i % 12 + 1);
    b.gift_at(s.communes[i % s.communes.size()], "2023-" + month + "-15 14:00",
              "Hộ chính sách số " + std::to_string(i + 1), i < 211 ? 400'000 : 800'000);
  }

  // July 2024: after the half year, two opinions still open.
  Meeting july = b.meeting(s.communes[0], "listen_monthly", "2024-07-01 07:30", 20, kTitle);
  b.opinion(july, "land", content_for("land", 900));
  b.opinion(july, "social", content_for("social", 901));
  return s;
}

}  // namespace ykien::test
