// Attachments' blobs between tablets and the server (docs/protocol.md "Blobs"): a 20 MB
// photo through connections cut at random bytes arrives whole; a tampered chunk, a
// wrong whole hash and an over-quota upload are refused keeping nothing; a device
// cannot fetch a blob of a row outside its units. Run once per backend as
// evidence/attach-<case>/<backend> (CMakeLists.txt).
#include <catch2/catch.hpp>

#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "admin.h"
#include "blob_gc.h"
#include "fixture.h"
#include "tcp_proxy.h"
#include "ykien/sync/curl_transport.h"
#include "ykien/sync/protocol.h"

using namespace ykien;
using namespace ykien::test;

namespace {

std::string photo(size_t size, uint64_t seed) {
  std::string bytes = "\xFF\xD8\xFF\xE0";
  std::mt19937_64 rng(seed);
  bytes.reserve(size);
  while (bytes.size() + 8 <= size) {
    const uint64_t v = rng();
    bytes.append(reinterpret_cast<const char *>(&v), 8);
  }
  while (bytes.size() < size) bytes.push_back('x');
  return bytes;
}

std::string sha256_of(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char *>(bytes.data()), bytes.size());
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Named blobs and partial transfers in a blob folder.
size_t files_in(const std::string &dir) {
  size_t n = 0;
  std::error_code ec;
  for (const auto &e : std::filesystem::recursive_directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().parent_path().filename() != ".quota") ++n;
  return n;
}

int port_of(const std::string &url) { return std::stoi(url.substr(url.rfind(':') + 1)); }

// One raw exchange with the blob endpoint, as `tablet`.
sync::HttpResponse blob_exchange(const std::string &url, Tablet &tablet, const std::string &method,
                                 const std::string &sha256, const std::string &query, std::string body = {},
                                 const std::string &chunk_hash = {}) {
  auto transport = sync::make_curl_transport({});
  sync::HttpRequest req;
  req.method = method;
  req.url = url + sync::kPathBlobs + sha256 + (query.empty() ? "" : "?" + query);
  req.headers = {{"Authorization", "Bearer " + tablet.token()}};
  if (!chunk_hash.empty()) req.headers.emplace_back(sync::kChunkHashHeader, chunk_hash);
  req.body = std::move(body);
  auto r = transport->send(req);
  REQUIRE(r.ok());
  return *r;
}

struct BlobServer {
  TempDir blobs;
  std::unique_ptr<TestServer> server;
  explicit BlobServer(int64_t quota = sync::tuning::kBlobQuotaBytes) {
    server::ServerOptions o;
    o.blobs_dir = blobs.file("blobs");
    o.blob_quota_bytes = quota;
    server = std::make_unique<TestServer>(o);
  }
};

}  // namespace

TEST_CASE("a 20 MB photo through connections cut at random bytes arrives whole", "[.][evidence-attach-cut]") {
  BlobServer s;
  TcpProxy proxy(port_of(s.server->url()));
  const std::string via = "http://127.0.0.1:" + std::to_string(proxy.port());
  Tablet a(via, "a");
  Tablet b(via, "b");
  a.enroll(s.server->code({kCommune}));
  b.enroll(s.server->code({kCommune}));
  a.sync_ok();
  const Opinion o = a.record(kHamlet1, "Đường hẻm 12 hư hỏng nặng");
  const std::string bytes = photo(20 << 20, 19);
  auto made = a.db().add_attachment_bytes(bytes, {.opinion_id = o.id, .caption = "Ảnh đường hẻm"});
  REQUIRE(made.ok());
  CHECK(made->sha256 == sha256_of(bytes));

  proxy.set_cut(0.6, 6 << 20);
  bool sent = false;
  for (int round = 0; round < 40 && !sent; ++round) {
    auto r = a.client().sync();
    sent = r.ok() && r->blobs_sent == 1;
    if (r.ok() && r->blobs_left == 0 && !sent) {
      // Sent in an earlier round that failed only afterwards: the server has it.
      sent = std::filesystem::exists(s.blobs.file("blobs") + "/" + made->sha256);
    }
  }
  REQUIRE(sent);
  CHECK(read_file(s.blobs.file("blobs") + "/" + made->sha256) == bytes);

  bool fetched = false;
  for (int round = 0; round < 40 && !fetched; ++round) {
    (void)b.client().sync();
    fetched = b.db().blobs().has(made->sha256);
  }
  proxy.set_cut(0, 0);
  CHECK(proxy.cuts() > 0);
  REQUIRE(fetched);
  CHECK(read_file(b.db().blobs().path(made->sha256)) == bytes);
  const auto report = b.sync_ok();  // nothing left to move
  CHECK(report.blobs_received == 0);
  CHECK(report.blobs_left == 0);
  CHECK(a.hash() == b.hash());
}

TEST_CASE("a tampered chunk or a wrong whole is refused and nothing is kept", "[.][evidence-attach-tamper]") {
  BlobServer s;
  Tablet a(s.server->url(), "a");
  a.enroll(s.server->code({kCommune}));
  a.sync_ok();
  const Opinion o = a.record(kHamlet1, "Biên bản họp");
  const std::string bytes = photo(300'000, 3);
  auto made = a.db().add_attachment_bytes(bytes, {.opinion_id = o.id});
  REQUIRE(made.ok());
  REQUIRE(a.sync_ok().blobs_sent == 1);
  const std::string blob_dir = s.blobs.file("blobs");
  const std::string other = photo(200'000, 4);
  auto second = a.db().add_attachment_bytes(other, {.opinion_id = o.id});
  REQUIRE(second.ok());
  // Push the record without its blob: a client that does not move blobs.
  {
    auto transport = sync::make_curl_transport({});
    sync::SyncOptions so;
    so.server_url = s.server->url();
    so.transfer_blobs = false;
    sync::SyncClient client(a.db(), *transport, so);
    REQUIRE(client.sync().ok());
  }
  const std::string sha = second->sha256;
  const size_t before = files_in(blob_dir);

  // A chunk whose bytes do not match its hash header.
  std::string tampered = other.substr(0, 100'000);
  const std::string honest_hash = sha256_of(tampered);
  tampered[5000] ^= 0x40;
  auto bad = blob_exchange(s.server->url(), a, "PUT", sha, "offset=0", tampered, honest_hash);
  CHECK(bad.status == 400);
  CHECK(bad.body.find("corrupt") != std::string::npos);
  auto state = blob_exchange(s.server->url(), a, "HEAD", sha, "");
  CHECK(sync::find_header(state.headers, sync::kBlobOffsetHeader) == "0");

  // Chunks that each match their header but make another file: refused whole at the end.
  std::string wrong = other;
  wrong[150'000] ^= 0x01;
  auto first = blob_exchange(s.server->url(), a, "PUT", sha, "offset=0", wrong.substr(0, 100'000),
                             sha256_of(wrong.substr(0, 100'000)));
  CHECK(first.status == 200);
  auto last = blob_exchange(s.server->url(), a, "PUT", sha, "offset=100000&last=1", wrong.substr(100'000),
                            sha256_of(wrong.substr(100'000)));
  CHECK(last.status == 400);
  CHECK(last.body.find("do not hash") != std::string::npos);
  CHECK(files_in(blob_dir) == before);
  CHECK(!std::filesystem::exists(blob_dir + "/" + sha));

  // A chunk at the wrong offset: refused, naming the offset.
  auto skip = blob_exchange(s.server->url(), a, "PUT", sha, "offset=100", other.substr(100, 1000),
                            sha256_of(other.substr(100, 1000)));
  CHECK(skip.status == 400);
  CHECK(skip.body.find("offset") != std::string::npos);

  // The honest client then sends it whole.
  a.sync_ok();
  CHECK(read_file(blob_dir + "/" + sha) == other);
}

TEST_CASE("a device over its blob quota is refused and nothing is kept", "[.][evidence-attach-quota]") {
  BlobServer s(1 << 20);  // 1 MB a device
  Tablet a(s.server->url(), "a");
  a.enroll(s.server->code({kCommune}));
  a.sync_ok();
  const Opinion o = a.record(kHamlet1, "Ghi âm buổi tiếp dân");
  auto small = a.db().add_attachment_bytes(photo(600'000, 5), {.opinion_id = o.id});
  REQUIRE(small.ok());
  a.sync_ok();
  CHECK(std::filesystem::exists(s.blobs.file("blobs") + "/" + small->sha256));
  auto big = a.db().add_attachment_bytes(photo(700'000, 6), {.opinion_id = o.id});
  REQUIRE(big.ok());
  auto r = a.client().sync();
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == ErrorCode::too_large);
  CHECK(r.status().message().find("quota") != std::string::npos);
  CHECK(!std::filesystem::exists(s.blobs.file("blobs") + "/" + big->sha256));
  CHECK(!std::filesystem::exists(s.blobs.file("blobs") + "/.partial/" + big->sha256));
  // The cells went: the record is on the server, its blob is not.
  CHECK(s.server->data().list_attachments("")->size() == 2);
}

TEST_CASE("a device cannot fetch a blob of a row outside its units", "[.][evidence-attach-scope]") {
  BlobServer s;
  Tablet a(s.server->url(), "a");
  Tablet b(s.server->url(), "b");
  a.enroll(s.server->code({kHamlet1}));
  b.enroll(s.server->code({kHamlet2}));
  a.sync_ok();
  b.sync_ok();
  const Opinion o = a.record(kHamlet1, "Tố cáo lấn chiếm đất công");
  auto made = a.db().add_attachment_bytes(photo(100'000, 7), {.opinion_id = o.id});
  REQUIRE(made.ok());
  REQUIRE(a.sync_ok().blobs_sent == 1);
  const auto report = b.sync_ok();
  CHECK(report.blobs_received == 0);
  CHECK(b.db().list_attachments("")->empty());
  for (const char *method : {"GET", "HEAD"}) {
    auto r = blob_exchange(s.server->url(), b, method, made->sha256, "offset=0");
    CHECK(r.status == 404);
  }
  auto put = blob_exchange(s.server->url(), b, "PUT", made->sha256, "offset=0", "x", sha256_of("x"));
  CHECK(put.status == 404);
  // The refusal carries the server's time, as every reply does (it said 0).
  sync::ErrorReply refusal;
  REQUIRE(sync::decode(put.body, &refusal).ok());
  CHECK(refusal.server_time_ms > 0);
  CHECK(!b.db().blobs().has(made->sha256));
}

TEST_CASE("a confidential opinion's attachments reach only devices with the right, neither row nor file",
          "[.][evidence-attach-confidential]") {
  BlobServer s;
  Tablet a(s.server->url(), "a");            // TestServer::code grants the right
  Tablet entitled(s.server->url(), "entitled");
  Tablet plain(s.server->url(), "plain");    // a code without it
  a.enroll(s.server->code({kHamlet1}));
  entitled.enroll(s.server->code({kHamlet1}));
  auto code = server::create_enrollment_code(s.server->storage(), {kHamlet1}, false, 3600 * 1000,
                                             SystemClock::instance());
  REQUIRE(code.ok());
  plain.enroll(*code);
  for (Tablet *t : {&a, &entitled, &plain}) t->sync_ok();

  // A denunciation with a scan of it and an answer with a photo; an ordinary opinion with a photo.
  auto unit = a.db().find_unit_by_scope(kHamlet1);
  REQUIRE(unit.ok());
  Opinion d;
  d.unit_id = unit->id;
  d.kind = "denunciation";
  d.category = "land";
  d.content = "Tố cáo cán bộ địa chính nhận tiền";
  d.citizen_name = "Lê Thị Tố Cáo";
  d.raised_at = "2024-07-01 08:00";
  auto denounced = a.db().record_opinion(d);
  REQUIRE(denounced.ok());
  REQUIRE(denounced->confidential);
  Response answer;
  answer.opinion_id = denounced->id;
  answer.kind = "written_reply";
  answer.content = "Đã chuyển thanh tra";
  answer.created_at = "2024-07-02 08:00";
  auto answered = a.db().add_response(answer);
  REQUIRE(answered.ok());
  const Opinion ordinary = a.record(kHamlet1, "Đề nghị lắp đèn hẻm 12");
  auto scan = a.db().add_attachment_bytes(photo(50'000, 1), {.opinion_id = denounced->id, .caption = "Đơn tố cáo"});
  auto reply = a.db().add_attachment_bytes(photo(50'000, 2), {.response_id = answered->id});
  auto lamp = a.db().add_attachment_bytes(photo(50'000, 3), {.opinion_id = ordinary.id});
  REQUIRE((scan.ok() && reply.ok() && lamp.ok()));
  REQUIRE(a.sync_ok().blobs_sent == 3);

  // Without the right: the ordinary photo only; the others' rows (captions, hashes)
  // never arrive and their files are refused as if they did not exist.
  CHECK(plain.sync_ok().blobs_received == 1);
  auto held = plain.db().list_attachments("");
  REQUIRE(held.ok());
  REQUIRE(held->size() == 1);
  CHECK(held->front().id == lamp->id);
  for (const std::string &sha : {scan->sha256, reply->sha256})
    for (const char *method : {"GET", "HEAD"}) CHECK(blob_exchange(s.server->url(), plain, method, sha, "offset=0").status == 404);
  CHECK(blob_exchange(s.server->url(), plain, "GET", lamp->sha256, "offset=0").status == 200);
  // With the right: all three.
  CHECK(entitled.sync_ok().blobs_received == 3);
  CHECK(entitled.db().list_attachments("")->size() == 3);
}

TEST_CASE("admin blobs gc takes away files no attachment names, once older than a day", "[.][evidence-attach-gc]") {
  BlobServer s;
  Tablet a(s.server->url(), "a");
  a.enroll(s.server->code({kCommune}));
  a.sync_ok();
  const Opinion o = a.record(kHamlet1, "Biên bản họp");
  const std::string bytes = photo(100'000, 5);
  auto made = a.db().add_attachment_bytes(bytes, {.opinion_id = o.id});
  REQUIRE(made.ok());
  REQUIRE(a.sync_ok().blobs_sent == 1);
  const std::string dir = s.blobs.file("blobs");
  BlobStore folder(dir);
  // An upload whose record never came, and a partial one given up.
  auto orphan = folder.put_bytes(photo(50'000, 6));
  REQUIRE(orphan.ok());
  const std::string abandoned = sha256_of(photo(70'000, 7));
  REQUIRE(folder.append_partial(abandoned, 0, photo(70'000, 7).substr(0, 30'000)).ok());
  const int64_t now = SystemClock::instance().now_ms();
  const int64_t day = 24 * 3600 * 1000;

  auto young = server::collect_orphan_blobs(s.server->storage(), dir, now, day, false);
  REQUIRE(young.ok());
  CHECK(young->kept == 1);
  CHECK(young->removed == 0);
  CHECK(young->too_young == 2);
  auto dry = server::collect_orphan_blobs(s.server->storage(), dir, now + 2 * day, day, true);
  REQUIRE(dry.ok());
  CHECK(dry->removed == 2);
  CHECK(folder.has(orphan->sha256));
  auto gc = server::collect_orphan_blobs(s.server->storage(), dir, now + 2 * day, day, false);
  REQUIRE(gc.ok());
  CHECK(gc->kept == 1);
  CHECK(gc->removed == 2);
  CHECK(gc->removed_bytes == 50'000 + 30'000);
  CHECK_FALSE(folder.has(orphan->sha256));
  CHECK(folder.partial_size(abandoned) == 0);
  CHECK(folder.has(made->sha256));  // named by its record: kept however old
  CHECK(read_file(folder.path(made->sha256)) == bytes);
  CHECK(server::collect_orphan_blobs(s.server->storage(), "", now, day, false).status().field() == "blobs");
}
