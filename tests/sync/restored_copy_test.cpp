// A tablet's database put back from an older copy (a phone's backup restored, a
// file copied back by hand) holds less than the server: what it pushed after the copy
// was made comes back at its next sync (docs/protocol.md, "Pull": own_through).
#include <catch2/catch.hpp>

#include <filesystem>

#include "fixture.h"

using namespace ykien;
using namespace ykien::test;

namespace {

namespace fs = std::filesystem;

// The database's files (not its key file) copied from `from` to `to`.
void copy_database(const std::string &from, const std::string &to) {
  for (const char *suffix : {"", "-wal", "-shm"}) {
    fs::remove(to + suffix);
    if (fs::exists(from + suffix)) fs::copy_file(from + suffix, to + suffix);
  }
}

int64_t opinions_in_report(Database &db) {
  auto r = db.report({kCommune, "", "", "", ""});
  REQUIRE(r.ok());
  return r->opinions;
}

}  // namespace

TEST_CASE("a tablet restored from an older copy of its database gets back what it pushed since", "[sync]") {
  TestServer server;
  OwnDevice d;
  d.open(server.url());
  REQUIRE(d.client->enroll(server.code({kCommune}), "may").ok());
  REQUIRE(d.client->sync().ok());
  const Opinion before_copy = record_in(*d.db, kHamlet1, "Đường ấp 1 cần sửa");
  REQUIRE(d.client->sync().ok());
  d.close();
  const std::string copy = d.dir.file("copy.db");
  copy_database(d.path, copy);

  // After the copy: recorded, synced, and an earlier one edited.
  d.open(server.url());
  const Opinion after_copy = record_in(*d.db, kHamlet2, "Cầu ấp 2 bị hỏng");
  edit_content(*d.db, before_copy.id, "Đường ấp 1 cần sửa gấp");
  REQUIRE(d.client->sync().ok());
  d.close();

  // The copy put back; the first sync records something new as well.
  copy_database(copy, d.path);
  d.open(server.url());
  CHECK_FALSE(d.db->get_opinion(after_copy.id).ok());
  const Opinion after_restore = record_in(*d.db, kHamlet1, "Đèn đường ấp 1 hỏng");
  auto synced = d.client->sync();
  INFO(synced.status().to_string());
  REQUIRE(synced.ok());

  CHECK(d.db->get_opinion(after_copy.id).ok());
  auto edited = d.db->get_opinion(before_copy.id);
  REQUIRE(edited.ok());
  CHECK(edited->content == "Đường ấp 1 cần sửa gấp");
  CHECK(server.data().get_opinion(after_restore.id).ok());
  CHECK(opinions_in_report(*d.db) == 3);
  auto other = Tablet::enrolled_and_synced(server, "tablet-b");
  CHECK(hash_of(*d.db) == other.hash());
  auto refused = d.client->refused_changes();
  REQUIRE(refused.ok());
  CHECK(refused->empty());

  // Nothing of its own comes back once it holds it: the next sync pulls nothing.
  record_in(*d.db, kHamlet2, "Trường học cần sửa mái");
  auto again = d.client->sync();
  REQUIRE(again.ok());
  CHECK(again->pushed > 0);
  CHECK(again->pulled == 0);
}

TEST_CASE("enrolling a database copied before enrollment keeps the device's signing key", "[sync]") {
  TestServer server;
  OwnDevice d;
  d.open(server.url());
  d.close();
  const std::string before_enrollment = d.dir.file("before.db");
  copy_database(d.path, before_enrollment);
  d.open(server.url());
  REQUIRE(d.client->enroll(server.code({kCommune}), "may").ok());
  REQUIRE(d.client->sync().ok());
  record_in(*d.db, kHamlet1, "Đường ấp 1 cần sửa");
  REQUIRE(d.client->sync().ok());
  const std::string public_key = d.setting("sync.signing_public");
  d.close();
  const std::string enrolled = d.dir.file("enrolled.db");
  copy_database(d.path, enrolled);

  // The wrong copy put back, and enrolled again (whatever the server answers) ...
  copy_database(before_enrollment, d.path);
  d.open(server.url());
  (void)d.client->enroll(server.code({kCommune}), "may");
  CHECK(d.setting("sync.signing_public") == public_key);  // derived from the key store's secret
  d.close();
  // ... then the right one: its pushes are still the device's own.
  copy_database(enrolled, d.path);
  d.open(server.url());
  const Opinion later = record_in(*d.db, kHamlet2, "Cầu ấp 2 bị hỏng");
  auto synced = d.client->sync();
  INFO(synced.status().to_string());
  REQUIRE(synced.ok());
  CHECK(server.data().get_opinion(later.id).ok());
}
