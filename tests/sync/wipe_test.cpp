// A lost tablet (issue 19; docs/security.md): revoking a device makes its next
// contact answer 401 with a wipe order; the device's files are then overwritten and
// removed, and its report is recorded by the server (list-devices' wiped_at).
// Registered as evidence/wipe/{sqlite,postgres}.
#include <catch2/catch.hpp>

#include <filesystem>

#include "fixture.h"
#include "ykien/sync/wipe.h"

using namespace ykien;
using namespace ykien::test;

namespace {

// A tablet enrolled and synced once, whose database this test closes itself.
struct Device : OwnDevice {
  Device(const std::string &url, const std::string &code) {
    open(url);
    REQUIRE(client->enroll(code, "may").ok());
    REQUIRE(client->sync().ok());
  }
};

}  // namespace

TEST_CASE("a revoked tablet erases its files at its next sync and the server records it", "[.][evidence-wipe]") {
  TestServer server;
  Device a(server.url(), server.code({kHamlet1})), b(server.url(), server.code({kHamlet1}));
  const Opinion opinion = record_in(*a.db, kHamlet1, "Cống thoát nước ấp 1 bị tắc");
  // A photo of the drain: its file lies beside the database and must go with it.
  const std::string png = std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16) + "anh cong thoat nuoc";
  REQUIRE(a.db->add_attachment_bytes(png, {.opinion_id = opinion.id}).ok());
  REQUIRE(std::filesystem::exists(a.path + ".blobs"));
  auto synced = a.client->sync();
  INFO(synced.status().to_string());
  REQUIRE(synced.ok());
  const std::string device = a.client->device_id();
  const std::string token = a.token();
  REQUIRE(server.storage().revoke_device(device, SystemClock::instance().now_ms()).ok());
  auto admin = server.admin_args();
  admin.insert(admin.begin(), "admin");
  admin.push_back("list-devices");
  auto listed = run_server_binary(admin);
  CHECK(listed.out.find("wiped_at=-") != std::string::npos);

  CHECK(a.client->sync().status().code() == ErrorCode::unauthorized);
  auto ordered = sync::wipe_ordered(*a.db);
  REQUIRE(ordered.ok());
  REQUIRE(*ordered);

  a.client.reset();
  a.db.reset();
  REQUIRE(std::filesystem::exists(a.path));
  REQUIRE(std::filesystem::exists(a.path + ".keys"));
  REQUIRE(sync::erase_database_files(a.path).ok());
  for (const char *suffix : {"", "-wal", "-shm", "-journal", ".blobs", ".keys"})
    CHECK_FALSE(std::filesystem::exists(a.path + suffix));

  REQUIRE(sync::report_wiped(*a.transport, server.url(), token).ok());
  listed = run_server_binary(admin);
  INFO(listed.out << listed.err);
  REQUIRE(listed.status == 0);
  CHECK(listed.out.find("wiped_at=-") == std::string::npos);
  CHECK(listed.out.find("wiped_at=20") != std::string::npos);
  REQUIRE(sync::report_wiped(*a.transport, server.url(), token).ok());  // told twice: no harm

  // A device still active is given no wipe order, and cannot report one.
  REQUIRE(b.client->sync().ok());
  ordered = sync::wipe_ordered(*b.db);
  REQUIRE(ordered.ok());
  CHECK_FALSE(*ordered);
  CHECK(sync::report_wiped(*b.transport, server.url(), b.token()).code() == ErrorCode::invalid_state);
  CHECK(sync::report_wiped(*b.transport, server.url(), std::string(64, '0')).code() == ErrorCode::unauthorized);
}
