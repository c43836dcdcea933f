// The office over HTTP: users, sessions, CSRF, roles, every follow-up action, the
// confidential complainant, conflicts, reports and devices (docs/office.md). Runs
// on SQLite (office/...) and on PostgreSQL (office-pg/...).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "actions.h"
#include "forms.h"
#include "office_fixture.h"
#include "report.h"
#include "tablet_address.h"
#include "tokens.h"
#include "ykien/query.h"
#include "ykien/seal.h"
#include "ykien/sync/office_key.h"

using namespace ykien;
using namespace ykien::test;

namespace {

struct Seeded {
  std::string land, environment, denunciation, meeting;
};

// A meeting recorded on the tablet in the unit of `scope`.
Meeting meeting_in(Database &t, const char *scope, const std::string &kind, const std::string &held_at,
                   const std::string &place, int64_t attendance) {
  auto unit = t.find_unit_by_scope(scope);
  REQUIRE(unit.ok());
  Meeting m;
  m.unit_id = unit->id;
  m.kind = kind;
  m.held_at = held_at;
  m.place = place;
  m.attendance = attendance;
  auto made = t.create_meeting(m);
  REQUIRE(made.ok());
  return *made;
}

// One meeting in hamlet ap-1 with three opinions, and one opinion in ap-2.
Seeded seed(OfficeSite &site) {
  Database &t = site.tablet();
  auto meeting = meeting_in(t, kHamlet1, "residential_saturday", "2024-07-06 08:00", "Nhà văn hóa ấp 1", 60);
  auto opinion = [&](const std::string &category, const std::string &kind, const std::string &content,
                     const std::string &citizen) {
    Opinion o;
    o.meeting_id = meeting.id;
    o.kind = kind;
    o.category = category;
    o.content = content;
    o.citizen_name = citizen;
    auto made = t.record_opinion(o);
    INFO(made.status().to_string());
    REQUIRE(made.ok());
    return made->id;
  };
  Seeded s;
  s.meeting = meeting.id;
  s.land = opinion("land", "opinion", "Đề nghị sớm cấp giấy chứng nhận quyền sử dụng đất cho 12 hộ", "Trần Văn Hùng");
  s.environment = opinion("environment", "opinion", "Rác thải tồn đọng <script>alert(1)</script> cuối hẻm", "");
  s.denunciation = opinion("security_order", "denunciation", "Tố cáo cơ sở kinh doanh trái phép", "Lê Thị Kín");
  site.sync();
  return s;
}

bool has(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

// The office's key, a ring holding it, and the options of an office that holds it.
struct OfficeKeys {
  sync::OfficeKey key;
  std::shared_ptr<sync::OfficeKeyRing> ring = std::make_shared<sync::OfficeKeyRing>();
  office::OfficeOptions options;

  OfficeKeys() {
    auto made = sync::make_office_key();
    REQUIRE(made.ok());
    key = *made;
    ring->keys.push_back(key);
    options.office_keys = ring;
  }
  // The site's tablet seals to this key, as an enrolled one does; its sealer.
  std::shared_ptr<const Sealer> seal_on(OfficeSite &site) const {
    auto sealer = sync::office_sealer(key.public_hex);
    REQUIRE(sealer.ok());
    site.tablet().set_sealer(*sealer);
    return *sealer;
  }
};

}  // namespace

TEST_CASE("office: login sets an HTTP-only SameSite session, wrong passwords and logout", "[office]") {
  OfficeSite site;
  site.add_user("lan", office::Role::secretary, kCommune);
  Browser b(site.port());
  Page anonymous = b.get("/opinions");
  CHECK(anonymous.status == 303);
  CHECK(anonymous.header("Location") == "/login?next=/opinions");
  Page login_page = b.get("/login");
  CHECK(login_page.status == 200);
  CHECK(has(login_page.body, "<label for=\"password\">"));
  CHECK(has(login_page.header("Content-Security-Policy"), "default-src 'none'"));

  Page wrong = b.post("/login", {{"name", "lan"}, {"password", "not-her-password"}}, false);
  CHECK(wrong.status == 303);
  CHECK(wrong.header("Location") == "/login?failed=login");
  CHECK(has(b.get("/login?failed=login").body, "Sai tên đăng nhập hoặc mật khẩu."));
  // The login page shows no words given in its address (a link could say
  // "call this number" in the office's own frame).
  CHECK_FALSE(has(b.get("/login?error=G%E1%BB%8Di+s%E1%BB%91+0912").body, "Gọi số 0912"));
  CHECK(wrong.header("Set-Cookie").empty());
  // The language switch goes back to a page of this site only: a browser drops a tab
  // or a line break from an address and reads '\\' as '/' ("/<tab>/host" is "//host").
  CHECK(b.get("/lang?to=en&next=/opinions%3Fq%3Dđường+ngập").header("Location") == "/opinions?q=đường ngập");
  for (const char *away : {"//evil.example/", "/%09/evil.example/", "/%0A/evil.example/", "/%5Cevil.example/",
                           "/x/%5C%5Cevil", "https://evil.example/"})
    CHECK(b.get(std::string("/lang?to=en&next=") + away).header("Location") == "/");

  Page ok = b.post("/login", {{"name", "lan"}, {"password", "password-lan"}}, false);
  CHECK(ok.status == 303);
  const std::string cookie = ok.header("Set-Cookie");
  CHECK(has(cookie, "HttpOnly"));
  CHECK(has(cookie, "SameSite=Strict"));
  Page list = b.get("/opinions");
  CHECK(list.status == 200);
  CHECK(has(list.body, "lan"));
  CHECK(b.csrf().size() == 64);

  Page out = b.post("/logout", {});
  CHECK(out.status == 303);
  CHECK(b.get("/opinions").status == 303);  // the old cookie no longer works
}

TEST_CASE("office: login attempts are rate-limited per address", "[office]") {
  office::OfficeOptions options;
  options.login_burst = 3;
  options.login_interval_ms = 60000;
  OfficeSite site(options);
  site.add_user("lan", office::Role::secretary, kCommune);
  Browser b(site.port());
  // Logins that succeed take nothing from the limit: an office's staff behind one
  // router log in all morning.
  for (int i = 0; i < 6; ++i)
    CHECK(b.post("/login", {{"name", "lan"}, {"password", "password-lan"}}, false).header("Location") == "/opinions");
  for (int i = 0; i < 3; ++i) CHECK(b.post("/login", {{"name", "lan"}, {"password", "guess-" + std::to_string(i)}}, false).status == 303);
  Page limited = b.post("/login", {{"name", "lan"}, {"password", "password-lan"}}, false);
  CHECK(limited.status == 429);
  CHECK(!limited.header("Retry-After").empty());
  // Said to the person at the browser as a page, not as the API's JSON.
  CHECK(has(limited.header("Content-Type"), "text/html"));
  CHECK(has(limited.body, "Quá nhiều lần thử từ địa chỉ này. Hãy thử lại sau " + limited.header("Retry-After") + " giây."));
}

TEST_CASE("office: a form without the session's CSRF token changes nothing", "[office]") {
  OfficeSite site;
  Seeded s = seed(site);
  site.add_user("lan", office::Role::secretary, kCommune);
  Browser b(site.port());
  REQUIRE(b.login("lan", "password-lan"));
  Page forged = b.post("/opinions/" + s.land + "/status", {{"to", "resolved"}, {"csrf", std::string(64, 'a')}}, false);
  CHECK(forged.status == 403);
  Page none = b.post("/opinions/" + s.land + "/status", {{"to", "resolved"}}, false);
  CHECK(none.status == 403);
  site.sync();
  CHECK(site.tablet().get_opinion(s.land)->status == "received");
}

TEST_CASE("office: a secretary finds and follows up an opinion, the clerk sees only the assigned one, the tablet gets it",
          "[office]") {
  OfficeSite site;
  Seeded s = seed(site);
  site.add_user("lan", office::Role::secretary, kCommune);
  site.add_user("dia-chinh", office::Role::clerk, kCommune, "Địa chính");
  site.add_user("xay-dung", office::Role::clerk, kCommune, "Xây dựng");
  Browser secretary(site.port());
  REQUIRE(secretary.login("lan", "password-lan"));

  // Diacritics-insensitive search, by the category's label too.
  Page found = secretary.get("/opinions?q=dat+dai");
  CHECK(has(found.body, "/opinions/" + s.land));
  CHECK_FALSE(has(found.body, "/opinions/" + s.environment));
  // An address mistyped is a page saying so; a protocol path, the protocol's refusal.
  const Page typo = secretary.get("/report");
  CHECK(typo.status == 404);
  CHECK(has(typo.body, "Không tìm thấy."));
  CHECK(has(typo.body, "<html"));
  const Page api = secretary.get("/v1/nope");
  CHECK(api.status == 404);
  CHECK(has(api.body, "\"not_found\""));
  // The language switch comes back to the same search and filters.
  const std::string here = "/opinions%3Fq%3Ddat%2520dai%26status%3Dreceived";
  // (the page writes '/' as "&#x2F;", and the browser reads it back)
  CHECK(has(secretary.get("/opinions?q=dat+dai&status=received&done=1").body,
            "next=&#x2F;opinions%3Fq%3Ddat%2520dai%26status%3Dreceived\""));
  CHECK(secretary.get("/lang?to=vi&next=" + here).header("Location") == "/opinions?q=dat%20dai&status=received");
  Page by_text = secretary.get("/opinions?q=RAC+THAI");
  CHECK(has(by_text.body, "/opinions/" + s.environment));
  // Every value escaped by the template engine.
  CHECK_FALSE(has(by_text.body, "<script>alert(1)</script>"));
  CHECK(has(by_text.body, "&lt;script&gt;"));

  secretary.get("/opinions/" + s.land);
  // Spaces pasted around the name are not kept (a clerk compared the bytes and lost it).
  CHECK(secretary.post("/opinions/" + s.land + "/assign", {{"department", "  Địa chính "}, {"due_date", "2024-08-01"}})
            .status == 303);
  // A due date before the meeting is refused, and shown.
  Page early = secretary.post("/opinions/" + s.land + "/assign", {{"department", "Địa chính"}, {"due_date", "2024-01-01"}});
  CHECK(has(early.header("Location"), "error="));

  Browser clerk(site.port());
  REQUIRE(clerk.login("dia-chinh", "password-dia-chinh"));
  Page mine = clerk.get("/opinions");
  CHECK(has(mine.body, "/opinions/" + s.land));
  CHECK_FALSE(has(mine.body, "/opinions/" + s.environment));
  CHECK(clerk.get("/opinions/" + s.environment).status == 404);
  // A department is the same whatever its case or diacritics as typed; the list's
  // filter takes a part of its name, without diacritics.
  site.add_user("dia-chinh-2", office::Role::clerk, kCommune, "ĐỊA CHÍNH");
  // A clerk of a department of spaces only is no clerk: its key would be every
  // opinion not assigned.
  office::UserBook book(site.storage().replica());
  office::OfficeUser blank{"khoang-trang", "Khoảng trắng", office::Role::clerk, {kCommune}, "   "};
  CHECK(book.add(blank, "password-khoang-trang").field() == "department");
  Browser upper(site.port());
  REQUIRE(upper.login("dia-chinh-2", "password-dia-chinh-2"));
  CHECK(upper.get("/opinions/" + s.land).status == 200);
  CHECK(has(secretary.get("/opinions?department=dia+chin").body, "/opinions/" + s.land));
  CHECK_FALSE(has(secretary.get("/opinions?department=xay+dung").body, "/opinions/" + s.land));
  Browser other(site.port());
  REQUIRE(other.login("xay-dung", "password-xay-dung"));
  CHECK_FALSE(has(other.get("/opinions").body, "/opinions/" + s.land));
  CHECK(other.get("/opinions/" + s.land).status == 404);
  // A clerk may not assign, nor see the conflicts or the devices.
  other.get("/opinions");
  CHECK(clerk.get("/conflicts").status == 403);
  CHECK(clerk.get("/devices").status == 403);

  // The status form offers only the moves the role may make.
  const std::string clerk_page = clerk.get("/opinions/" + s.land).body;
  CHECK(has(clerk_page, "<option value=\"resolved\""));
  CHECK_FALSE(has(clerk_page, "<option value=\"closed\""));
  CHECK_FALSE(has(clerk_page, "<option value=\"withdrawn\""));
  // A refusal names the field by its label, said once ("Lỗi: Lỗi — không được để
  // trống" named nothing).
  const Page empty = clerk.post("/opinions/" + s.land + "/answer", {{"content", ""}, {"written", "1"}});
  const std::string said = clerk.get(empty.header("Location")).body;
  CHECK(has(said, "Lỗi: Nội dung: không được để trống"));
  CHECK_FALSE(has(said, "Lỗi — "));
  CHECK(clerk.post("/opinions/" + s.land + "/answer", {{"content", "Đã đo đạc, cấp giấy trong tháng 8"}, {"written", "1"}})
            .status == 303);
  CHECK(clerk.post("/opinions/" + s.land + "/status", {{"to", "resolved"}, {"note", "xong"}}).status == 303);
  // Closing is the leader's.
  Page close = clerk.post("/opinions/" + s.land + "/status", {{"to", "closed"}});
  CHECK(has(close.header("Location"), "error="));

  Page detail = secretary.get("/opinions/" + s.land);
  CHECK(has(detail.body, "Đã đo đạc, cấp giấy trong tháng 8"));
  CHECK(has(detail.body, "Đã giải quyết"));
  // Resolved, it may be closed, by a leader: not offered to a secretary.
  CHECK_FALSE(has(detail.body, "<option value=\"closed\""));
  CHECK(has(detail.body, "<option value=\"received\""));  // reopened

  // The tablet gets the office's work at its next sync.
  site.sync();
  auto o = site.tablet().get_opinion(s.land);
  REQUIRE(o.ok());
  CHECK(o->status == "resolved");
  CHECK(o->assigned_department == "Địa chính");
  CHECK(o->due_date == "2024-08-01");
  auto responses = site.tablet().list_responses(s.land);
  REQUIRE(responses.ok());
  REQUIRE(responses->size() == 1);
  CHECK(responses->front().kind == "written_reply");
  auto history = site.tablet().status_history(s.land);
  REQUIRE(history.ok());
  REQUIRE(history->size() == 3);  // assigned, answered, resolved
  CHECK(history->back().to_status == "resolved");
  CHECK(history->back().changed_by == "dia-chinh");
}

TEST_CASE("office: an answer sent after the session ended is shown to copy and login leads back", "[office]") {
  OfficeSite site;
  Seeded s = seed(site);
  site.add_user("chu-tich", office::Role::leader, kCommune);
  Browser b(site.port());
  const std::string page = "/opinions/" + s.environment;
  // A page asked for without a session: login leads back to it.
  const Page anonymous = b.get(page + "?lang=vi");
  CHECK(anonymous.header("Location") == "/login?next=" + office::url_encode(page + "?lang=vi"));
  REQUIRE(b.login("chu-tich", "password-chu-tich"));
  b.get(page);
  const std::string csrf = b.csrf();
  // The session ends (logged out in another tab, or timed out) while an answer is typed.
  REQUIRE(b.post("/logout", {}).status == 303);
  b.referer = page;
  const std::string typed = "Đã khơi thông cống đoạn trước nhà văn hóa ấp, dài 120 mét";
  const Page ended = b.post(page + "/answer", {{"content", typed}, {"written", "1"}, {"csrf", csrf}}, false);
  CHECK(ended.status == 401);
  CHECK(has(ended.body, "Phiên đăng nhập đã kết thúc"));
  CHECK(has(ended.body, typed + "</textarea>"));
  CHECK_FALSE(has(ended.body, csrf));
  CHECK(has(ended.body, "login?next=&#x2F;opinions&#x2F;" + s.environment + "\">"));  // '/' as a page writes it
  auto responses = site.tablet().list_responses(s.environment);
  REQUIRE(responses.ok());
  CHECK(responses->empty());  // nothing sent without a session
  // Another site's form (no session: the cookie is SameSite) is not shown back, nor a password.
  CHECK_FALSE(has(b.post(page + "/answer", {{"new_password", "bí-mật-123"}}, false).body, "bí-mật-123"));
  b.referer = "";  // an older browser: neither Origin nor a Referer of this site
  CHECK_FALSE(has(b.post(page + "/answer", {{"content", typed}}, false).body, typed));
  b.referer = page;
  CHECK_FALSE(has(b.post_from_site("https://evil.example", page + "/answer", {{"content", "Gọi số 0912"}}).body,
                  "Gọi số 0912"));
  // The login form carries the page along, also through a wrong password.
  CHECK(has(b.get("/login?next=" + office::url_encode(page)).body, "name=\"next\""));
  CHECK(b.post("/login", {{"name", "chu-tich"}, {"password", "wrong"}, {"next", page}}, false).header("Location") ==
        "/login?failed=login&next=" + office::url_encode(page));
  CHECK(b.post("/login", {{"name", "chu-tich"}, {"password", "password-chu-tich"}, {"next", page}}, false)
            .header("Location") == page);
  // Never to another site.
  for (const char *away : {"//evil.example/", "https://evil.example/", "/\\evil.example/", "/\t/evil.example/"})
    CHECK(b.post("/login", {{"name", "chu-tich"}, {"password", "password-chu-tich"}, {"next", away}}, false)
              .header("Location") == "/opinions");
  b.referer = "";
}

TEST_CASE("office: appointments and satisfaction are recorded as the tablet records them", "[office]") {
  OfficeSite site;
  Seeded s = seed(site);
  site.add_user("chu-tich", office::Role::leader, kCommune);
  Browser b(site.port());
  REQUIRE(b.login("chu-tich", "password-chu-tich"));
  b.get("/opinions/" + s.environment);
  // The form's date-and-time picker sends "2024-07-13T08:00".
  CHECK(has(b.get("/opinions/" + s.environment).body, "name=\"at\" type=\"datetime-local\""));
  CHECK(b.post("/opinions/" + s.environment + "/appoint", {{"at", "2024-07-13T08:00"}, {"place", "Trụ sở UBND"}})
            .header("Location") == "/opinions/" + s.environment + "?done=1");
  // A form refused comes back with what was typed in it, once (an answer refused
  // for one character came back empty).
  const std::string typed = "Đã khơi thông cống\x01 đoạn trước nhà văn hóa ấp, dài 120 mét";
  const Page refused_answer = b.post("/opinions/" + s.environment + "/answer", {{"content", typed}, {"written", "1"}});
  REQUIRE(has(refused_answer.header("Location"), "error="));
  CHECK(has(b.get(refused_answer.header("Location")).body, "đoạn trước nhà văn hóa ấp, dài 120 mét</textarea>"));
  CHECK_FALSE(has(b.get(refused_answer.header("Location")).body, "dài 120 mét</textarea>"));
  const Page refused_assign =
      b.post("/opinions/" + s.environment + "/assign", {{"department", "Phòng Kinh tế"}, {"due_date", "2020-01-01"}});
  REQUIRE(has(refused_assign.header("Location"), "error="));
  CHECK(has(b.get(refused_assign.header("Location")).body, "value=\"Phòng Kinh tế\""));
  // Satisfied with what? Nothing was answered yet: refused, and shown.
  const Page early = b.post("/opinions/" + s.environment + "/satisfaction", {{"value", "satisfied"}});
  CHECK(early.status == 303);
  CHECK(has(b.get(early.header("Location")).body, "ý kiến chưa được trả lời: hãy ghi câu trả lời trước"));
  CHECK(b.post("/opinions/" + s.environment + "/answer", {{"content", "Đã khơi thông cống"}, {"written", "1"}}).status ==
        303);
  CHECK(b.post("/opinions/" + s.environment + "/satisfaction", {{"value", "satisfied"}}).status == 303);
  site.sync();
  auto o = site.tablet().get_opinion(s.environment);
  REQUIRE(o.ok());
  CHECK(o->status == "answered");
  CHECK(o->satisfaction == "satisfied");
  auto responses = site.tablet().list_responses(s.environment);
  REQUIRE(responses.ok());
  bool appointed = false;
  for (const auto &r : *responses) appointed = appointed || r.appointment_at == "2024-07-13 08:00";
  CHECK(appointed);
}

TEST_CASE("office: the page opens a complainant the tablet sealed, for entitled users only", "[office]") {
  const OfficeKeys keys;
  OfficeSite site(keys.options);
  keys.seal_on(site);
  Seeded s = seed(site);
  // The server holds ciphertext only...
  TempDir dir;
  auto held = snapshot_of(site.storage(), dir.file("held.db"));
  auto on_server = held->get_opinion(s.denunciation);
  REQUIRE(on_server.ok());
  CHECK(is_sealed(on_server->citizen_name));
  CHECK_FALSE(has(on_server->citizen_name, "Lê Thị Kín"));
  // ...and the page renders it clear to a user with confidential access.
  site.add_user("chu-tich", office::Role::leader, kCommune, "", true);
  site.add_user("xem", office::Role::viewer, kCommune);
  Browser leader(site.port()), viewer(site.port());
  REQUIRE(leader.login("chu-tich", "password-chu-tich"));
  REQUIRE(viewer.login("xem", "password-xem"));
  Page opened = leader.get("/opinions/" + s.denunciation);
  CHECK(opened.status == 200);
  CHECK(has(opened.body, "Lê Thị Kín"));
  CHECK_FALSE(has(opened.body, "sealed:v1:"));
  Page hidden = viewer.get("/opinions/" + s.denunciation);
  CHECK(hidden.status == 200);
  CHECK_FALSE(has(hidden.body, "Lê Thị Kín"));
  CHECK_FALSE(has(hidden.body, "sealed:v1:"));
  // Search never matches the sealed text (its key id is a word of it), even for the leader.
  const std::string key_id = on_server->citizen_name.substr(std::string("sealed:v1:").size(), 16);
  CHECK(has(leader.get("/opinions").body, s.denunciation));
  CHECK_FALSE(has(leader.get("/opinions?q=" + key_id).body, s.denunciation));
  CHECK_FALSE(has(leader.get("/opinions?q=sealed").body, s.denunciation));
}

TEST_CASE("office: without the office's keys a sealed complainant shows as sealed, never as ciphertext",
          "[office]") {
  const OfficeKeys keys;
  OfficeSite site;  // no keys given to the office
  keys.seal_on(site);
  Seeded s = seed(site);
  site.add_user("chu-tich", office::Role::leader, kCommune, "", true);
  Browser leader(site.port());
  REQUIRE(leader.login("chu-tich", "password-chu-tich"));
  Page shown = leader.get("/opinions/" + s.denunciation);
  CHECK(shown.status == 200);
  CHECK(has(shown.body, "[đã niêm phong]"));
  CHECK_FALSE(has(shown.body, "sealed:v1:"));
  CHECK_FALSE(has(shown.body, "Lê Thị Kín"));
}

TEST_CASE("office: a conflict over a sealed complainant is shown opened and settled sealed", "[office]") {
  const OfficeKeys keys;
  OfficeSite site(keys.options);
  const auto sealer = keys.seal_on(site);
  Seeded s = seed(site);
  // Two writers of the complainant's name, neither seeing the other: the tablet
  // corrects it (sealed as it syncs) and the server holds another, sealed too.
  OpinionPatch patch;
  patch.citizen_name = "Lê Thị Kín (máy tính bảng)";
  REQUIRE(site.tablet().update_opinion(s.denunciation, patch).ok());
  auto held = site.storage().replica().load_rows({{"opinions", s.denunciation}});
  REQUIRE(held.ok());
  REQUIRE(held->front());
  auto other = sealer->seal("Lê Thị Kín (văn phòng)");
  REQUIRE(other.ok());
  REQUIRE(site.storage()
              .replica()
              .write_local({{"opinions", s.denunciation, held->front()->scope, {{"citizen_name", Value{*other}, {}}}}})
              .ok());
  site.sync();
  auto conflicts = site.storage().replica().list_conflicts();
  REQUIRE(conflicts.ok());
  std::string id;
  for (const auto &c : *conflicts)
    if (c.column == "citizen_name") id = c.id;
  REQUIRE(!id.empty());

  site.add_user("chu-tich", office::Role::leader, kCommune, "", true);
  site.add_user("lan", office::Role::secretary, kCommune);  // no confidential access
  Browser leader(site.port()), secretary(site.port());
  REQUIRE(leader.login("chu-tich", "password-chu-tich"));
  REQUIRE(secretary.login("lan", "password-lan"));
  Page list = leader.get("/conflicts");
  CHECK(has(list.body, "Lê Thị Kín (máy tính bảng)"));
  CHECK(has(list.body, "Lê Thị Kín (văn phòng)"));
  CHECK_FALSE(has(list.body, "sealed:v1:"));
  CHECK(has(list.body, "Ý kiến.Người nêu"));  // the cell as the pages name it
  CHECK_FALSE(has(list.body, "opinions.citizen_name"));
  // Without confidential access: neither the values nor forms that would be refused.
  Page hidden = secretary.get("/conflicts");
  CHECK(has(hidden.body, "Ý kiến.Người nêu"));
  CHECK_FALSE(has(hidden.body, "/conflicts/" + id + "/resolve"));
  CHECK(has(hidden.body, "Chỉ người được xem thông tin bảo mật mới giải quyết được xung đột này."));
  // Nor settled by a form sent all the same: the complainant is not overwritten.
  secretary.get("/opinions");  // a page with the session's CSRF token
  for (const std::map<std::string, std::string> &form :
       {std::map<std::string, std::string>{{"value", "Không ai cả"}}, {{"keep", "loser"}}}) {
    const Page sent = secretary.post("/conflicts/" + id + "/resolve", form);
    CHECK(sent.status == 404);  // as for a conflict it may not see
  }
  auto still = site.storage().replica().get_conflict(id);
  REQUIRE(still.ok());
  CHECK(still->status == "open");
  CHECK_FALSE(has(hidden.body, "Lê Thị Kín"));
  CHECK_FALSE(has(hidden.body, "sealed:v1:"));

  // A name typed at the office is sealed before the server keeps it.
  CHECK(leader.post("/conflicts/" + id + "/resolve", {{"value", "Lê Thị Kín (đã xác minh)"}}).status ==
        303);
  auto settled = site.storage().replica().load_rows({{"opinions", s.denunciation}});
  REQUIRE(settled.ok());
  REQUIRE(settled->front());
  const std::string name = office::text_cell(*settled->front(), "citizen_name");
  CHECK(is_sealed(name));
  auto opened = keys.ring->open(name);
  REQUIRE(opened.ok());
  CHECK(*opened == "Lê Thị Kín (đã xác minh)");
  auto resolved = site.storage().replica().get_conflict(id);
  REQUIRE(resolved.ok());
  CHECK(resolved->status == "resolved");
  CHECK_FALSE(has(resolved->resolution, "đã xác minh"));
  CHECK(has(leader.get("/opinions/" + s.denunciation).body, "Lê Thị Kín (đã xác minh)"));
}

TEST_CASE("office: a denunciation's complainant shows only to users with confidential access", "[office]") {
  OfficeSite site;
  Seeded s = seed(site);
  site.add_user("chu-tich", office::Role::leader, kCommune, "", true);
  site.add_user("xem", office::Role::viewer, kCommune);
  Browser leader(site.port()), viewer(site.port());
  REQUIRE(leader.login("chu-tich", "password-chu-tich"));
  REQUIRE(viewer.login("xem", "password-xem"));
  CHECK(has(leader.get("/opinions/" + s.denunciation).body, "Lê Thị Kín"));
  Page hidden = viewer.get("/opinions/" + s.denunciation);
  CHECK(hidden.status == 200);
  CHECK_FALSE(has(hidden.body, "Lê Thị Kín"));
  CHECK_FALSE(has(viewer.get("/opinions?q=le+thi+kin").body, "/opinions/" + s.denunciation));
  // A viewer reads, but changes nothing.
  Page refused = viewer.post("/opinions/" + s.land + "/status", {{"to", "resolved"}});
  const std::string back = refused.header("Location");
  CHECK(has(back, "error="));
  // The refusal is shown on the page it leads back to; the same words with another
  // or no signature, or in another session, are not: only the office writes them.
  const std::string shown = viewer.get(back).body;
  CHECK(has(shown, "class=\"error\""));
  const std::string forged = "/opinions/" + s.land + "?error=M%E1%BA%ADt+kh%E1%BA%A9u+h%E1%BA%BFt+h%E1%BA%A1n";
  CHECK_FALSE(has(viewer.get(forged).body, "Mật khẩu hết hạn"));
  CHECK_FALSE(has(viewer.get(forged + "&sig=00000000000000000000000000000000").body, "Mật khẩu hết hạn"));
  CHECK_FALSE(has(leader.get(back).body, "class=\"error\""));
  // A clerk or a viewer cannot be given confidential access.
  office::UserBook book(site.storage().replica());
  office::OfficeUser u{"x", "", office::Role::viewer, {kCommune}, "", true, false};
  CHECK(book.add(u, "long-enough-password").code() == ErrorCode::invalid_argument);
}

TEST_CASE("office: users outside a unit see nothing of it", "[office]") {
  OfficeSite site;
  Seeded s = seed(site);
  site.add_user("khac", office::Role::leader, kOtherCommune, "", true);
  Browser b(site.port());
  REQUIRE(b.login("khac", "password-khac"));
  CHECK_FALSE(has(b.get("/opinions").body, "/opinions/"));
  CHECK(b.get("/opinions/" + s.land).status == 404);
  CHECK(b.get("/reports?unit=" + std::string(kCommune)).status == 403);
}

TEST_CASE("office: a disabled user's session ends at once", "[office]") {
  OfficeSite site;
  site.add_user("lan", office::Role::secretary, kCommune);
  Browser b(site.port());
  REQUIRE(b.login("lan", "password-lan"));
  office::UserBook book(site.storage().replica());
  REQUIRE(book.disable("lan").ok());
  CHECK(b.get("/opinions").status == 303);
  CHECK_FALSE(b.login("lan", "password-lan"));
  REQUIRE(book.set_password("lan", "a-new-password").ok());
  CHECK(b.login("lan", "a-new-password"));
}

TEST_CASE("office: a new password ends every session of its user, also after a disable", "[office]") {
  OfficeSite site;
  site.add_user("lan", office::Role::secretary, kCommune);
  office::UserBook book(site.storage().replica());
  // The operator's answer to a stolen password: a new one. The thief's session ended
  // with the old password (it used to go on), and a disable then a new password did
  // not bring it back (it used to).
  Browser thief(site.port()), owner(site.port());
  REQUIRE(thief.login("lan", "password-lan"));
  REQUIRE(thief.get("/opinions").status == 200);
  REQUIRE(book.set_password("lan", "a-new-password").ok());
  CHECK(thief.get("/opinions").status == 303);
  REQUIRE(owner.login("lan", "a-new-password"));
  REQUIRE(book.disable("lan").ok());
  REQUIRE(book.set_password("lan", "another-password").ok());
  CHECK(owner.get("/opinions").status == 303);
  CHECK(thief.get("/opinions").status == 303);
  CHECK(owner.login("lan", "another-password"));
  CHECK(owner.get("/opinions").status == 200);
  // Ten characters, not ten bytes; not only spaces.
  CHECK(book.set_password("lan", "ééééé").code() == ErrorCode::invalid_argument);
  CHECK(book.set_password("lan", "          ").code() == ErrorCode::invalid_argument);
  CHECK(book.set_password("lan", "ééééééééééé").ok());
}

TEST_CASE("office: the report's figures are the engine's and export to CSV and .xlsx", "[office]") {
  OfficeSite site;
  Seeded s = seed(site);
  REQUIRE(site.tablet().add_response({"", s.land, "", "answered_at_meeting", "Trả lời ngay", "Chủ tịch", "", "", ""}).ok());
  // A duplicate answered at the meeting, merged into another: its answer is the kept
  // opinion's, on its page and in the report, as in the field app.
  Opinion twin;
  twin.meeting_id = s.meeting;
  twin.kind = "opinion";
  twin.category = "environment";
  twin.content = "Rác thải tồn đọng cuối hẻm (ghi trùng)";
  auto twin_made = site.tablet().record_opinion(twin);
  INFO(twin_made.status().to_string());
  REQUIRE(twin_made.ok());
  REQUIRE(site.tablet().add_response({"", twin_made->id, "", "answered_at_meeting", "Sẽ thu gom", "Chủ tịch", "", "", ""}).ok());
  REQUIRE(site.tablet().merge_opinions(s.environment, twin_made->id, "Mai", "").ok());
  site.sync();
  site.add_user("chu-tich", office::Role::leader, kCommune);
  office::UserBook book(site.storage().replica());
  auto user = book.find("chu-tich");
  REQUIRE(user.ok());
  office::OfficeData data(site.storage().replica());
  auto f = office::make_report(data, *user, {kCommune, "2024-01-01", "2024-12-31", "2024-09-01"});
  REQUIRE(f.ok());
  auto engine = site.tablet().report({kCommune, "2024-01-01", "2024-12-31", "2024-09-01"});
  REQUIRE(engine.ok());
  CHECK(f->meetings == engine->meetings);
  CHECK(f->attendance == engine->attendance);
  CHECK(f->opinions == engine->opinions);
  CHECK(f->resolved == engine->resolved);
  CHECK(f->resolved_share == Approx(engine->resolved_share));
  CHECK(f->overdue == engine->overdue);
  CHECK(f->opinions_by_category == engine->opinions_by_category);
  CHECK(f->opinions_by_status == engine->opinions_by_status);
  CHECK(f->satisfaction == engine->satisfaction);
  REQUIRE(f->parts.size() == engine->parts.size());
  CHECK(f->answered_on_spot == 2);
  CHECK(engine->answered_on_spot == 2);

  Browser b(site.port());
  REQUIRE(b.login("chu-tich", "password-chu-tich"));
  CHECK(has(b.get("/opinions/" + s.environment).body, "Sẽ thu gom"));
  Page report = b.get("/reports?unit=" + std::string(kCommune) + "&from=2024-01-01&to=2024-12-31");
  CHECK(report.status == 200);
  CHECK(has(report.body, "<svg"));
  // Every figure of docs/reports.md, named as the field app names it: the meetings
  // by kind, and "resolved" as answered or resolved (not the status of that name).
  CHECK(f->meetings_by_kind == engine->meetings_by_kind);
  CHECK(has(report.body, "Hội nghị: Ngày thứ Bảy về với khu dân cư"));
  CHECK(has(report.body, "Đã trả lời, giải quyết"));
  Page csv = b.get("/reports.csv?unit=" + std::string(kCommune) + "&from=2024-01-01&to=2024-12-31");
  CHECK(csv.status == 200);
  CHECK(csv.body.rfind("\xEF\xBB\xBF", 0) == 0);
  Page xlsx = b.get("/reports.xlsx?unit=" + std::string(kCommune));
  CHECK(xlsx.status == 200);
  CHECK(xlsx.body.rfind("PK", 0) == 0);  // a zip, as .xlsx files are
  // A day that is no day is refused, naming it (a report "from 2025-02-30" was made).
  for (const char *query : {"&from=2025-02-30", "&to=2024-13-01", "&today=2025-02-30", "&today=abc", "&from=2025-0--01"})
    CHECK(b.get("/reports?unit=" + std::string(kCommune) + query).status == 400);
  // Said in the page's language (it was the engine's English).
  CHECK(has(b.get("/reports?unit=" + std::string(kCommune) + "&from=2025-02-30").body, "phải là ngày dạng YYYY-MM-DD"));
  // A unit no one has (a slash too many, a code mistyped) is refused, not reported as
  // one where nothing happened.
  for (const std::string &nobody : {std::string(kHamlet1) + "/", std::string(kHamlet1) + "/x"}) {
    Page none = b.get("/reports?unit=" + nobody);
    CHECK(none.status == 400);
    CHECK(has(none.body, "không có đơn vị nào mang phạm vi"));
    CHECK(b.get("/reports.csv?unit=" + nobody).status == 400);
  }
  Page backwards = b.get("/reports?unit=" + std::string(kCommune) + "&from=2024-12-31&to=2024-01-01");
  CHECK(backwards.status == 400);
  CHECK(has(backwards.body, "ngày kết thúc trước ngày bắt đầu"));
}

TEST_CASE("office: a conflict is shown side by side and resolved as the admin command does", "[office]") {
  OfficeSite site;
  Seeded s = seed(site);
  site.add_user("lan", office::Role::secretary, kCommune);
  // Two writers of one cell, neither seeing the other: the tablet and the office.
  REQUIRE(site.tablet().change_status(s.environment, {"answered", "tại chỗ", "tablet", "", false}).ok());
  office::UserBook book(site.storage().replica());
  auto lan = book.find("lan");
  REQUIRE(lan.ok());
  auto zone = TimeZone::locate("");
  REQUIRE(zone.ok());
  REQUIRE(office::FollowUp(site.storage().replica(), *zone, *lan).set_status(s.environment, "resolved", "", false).ok());
  site.sync();
  auto conflicts = site.storage().replica().list_conflicts();
  REQUIRE(conflicts.ok());
  REQUIRE(!conflicts->empty());
  const std::string id = conflicts->front().id;
  Browser b(site.port());
  REQUIRE(b.login("lan", "password-lan"));
  Page list = b.get("/conflicts");
  CHECK(has(list.body, "/conflicts/" + id + "/resolve"));
  // A form with neither a side nor a new value is refused: it used to settle the cell
  // to an empty value.
  for (const std::map<std::string, std::string> &form :
       {std::map<std::string, std::string>{{"keep", "bogus"}}, {}, {{"value", ""}}}) {
    Page refused = b.post("/conflicts/" + id + "/resolve", form);
    CHECK(has(refused.header("Location"), "error="));
    // Said in the page's language.
    CHECK(has(b.get(refused.header("Location")).body, form.count("keep") ? "hãy chọn giữ giá trị thắng hoặc giá trị thua"
                                                                           : "hãy nhập giá trị mới, hoặc chọn giữ một bên"));
    auto still = site.storage().replica().get_conflict(id);
    REQUIRE(still.ok());
    CHECK(still->status == "open");
  }
  // A new status typed is a status move: a secretary does not close an opinion here
  // either (only a leader does, on its page).
  Page closing = b.post("/conflicts/" + id + "/resolve", {{"value", "closed"}});
  CHECK(has(b.get(closing.header("Location")).body, "chỉ lãnh đạo được đóng ý kiến"));
  auto not_closed = site.storage().replica().get_conflict(id);
  REQUIRE(not_closed.ok());
  CHECK(not_closed->status == "open");
  CHECK(b.post("/conflicts/" + id + "/resolve", {{"keep", "loser"}}).status == 303);
  auto resolved = site.storage().replica().get_conflict(id);
  REQUIRE(resolved.ok());
  CHECK(resolved->status == "resolved");
  CHECK(resolved->resolved_by == "lan");
  // The status shown moved to the kept side with its status-history entry, as every
  // status change has one.
  auto opinion = site.storage().replica().load_rows({{"opinions", s.environment}});
  REQUIRE(opinion.ok());
  REQUIRE(opinion->front());
  const std::string shown = office::text_cell(*opinion->front(), "status");
  CHECK(nlohmann::json(shown).dump() == resolved->resolution);
  auto history = site.storage().replica().find_rows(
      {"status_history", std::nullopt, {{"opinion_id", Value{s.environment}}, {"note", Value{std::string("conflict settled")}}}});
  REQUIRE(history.ok());
  REQUIRE(history->size() == 1);
  CHECK(office::text_cell(history->front(), "to_status") == shown);
  CHECK(office::text_cell(history->front(), "changed_by") == "lan");
  // The opinion's history says it in the page's language.
  const Page page = b.get("/opinions/" + s.environment);
  CHECK(has(page.body, "Giải quyết xung đột"));
  CHECK_FALSE(has(page.body, "conflict settled"));
}

TEST_CASE("office: enrollment codes are made with their QR for the user's units only", "[office]") {
  OfficeSite site;
  site.add_user("lan", office::Role::secretary, kCommune);
  Browser b(site.port());
  REQUIRE(b.login("lan", "password-lan"));
  Page made = b.post("/devices/code", {{"unit", kHamlet1}});
  REQUIRE(made.status == 303);
  Page shown = b.get(made.header("Location"));
  CHECK(has(shown.body, "class=\"qr\""));
  // Opened by 127.0.0.1, the page gives tablets an address they can reach, or says
  // that it has none.
  if (office::lan_addresses().empty()) {
    CHECK(has(shown.body, "chỉ dùng được trên chính máy chủ"));
  } else {
    CHECK(has(shown.body, "id=\"server\">http:&#x2F;&#x2F;" + office::lan_addresses().front() + ":"));
    CHECK_FALSE(has(shown.body, "chỉ dùng được trên chính máy chủ"));
  }
  // Only a code this session made is shown: not any value a link puts in the address.
  CHECK_FALSE(has(b.get("/devices?code=AAAA-BBBB-CCCC").body, "class=\"qr\""));
  // Units outside the user's are refused.
  Page outside = b.post("/devices/code", {{"unit", kOtherCommune}});
  CHECK(has(outside.header("Location"), "error="));

  // The tablet revoked; the form sent again (a second click, a page reloaded) is
  // done as well, not "not found".
  const std::string location = made.header("Location");
  const size_t at = location.find("code=") + 5;
  const std::string code = location.substr(at, location.find('&', at) - at);
  auto enrolled = site.storage().enroll(server::sha256_hex(server::normalize_code(code)), "0190dead-0000-7000-8000-000000000001",
                                        "Máy ấp 1", "00000000000000b1", server::sha256_hex("token"), 1, false);
  REQUIRE(enrolled.ok());
  const std::string tablet = enrolled->id;
  b.get("/devices");
  for (int time = 0; time < 2; ++time) {
    Page revoked = b.post("/devices/" + tablet + "/revoke", {});
    CHECK(revoked.status == 303);
    CHECK(revoked.header("Location") == "/devices?done=1");
  }
}

TEST_CASE("office: meetings filter by unit, kind and dates, a meeting shows attendance, opinions and visits",
          "[office]") {
  OfficeSite site;
  Seeded s = seed(site);
  Database &t = site.tablet();
  const Meeting second = meeting_in(t, kHamlet2, "leader_dialogue", "2024-08-10 14:00", "Hội trường ấp 2", 41);
  auto hamlet1 = t.find_unit_by_scope(kHamlet1);
  REQUIRE(hamlet1.ok());
  SupportVisit sv;
  sv.unit_id = hamlet1->id;
  sv.meeting_id = s.meeting;
  sv.household = "Hộ ông Nguyễn Văn Tư";
  sv.kind = "gift";
  sv.gift_value_vnd = 500000;
  sv.visited_at = "2024-07-06 11:00";
  REQUIRE(t.record_support_visit(sv).ok());
  site.sync();
  site.add_user("lan", office::Role::secretary, kCommune);
  Browser b(site.port());
  REQUIRE(b.login("lan", "password-lan"));

  auto count = [&](const std::string &query) {
    const std::string body = b.get("/meetings" + query).body;
    const auto at = body.find("id=\"count\">");
    REQUIRE(at != std::string::npos);
    return std::stoi(body.substr(at + 11));
  };
  CHECK(count("") == 2);
  CHECK(count("?kind=leader_dialogue") == 1);
  CHECK(count("?unit=" + std::string(kHamlet1)) == 1);
  CHECK(count("?from=2024-08-01") == 1);
  CHECK(count("?to=2024-07-06") == 1);
  CHECK(count("?from=2024-07-07&to=2024-08-09") == 0);
  CHECK(count("?unit=" + std::string(kOtherCommune)) == 0);
  CHECK(b.get("/meetings?from=6/7/2024").status == 400);

  Page minutes = b.get("/meetings/" + s.meeting);
  REQUIRE(minutes.status == 200);
  CHECK(has(minutes.body, "id=\"attendance\">60<"));
  CHECK(has(minutes.body, "/opinions/" + s.land));
  CHECK(has(minutes.body, "Hộ ông Nguyễn Văn Tư"));
  CHECK(has(minutes.body, "500000"));
  CHECK_FALSE(has(b.get("/meetings/" + second.id).body, "Hộ ông Nguyễn Văn Tư"));
  // The opinion's full history: raised, the assignment, an answer, satisfaction, and
  // the support visit of its meeting, by time.
  REQUIRE(b.post("/opinions/" + s.land + "/assign", {{"department", "Địa chính"}, {"due_date", "2099-01-31"}}).status ==
          303);
  REQUIRE(b.post("/opinions/" + s.land + "/answer", {{"content", "Đã đo đạc xong"}, {"written", "1"}}).status == 303);
  REQUIRE(b.post("/opinions/" + s.land + "/satisfaction", {{"value", "satisfied"}}).status == 303);
  // A correction made on the tablet reads as one, not as the journal's JSON.
  OpinionPatch corrected;
  corrected.category = "social";
  REQUIRE(site.tablet().edit_opinion(s.land, corrected, "Mai", "").ok());
  site.sync();
  const std::string page = b.get("/opinions/" + s.land).body;
  CHECK(has(page, "Sửa"));
  CHECK(has(page, "Lĩnh vực: Đất đai → Xã hội, chính sách"));
  const auto h = page.find("class=\"list history\"");
  REQUIRE(h != std::string::npos);
  const auto raised = page.find("Nêu ý kiến", h), visit = page.find("Hộ ông Nguyễn Văn Tư", h),
             assigned = page.find("Địa chính", h), answer = page.find("Đã đo đạc xong", h),
             satisfied = page.find("→ Hài lòng", h);
  CHECK(raised != std::string::npos);
  CHECK(visit != std::string::npos);
  CHECK(answer != std::string::npos);
  CHECK(satisfied != std::string::npos);
  CHECK(raised < visit);
  CHECK(visit < assigned);
  CHECK_FALSE(has(page, "{&quot;edit&quot;"));
  // Outside the user's units, a meeting is not found.
  site.add_user("khac", office::Role::leader, kOtherCommune);
  Browser o(site.port());
  REQUIRE(o.login("khac", "password-khac"));
  CHECK(o.get("/meetings/" + s.meeting).status == 404);
  CHECK_FALSE(has(o.get("/meetings").body, s.meeting));
}
