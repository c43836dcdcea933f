// enroll and sync against a real ykien-server: two tablets share a meeting's
// opinions; a revoked device wipes itself and an unreachable server gets a clear
// error (exit 6).
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "cli_runner.h"
#include "server_runner.h"

using namespace ykien::cli_test;

namespace {

// Each workspace made, enrolled with `server` and synced once (it holds the units).
void enroll_and_sync(Server &server, std::initializer_list<const Workspace *> workspaces) {
  for (const Workspace *ws : workspaces) {
    REQUIRE(ws->run({"init"}).code == 0);
    REQUIRE(ws->run({"enroll", "--server", server.url(), "--code", server.code()}).code == 0);
    REQUIRE(ws->run({"sync"}).code == 0);
  }
}

}  // namespace

TEST_CASE("two tablets enroll, record and sync through ykien-server", "[cli][sync]") {
  Workspace a, b;
  Server server(a.dir());
  for (const Workspace *ws : {&a, &b}) {
    REQUIRE(ws->run({"init"}).code == 0);
    auto enrolled = ws->run({"enroll", "--server", server.url(), "--code", server.code()});
    INFO(enrolled.out << enrolled.err);
    REQUIRE(enrolled.code == 0);
    auto synced = ws->run({"sync"});
    INFO(synced.out << synced.err);
    REQUIRE(synced.code == 0);
  }
  // Offline at the meeting: tablet A records.
  REQUIRE(a.run({"meeting", "open", "--kind", "1", "--hamlet", "kp-3", "--at", "29/6/2024 7:30"}).code == 0);
  auto added = a.ok_json({"opinion", "add", "--category", "land", "--content", "Đề nghị cấp sổ đỏ cho hộ ông Tư"});
  const auto before = a.ok_json({"status"});
  CHECK(before["pending_changes"].get<int64_t>() > 0);
  CHECK(before["refused_changes"].empty());
  // On a terminal, a bar with the phase, done/total and bytes; then a summary.
  auto synced = a.run({"sync"}, "", {"YKIEN_PROGRESS=terminal"});
  INFO(synced.out << synced.err);
  REQUIRE(synced.code == 0);
  CHECK(synced.err.find("Gửi lên [") != std::string::npos);
  CHECK(synced.err.find("█") != std::string::npos);
  CHECK(synced.err.find("100% ") != std::string::npos);
  CHECK(synced.err.find("Nhận về [████████████████████] 100% ") != std::string::npos);
  CHECK(synced.out.find("Đồng bộ xong: gửi ") != std::string::npos);
  CHECK(a.ok_json({"status"})["pending_changes"] == 0);
  // Not on a terminal: plain lines, in English on request.
  REQUIRE(a.run({"opinion", "add", "--category", "2", "--content", "Xe tải chạy quá tốc độ"}).code == 0);
  auto plain = a.run({"--lang", "en", "sync"});
  REQUIRE(plain.code == 0);
  CHECK(plain.err.find("Sending 100% ") != std::string::npos);
  CHECK(plain.err.find("[") == std::string::npos);
  CHECK(plain.out.find("Sync done: pushed ") != std::string::npos);

  // Tablet B receives it, Vietnamese intact, found without diacritics.
  REQUIRE(b.run({"sync"}).code == 0);
  auto found = b.run({"search", "so do", "--json"});
  INFO(found.out << found.err);
  REQUIRE(found.code == 0);
  CHECK(found.out.find("Đề nghị cấp sổ đỏ cho hộ ông Tư") != std::string::npos);

  // A revoked tablet is told so, in Vietnamese by default and in English on request.
  auto devices = capture(server.admin() + " list-devices --json");
  auto list = nlohmann::json::parse(devices, nullptr, false);
  INFO(devices);
  REQUIRE(list.is_array());
  REQUIRE(list.size() == 2);
  const std::string revoked_id = list[0].value("id", "");
  REQUIRE_FALSE(revoked_id.empty());
  // Each tablet's token and signing secret lie in "<db>.keys", 0600, not in the database.
  for (const Workspace *w : {&a, &b}) {
    CHECK((std::filesystem::status(w->db() + ".keys").permissions() & std::filesystem::perms::all) ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  }
  capture(server.admin() + " revoke " + revoked_id);
  auto refused_vi = a.run({"sync"});
  auto refused_b = b.run({"sync"});
  // One of the two tablets is the revoked one: told to wipe itself, it erases its
  // database, says so (exit 6) and the server records it (docs/security.md).
  const RunResult &refused = refused_vi.code != 0 ? refused_vi : refused_b;
  INFO("stdout: " << refused.out << "\nstderr: " << refused.err);
  CHECK(refused.code == 6);
  const std::string said = refused.out + refused.err;
  CHECK(said.find("thu hồi") != std::string::npos);
  CHECK(said.find("đã được xóa") != std::string::npos);
  const Workspace &revoked_ws = refused_vi.code != 0 ? a : b;
  CHECK_FALSE(std::ifstream(revoked_ws.db()).good());
  CHECK_FALSE(std::ifstream(revoked_ws.db() + "-wal").good());
  CHECK_FALSE(std::ifstream(revoked_ws.db() + ".keys").good());
  auto after = nlohmann::json::parse(capture(server.admin() + " list-devices --json"), nullptr, false);
  REQUIRE(after.is_array());
  for (const auto &d : after) CHECK((d.value("id", "") == revoked_id) == !d.value("wiped_at", "").empty());

  // With the server gone, the other tablet is told it is offline: exit 6, nothing lost.
  server.stop();
  const Workspace &active_ws = refused_vi.code != 0 ? b : a;
  auto offline = active_ws.run({"sync"});
  CHECK(offline.code == 6);
  CHECK(offline.err.find("Không kết nối được máy chủ") != std::string::npos);
  auto still = active_ws.run({"search", "so do", "--json"});
  CHECK(still.out.find("sổ đỏ") != std::string::npos);
  (void)added;
}

TEST_CASE("a wrong, used or expired enrollment code is said so in Vietnamese, with what to do", "[cli][sync][vi]") {
  Workspace tablet, other;
  Server server(tablet.dir());
  for (const Workspace *ws : {&tablet, &other}) REQUIRE(ws->run({"init"}).code == 0);
  const std::string code = server.code();
  // About two seconds to live: expired by the time it is used.
  const std::string brief = capture(server.admin() + " create-code --unit 70/tan-phu --ttl-hours 0.0005");
  REQUIRE(tablet.run({"enroll", "--server", server.url(), "--code", code}).code == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  const struct {
    std::string code;
    const char *said;
  } refused[] = {
      {"ABCD-EFGH-JKLM", "không có mã đăng ký này (kiểm tra lại từng ký tự)"},
      {code, "mã đăng ký này đã được dùng"},
      {brief, "mã đăng ký này đã hết hạn"},
  };
  for (const auto &r : refused) {
    const auto run = other.run({"enroll", "--server", server.url(), "--code", r.code});
    INFO(run.err);
    CHECK(run.code == 6);
    CHECK(run.err.find(r.said) != std::string::npos);
    CHECK(run.err.find("Xin mã đăng ký mới") != std::string::npos);  // what to do next
  }
  // Out of reach: the transport's own words are kept as a technical detail.
  server.stop();
  const auto offline = other.run({"enroll", "--server", server.url(), "--code", code});
  CHECK(offline.err.find("Không kết nối được máy chủ: chi tiết kỹ thuật: ") != std::string::npos);
}

TEST_CASE("a change the server refuses shows in ykien status and goes again once the server takes it",
          "[cli][sync]") {
  Workspace a;
  Server server(a.dir());
  std::ofstream(a.dir() + "/more.csv") << "code,name,kind,parent\nkp-4,Khu phố 4,hamlet,70/tan-phu\n";
  capture(server.admin() + " import-units " + a.dir() + "/more.csv");
  REQUIRE(a.run({"init"}).code == 0);
  REQUIRE(a.run({"enroll", "--server", server.url(), "--code", server.code()}).code == 0);
  REQUIRE(a.run({"sync"}).code == 0);
  // The office narrows the tablet to Khu phố 3 while it records in Khu phố 4.
  const auto list = nlohmann::json::parse(capture(server.admin() + " list-devices --json"), nullptr, false);
  REQUIRE(list.is_array());
  const std::string device = list[0].value("id", "");
  capture(server.admin() + " set-scopes " + device + " --unit 70/tan-phu/kp-3");
  REQUIRE(a.run({"meeting", "open", "--kind", "1", "--hamlet", "kp-4", "--at", "29/6/2024 7:30"}).code == 0);
  REQUIRE(a.run({"opinion", "add", "--category", "land", "--content", "Đường khu phố 4 ngập"}).code == 0);
  auto synced = a.run({"sync"});
  INFO(synced.out << synced.err);
  REQUIRE(synced.code == 0);
  CHECK(synced.out.find("Máy chủ từ chối") != std::string::npos);
  // ykien status lists them, the reason in Vietnamese from the refusal's code.
  auto status = a.run({"status"});
  INFO(status.out);
  CHECK(status.out.find("ngoài địa bàn của máy này") != std::string::npos);
  const auto refused = a.ok_json({"status"})["refused_changes"];
  REQUIRE_FALSE(refused.empty());
  for (const auto &r : refused) CHECK(r.value("code", "") == "out_of_scope");
  // Given the hamlet back, the next sync pushes the rows again, whole: taken.
  capture(server.admin() + " set-scopes " + device + " --unit 70/tan-phu");
  REQUIRE(a.run({"sync"}).code == 0);
  CHECK(a.ok_json({"status"})["refused_changes"].empty());
}

TEST_CASE("a sealed complainant is shown as sealed, never as ciphertext, once synced", "[cli][sync][sealed]") {
  Workspace a, b;
  Server server(a.dir());  // a server of its own: it makes the office key at its first start
  for (const Workspace *ws : {&a, &b}) {
    REQUIRE(ws->run({"init"}).code == 0);
    const std::string code = capture(server.admin() + " create-code --unit 70/tan-phu --confidential");
    REQUIRE(ws->run({"enroll", "--server", server.url(), "--code", code}).code == 0);
    REQUIRE(ws->run({"sync"}).code == 0);
  }
  REQUIRE(a.run({"meeting", "open", "--kind", "1", "--hamlet", "kp-3", "--at", "29/6/2024 7:30"}).code == 0);
  const auto added = a.ok_json({"opinion", "add", "--category", "land", "--kind", "tố cáo", "--content",
                                "Tố cáo thu tiền sai quy định", "--citizen", "Trần Thị Tố Nga", "--contact",
                                "0912 345 678"});
  const std::string ref = added["opinion"]["ref"].get<std::string>();
  CHECK(a.run({"opinion", "show", ref}).out.find("sealed:v1") == std::string::npos);  // the recorder, before
  REQUIRE(a.run({"sync"}).code == 0);
  REQUIRE(b.run({"sync"}).code == 0);
  for (const Workspace *ws : {&a, &b}) {
    const auto shown = ws->run({"opinion", "show", ref});
    INFO(shown.out << shown.err);
    REQUIRE(shown.code == 0);
    CHECK(shown.out.find("[đã niêm phong]") != std::string::npos);
    CHECK(shown.out.find("sealed:v1") == std::string::npos);
    CHECK(shown.out.find("Trần Thị Tố Nga") == std::string::npos);
    CHECK(ws->run({"--lang", "en", "opinion", "show", ref}).out.find("[sealed]") != std::string::npos);
    const auto j = ws->ok_json({"opinion", "show", ref});
    CHECK(j["opinion"]["citizen_name"] == "[đã niêm phong]");
    CHECK(j["opinion"]["citizen_contact"] == "[đã niêm phong]");
    CHECK(j["opinion"]["citizen_sealed"] == true);
    const auto listed = ws->run({"opinion", "list", "--json"});
    CHECK(listed.out.find("sealed:v1") == std::string::npos);
    const auto csv = ws->run({"opinion", "list", "--format", "csv"});
    CHECK(csv.out.find("sealed:v1") == std::string::npos);
    // Nor is its ciphertext searched.
    const auto found = ws->ok_json({"search", "sealed"});
    CHECK(found["count"] == 0);
  }
  // Both correct the name offline: the conflict lists both sides as sealed.
  REQUIRE(a.run({"opinion", "edit", ref, "--citizen", "Trần Thị Tố Nga (A)"}).code == 0);
  REQUIRE(b.run({"opinion", "edit", ref, "--citizen", "Trần Thị Tố Nga (B)"}).code == 0);
  REQUIRE(a.run({"sync"}).code == 0);
  REQUIRE(b.run({"sync"}).code == 0);
  const auto conflicts = b.run({"conflicts", "list"});
  INFO(conflicts.out << conflicts.err);
  CHECK(conflicts.out.find("[đã niêm phong]") != std::string::npos);
  CHECK(conflicts.out.find("sealed:v1") == std::string::npos);
}

TEST_CASE("a copy of a tablet's database cannot enroll as that tablet, said in Vietnamese", "[cli][sync]") {
  Workspace a, b;
  Server server(a.dir());
  REQUIRE(a.run({"init"}).code == 0);
  // The database copied to a second tablet before the first enrolled: one site, two keys.
  std::filesystem::copy_file(a.db(), b.db());
  REQUIRE(a.run({"enroll", "--server", server.url(), "--code", server.code()}).code == 0);
  const auto copy = b.run({"enroll", "--server", server.url(), "--code", server.code()});
  INFO(copy.out << copy.err);
  CHECK(copy.code != 0);
  CHECK(copy.err.find("bản sao cơ sở dữ liệu của máy đó không đăng ký được") != std::string::npos);
  CHECK(copy.err.find("Hãy tạo cơ sở dữ liệu mới trên máy này") != std::string::npos);
}

TEST_CASE("a push signed with another key is explained as a key file that does not match", "[cli][sync]") {
  Workspace a, b;
  Server server(a.dir());
  enroll_and_sync(server, {&a, &b});
  // A's key file given B's signing secret (files of two copies mixed up).
  auto read_keys = [](const std::string &path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
  };
  auto keys = read_keys(a.db() + ".keys");
  keys["sync.signing_secret"] = read_keys(b.db() + ".keys")["sync.signing_secret"];
  std::ofstream(a.db() + ".keys", std::ios::trunc) << keys.dump();
  REQUIRE(a.run({"meeting", "open", "--kind", "1", "--hamlet", "kp-3", "--at", "29/6/2024 7:30"}).code == 0);
  const auto synced = a.run({"sync"});
  INFO(synced.out << synced.err);
  CHECK(synced.code == 6);
  CHECK(synced.err.find("Máy chủ không nhận chữ ký của máy này") != std::string::npos);
  CHECK(synced.err.find(".keys") != std::string::npos);
  CHECK(synced.err.find("phạm vi") == std::string::npos);  // not a matter of its units
}

TEST_CASE("an answer refused because its opinion was merged or withdrawn elsewhere says where to give it",
          "[cli][sync]") {
  Workspace a, b;
  Server server(a.dir());
  enroll_and_sync(server, {&a, &b});
  REQUIRE(a.run({"meeting", "open", "--kind", "1", "--hamlet", "kp-3", "--at", "29/6/2024 7:30"}).code == 0);
  auto add = [&](const char *content) {
    return a.ok_json({"opinion", "add", "--category", "land", "--content", content})["opinion"]["ref"].get<std::string>();
  };
  const std::string kept = add("Đề nghị nạo vét kênh thủy lợi"), twin = add("De nghi nao vet kenh thuy loi");
  const std::string slip = add("Ghi nhầm");
  REQUIRE(a.run({"sync"}).code == 0);
  REQUIRE(b.run({"sync"}).code == 0);
  // A merges the twin and withdraws the slip; B, offline, answers both.
  REQUIRE(a.run({"duplicates", "merge", kept, twin}).code == 0);
  REQUIRE(a.run({"opinion", "withdraw", slip, "--reason", "Ghi nhầm ý kiến"}).code == 0);
  REQUIRE(a.run({"sync"}).code == 0);
  REQUIRE(b.run({"opinion", "answer", twin, "--content", "Xã sẽ nạo vét trong tháng 7"}).code == 0);
  REQUIRE(b.run({"opinion", "answer", slip, "--content", "Sẽ kiểm tra"}).code == 0);
  REQUIRE(b.run({"sync"}).code == 0);

  const auto refused = b.ok_json({"status"})["refused_changes"];
  INFO(refused.dump(2));
  auto lines = [&](const std::string &part) {
    std::set<std::string> shown;  // as status prints them: each line once
    for (const auto &r : refused) {
      const std::string line = r["what"].get<std::string>() + r["reason"].get<std::string>() + r["fix"].get<std::string>();
      if (line.find(part) != std::string::npos) shown.insert(line);
    }
    return shown.size();
  };
  // One line for each opinion, not one per row and field, saying where it went.
  CHECK(lines("đã được gộp vào ý kiến " + kept) == 1);
  CHECK(lines("ykien opinion show " + kept) == 1);
  CHECK(lines("đã được rút") == 1);
  CHECK(lines("Liên hệ văn phòng") == 0);
  CHECK(lines("lịch sử trạng thái") == 0);
  const auto text = b.run({"status"});
  CHECK(text.out.find("Ý kiến " + twin) != std::string::npos);
}
