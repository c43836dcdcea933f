// Attachments in the office (docs/office.md, "Attachments"): a meeting's and an
// opinion's pages list them, /attachments/ID serves the file to whoever may see what
// it is attached to, and a file not yet uploaded shows as such.
#include <catch2/catch.hpp>

#include "office_fixture.h"
#include "ykien/blob_store.h"

using namespace ykien;
using namespace ykien::test;

namespace {

bool has(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

// A JPEG's first bytes, then a body no two tests share: enough for sniff_media_type.
std::string jpeg(const std::string &body) { return std::string("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00", 14) + body; }

struct Site {
  TempDir blobs_dir;
  std::unique_ptr<OfficeSite> site;
  Site() {
    office::OfficeOptions options;
    options.blobs_dir = blobs_dir.path();
    site = std::make_unique<OfficeSite>(options);
  }
  // What a tablet's sync does after the cells: the file reaches the server's folder.
  void upload(const std::string &bytes) { REQUIRE(BlobStore(blobs_dir.path()).put_bytes(bytes).ok()); }
};

Attachment attach(Database &t, const std::string &bytes, Attachment a) {
  auto made = t.add_attachment_bytes(bytes, a);
  INFO(made.status().to_string());
  REQUIRE(made.ok());
  return *made;
}

}  // namespace

TEST_CASE("office: a meeting's photo of its minutes is listed and served to its units only", "[office][attach]") {
  Site s;
  Database &t = s.site->tablet();
  auto unit = t.find_unit_by_scope(kHamlet1);
  REQUIRE(unit.ok());
  Meeting m;
  m.unit_id = unit->id;
  m.kind = "residential_saturday";
  m.held_at = "2024-07-06 08:00";
  m.place = "Nhà văn hóa ấp 1";
  auto meeting = t.create_meeting(m);
  REQUIRE(meeting.ok());
  const std::string photo = jpeg("biên bản đã ký");
  Attachment a;
  a.meeting_id = meeting->id;
  a.caption = "Biên bản hội nghị";
  const Attachment made = attach(t, photo, a);
  // A support visit at the meeting, with its own photo: listed on the minutes too.
  SupportVisit sv;
  sv.unit_id = unit->id;
  sv.meeting_id = meeting->id;
  sv.household = "Hộ bà Tư";
  sv.kind = "gift";
  sv.visited_at = "2024-07-06 11:00";
  auto visit = t.record_support_visit(sv);
  REQUIRE(visit.ok());
  Attachment of_visit;
  of_visit.visit_id = visit->id;
  of_visit.caption = "Ảnh trao quà";
  const Attachment gift = attach(t, std::string("\x89PNG\r\n\x1a\n", 8) + "trao quà", of_visit);
  s.site->sync();  // the records, not yet their files
  s.site->add_user("lan", office::Role::secretary, kCommune);
  Browser b(s.site->port());
  REQUIRE(b.login("lan", "password-lan"));

  Page before = b.get("/meetings/" + meeting->id);
  REQUIRE(before.status == 200);
  CHECK(has(before.body, "Biên bản hội nghị"));
  CHECK(has(before.body, "Ảnh trao quà"));
  CHECK(has(before.body, "chưa tải lên"));
  CHECK_FALSE(has(before.body, "<img"));
  Page missing = b.get("/attachments/" + made.id);
  CHECK(missing.status == 404);
  CHECK(has(missing.body, "chưa tải lên"));

  s.upload(photo);
  Page after = b.get("/meetings/" + meeting->id);
  const auto missing_at = after.body.find("chưa tải lên");  // the visit's photo only
  CHECK(missing_at > after.body.find("Ảnh trao quà"));
  CHECK(after.body.find("chưa tải lên", missing_at + 1) == std::string::npos);
  CHECK(has(after.body, "<img class=\"thumb\" src=\"/attachments/" + made.id + "\" loading=\"lazy\""));
  CHECK(has(after.body, "<td>Ảnh <small>image&#x2F;jpeg</small>"));
  Page file = b.get("/attachments/" + made.id);
  REQUIRE(file.status == 200);
  CHECK(file.body == photo);
  CHECK(file.header("Content-Type") == "image/jpeg");
  CHECK(has(file.header("Content-Disposition"), "inline; filename=\"ykien-" + made.sha256.substr(0, 8) + ".jpg\""));
  CHECK(has(file.header("Content-Disposition"), "filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n"));
  CHECK(has(b.get("/attachments/" + made.id + "?download=1").header("Content-Disposition"), "attachment;"));
  CHECK(b.get("/attachments/not-an-attachment").status == 404);
  CHECK(b.get("/attachments/" + gift.id).status == 404);  // its file is not here yet

  // Another commune's leader learns nothing of it; without a session, the login page.
  s.site->add_user("khac", office::Role::leader, kOtherCommune, "", true);
  Browser other(s.site->port());
  REQUIRE(other.login("khac", "password-khac"));
  Page refused = other.get("/attachments/" + made.id);
  CHECK(refused.status == 404);
  CHECK_FALSE(has(refused.body, photo));
  Browser nobody(s.site->port());
  CHECK(nobody.get("/attachments/" + made.id).status == 303);
}

TEST_CASE("office: an opinion's attachments follow its page's rules: department, confidentiality", "[office][attach]") {
  Site s;
  Database &t = s.site->tablet();
  auto unit = t.find_unit_by_scope(kHamlet1);
  REQUIRE(unit.ok());
  Opinion o;
  o.unit_id = unit->id;
  o.kind = "denunciation";
  o.category = "security_order";
  o.content = "Tố cáo cơ sở kinh doanh trái phép";
  o.citizen_name = "Lê Thị Kín";
  auto denunciation = t.record_opinion(o);
  REQUIRE(denunciation.ok());
  const std::string scan = std::string("%PDF-1.4\n") + "đơn tố cáo";
  Attachment a;
  a.opinion_id = denunciation->id;
  a.caption = "Đơn tố cáo";
  const Attachment made = attach(t, scan, a);
  s.site->sync();
  s.upload(scan);
  s.site->add_user("chu-tich", office::Role::leader, kCommune, "", true);
  s.site->add_user("xem", office::Role::viewer, kCommune);
  s.site->add_user("dia-chinh", office::Role::clerk, kCommune, "Địa chính");
  Browser leader(s.site->port()), viewer(s.site->port()), clerk(s.site->port());
  REQUIRE(leader.login("chu-tich", "password-chu-tich"));
  REQUIRE(viewer.login("xem", "password-xem"));
  REQUIRE(clerk.login("dia-chinh", "password-dia-chinh"));

  Page page = leader.get("/opinions/" + denunciation->id);
  CHECK(has(page.body, "Đơn tố cáo"));
  CHECK(has(page.body, "/attachments/" + made.id + "?download=1"));
  Page file = leader.get("/attachments/" + made.id);
  REQUIRE(file.status == 200);
  CHECK(file.body == scan);
  CHECK(file.header("Content-Type") == "application/pdf");
  CHECK(has(file.header("Content-Disposition"), "attachment;"));  // a PDF is saved, never opened here

  // A user without confidential access sees the opinion, not its files.
  Page hidden = viewer.get("/opinions/" + denunciation->id);
  REQUIRE(hidden.status == 200);
  CHECK_FALSE(has(hidden.body, "/attachments/" + made.id));
  CHECK(has(hidden.body, "chỉ hiện với người được nhận thông tin bảo mật"));
  CHECK(viewer.get("/attachments/" + made.id).status == 404);
  // A clerk sees only its department's opinions, and their files.
  CHECK(clerk.get("/attachments/" + made.id).status == 404);
}
