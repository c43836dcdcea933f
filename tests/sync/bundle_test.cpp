// Bundles: sync by file (docs/bundle-format.md). Tablet and office exchange files;
// damaged files are refused whole; cursors keep bundles from resending; stamps from
// a clock far ahead are refused, and re-stamped once the clock is right.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "bundle_admin.h"
#include "fixture.h"
#include "tokens.h"
#include "ykien/sync/bundle.h"

using namespace ykien;
using namespace ykien::test;

namespace {

std::unique_ptr<Database> open_db(const TempDir &dir, const std::string &file, const std::string &name,
                                  const Clock *clock = nullptr) {
  auto db = Database::open(dir.file(file), OpenOptions{.clock = clock});
  INFO(db.status().to_string());
  REQUIRE(db.ok());
  if (!name.empty()) REQUIRE(sync::set_bundle_name(**db, name).ok());
  return std::move(*db);
}

std::string read_all(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_all(const std::string &path, const std::string &data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

Unit make_unit(Database &db, const std::string &code, const std::string &kind, const std::string &parent_id) {
  Unit u;
  u.code = code;
  u.name = "Đơn vị " + code;
  u.kind = kind;
  u.parent_id = parent_id;
  auto r = db.create_unit(u);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  return *r;
}

// vn > 79 > 26734 > ap-1, ap-2
void make_units(Database &db) {
  Unit vn = make_unit(db, "vn", "country", "");
  Unit p = make_unit(db, "79", "province", vn.id);
  Unit c = make_unit(db, "26734", "ward", p.id);
  make_unit(db, "ap-1", "hamlet", c.id);
  make_unit(db, "ap-2", "hamlet", c.id);
}

sync::BundleExportReport export_ok(Database &db, const std::string &peer, const std::string &path) {
  auto r = sync::export_bundle(db, peer, path);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  return *r;
}

sync::BundleImportReport import_ok(Database &db, const std::string &path) {
  auto r = sync::import_bundle(db, path);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  return *r;
}

// Everything an import could change: the data and the bundle cursors.
std::string fingerprint(Database &db, const std::string &peer) {
  auto s = sync::bundle_peer_state(db, peer);
  REQUIRE(s.ok());
  return hash_of(db) + "/" + std::to_string(s->acked) + "/" + std::to_string(s->received) + "/" +
         std::to_string(db.current_cursor());
}

// A tablet and an office that already exchanged the units.
struct Pair {
  TempDir dir;
  std::unique_ptr<Database> tablet = open_db(dir, "tablet.db", "tablet");
  std::unique_ptr<Database> office = open_db(dir, "office.db", "office");
  Pair() {
    make_units(*office);
    export_ok(*office, "tablet", dir.file("units.ykb"));
    import_ok(*tablet, dir.file("units.ykb"));
  }
  std::string file(const std::string &name) const { return dir.file(name); }
};

}  // namespace

TEST_CASE("tablet -> office -> tablet round trips converge", "[sync][bundle]") {
  Pair p;
  Opinion o1 = record_in(*p.office, "vn/79/26734/ap-1", "Đèn đường hẻm 12 hỏng");
  auto b0 = export_ok(*p.office, "tablet", p.file("o0.ykb"));
  import_ok(*p.tablet, p.file("o0.ykb"));

  record_in(*p.tablet, "vn/79/26734/ap-1", "Đường ngập khi mưa");
  record_in(*p.tablet, "vn/79/26734/ap-2", "Thiếu biển báo trường học");
  edit_content(*p.tablet, o1.id, "Đèn đường hẻm 12 và 14 hỏng");
  auto t1 = export_ok(*p.tablet, "office", p.file("t1.ykb"));
  CHECK(t1.manifest.exporter == "tablet");
  CHECK(t1.manifest.for_peer == "office");
  // Only what the tablet wrote: what came from the office stays behind.
  std::vector<Change> sent;
  REQUIRE(sync::read_bundle(p.file("t1.ykb"), &sent).ok());
  REQUIRE(!sent.empty());
  for (const auto &c : sent) CHECK(c.site == p.tablet->site_id());

  auto i1 = import_ok(*p.office, p.file("t1.ykb"));
  CHECK(i1.peer == "tablet");
  CHECK(i1.applied == t1.manifest.changes);
  CHECK(i1.in_sequence);

  record_in(*p.office, "vn/79/26734/ap-2", "Xin hỗ trợ hộ nghèo");
  auto o2 = export_ok(*p.office, "tablet", p.file("o2.ykb"));
  // The return bundle does not resend what arrived from the tablet, nor what the
  // tablet acknowledged (the units, o1).
  std::vector<Change> back;
  REQUIRE(sync::read_bundle(p.file("o2.ykb"), &back).ok());
  REQUIRE(!back.empty());
  for (const auto &c : back) {
    CHECK(c.site == p.office->site_id());
    CHECK(c.id != o1.id);
  }
  CHECK(o2.manifest.received_cursor == t1.manifest.to_cursor);
  import_ok(*p.tablet, p.file("o2.ykb"));

  CHECK(hash_of(*p.tablet) == hash_of(*p.office));
  CHECK(count_opinions(*p.tablet, "vn") == 4);

  // Both sides acknowledged everything: the next bundles carry nothing.
  CHECK(export_ok(*p.tablet, "office", p.file("t3.ykb")).manifest.changes == 0);
  import_ok(*p.office, p.file("t3.ykb"));
  CHECK(export_ok(*p.office, "tablet", p.file("o3.ykb")).manifest.changes == 0);
  (void)b0;
}

TEST_CASE("a lost bundle costs nothing: the next one carries its changes", "[sync][bundle]") {
  Pair p;
  record_in(*p.tablet, "vn/79/26734/ap-1", "Một");
  auto lost = export_ok(*p.tablet, "office", p.file("lost.ykb"));
  record_in(*p.tablet, "vn/79/26734/ap-1", "Hai");
  auto next = export_ok(*p.tablet, "office", p.file("next.ykb"));
  CHECK(next.manifest.changes > lost.manifest.changes);
  CHECK(next.manifest.from_cursor == lost.manifest.from_cursor);
  import_ok(*p.office, p.file("next.ykb"));
  CHECK(hash_of(*p.office) == hash_of(*p.tablet));
}

TEST_CASE("importing twice changes nothing", "[sync][bundle]") {
  Pair p;
  record_in(*p.tablet, "vn/79/26734/ap-1", "Đường ngập khi mưa");
  export_ok(*p.tablet, "office", p.file("t.ykb"));
  auto first = import_ok(*p.office, p.file("t.ykb"));
  CHECK(first.applied > 0);
  const std::string before = fingerprint(*p.office, "tablet");
  auto again = import_ok(*p.office, p.file("t.ykb"));
  CHECK(again.applied == 0);
  CHECK(again.conflicts == 0);
  CHECK(again.ignored == first.applied);
  CHECK(fingerprint(*p.office, "tablet") == before);
}

TEST_CASE("bundles imported out of order converge, an older one after a newer one changes nothing",
          "[sync][bundle]") {
  Pair p;
  Opinion o = record_in(*p.tablet, "vn/79/26734/ap-1", "v1");
  export_ok(*p.tablet, "office", p.file("a.ykb"));
  edit_content(*p.tablet, o.id, "v2");
  record_in(*p.tablet, "vn/79/26734/ap-2", "khác");
  export_ok(*p.tablet, "office", p.file("b.ykb"));
  edit_content(*p.tablet, o.id, "v3");
  export_ok(*p.tablet, "office", p.file("c.ykb"));

  import_ok(*p.office, p.file("c.ykb"));
  const std::string after_newest = fingerprint(*p.office, "tablet");
  CHECK(hash_of(*p.office) == hash_of(*p.tablet));
  auto older = import_ok(*p.office, p.file("a.ykb"));
  CHECK(older.applied == 0);
  import_ok(*p.office, p.file("b.ykb"));
  CHECK(fingerprint(*p.office, "tablet") == after_newest);
  auto got = p.office->get_opinion(o.id);
  REQUIRE(got.ok());
  CHECK(got->content == "v3");

  // Another office receiving them in yet another order ends the same.
  auto other = open_db(p.dir, "other.db", "office");
  sync::BundleImportOptions as_office;
  as_office.self_names = {"office", "tablet"};
  for (const char *f : {"units.ykb", "b.ykb", "a.ykb", "c.ykb"}) {
    auto r = sync::import_bundle(*other, p.file(f), as_office);
    INFO(f << ": " << r.status().to_string());
    REQUIRE(r.ok());
  }
  CHECK(hash_of(*other) == hash_of(*p.tablet));
}

TEST_CASE("a truncated bundle is refused at every length, nothing applied", "[sync][bundle]") {
  Pair p;
  for (int i = 0; i < 30; ++i) record_in(*p.tablet, "vn/79/26734/ap-1", "Ý kiến số " + std::to_string(i));
  export_ok(*p.tablet, "office", p.file("t.ykb"));
  const std::string whole = read_all(p.file("t.ykb"));
  const std::string before = fingerprint(*p.office, "tablet");
  std::vector<size_t> lengths;
  for (size_t n = 0; n < 64; ++n) lengths.push_back(n);
  for (size_t n = 64; n < whole.size(); n += 37) lengths.push_back(n);
  for (size_t n = whole.size() - 80; n < whole.size(); ++n) lengths.push_back(n);
  for (size_t n : lengths) {
    write_all(p.file("cut.ykb"), whole.substr(0, n));
    auto r = sync::import_bundle(*p.office, p.file("cut.ykb"));
    INFO("length " << n << ": " << r.status().to_string());
    REQUIRE(!r.ok());
    CHECK(r.status().code() == ErrorCode::corrupt);
    if (n > 20) CHECK(r.status().message().find("truncated") != std::string::npos);
  }
  CHECK(fingerprint(*p.office, "tablet") == before);
  import_ok(*p.office, p.file("t.ykb"));  // the whole file still works
  CHECK(hash_of(*p.office) == hash_of(*p.tablet));
}

TEST_CASE("a bundle with changed bytes is refused, nothing applied", "[sync][bundle]") {
  Pair p;
  for (int i = 0; i < 10; ++i) record_in(*p.tablet, "vn/79/26734/ap-1", "Ý kiến số " + std::to_string(i));
  export_ok(*p.tablet, "office", p.file("t.ykb"));
  const std::string whole = read_all(p.file("t.ykb"));
  const std::string before = fingerprint(*p.office, "tablet");
  const size_t payload_start = whole.find('\n', whole.find('\n') + 1) + 1;
  for (size_t at = 0; at < whole.size(); at += (at < 64 ? 1 : 13)) {
    std::string bad = whole;
    bad[at] = static_cast<char>(bad[at] ^ 0x5a);
    write_all(p.file("bad.ykb"), bad);
    auto r = sync::import_bundle(*p.office, p.file("bad.ykb"));
    INFO("byte " << at << ": " << r.status().to_string());
    REQUIRE(!r.ok());
    CHECK((r.status().code() == ErrorCode::corrupt || r.status().code() == ErrorCode::unsupported_version));
    if (at >= payload_start && at < whole.size() - 73) {
      CHECK(r.status().message().find("checksum mismatch") != std::string::npos);
    }
  }
  // Appended bytes are damage too.
  write_all(p.file("bad.ykb"), whole + "x");
  CHECK(sync::import_bundle(*p.office, p.file("bad.ykb")).status().code() == ErrorCode::corrupt);
  CHECK(fingerprint(*p.office, "tablet") == before);
}

TEST_CASE("the checksum is SHA-256 of everything before the trailer", "[sync][bundle]") {
  Pair p;
  record_in(*p.tablet, "vn/79/26734/ap-1", "Nội dung");
  export_ok(*p.tablet, "office", p.file("t.ykb"));
  const std::string whole = read_all(p.file("t.ykb"));
  REQUIRE(whole.size() > 73);
  const std::string body = whole.substr(0, whole.size() - 73);
  CHECK(whole.substr(whole.size() - 73, 8) == "\nsha256 ");
  CHECK(whole.substr(whole.size() - 65, 64) == server::sha256_hex(body));  // OpenSSL's
  CHECK(whole.starts_with("ykien-bundle 2\n"));
  // The signature line ends what the checksum covers (docs/bundle-format.md).
  CHECK(body.substr(body.size() - 137, 9) == "\ned25519 ");
}

TEST_CASE("a bundle of another format version is refused with a clear error", "[sync][bundle]") {
  Pair p;
  record_in(*p.tablet, "vn/79/26734/ap-1", "Nội dung");
  export_ok(*p.tablet, "office", p.file("t.ykb"));
  std::string data = read_all(p.file("t.ykb"));
  data.replace(0, 15, "ykien-bundle 3\n");
  write_all(p.file("v2.ykb"), data);
  const std::string before = fingerprint(*p.office, "tablet");
  auto r = sync::import_bundle(*p.office, p.file("v2.ykb"));
  REQUIRE(!r.ok());
  CHECK(r.status().code() == ErrorCode::unsupported_version);
  CHECK(r.status().message().find("update") != std::string::npos);
  write_all(p.file("junk.ykb"), "PK\x03\x04 not a bundle at all, just some zip file or other");
  auto junk = sync::import_bundle(*p.office, p.file("junk.ykb"));
  CHECK(junk.status().code() == ErrorCode::corrupt);
  CHECK(junk.status().message().find("not a ykien bundle") != std::string::npos);
  CHECK(sync::import_bundle(*p.office, p.file("missing.ykb")).status().code() == ErrorCode::not_found);
  CHECK(fingerprint(*p.office, "tablet") == before);
}

TEST_CASE("a bundle for another peer is refused, nothing applied", "[sync][bundle]") {
  Pair p;
  record_in(*p.tablet, "vn/79/26734/ap-1", "Nội dung");
  export_ok(*p.tablet, "office-2", p.file("t.ykb"));
  const std::string before = fingerprint(*p.office, "tablet");
  auto r = sync::import_bundle(*p.office, p.file("t.ykb"));
  REQUIRE(!r.ok());
  CHECK(r.status().code() == ErrorCode::invalid_argument);
  CHECK(r.status().field() == "for");
  CHECK(r.status().message().find("office-2") != std::string::npos);
  CHECK(fingerprint(*p.office, "tablet") == before);
  // A database importing its own bundle is refused too.
  export_ok(*p.tablet, "office", p.file("own.ykb"));
  sync::BundleImportOptions as_office;
  as_office.self_names = {"office"};
  CHECK(sync::import_bundle(*p.tablet, p.file("own.ykb"), as_office).status().field() == "for");
  // And a peer name must be usable.
  CHECK(sync::export_bundle(*p.tablet, "", p.file("x.ykb")).status().code() == ErrorCode::invalid_argument);
  CHECK(sync::export_bundle(*p.tablet, "tablet", p.file("x.ykb")).status().code() == ErrorCode::invalid_argument);
}

TEST_CASE("a big bundle (10k changes) goes through with progress", "[sync][bundle]") {
  Pair p;
  auto unit = p.tablet->find_unit_by_scope("vn/79/26734/ap-1");
  REQUIRE(unit.ok());
  REQUIRE(p.tablet->batch([&]() -> Status {
    for (int i = 0; p.tablet->current_cursor() < 1200; ++i) {
      Opinion o;
      o.unit_id = unit->id;
      o.kind = "opinion";
      o.category = "land";
      o.content = "Kiến nghị về đất đai số " + std::to_string(i) + std::string(200, 'x');
      o.raised_at = "2024-07-03 09:30";
      auto r = p.tablet->record_opinion(o);
      if (!r.ok()) return r.status();
    }
    return {};
  }).ok());
  sync::BundleExportOptions eo;
  int64_t export_reports = 0;
  eo.on_progress = [&](const sync::BundleProgress &) { ++export_reports; };
  auto ex = sync::export_bundle(*p.tablet, "office", p.file("big.ykb"), eo);
  REQUIRE(ex.ok());
  CHECK(ex->manifest.changes >= 10000);
  CHECK(export_reports >= 3);
  int64_t last_done = -1, applies = 0;
  sync::BundleImportOptions io;
  io.on_progress = [&](const sync::BundleProgress &pr) {
    if (pr.phase != "apply") return;
    ++applies;
    CHECK(pr.done > last_done);
    CHECK(pr.total == ex->manifest.changes);
    last_done = pr.done;
  };
  auto im = sync::import_bundle(*p.office, p.file("big.ykb"), io);
  INFO(im.status().to_string());
  REQUIRE(im.ok());
  CHECK(im->applied == ex->manifest.changes);
  CHECK(applies >= 5);
  CHECK(last_done == ex->manifest.changes);
  CHECK(hash_of(*p.office) == hash_of(*p.tablet));
}

TEST_CASE("concurrent edits carried by bundles become conflicts at the importer", "[sync][bundle]") {
  Pair p;
  Opinion o = record_in(*p.office, "vn/79/26734/ap-1", "gốc");
  export_ok(*p.office, "tablet", p.file("o.ykb"));
  import_ok(*p.tablet, p.file("o.ykb"));
  edit_content(*p.office, o.id, "văn phòng sửa");
  edit_content(*p.tablet, o.id, "máy tính bảng sửa");
  export_ok(*p.tablet, "office", p.file("t.ykb"));
  auto r = import_ok(*p.office, p.file("t.ykb"));
  CHECK(r.conflicts == 1);
  CHECK(import_ok(*p.office, p.file("t.ykb")).conflicts == 0);  // recorded once
  export_ok(*p.office, "tablet", p.file("o2.ykb"));
  import_ok(*p.tablet, p.file("o2.ykb"));
  CHECK(hash_of(*p.office) == hash_of(*p.tablet));
}

TEST_CASE("server admin bundles: a device gets its scopes, and its bundle is applied as its push", "[sync][bundle]") {
  TempDir dir;
  TestStorage store;  // SQLite, or PostgreSQL in sync-pg/: a province takes bundles too
  server::Storage &s = store.storage();
  auto tablet = open_db(dir, "tablet.db", "");
  REQUIRE(s.add_enrollment_code("code-hash", {kHamlet1}, false, INT64_MAX).ok());
  auto device = s.enroll("code-hash", "dev-1", "Tablet ấp 1", site_to_string(tablet->site_id()), "token-hash", 1, false);
  REQUIRE(device.ok());
  REQUIRE(tablet->set_setting("sync.device_id", "dev-1").ok());  // as an enrolled tablet

  server::ServerBundleExport so;
  auto ex = server::export_server_bundle(s, "dev-1", dir.file("s.ykb"), so);
  INFO(ex.status().to_string());
  REQUIRE(ex.ok());
  CHECK(ex->manifest.exporter == "server");
  CHECK(ex->manifest.scopes == std::vector<std::string>{kHamlet1});
  import_ok(*tablet, dir.file("s.ykb"));
  REQUIRE(tablet->find_unit_by_scope(kHamlet1).ok());
  CHECK(!tablet->find_unit_by_scope(kHamlet2).ok());  // outside its scopes

  record_in(*tablet, kHamlet1, "Đường ngập");
  export_ok(*tablet, "server", dir.file("t.ykb"));
  auto im = server::import_server_bundle(s, dir.file("t.ykb"));
  INFO(im.status().to_string());
  REQUIRE(im.ok());
  CHECK(im->peer == "dev-1");
  CHECK(im->applied > 0);
  CHECK(count_opinions(store.data(), kHamlet1) == 1);
  CHECK(opinions_digest(store.data(), kHamlet1) == opinions_digest(*tablet, kHamlet1));
  // The server's next bundle for the device leaves out what the device sent.
  auto back = server::export_server_bundle(s, "dev-1", dir.file("s2.ykb"), so);
  REQUIRE(back.ok());
  CHECK(back->manifest.changes == 0);

  // A change outside the device's units: the whole bundle is refused.
  Unit stray;
  stray.code = "zz";
  stray.name = "Ngoài phạm vi";
  stray.kind = "country";
  REQUIRE(tablet->create_unit(stray).ok());
  record_in(*tablet, kHamlet1, "Hợp lệ");
  export_ok(*tablet, "server", dir.file("t2.ykb"));
  const std::string before = hash_of(store.data());
  auto refused = server::import_server_bundle(s, dir.file("t2.ykb"));
  REQUIRE(!refused.ok());
  CHECK(refused.status().code() == ErrorCode::forbidden);
  CHECK(hash_of(store.data()) == before);

  // A revoked device gets no bundle and its bundles are refused.
  REQUIRE(s.revoke_device("dev-1", 2).ok());
  CHECK(server::export_server_bundle(s, "dev-1", dir.file("s3.ykb"), so).status().code() ==
        ErrorCode::unauthorized);
  CHECK(server::import_server_bundle(s, dir.file("t.ykb")).status().code() == ErrorCode::unauthorized);
}

namespace {

constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kYear = 365LL * 24 * 60 * kMinute;

// A tablet whose clock the test sets, and an office on the system clock, that
// already exchanged the units.
struct ClockPair {
  TempDir dir;
  ManualClock clock{SystemClock::instance().now_ms()};
  std::unique_ptr<Database> tablet = open_db(dir, "tablet.db", "tablet", &clock);
  std::unique_ptr<Database> office = open_db(dir, "office.db", "office");
  ClockPair() {
    make_units(*office);
    export_ok(*office, "tablet", dir.file("units.ykb"));
    import_ok(*tablet, dir.file("units.ykb"));
  }
  std::string file(const std::string &name) const { return dir.file(name); }
  // The tablet's export, by its own clock.
  sync::BundleExportReport export_tablet(const std::string &name, const std::string &peer = "office") {
    sync::BundleExportOptions o;
    auto r = sync::export_bundle(*tablet, peer, file(name), o);
    INFO(r.status().to_string());
    REQUIRE(r.ok());
    return *r;
  }
};

int64_t latest_stamp_ms(const std::string &path) {
  std::vector<Change> changes;
  REQUIRE(sync::read_bundle(path, &changes).ok());
  int64_t latest = 0;
  for (const auto &c : changes) latest = std::max(latest, static_cast<int64_t>(c.hlc.millis()));
  return latest;
}

bool has(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a tablet clock years ahead: its bundle is refused, then re-stamped once the clock is right",
          "[sync][bundle][clock]") {
  ClockPair p;
  const int64_t now = p.clock.now_ms();
  // What the office already acknowledged keeps its stamps.
  Opinion o1 = record_in(*p.tablet, kHamlet1, "ghi khi đồng hồ đúng");
  p.export_tablet("t0.ykb");
  import_ok(*p.office, p.file("t0.ykb"));
  export_ok(*p.office, "tablet", p.file("o0.ykb"));
  import_ok(*p.tablet, p.file("o0.ykb"));

  p.clock.set_ms(now + 3 * kYear);
  Opinion o2 = record_in(*p.tablet, kHamlet2, "ghi khi đồng hồ nhanh 3 năm");
  edit_content(*p.tablet, o1.id, "sửa khi đồng hồ nhanh 3 năm");
  auto ahead = p.export_tablet("ahead.ykb");
  CHECK(ahead.restamped == 0);  // by its own clock nothing is ahead

  const std::string before = fingerprint(*p.office, "tablet");
  auto refused = sync::import_bundle(*p.office, p.file("ahead.ykb"));
  REQUIRE(!refused.ok());
  const Status &why = refused.status();
  CHECK(why.code() == ErrorCode::clock_drift);
  CHECK(why.field().starts_with("changes["));
  INFO(why.message());
  CHECK(has(why.message(), "from \"tablet\" holds " + std::to_string(ahead.manifest.changes) + " change(s)"));
  CHECK(has(why.message(), "up to 1095 days ahead of this database's clock"));
  CHECK(has(why.message(), "at most 5 minutes allowed"));
  CHECK(has(why.message(), "nothing was applied"));
  CHECK(has(why.message(), "Set the clock of \"tablet\" right"));
  CHECK(has(why.message(), "export a new bundle"));
  CHECK(fingerprint(*p.office, "tablet") == before);
  CHECK(p.office->last_hlc().millis() < static_cast<uint64_t>(now + kYear));

  // The clock is set right: the next export re-stamps exactly what the office lacks.
  p.clock.set_ms(SystemClock::instance().now_ms());
  auto fixed = p.export_tablet("fixed.ykb");
  CHECK(fixed.restamped == ahead.manifest.changes);
  CHECK(fixed.manifest.changes == ahead.manifest.changes);
  CHECK(latest_stamp_ms(p.file("fixed.ykb")) <= p.clock.now_ms());
  CHECK(p.tablet->last_hlc().millis() <= static_cast<uint64_t>(p.clock.now_ms()));
  auto in = import_ok(*p.office, p.file("fixed.ykb"));
  CHECK(in.applied == fixed.manifest.changes);
  CHECK(p.office->get_opinion(o1.id)->content == "sửa khi đồng hồ nhanh 3 năm");
  CHECK(p.office->last_hlc().millis() < static_cast<uint64_t>(SystemClock::instance().now_ms() + kMinute));

  // A later edit at the office wins on the tablet: the tablet holds no stamp from
  // three years ahead any more.
  edit_content(*p.office, o1.id, "văn phòng sửa sau");
  edit_content(*p.office, o2.id, "văn phòng sửa sau");
  export_ok(*p.office, "tablet", p.file("o1.ykb"));
  auto back = import_ok(*p.tablet, p.file("o1.ykb"));
  CHECK(back.conflicts == 0);
  CHECK(p.tablet->get_opinion(o1.id)->content == "văn phòng sửa sau");
  CHECK(p.tablet->get_opinion(o2.id)->content == "văn phòng sửa sau");
  CHECK(hash_of(*p.tablet) == hash_of(*p.office));
}

TEST_CASE("re-stamping spares what another peer holds: three databases still converge", "[sync][bundle][clock]") {
  ClockPair p;
  auto commune = open_db(p.dir, "commune.db", "commune");
  export_ok(*p.office, "commune", p.file("units-c.ykb"));
  import_ok(*commune, p.file("units-c.ykb"));
  // The commune holds (and acknowledged) A, stamped by a right clock.
  record_in(*p.tablet, kHamlet1, "A: đồng hồ đúng");
  p.export_tablet("a.ykb", "commune");
  import_ok(*commune, p.file("a.ykb"));
  export_ok(*commune, "tablet", p.file("ack.ykb"));
  import_ok(*p.tablet, p.file("ack.ykb"));

  p.clock.advance_ms(3 * kYear);
  record_in(*p.tablet, kHamlet2, "B: đồng hồ nhanh 3 năm");
  auto only_b = p.export_tablet("b.ykb", "commune");
  CHECK(sync::import_bundle(*commune, p.file("b.ykb")).status().code() == ErrorCode::clock_drift);

  // Set right, the tablet exports for the office, which lacks A and B: only B
  // gets new stamps, since the commune would never be sent A's.
  p.clock.set_ms(SystemClock::instance().now_ms());
  auto to_office = p.export_tablet("ab.ykb");
  CHECK(to_office.restamped == only_b.manifest.changes);
  CHECK(to_office.manifest.changes > only_b.manifest.changes);
  import_ok(*p.office, p.file("ab.ykb"));
  CHECK(p.export_tablet("b2.ykb", "commune").restamped == 0);
  import_ok(*commune, p.file("b2.ykb"));
  CHECK(hash_of(*commune) == hash_of(*p.office));
  CHECK(hash_of(*p.tablet) == hash_of(*p.office));
}

TEST_CASE("a bundle within the drift limit is accepted, one beyond it refused unless the limit allows",
          "[sync][bundle][clock]") {
  ClockPair p;
  const int64_t now = p.clock.now_ms();
  p.clock.set_ms(now + 2 * kMinute);
  record_in(*p.tablet, kHamlet1, "đồng hồ nhanh 2 phút");
  p.export_tablet("near.ykb");
  CHECK(import_ok(*p.office, p.file("near.ykb")).applied > 0);

  p.clock.set_ms(now + 3 * 60 * kMinute);
  record_in(*p.tablet, kHamlet1, "đồng hồ nhanh 3 giờ");
  auto far = p.export_tablet("far.ykb");
  const std::string before = fingerprint(*p.office, "tablet");
  auto refused = sync::import_bundle(*p.office, p.file("far.ykb"));
  REQUIRE(!refused.ok());
  CHECK(refused.status().code() == ErrorCode::clock_drift);
  INFO(refused.status().message());
  CHECK(has(refused.status().message(), "change(s) stamped up to 3 hours ahead"));
  CHECK(fingerprint(*p.office, "tablet") == before);

  // The importer may allow more (BundleImportOptions::max_clock_drift_ms).
  sync::BundleImportOptions lenient;
  lenient.max_clock_drift_ms = 4 * 60 * kMinute;
  auto allowed = sync::import_bundle(*p.office, p.file("far.ykb"), lenient);
  INFO(allowed.status().to_string());
  REQUIRE(allowed.ok());
  CHECK(allowed->applied + allowed->ignored == far.manifest.changes);
  CHECK(hash_of(*p.office) == hash_of(*p.tablet));
}

TEST_CASE("server admin import refuses a device's bundle stamped years ahead, like a push",
          "[sync][bundle][clock]") {
  TempDir dir;
  TestStorage store;  // SQLite, or PostgreSQL in sync-pg/: a province takes bundles too
  server::Storage &s = store.storage();
  ManualClock clock(SystemClock::instance().now_ms());
  auto tablet = open_db(dir, "tablet.db", "", &clock);
  REQUIRE(s.add_enrollment_code("code-hash", {kHamlet1}, false, INT64_MAX).ok());
  auto device = s.enroll("code-hash", "dev-1", "Tablet ấp 1", site_to_string(tablet->site_id()), "token-hash", 1, false);
  REQUIRE(device.ok());
  REQUIRE(tablet->set_setting("sync.device_id", "dev-1").ok());
  REQUIRE(server::export_server_bundle(s, "dev-1", dir.file("s.ykb"), {}).ok());
  import_ok(*tablet, dir.file("s.ykb"));

  sync::BundleExportOptions eo;
  clock.advance_ms(2 * kYear);
  record_in(*tablet, kHamlet1, "đồng hồ nhanh 2 năm");
  REQUIRE(sync::export_bundle(*tablet, "server", dir.file("t.ykb"), eo).ok());
  const std::string before = hash_of(store.data());
  auto refused = server::import_server_bundle(s, dir.file("t.ykb"));
  REQUIRE(!refused.ok());
  CHECK(refused.status().code() == ErrorCode::clock_drift);
  CHECK(has(refused.status().message(), "from \"dev-1\""));
  CHECK(hash_of(store.data()) == before);

  clock.set_ms(SystemClock::instance().now_ms());
  auto fixed = sync::export_bundle(*tablet, "server", dir.file("t2.ykb"), eo);
  REQUIRE(fixed.ok());
  CHECK(fixed->restamped > 0);
  auto in = server::import_server_bundle(s, dir.file("t2.ykb"));
  INFO(in.status().to_string());
  REQUIRE(in.ok());
  CHECK(in->peer == "dev-1");
  CHECK(count_opinions(store.data(), kHamlet1) == 1);
  CHECK(opinions_digest(store.data(), kHamlet1) == opinions_digest(*tablet, kHamlet1));
}

TEST_CASE("a bundle carries the blobs of its attachments, checked on arrival", "[.][evidence-attach-bundle]") {
  Pair p;
  Opinion o = record_in(*p.tablet, "vn/79/26734/ap-1", "Ảnh biên bản họp khu phố");
  std::string photo = "\xFF\xD8\xFF\xE0";
  for (int i = 0; i < 200'000; ++i) photo.push_back(static_cast<char>((i * 131) & 0xFF));
  std::string forged = photo;
  forged[1000] ^= 1;
  auto kept = p.tablet->add_attachment_bytes(photo, {.opinion_id = o.id, .caption = "Biên bản"});
  REQUIRE(kept.ok());
  auto changed = p.tablet->add_attachment_bytes(forged, {.opinion_id = o.id, .caption = "Bản sao"});
  REQUIRE(changed.ok());
  export_ok(*p.tablet, "office", p.file("t.ykb"));
  const std::string beside = p.file("t.ykb") + ".blobs/";
  REQUIRE(std::filesystem::exists(beside + kept->sha256));
  REQUIRE(std::filesystem::exists(beside + changed->sha256));
  // One file altered on the USB stick: it no longer hashes to its name.
  {
    std::ofstream out(beside + changed->sha256, std::ios::binary | std::ios::trunc);
    out << photo.substr(0, 1000) << "altered";
  }
  import_ok(*p.office, p.file("t.ykb"));
  CHECK(p.office->list_attachments("")->size() == 2);
  CHECK(p.office->blobs().has(kept->sha256));
  CHECK(!p.office->blobs().has(changed->sha256));
  CHECK(p.office->blobs().list()->size() == 1);
  std::ifstream in(p.office->blobs().path(kept->sha256), std::ios::binary);
  CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == photo);
  CHECK(hash_of(*p.tablet) == hash_of(*p.office));
}

TEST_CASE("the server's admin bundle carries attachments' blobs both ways, each checked on arrival",
          "[.][evidence-attach-bundle]") {
  TempDir dir;
  TestStorage store;
  server::Storage &s = store.storage();
  const std::string blobs = dir.file("server-blobs");
  auto tablet = open_db(dir, "tablet.db", "");
  REQUIRE(s.add_enrollment_code("code-hash", {kHamlet1}, false, INT64_MAX).ok());
  REQUIRE(s.enroll("code-hash", "dev-1", "Tablet ấp 1", site_to_string(tablet->site_id()), "token-hash", 1, false).ok());
  REQUIRE(tablet->set_setting("sync.device_id", "dev-1").ok());
  server::ServerBundleExport so;
  so.blobs_dir = blobs;
  REQUIRE(server::export_server_bundle(s, "dev-1", dir.file("s.ykb"), so).ok());
  import_ok(*tablet, dir.file("s.ykb"));

  Opinion o = record_in(*tablet, kHamlet1, "Ảnh biên bản họp khu phố");
  std::string photo = "\xFF\xD8\xFF\xE0";
  for (int i = 0; i < 300'000; ++i) photo.push_back(static_cast<char>((i * 131) & 0xFF));
  std::string other = photo;
  other[1000] ^= 1;
  auto kept = tablet->add_attachment_bytes(photo, {.opinion_id = o.id, .caption = "Biên bản"});
  auto changed = tablet->add_attachment_bytes(other, {.opinion_id = o.id, .caption = "Bản sao"});
  REQUIRE(kept.ok());
  REQUIRE(changed.ok());
  export_ok(*tablet, "server", dir.file("t.ykb"));
  {  // one file altered on the USB stick
    std::ofstream out(dir.file("t.ykb") + ".blobs/" + changed->sha256, std::ios::binary | std::ios::trunc);
    out << photo.substr(0, 1000) << "altered";
  }
  auto im = server::import_server_bundle(s, dir.file("t.ykb"), {}, blobs);
  INFO(im.status().to_string());
  REQUIRE(im.ok());
  const BlobStore server_blobs(blobs);
  CHECK(server_blobs.has(kept->sha256));
  CHECK_FALSE(server_blobs.has(changed->sha256));
  CHECK(server_blobs.list()->size() == 1);
  CHECK(server_blobs.partial_size(changed->sha256) == 0);  // nothing kept half
  std::ifstream in(server_blobs.path(kept->sha256), std::ios::binary);
  CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == photo);

  // Out again to another tablet of the hamlet: the server's copy goes beside the bundle.
  auto second = open_db(dir, "second.db", "");
  REQUIRE(s.add_enrollment_code("code-2", {kHamlet1}, false, INT64_MAX).ok());
  REQUIRE(s.enroll("code-2", "dev-2", "Tablet 2", site_to_string(second->site_id()), "token-2", 1, false).ok());
  REQUIRE(second->set_setting("sync.device_id", "dev-2").ok());
  REQUIRE(server::export_server_bundle(s, "dev-2", dir.file("s2.ykb"), so).ok());
  import_ok(*second, dir.file("s2.ykb"));
  CHECK(second->blobs().has(kept->sha256));
  CHECK_FALSE(second->blobs().has(changed->sha256));
}

TEST_CASE("a tablet enrolled for a hamlet takes no row of another from a bundle", "[sync][bundle]") {
  Pair p;
  // Enrolled for hamlet ap-1 (as the server's enrollment reply records it).
  REQUIRE(p.tablet->set_setting("sync.scopes", "[\"vn/79/26734/ap-1\"]").ok());
  auto ap1 = p.office->find_unit_by_scope("vn/79/26734/ap-1");
  auto ap2 = p.office->find_unit_by_scope("vn/79/26734/ap-2");
  REQUIRE((ap1.ok() && ap2.ok()));
  const Unit mine = make_unit(*p.office, "to-1", "hamlet", ap1->id);
  const Unit other = make_unit(*p.office, "to-2", "hamlet", ap2->id);
  export_ok(*p.office, "tablet", p.file("groups.ykb"));
  const auto r = import_ok(*p.tablet, p.file("groups.ykb"));
  CHECK(r.outside > 0);
  CHECK(p.tablet->get_unit(mine.id).ok());
  CHECK_FALSE(p.tablet->get_unit(other.id).ok());
  // Imported again: the same, nothing more taken.
  CHECK(import_ok(*p.tablet, p.file("groups.ykb")).outside == r.outside);
  CHECK_FALSE(p.tablet->get_unit(other.id).ok());
}

// The office's acknowledgement of the tablet's log, made before the tablet's database
// was put back from an older copy, names positions the restored log has used again
// for later opinions: it is not believed, and they all go.
TEST_CASE("a tablet restored from an older copy sends by bundle what it recorded since", "[sync][bundle]") {
  Pair p;
  namespace fs = std::filesystem;
  auto copy_db = [&](const std::string &from, const std::string &to) {
    for (const char *suffix : {"", "-wal", "-shm"}) {
      fs::remove(p.file(to) + suffix);
      if (fs::exists(p.file(from) + suffix)) fs::copy_file(p.file(from) + suffix, p.file(to) + suffix);
    }
  };
  record_in(*p.tablet, "vn/79/26734/ap-1", "Ý kiến 1");
  export_ok(*p.tablet, "office", p.file("t1.ykb"));
  import_ok(*p.office, p.file("t1.ykb"));
  p.tablet.reset();
  copy_db("tablet.db", "copy.db");
  p.tablet = open_db(p.dir, "tablet.db", "");

  for (int i = 2; i <= 5; ++i) record_in(*p.tablet, "vn/79/26734/ap-1", "Ý kiến " + std::to_string(i));
  export_ok(*p.tablet, "office", p.file("t2.ykb"));
  import_ok(*p.office, p.file("t2.ykb"));
  export_ok(*p.office, "tablet", p.file("o2.ykb"));  // acknowledges the tablet's log through t2

  // The copy put back; more recorded (the log grows past what the office acknowledged).
  p.tablet.reset();
  copy_db("copy.db", "tablet.db");
  p.tablet = open_db(p.dir, "tablet.db", "");
  for (int i = 6; i <= 11; ++i) record_in(*p.tablet, "vn/79/26734/ap-1", "Ý kiến " + std::to_string(i));
  import_ok(*p.tablet, p.file("o2.ykb"));
  export_ok(*p.tablet, "office", p.file("t3.ykb"));
  import_ok(*p.office, p.file("t3.ykb"));
  CHECK(count_opinions(*p.office, "vn") == 11);  // 1-5 before, 6-11 since the copy came back
}
