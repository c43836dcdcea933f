// Sealed identities (issue 19; docs/security.md): a denunciation's complainant is
// sealed on the recording tablet to the office's key, so that no other replica, no
// bundle and no server file holds it in clear, while the office opens it; a push
// with the identity in clear is refused (not_sealed); the office key's file is made
// and rotated by `ykien-server admin office-key`. Registered as evidence/<case>/...
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "bundle_admin.h"
#include "fixture.h"
#include "ykien/seal.h"
#include "ykien/sync/bundle.h"
#include "ykien/sync/office_key.h"

using namespace ykien;
using namespace ykien::test;

namespace {

const std::string kName = "Trần Thị Tố Nga";
const std::string kPhone = "0912 345 678";

std::string read_all(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The files under `dir` (or `dir` itself, a file) whose bytes hold `needle`, as
// `strings FILE | grep` would find it, and more (any run of bytes).
std::vector<std::string> files_holding(const std::string &dir, const std::string &needle) {
  namespace fs = std::filesystem;
  std::vector<std::string> found;
  auto check = [&](const fs::path &p) {
    if (read_all(p.string()).find(needle) != std::string::npos) found.push_back(p.string());
  };
  if (fs::is_regular_file(dir)) {
    check(dir);
    return found;
  }
  for (const auto &e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) check(e.path());
  return found;
}

Opinion denunciation(Database &db, const std::string &unit_scope) {
  return record_denunciation(db, unit_scope, kName, kPhone);
}

sync::OfficeKeyRing office_ring() {
  auto key = sync::make_office_key();
  REQUIRE(key.ok());
  sync::OfficeKeyRing ring;
  ring.keys.push_back(*key);
  return ring;
}

// What the office reads in a sealed value; the error when it cannot.
std::string opened(const sync::OfficeKeyRing &ring, const std::string &value) {
  auto clear = ring.open(value);
  return clear.ok() ? *clear : clear.status().to_string();
}

server::ServerOptions with_office_key(const sync::OfficeKeyRing &ring) {
  server::ServerOptions so;
  so.office_key = ring.current()->public_hex;
  return so;
}

// An app that does not seal (older, or one that would not), enrolled at hamlet 1 and
// synced once: it holds the office key's setting but no sealer.
struct OldApp {
  TempDir dir;
  Result<std::unique_ptr<Database>> db = Database::open(dir.file("old.db"));
  std::unique_ptr<sync::Transport> transport = sync::make_curl_transport({});
  std::unique_ptr<sync::SyncClient> client;
  explicit OldApp(TestServer &server) {
    REQUIRE(db.ok());
    sync::SyncOptions so;
    so.server_url = server.url();
    client = std::make_unique<sync::SyncClient>((*db)->replica(), *transport, so);
    REQUIRE(client->enroll(server.code({kHamlet1}), "old app").ok());
    REQUIRE(client->sync().ok());
  }
};

}  // namespace

TEST_CASE("after a denunciation is synced, no replica but the office holds its complainant in clear",
          "[.][evidence-sealed]") {
  const sync::OfficeKeyRing office = office_ring();
  TestServer server(with_office_key(office));
  Tablet a{server.url(), "may A"}, b{server.url(), "may B"};
  a.enroll(server.code({kHamlet1}));
  b.enroll(server.code({kHamlet1}));
  a.sync_ok();
  b.sync_ok();
  REQUIRE(a.db().has_sealer());

  const Opinion recorded = denunciation(a.db(), kHamlet1);
  CHECK(recorded.citizen_name == kName);  // the recorder reads what it typed...
  auto on_a = a.db().get_opinion(recorded.id);
  REQUIRE(on_a.ok());
  CHECK(on_a->citizen_name == kName);
  CHECK(on_a->citizen_contact == kPhone);
  // ...while the replicated cell is sealed from the first write.
  auto exported = a.db().export_changes(0);
  REQUIRE(exported.ok());
  for (const auto &c : exported->changes)
    if (is_identity_column(c.column) && c.id == recorded.id) CHECK(is_sealed(std::get<std::string>(c.value)));

  // The search below finds what is there: the recorder's clear copy, before it syncs.
  CHECK_FALSE(files_holding(a.dir(), kName).empty());

  a.sync_ok();
  b.sync_ok();
  // Once synced, the recorder holds only ciphertext too.
  on_a = a.db().get_opinion(recorded.id);
  REQUIRE(on_a.ok());
  CHECK(is_sealed(on_a->citizen_name));
  auto on_b = b.db().get_opinion(recorded.id);
  REQUIRE(on_b.ok());
  CHECK(is_sealed(on_b->citizen_name));
  CHECK(is_sealed(on_b->citizen_contact));
  // The office opens them with its key.
  CHECK(opened(office, on_b->citizen_name) == kName);
  CHECK(opened(office, on_b->citizen_contact) == kPhone);
  Database &held = server.data();
  auto on_server = held.get_opinion(recorded.id);
  REQUIRE(on_server.ok());
  CHECK(opened(office, on_server->citizen_name) == kName);
  // Search finds the denunciation by what was said, never by who said it.
  OpinionFilter find;
  find.scope = kCommune;
  find.text = "địa chính";
  auto by_content = b.db().list_opinions(find);
  REQUIRE(by_content.ok());
  CHECK(by_content->size() == 1);
  find.text = "Tố Nga";
  auto by_name = b.db().list_opinions(find);
  REQUIRE(by_name.ok());
  CHECK(by_name->empty());

  TempDir bundles;
  REQUIRE(sync::export_bundle(b.db(), sync::kServerPeerName, bundles.file("b.ykb")).ok());
  REQUIRE(sync::export_bundle(a.db(), sync::kServerPeerName, bundles.file("a.ykb")).ok());

  std::vector<std::string> places = {a.dir(), b.dir(), bundles.path()};
  const auto admin = server.admin_args();
  TempDir dump;
  if (admin.front() == "--data") {
    places.push_back(admin.back());  // the server's data directory, snapshots included
  } else {
    // On PostgreSQL: everything the server holds, dumped into one file.
    auto copy = snapshot_of(server.storage(), dump.file("dump.db"));
    REQUIRE(copy->check_integrity().ok());
    copy.reset();
    places.push_back(dump.path());
  }
  for (const auto &place : places)
    for (const auto &needle : {kName, kPhone}) {
      INFO(place << " holds " << needle);
      CHECK(files_holding(place, needle).empty());
    }
}

namespace {

// Two tablets correct a denunciation's complainant offline: the server records a
// conflict, both sides sealed.
struct ComplainantConflict {
  const sync::OfficeKeyRing office = office_ring();
  TestServer server{with_office_key(office)};
  Tablet a{server.url(), "may A"}, b{server.url(), "may B"};
  Opinion recorded;
  std::string id;  // the conflict's

  ComplainantConflict() {
    a.enroll(server.code({kHamlet1}));
    b.enroll(server.code({kHamlet1}));
    a.sync_ok();
    recorded = denunciation(a.db(), kHamlet1);
    a.sync_ok();
    b.sync_ok();
    for (auto [tablet, name] : {std::pair{&a, kName + " (A)"}, std::pair{&b, kName + " (B)"}}) {
      OpinionPatch patch;
      patch.citizen_name = name;
      REQUIRE(tablet->db().update_opinion(recorded.id, patch).ok());
    }
    a.sync_ok();
    b.sync_ok();
    auto conflicts = server.data().replica().list_conflicts();
    REQUIRE(conflicts.ok());
    for (const auto &c : *conflicts)
      if (c.column == "citizen_name") id = c.id;
    REQUIRE(!id.empty());
  }

  // The server's name and the conflict's resolution are sealed and open to `clear`.
  void check_settled_sealed(const std::string &clear) {
    auto on_server = server.data().get_opinion(recorded.id);
    REQUIRE(on_server.ok());
    CHECK(is_sealed(on_server->citizen_name));
    CHECK(opened(office, on_server->citizen_name) == clear);
    auto settled = server.data().replica().get_conflict(id);
    REQUIRE(settled.ok());
    CHECK(settled->status == "resolved");
    CHECK(opened(office, nlohmann::json::parse(settled->resolution).get<std::string>()) == clear);
    b.sync_ok();
    auto on_b = b.db().get_opinion(recorded.id);
    REQUIRE(on_b.ok());
    CHECK(on_b->citizen_name == on_server->citizen_name);
  }
};

}  // namespace

TEST_CASE("a complainant typed at the server to settle a conflict is sealed before it is kept",
          "[.][evidence-sealed]") {
  ComplainantConflict e;
  TempDir keys;
  REQUIRE(sync::write_office_key_file(keys.file("office.key"), e.office).ok());
  std::vector<std::string> args{"admin"};
  for (const auto &arg : e.server.admin_args()) args.push_back(arg);
  for (std::string arg : std::vector<std::string>{"--office-key", keys.file("office.key"), "conflicts", "resolve", e.id,
                                                  "--value", "\"" + kName + " (đã xác minh)\"", "--json"})
    args.push_back(std::move(arg));
  CommandResult r = run_server_binary(args);
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("đã xác minh") == std::string::npos);  // the resolution shown is sealed too
  e.check_settled_sealed(kName + " (đã xác minh)");
}

TEST_CASE("admin conflicts list and show mark a complainant's sealed values, and print neither them nor the name",
          "[.][evidence-sealed]") {
  ComplainantConflict e;
  for (const std::vector<std::string> &command : {std::vector<std::string>{"conflicts", "list"},
                                                  std::vector<std::string>{"conflicts", "show", e.id}}) {
    std::vector<std::string> args{"admin"};
    for (const auto &arg : e.server.admin_args()) args.push_back(arg);
    for (const auto &arg : command) args.push_back(arg);
    CommandResult r = run_server_binary(args);
    INFO(r.out << r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("citizen_name") != std::string::npos);
    CHECK(r.out.find("[sealed: the office page opens it]") != std::string::npos);
    CHECK(r.out.find(std::string(kSealedPrefix)) == std::string::npos);
    CHECK(r.out.find(kName) == std::string::npos);
  }
}

TEST_CASE("a complainant typed on a tablet to settle a conflict is sealed, the resolution too",
          "[.][evidence-sealed]") {
  ComplainantConflict e;
  e.a.sync_ok();  // brings the conflict's record
  REQUIRE(e.a.db().resolve_conflict(e.id, "\"" + kName + " (đã xác minh)\"", "Thư ký").ok());
  // The secretary reads what she typed; what replicates is sealed.
  auto on_a = e.a.db().get_opinion(e.recorded.id);
  REQUIRE(on_a.ok());
  CHECK(on_a->citizen_name == kName + " (đã xác minh)");
  auto exported = e.a.db().export_changes(0);
  REQUIRE(exported.ok());
  for (const auto &c : exported->changes)
    if (const auto *text = std::get_if<std::string>(&c.value)) CHECK(text->find("đã xác minh") == std::string::npos);
  e.a.sync_ok();
  e.check_settled_sealed(kName + " (đã xác minh)");
}

TEST_CASE("a push with a complainant's identity in clear is refused as not_sealed", "[.][evidence-refusal]") {
  const sync::OfficeKeyRing office = office_ring();
  TestServer server(with_office_key(office));
  // A client that does not seal: an older app, or one that would not.
  OldApp old(server);
  auto &db = old.db;
  auto &old_app = *old.client;
  CHECK(!(*db)->has_sealer());
  const Opinion clear = denunciation(**db, kHamlet1);
  const Opinion plain = record_in(**db, kHamlet1, "Đèn đường ấp 1 hỏng");
  auto report = old_app.sync();
  INFO(report.status().to_string());
  REQUIRE(report.ok());
  CHECK(report->refused > 0);
  auto refused = old_app.refused_changes();
  REQUIRE(refused.ok());
  REQUIRE(!refused->empty());
  bool named = false;
  for (const auto &r : *refused) {
    CHECK(r.change.id == clear.id);  // the whole write, and nothing else
    if (r.code == "not_sealed") named = true;
  }
  CHECK(named);
  Database &held = server.data();
  CHECK(held.get_opinion(clear.id).status().code() == ErrorCode::not_found);
  CHECK(held.get_opinion(plain.id).ok());

  // The same database, given the office key as an enrolled app is, seals and is taken.
  auto sealer = sync::office_sealer(office.current()->public_hex);
  REQUIRE(sealer.ok());
  (*db)->set_sealer(*sealer);
  auto sealed = (*db)->seal_pending();
  REQUIRE(sealed.ok());
  CHECK(*sealed == 2);
  REQUIRE(old_app.sync().ok());
  auto now_held = server.data().get_opinion(clear.id);
  REQUIRE(now_held.ok());
  CHECK(opened(office, now_held->citizen_name) == kName);
}

TEST_CASE("the office key is made once, kept 0600, shown without its secret and rotated", "[.][evidence-office-key]") {
  TempDir dir;
  const std::string file = dir.file("office.key");
  auto r = run_server_binary({"admin", "--data", dir.path(), "office-key", "create"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto first = sync::read_office_key_file(file);
  REQUIRE(first.ok());
  REQUIRE(first->keys.size() == 1);
  CHECK(r.out.find(first->keys[0].public_hex) != std::string::npos);

  r = run_server_binary({"admin", "--data", dir.path(), "office-key", "create"});
  CHECK(r.status == 1);
  CHECK(r.err.find("already holds") != std::string::npos);

  auto sealer = sync::office_sealer(first->keys[0].public_hex);
  REQUIRE(sealer.ok());
  auto before = (*sealer)->seal(kName);
  REQUIRE(before.ok());

  r = run_server_binary({"admin", "--office-key", file, "office-key", "rotate"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  auto rotated = sync::read_office_key_file(file);
  REQUIRE(rotated.ok());
  REQUIRE(rotated->keys.size() == 2);
  CHECK(rotated->keys[1].id == first->keys[0].id);
  CHECK(rotated->keys[0].id != first->keys[0].id);
  CHECK(opened(*rotated, *before) == kName);  // sealed before the rotation
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  r = run_server_binary({"admin", "--office-key", file, "office-key", "show"});
  REQUIRE(r.status == 0);
  CHECK(r.out.find(rotated->keys[0].public_hex + "  current") != std::string::npos);
  CHECK(r.out.find(rotated->keys[0].secret_hex) == std::string::npos);

  // A value altered or sealed to a key not held is refused, not shown.
  std::string altered = *before;
  altered[altered.size() - 5] = altered[altered.size() - 5] == 'A' ? 'B' : 'A';
  CHECK(!rotated->open(altered).ok());
  sync::OfficeKeyRing other = office_ring();
  CHECK(other.open(*before).status().code() == ErrorCode::not_found);
}

TEST_CASE("admin bundle import refuses a device's bundle with a complainant's identity in clear, as a push",
          "[.][evidence-refusal]") {
  const sync::OfficeKeyRing office = office_ring();
  TestServer server(with_office_key(office));
  // A device that does not seal (an older app), carrying its changes on a USB stick.
  OldApp old(server);
  auto &db = old.db;
  const TempDir &dir = old.dir;
  const Opinion clear = denunciation(**db, kHamlet1);
  const std::string stick = dir.file("clear.ykb");
  REQUIRE(sync::export_bundle(**db, sync::kServerPeerName, stick).ok());
  const std::string office_public = office.current()->public_hex;
  auto refused = server::import_server_bundle(server.storage(), stick, {}, {}, office_public);
  INFO(refused.status().to_string());
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().to_string().find("not_sealed") != std::string::npos);
  CHECK(server.data().get_opinion(clear.id).status().code() == ErrorCode::not_found);

  // Sealed on the device, the same opinion's bundle is taken and the office opens it.
  auto sealer = sync::office_sealer(office_public);
  REQUIRE(sealer.ok());
  (*db)->set_sealer(*sealer);
  REQUIRE((*db)->seal_pending().ok());
  const std::string sealed_stick = dir.file("sealed.ykb");
  REQUIRE(sync::export_bundle(**db, sync::kServerPeerName, sealed_stick).ok());
  auto taken = server::import_server_bundle(server.storage(), sealed_stick, {}, {}, office_public);
  INFO(taken.status().to_string());
  REQUIRE(taken.ok());
  auto held = server.data().get_opinion(clear.id);
  REQUIRE(held.ok());
  CHECK(opened(office, held->citizen_name) == kName);
}
