// The device's secrets in a key store (issue 19, "A lost tablet"; docs/security.md,
// "The key store"): the token and the signing secret never lie in the database's
// files; an older database's are moved out of its settings; a wipe takes them; a
// host store that fails stops the client before anything is applied.
// Registered as evidence/keystore.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "fixture.h"
#include "ykien/sync/key_store.h"
#include "ykien/sync/wipe.h"

using namespace ykien;
using namespace ykien::test;

namespace {

// A host's store (a keychain) in memory; `fail` makes every call fail as a locked one would.
class HostStore : public sync::KeyStore {
 public:
  Result<std::string> get(const std::string &name) override {
    if (fail) return locked();
    auto it = kept.find(name);
    return it == kept.end() ? std::string() : it->second;
  }
  Status put(const std::string &name, const std::string &value) override {
    if (fail || fail_put) return locked();
    kept[name] = value;
    return {};
  }
  Status erase(const std::string &name) override {
    if (fail) return locked();
    kept.erase(name);
    return {};
  }
  static Status locked() { return Status(ErrorCode::storage, "the keychain is locked"); }

  std::map<std::string, std::string> kept;
  bool fail = false;
  bool fail_put = false;
};

using Device = OwnDevice;

std::string file_bytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Every file of the database (the main file and its journals, as they are now).
bool database_files_hold(const std::string &db_path, const std::string &needle) {
  for (const char *suffix : {"", "-wal", "-shm", "-journal"})
    if (file_bytes(db_path + suffix).find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("a device's token and signing secret lie in its key file, never in the database", "[.][evidence-keystore]") {
  TestServer server;
  Device d;
  d.open(server.url());
  REQUIRE(d.client->enroll(server.code({kHamlet1}), "may").ok());
  REQUIRE(d.client->sync().ok());  // the units first
  record_in(*d.db, kHamlet1, "Đường ấp 1 cần sửa");
  REQUIRE(d.client->sync().ok());

  sync::FileKeyStore keys(d.path + ".keys");
  const std::string token = *keys.get(sync::kTokenSecret);
  const std::string secret = *keys.get(sync::kSigningSecretName);
  REQUIRE(token.size() >= 32);
  REQUIRE(secret.size() == 128);
  struct stat st {};
  REQUIRE(::stat(keys.path().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(d.setting("sync.token").empty());
  CHECK(d.setting("sync.signing_secret").empty());
  CHECK(d.setting("sync.signing_public").size() == 64);  // the public key stays

  // Neither while open (WAL included) nor once closed.
  CHECK_FALSE(database_files_hold(d.path, token));
  CHECK_FALSE(database_files_hold(d.path, secret));
  d.close();
  CHECK_FALSE(database_files_hold(d.path, token));
  CHECK_FALSE(database_files_hold(d.path, secret));

  // Reopened, the same secrets serve: the server verifies the next push.
  d.open(server.url());
  record_in(*d.db, kHamlet1, "Cầu ấp 1 bị hỏng");
  REQUIRE(d.client->sync().ok());
  CHECK(count_opinions(server.data(), kHamlet1) == 2);
}

TEST_CASE("an older database's secrets move from its settings to the key store on first use", "[.][evidence-keystore]") {
  TestServer server;
  Device d;
  d.open(server.url(), nullptr, /*in_settings=*/true);
  REQUIRE(d.client->enroll(server.code({kHamlet1}), "may").ok());
  REQUIRE(d.client->sync().ok());
  const std::string token = d.setting("sync.token");
  const std::string secret = d.setting("sync.signing_secret");
  REQUIRE_FALSE(token.empty());
  REQUIRE(secret.size() == 128);
  CHECK_FALSE(std::filesystem::exists(d.path + ".keys"));
  d.close();

  // The new app: the default store. Its first sync moves both, and signs as before.
  d.open(server.url());
  CHECK(d.client->enrolled());
  record_in(*d.db, kHamlet1, "Đèn đường ấp 1 hỏng");
  auto synced = d.client->sync();
  INFO(synced.status().to_string());
  REQUIRE(synced.ok());
  CHECK(count_opinions(server.data(), kHamlet1) == 1);
  sync::FileKeyStore keys(d.path + ".keys");
  CHECK(*keys.get(sync::kTokenSecret) == token);
  CHECK(*keys.get(sync::kSigningSecretName) == secret);
  CHECK(d.setting("sync.token").empty());
  CHECK(d.setting("sync.signing_secret").empty());
  d.close();
  // secure_delete zeroed the old cells, and the close checkpointed the journal.
  CHECK_FALSE(database_files_hold(d.path, token));
  CHECK_FALSE(database_files_hold(d.path, secret));
}

TEST_CASE("a key file left by an earlier database at the same path is not used", "[.][evidence-keystore]") {
  TestServer server;
  Device d;
  d.open(server.url());
  REQUIRE(d.client->enroll(server.code({kHamlet1}), "may").ok());
  REQUIRE(d.client->sync().ok());
  const std::string old_token = d.token();
  d.close();
  for (const char *suffix : {"", "-wal", "-shm"}) std::filesystem::remove(d.path + suffix);
  REQUIRE(std::filesystem::exists(d.path + ".keys"));

  d.open(server.url());
  CHECK_FALSE(d.client->enrolled());
  CHECK(d.client->sync().status().code() == ErrorCode::unauthorized);
  REQUIRE(d.client->enroll(server.code({kHamlet1}), "may moi").ok());
  CHECK(d.token() != old_token);
  REQUIRE(d.client->sync().ok());
}

TEST_CASE("a wipe erases the key file and a host store's secrets", "[.][evidence-keystore]") {
  TestServer server;
  SECTION("the file store") {
    Device d;
    d.open(server.url());
    REQUIRE(d.client->enroll(server.code({kHamlet1}), "may").ok());
    REQUIRE(d.client->sync().ok());
    REQUIRE(server.storage().revoke_device(d.client->device_id(), SystemClock::instance().now_ms()).ok());
    CHECK(d.client->sync().status().code() == ErrorCode::unauthorized);
    REQUIRE(*sync::wipe_ordered(*d.db));
    d.close();
    REQUIRE(std::filesystem::exists(d.path + ".keys"));
    REQUIRE(sync::erase_database_files(d.path).ok());
    CHECK_FALSE(std::filesystem::exists(d.path + ".keys"));
    CHECK_FALSE(std::filesystem::exists(d.path));
  }
  SECTION("a host's store") {
    Device d;
    auto host = std::make_shared<HostStore>();
    d.open(server.url(), host);
    REQUIRE(d.client->enroll(server.code({kHamlet1}), "may").ok());
    REQUIRE(d.client->sync().ok());
    CHECK(host->kept.size() == 2);
    CHECK_FALSE(std::filesystem::exists(d.path + ".keys"));
    d.close();
    REQUIRE(sync::erase_database_files(d.path, *host).ok());
    CHECK(host->kept.empty());
    CHECK_FALSE(std::filesystem::exists(d.path));
  }
}

TEST_CASE("a host store that fails stops the client with its error, nothing applied", "[.][evidence-keystore]") {
  TestServer server;
  Device d;
  auto host = std::make_shared<HostStore>();
  SECTION("at enrollment") {
    host->fail_put = GENERATE(false, true);
    host->fail = !host->fail_put;
    d.open(server.url(), host);
    auto enrolled = d.client->enroll(server.code({kHamlet1}), "may");
    REQUIRE_FALSE(enrolled.ok());
    CHECK(enrolled.status().code() == ErrorCode::storage);
    CHECK(enrolled.status().message() == "the keychain is locked");
    CHECK_FALSE(d.client->enrolled());
    CHECK(d.setting("sync.device_id").empty());
    CHECK(d.setting("sync.signing_public").empty());
    CHECK(host->kept.empty());
  }
  SECTION("at a sync") {
    d.open(server.url(), host);
    REQUIRE(d.client->enroll(server.code({kHamlet1}), "may").ok());
    REQUIRE(d.client->sync().ok());  // the units first
    record_in(*d.db, kHamlet1, "Trường học ấp 1 dột");
    const std::string cursor = d.setting("sync.push_cursor");
    host->fail = true;
    auto synced = d.client->sync();
    REQUIRE_FALSE(synced.ok());
    CHECK(synced.status().message() == "the keychain is locked");
    CHECK(count_opinions(server.data(), kHamlet1) == 0);
    CHECK(d.setting("sync.push_cursor") == cursor);
    host->fail = false;  // unlocked: the next sync goes through
    REQUIRE(d.client->sync().ok());
    CHECK(count_opinions(server.data(), kHamlet1) == 1);
  }
}

TEST_CASE("the file key store keeps several secrets, replaced whole", "[sync][keystore]") {
  TempDir dir;
  sync::FileKeyStore keys(dir.file("x.db.keys"));
  CHECK(keys.get("a")->empty());
  REQUIRE(keys.put("a", "1").ok());
  REQUIRE(keys.put("b", "2").ok());
  REQUIRE(keys.put("a", "3").ok());
  CHECK(*keys.get("a") == "3");
  CHECK(*keys.get("b") == "2");
  CHECK_FALSE(std::filesystem::exists(keys.path() + ".tmp"));
  REQUIRE(keys.erase("a").ok());
  CHECK(keys.get("a")->empty());
  CHECK(std::filesystem::exists(keys.path()));
  REQUIRE(keys.erase("b").ok());
  CHECK_FALSE(std::filesystem::exists(keys.path()));  // the last one gone, the file too
  REQUIRE(keys.erase("b").ok());

  std::ofstream(keys.path()) << "not json";
  auto damaged = keys.get("a");
  CHECK(damaged.status().code() == ErrorCode::corrupt);
  CHECK(damaged.status().message().find(keys.path()) != std::string::npos);
  CHECK(keys.put("a", "1").code() == ErrorCode::corrupt);
}
