// The office's first admin steps, on both backends (sync/ and sync-pg/): a list of
// units is imported whole or not at all, a one-time code lives for a time that makes
// sense, and a device is given units the server holds.
#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "ykien/sync/protocol.h"

#include "fixture.h"
#include "signing.h"

using namespace ykien;
using namespace ykien::test;

namespace {

CommandResult admin(TestStorage &store, const std::vector<std::string> &command) {
  std::vector<std::string> args{"admin"};
  for (auto &a : store.admin_args()) args.push_back(a);
  args.insert(args.end(), command.begin(), command.end());
  return run_server_binary(args);
}

CommandResult import_units(TestStorage &store, const std::string &file) { return admin(store, {"import-units", file}); }

std::string write_file(const TempDir &dir, const std::string &name, const std::string &text) {
  const std::string path = (dir.path() / name).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

bool held(TestStorage &store, const std::string &scope) {
  auto r = store.storage().replica().has_unit(scope);
  REQUIRE(r.ok());
  return *r;
}

}  // namespace

TEST_CASE("units are imported whole or not at all, a line at fault named", "[sync][admin]") {
  TestStorage store(nullptr, false);
  TempDir dir;
  const std::string header = "code,name,kind,parent\n";
  const std::string good = "70,Tỉnh Bình Phước,province,\n"
                           "tan-phu,Phường Tân Phú,ward,70\n"
                           "kp-3,Khu phố 3,hamlet,70/tan-phu\n";

  SECTION("a unit whose code is wrong") {
    // It used to make the units listed before it, and stop there.
    const auto r = import_units(store, write_file(dir, "units.csv", header + good + "kp/4,Khu phố 4,hamlet,70/tan-phu\n"));
    CHECK(r.status == 1);
    CHECK(r.err.find("unit 70/tan-phu/kp/4: code:") != std::string::npos);
  }
  SECTION("a parent neither held nor listed before") {
    const auto r = import_units(store, write_file(dir, "units.csv", header + good + "kp-4,Khu phố 4,hamlet,70/xa-moi\n"));
    CHECK(r.status == 1);
    CHECK(r.err.find("unit 70/xa-moi/kp-4: no parent unit 70/xa-moi") != std::string::npos);
  }
  SECTION("a unit with no name") {
    const auto r = import_units(store, write_file(dir, "units.csv", header + good + "kp-4,,hamlet,70/tan-phu\n"));
    CHECK(r.status == 1);
    CHECK(r.err.find("unit 70/tan-phu/kp-4: name:") != std::string::npos);
  }
  SECTION("a province under a hamlet") {
    const auto r = import_units(store, write_file(dir, "units.csv", header + good + "71,Tỉnh Bình Dương,province,70/tan-phu/kp-3\n"));
    CHECK(r.status == 1);
    CHECK(r.err.find("unit 70/tan-phu/kp-3/71: kind: a province cannot lie under a hamlet") != std::string::npos);
  }
  SECTION("a code in capitals") {
    const auto r = import_units(store, write_file(dir, "units.csv", header + good + "KP-4,Khu phố 4,hamlet,70/tan-phu\n"));
    CHECK(r.status == 1);
    CHECK(r.err.find("'KP-4' has capital letters: a code is lower case ('kp-4')") != std::string::npos);
  }
  SECTION("a unit listed twice under two names") {
    // The second used to be dropped without a word.
    const auto r = import_units(store, write_file(dir, "units.csv", header + good + "kp-3,Khu phố Ba,hamlet,70/tan-phu\n"));
    CHECK(r.status == 1);
    CHECK(r.err.find("unit 70/tan-phu/kp-3: code: listed twice, as 'Khu phố 3' (hamlet) and as 'Khu phố Ba' (hamlet)") !=
          std::string::npos);
  }
  INFO("nothing of the refused list is made");
  CHECK_FALSE(held(store, "70"));
  CHECK_FALSE(held(store, "70/tan-phu"));

  // Mended, the same list goes in whole; a unit listed twice alike is made once, a
  // group of a hamlet (tổ dân phố) lies under it, and a second run finds them all.
  const std::string mended = write_file(dir, "mended.csv", header + good + "kp-3,Khu phố 3,hamlet,70/tan-phu\n" +
                                                           "to-1,Tổ dân phố 1,hamlet,70/tan-phu/kp-3\n");
  const auto first = import_units(store, mended);
  INFO(first.err);
  REQUIRE(first.status == 0);
  CHECK(first.out == "units created: 4, already present: 1\n");
  CHECK(held(store, "70/tan-phu/kp-3"));
  CHECK(held(store, "70/tan-phu/kp-3/to-1"));
  CHECK(import_units(store, mended).out == "units created: 0, already present: 5\n");
}

TEST_CASE("a units file saved by Excel is read, an empty file or a folder is refused, saying which", "[sync][admin]") {
  TestStorage store(nullptr, false);
  TempDir dir;
  // Excel's CSV starts with a byte-order mark and ends lines with CR LF: it was
  // refused as having no header.
  const auto excel = import_units(store, write_file(dir, "excel.csv", "\xEF\xBB\xBF" "code,name,kind,parent\r\n"
                                                                       "70,Tỉnh Bình Phước,province,\r\n"));
  INFO(excel.err);
  CHECK(excel.status == 0);
  CHECK(held(store, "70"));
  // Both used to say "units created: 0".
  const auto empty = import_units(store, write_file(dir, "empty.csv", ""));
  CHECK(empty.status == 1);
  CHECK(empty.err.find("empty.csv: no units listed") != std::string::npos);
  const auto folder = import_units(store, dir.path().string());
  CHECK(folder.status == 1);
  CHECK(folder.err.find("is a folder: give the file in it") != std::string::npos);
}

TEST_CASE("a one-time code lives more than no time and less than ten years, or none is made", "[sync][admin]") {
  TestStorage store;  // with the test province's units
  for (const char *hours : {"0", "-5", "1e9"}) {  // (nan and inf below)
    const auto r = admin(store, {"create-code", "--unit", "vn/79", "--ttl-hours", hours});
    INFO(hours);
    CHECK(r.status != 0);
    CHECK(r.out.empty());  // no code printed
    CHECK(r.err.find(std::string("--ttl-hours: must be more than 0 and at most 87600, not ") + hours) !=
          std::string::npos);
  }
  for (const char *hours : {"nan", "inf"}) {  // strtod reads them; no comparison refuses nan
    const auto r = admin(store, {"create-code", "--unit", "vn/79", "--ttl-hours", hours});
    CHECK(r.status != 0);
    CHECK(r.err.find(std::string("--ttl-hours: '") + hours + "' is not a number") != std::string::npos);
  }
  const auto half = admin(store, {"create-code", "--unit", "vn/79", "--ttl-hours", "0.5"});
  INFO(half.err);
  CHECK(half.status == 0);
  CHECK(half.out.size() == std::string("ABCD-EFGH-JKLM\n").size());
}

TEST_CASE("a device's units are replaced only by units the server holds", "[sync][admin]") {
  TestServer server;
  Tablet tablet(server.url(), "tablet");
  tablet.enroll(server.code({kHamlet1}));
  std::vector<std::string> list{"admin"};
  for (auto &a : server.admin_args()) list.push_back(a);
  list.insert(list.end(), {"list-devices", "--json"});
  const auto devices = nlohmann::json::parse(run_server_binary(list).out, nullptr, false);
  REQUIRE(devices.is_array());
  REQUIRE(devices.size() == 1);
  const std::string id = devices[0].value("id", "");
  auto set_scopes = [&](const std::string &unit) {
    std::vector<std::string> args{"admin"};
    for (auto &a : server.admin_args()) args.push_back(a);
    args.insert(args.end(), {"set-scopes", id, "--unit", unit});
    return run_server_binary(args);
  };
  // They used to be taken: the device then got nothing, silently.
  const auto unknown = set_scopes("vn/99");
  CHECK(unknown.status == 1);
  CHECK(unknown.err.find("no unit with scope vn/99 (import units first)") != std::string::npos);
  const auto empty = set_scopes("");
  CHECK(empty.status == 1);
  CHECK(empty.err.find("unit: a unit scope is empty") != std::string::npos);
  auto held = server.storage().list_devices();
  REQUIRE(held.ok());
  REQUIRE(held->size() == 1);
  CHECK(held->front().scopes == std::vector<std::string>{kHamlet1});
  const auto widened = set_scopes(kCommune);
  INFO(widened.err);
  CHECK(widened.status == 0);
}

TEST_CASE("a device's name is one line of text of reasonable length, or its enrollment is refused", "[sync][admin]") {
  TestServer server;
  const std::string code = server.code({kHamlet1});
  auto enroll = [&](const std::string &name) {
    sync::EnrollRequest req{sync::kProtocolVersion, code, name, "00000000000000a1", ""};
    return raw_post(server.url() + sync::kPathEnroll, sync::encode(req));
  };
  // Printed as it is in list-devices: a line break forged a line of the listing.
  for (const std::string &name : {std::string("máy\nrevoked x"), std::string("a\x1b[2Jb"), std::string(201, 'x')}) {
    const auto r = enroll(name);
    CHECK(r.status == 400);
    CHECK(r.body.find("device_name") != std::string::npos);
  }
  // The code is still good for a name that is one.
  CHECK(enroll("Máy tính bảng ấp 1").status == 200);
}

TEST_CASE("a site is one device's: another database with a tablet's site cannot enroll, the tablet itself can again",
          "[sync][admin]") {
  TestServer server;
  Tablet a(server.url(), "a");
  a.enroll(server.code({kHamlet1}));
  const std::string site = site_to_string(a.db().site_id());
  // A copy of the tablet's database without its key (or a forged request) would
  // write as the tablet: refused, naming the site and what to do; the code unused.
  // Without a good code nothing is said of the site (no one learns which are enrolled).
  const sync::EnrollRequest guess{sync::kProtocolVersion, "AAAA-BBBB-CCCC", "Dò", site, ""};
  CHECK(raw_post(server.url() + sync::kPathEnroll, sync::encode(guess)).status == 401);
  const std::string code = server.code({kHamlet1});
  const sync::EnrollRequest copy{sync::kProtocolVersion, code, "Bản sao", site, ""};
  const auto refused = raw_post(server.url() + sync::kPathEnroll, sync::encode(copy));
  CHECK(refused.status == 409);
  CHECK(refused.body.find("\"field\":\"site\"") != std::string::npos);
  CHECK(refused.body.find("Make a new database on this tablet") != std::string::npos);
  CHECK(refused.body.find("\"a\"") == std::string::npos);  // the holder's name stays in the server's log
  // Nor with a good key of its own (another database's): only the holder's key passes.
  TempDir other_dir;
  auto other = Database::open(other_dir.file("other.db"));
  REQUIRE(other.ok());
  auto other_key = sync::signing_key((*other)->replica());
  REQUIRE(other_key.ok());
  const sync::EnrollRequest with_other_key{sync::kProtocolVersion, code, "Bản sao", site, other_key->public_hex};
  CHECK(raw_post(server.url() + sync::kPathEnroll, sync::encode(with_other_key)).status == 409);
  // The tablet itself, enrolled again with that code, keeps its site: its key is the one known.
  a.enroll(code);
  a.sync_ok();  // its units
  a.record(kHamlet1, "Đường ngập nước");
  CHECK(a.sync_ok().pushed > 0);
  // Once every device holding the site is revoked, the site may enroll again (a
  // tablet whose key store was lost).
  auto devices = server.storage().list_devices();
  REQUIRE(devices.ok());
  for (const auto &d : *devices)
    if (d.site == site) REQUIRE(server.storage().revoke_device(d.id, 1).ok());
  const sync::EnrollRequest again{sync::kProtocolVersion, server.code({kHamlet1}), "Máy cũ", site, ""};
  CHECK(raw_post(server.url() + sync::kPathEnroll, sync::encode(again)).status == 200);
}
