// ykien bundle export|import: two databases exchange files, in Vietnamese and
// English, with --json, and damaged files or stamps far ahead refused with exit 2.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

#include "cli_runner.h"

using ykien::cli_test::Workspace;

namespace {
bool has(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

std::string read_all(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A bundle from "ap-3" for "office" whose one change is stamped 2100-01-01 00:00 UTC
// (hlc 03bb2cc3d8000000): a tablet clock far ahead. The payload is gzip without
// compression (stored blocks), so the change reads in clear; checksum included.
const char kFutureBundle[] =
    "ykien-bundle 1\n"
    "{\"format\":1,\"id\":\"0190a0b0-0000-7000-8000-0000000000b1\",\"exporter\":\"ap-3\",\"exporter_site\":"
    "\"00000000000000a3\",\"for\":\"office\",\"created\":4102444800000,\"cursors\":{\"from\":0,\"to\":1,"
    "\"received\":0},\"changes\":1,\"scopes\":[],\"confidential\":true,\"payload\":{\"encoding\":\"gzip\","
    "\"content\":\"changes\",\"bytes\":194}}\n"
    "\037\213\010\000\000\000\000\000\004\003\001\253\000T\377"
    "{\"changes\":[{\"table\":\"units\",\"id\":\"0190a0b0-0000-7000-8000-000000000001\",\"scope\":\"vn\","
    "\"col\":\"name\",\"value\":\"Viet Nam\",\"hlc\":\"03bb2cc3d8000000\",\"site\":\"00000000000000a3\"}]}"
    "'\251\2053\253\000\000\000"
    "\nsha256 d7a62cabff696b9e263ecaa454f36ce719e00e6e7b86a3593b749aab498a27ba\n";
}  // namespace

TEST_CASE("bundle export and import between a tablet and the office", "[cli][bundle]") {
  Workspace tablet, office;
  ykien::cli_test::setup_meeting(tablet);
  tablet.ok_json({"opinion", "add", "--content", "Đề nghị lắp đèn hẻm 12", "--category", "3"});
  REQUIRE(office.run({"init"}).code == 0);
  const std::string file = tablet.dir() + "/ap3.ykb";

  const auto ex = tablet.run({"bundle", "export", "--for", "van-phong", "--as", "ap-3", file});
  INFO(ex.err);
  REQUIRE(ex.code == 0);
  CHECK(has(ex.out, "Đã ghi gói đồng bộ cho van-phong"));
  CHECK(has(ex.out, "ykien bundle import"));

  // Not named van-phong yet: refused, and told how.
  const auto wrong = office.run({"--lang", "en", "bundle", "import", file});
  CHECK(wrong.code == 2);
  CHECK(has(wrong.err, "not for this database"));
  CHECK(has(wrong.err, "--as"));
  CHECK(office.ok_json({"opinion", "list"})["count"] == 0);

  const auto im = office.ok_json({"bundle", "import", "--as", "van-phong", file});
  CHECK(im["from"] == "ap-3");
  CHECK(im["applied"].get<int64_t>() > 0);
  CHECK(office.ok_json({"opinion", "list"})["count"] == 1);
  // Again: nothing new.
  const auto again = office.ok_json({"bundle", "import", file});
  CHECK(again["applied"] == 0);

  // The office answers; the return bundle carries only what the tablet lacks.
  const std::string back = office.dir() + "/tra-loi.ykb";
  const auto en = office.run({"--lang", "en", "bundle", "export", "--for", "ap-3", back});
  REQUIRE(en.code == 0);
  CHECK(has(en.out, "Bundle for ap-3 written: 0 changes"));
  const auto ti = tablet.ok_json({"bundle", "import", back});
  CHECK(ti["from"] == "van-phong");
}

TEST_CASE("a damaged or missing bundle file: exit 2 or 3, nothing applied", "[cli][bundle]") {
  Workspace tablet, office;
  ykien::cli_test::setup_meeting(tablet);
  REQUIRE(office.run({"init"}).code == 0);
  const std::string file = tablet.dir() + "/t.ykb";
  REQUIRE(tablet.run({"bundle", "export", "--for", "office", file}).code == 0);
  const std::string whole = read_all(file);

  const std::string cut = office.dir() + "/cut.ykb";
  {
    std::ofstream out(cut, std::ios::binary);
    out << whole.substr(0, whole.size() / 2);
  }
  const auto r = office.run({"bundle", "import", "--as", "office", cut});
  CHECK(r.code == 2);
  CHECK(has(r.err, "Tệp gói bị hỏng hoặc không đầy đủ"));
  CHECK(has(r.err, "tệp bị cắt cụt: chỉ có"));  // the reason too, in Vietnamese
  CHECK_FALSE(has(r.err, "truncated"));
  CHECK(has(r.err, "Chép lại tệp"));

  const std::string bad = office.dir() + "/bad.ykb";
  {
    std::string changed = whole;
    changed[whole.size() / 2] = static_cast<char>(changed[whole.size() / 2] ^ 1);
    std::ofstream out(bad, std::ios::binary);
    out << changed;
  }
  const auto j = office.run({"--json", "--lang", "en", "bundle", "import", bad});
  CHECK(j.code == 2);
  const auto e = j.json();
  CHECK(e["error"]["code"] == "invalid_input");
  CHECK(has(e["error"]["message"].get<std::string>(), "checksum mismatch"));
  CHECK(office.ok_json({"unit", "list"})["units"].empty());

  const auto changed_vi = office.run({"bundle", "import", "--as", "office", bad});
  CHECK(has(changed_vi.err, "sai mã kiểm tra: tệp bị hỏng hoặc đã bị sửa"));
  const std::string text = office.dir() + "/text.ykb";
  std::ofstream(text) << "xin chào\n";
  CHECK(has(office.run({"bundle", "import", "--as", "office", text}).err, "text.ykb không phải gói đồng bộ ykien"));
  const auto elsewhere = office.run({"bundle", "import", "--as", "van-phong", file});
  CHECK(has(elsewhere.err, "tạo cho \"office\", không phải cho máy này"));

  const auto missing = office.run({"bundle", "import", office.dir() + "/none.ykb"});
  CHECK(missing.code == 3);
  // A folder that is not there is the file's fault, not the database's (it said
  // "cannot read or write the database", with a hint about --db).
  const auto nowhere = tablet.run({"bundle", "export", "--for", "office", office.dir() + "/khong-co/t.ykb"});
  CHECK(nowhere.code == 5);
  CHECK(has(nowhere.err, "Không đọc/ghi được tệp gói"));
  CHECK(has(nowhere.err, "Kiểm tra thư mục có tồn tại"));
  CHECK_FALSE(has(nowhere.err, "--db"));
  const auto usage = office.run({"bundle", "export", file});
  CHECK(usage.code == 1);
  CHECK(has(usage.err, "--for"));
  // A refused export keeps nothing of its --as: the name used to be saved, and every
  // later bundle to "khac" refused as addressed to this database itself.
  const auto self = tablet.run({"bundle", "export", "--for", "khac", "--as", "khac", tablet.dir() + "/self.ykb"});
  CHECK(self.code == 2);
  CHECK(has(self.err, "là tên của chính máy này (khac)"));
  CHECK(tablet.run({"bundle", "export", "--for", "khac", tablet.dir() + "/khac.ykb"}).code == 0);
}

TEST_CASE("a bundle stamped far ahead of this clock: exit 2, what to do, nothing applied", "[cli][bundle]") {
  Workspace office;
  REQUIRE(office.run({"init"}).code == 0);
  const std::string file = office.dir() + "/ap3.ykb";
  {
    std::ofstream out(file, std::ios::binary);
    out.write(kFutureBundle, sizeof kFutureBundle - 1);
  }

  const auto vi = office.run({"bundle", "import", "--as", "office", file});
  INFO(vi.err);
  CHECK(vi.code == 2);
  CHECK(has(vi.err, "Gói bị từ chối vì giờ ghi của thay đổi: gói từ \"ap-3\" có 1 thay đổi mang giờ ghi vượt trước "
                    "đồng hồ máy này tới "));
  CHECK(has(vi.err, " ngày (chỉ cho phép 5 phút); chưa áp dụng gì."));
  CHECK(has(vi.err, "Hãy chỉnh ngày giờ của máy \"ap-3\" cho đúng"));
  CHECK(has(vi.err, "xuất gói mới"));
  CHECK(has(vi.err, "Không mất dữ liệu"));
  CHECK_FALSE(has(vi.err, "máy chủ"));  // not the sync message: no server is involved

  // (--as again: the refused import above kept nothing of it.)
  const auto en = office.run({"--json", "--lang", "en", "bundle", "import", "--as", "office", file});
  CHECK(en.code == 2);
  const auto e = en.json()["error"];
  CHECK(e["code"] == "invalid_input");
  CHECK(e["field"] == "FILE");
  const std::string message = e["message"].get<std::string>();
  INFO(message);
  CHECK(has(message, "The bundle was refused for the time its changes carry: the bundle from \"ap-3\" holds 1 "
                     "change(s) stamped up to "));
  CHECK(has(message, " days ahead of this database's clock (at most 5 minutes allowed); nothing was applied."));
  CHECK(has(message, "Set the clock of \"ap-3\" right"));
  CHECK(has(e["hint"].get<std::string>(), "Nothing is lost"));
  CHECK(office.ok_json({"unit", "list"})["units"].empty());
}

TEST_CASE("a bundle signed by another database than the one known by its name exits 2 and applies nothing",
          "[cli][bundle]") {
  Workspace tablet, other, office;
  ykien::cli_test::setup_meeting(tablet);
  ykien::cli_test::setup_meeting(other);
  REQUIRE(office.run({"init"}).code == 0);
  const std::string first = tablet.dir() + "/ap3.ykb", second = other.dir() + "/ap3.ykb";
  REQUIRE(tablet.run({"bundle", "export", "--for", "van-phong", "--as", "ap-3", first}).code == 0);
  REQUIRE(office.run({"bundle", "import", "--as", "van-phong", first}).code == 0);
  other.ok_json({"opinion", "add", "--content", "Đề nghị lắp đèn hẻm 14", "--category", "3"});
  REQUIRE(other.run({"bundle", "export", "--for", "van-phong", "--as", "ap-3", second}).code == 0);
  const auto im = office.run({"bundle", "import", second});
  INFO(im.err);
  CHECK(im.code == 2);
  CHECK(has(im.err, "Chữ ký của tệp gói không khớp"));
  CHECK_FALSE(has(im.err, "Máy chủ"));  // no server in it
  CHECK(office.ok_json({"opinion", "list"})["count"] == 0);
}
