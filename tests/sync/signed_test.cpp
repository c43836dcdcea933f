// Signed changes (issue 19; docs/protocol.md, "Signatures"; docs/bundle-format.md,
// "Signatures"): a push or bundle not signed by its sender's key is refused with
// bad_signature and nothing is applied; what is taken is kept with its signature, and
// provenance checks it again. Registered once per backend as evidence/<case>/{sqlite,postgres}.
#include <catch2/catch.hpp>

#include <sodium.h>

#include <fstream>
#include <iterator>
#include <chrono>
#include <set>
#include <thread>
#include <nlohmann/json.hpp>

#include "bundle_admin.h"
#include "bundle_file.h"
#include "evidence.h"
#include "fixture.h"
#include "sha256.h"
#include "signing.h"
#include "support/busy_retry.h"
#include "ykien/sync/bundle.h"
#include "ykien/sync/protocol.h"
#include "ykien/uuid.h"

using namespace ykien;
using namespace ykien::test;

namespace {

int64_t now_ms() { return SystemClock::instance().now_ms(); }

std::string hex(const unsigned char *p, size_t n) {
  std::string out(2 * n + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

// A key pair made here, as a device (or a forger) would.
sync::SigningKey new_key() {
  REQUIRE(sodium_init() >= 0);
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  return {hex(pk, sizeof pk), hex(sk, sizeof sk)};
}

std::string sign(const sync::SigningKey &key, const std::string &bytes,
                 sync::SignatureFormat format = sync::SignatureFormat::whole_body) {
  auto s = sync::sign_bytes(key, bytes, format);
  REQUIRE(s.ok());
  return *s;
}

// A device that enrolls and pushes by hand, with its own key (or none: an older app).
struct Device {
  std::string url, token, device_id;
  SiteId site;
  sync::SigningKey key;
  uint64_t counter = 0;

  Device(const std::string &server_url, const std::string &code, SiteId chosen_site, bool with_key = true)
      : url(server_url), site(chosen_site) {
    if (with_key) key = new_key();
    sync::EnrollRequest req{sync::kProtocolVersion, code, "tablet", site_to_string(site), key.public_hex};
    auto r = raw_post(url + sync::kPathEnroll, sync::encode(req));
    INFO(r.body);
    REQUIRE(r.status == 200);
    sync::EnrollReply reply;
    REQUIRE(sync::decode(r.body, &reply).ok());
    CHECK(reply.key_recorded == with_key);
    CHECK(reply.signature_format == sync::kDigestFormatName);
    CHECK(sync::public_key_well_formed(reply.server_key));
    token = reply.token;
    device_id = reply.device_id;
  }

  // A push body with one new opinion of this device in `unit_id` (ap-1).
  std::string opinion_push(const std::string &unit_id, const std::string &content) {
    const Hlc stamp = Hlc::from_parts(static_cast<uint64_t>(now_ms()), ++counter);
    const std::string id = new_uuid_v7(SystemClock::instance());
    const std::vector<std::pair<std::string, Value>> cells = {
        {"_deleted", int64_t{0}},         {"unit_id", unit_id},
        {"kind", std::string("opinion")}, {"category", std::string("land")},
        {"content", content},             {"anonymous", int64_t{0}},
        {"confidential", int64_t{0}},     {"jurisdiction", std::string("local")},
        {"status", std::string("received")}, {"satisfaction", std::string("unknown")},
        {"raised_at", std::string("2024-06-29 08:00")}};
    sync::PushRequest req;
    req.client_time_ms = now_ms();
    for (const auto &[column, value] : cells) req.changes.push_back({"opinions", id, kHamlet1, column, value, stamp, site, Hlc()});
    return sync::encode(req);
  }

  sync::HttpResponse push(const std::string &body, const std::string &signature) const {
    return raw_post(url + sync::kPathPush, body, token, signature);
  }
  // From a thread of its own: no Catch2 assertion (not thread-safe).
  Result<sync::HttpResponse> try_push(const std::string &body, const std::string &signature) const {
    return try_raw_post(url + sync::kPathPush, body, token, signature);
  }
};

void refused_bad_signature(const sync::HttpResponse &r) {
  INFO(r.body);
  CHECK(r.status == 403);
  sync::ErrorReply e;
  REQUIRE(sync::decode(r.body, &e).ok());
  CHECK(e.code == ErrorCode::bad_signature);
  CHECK(e.field == "signature");
}

std::string state_hash(server::Storage &storage) {
  auto h = storage.replica().state_hash();
  REQUIRE(h.ok());
  return *h;
}

std::string unit_id(server::Storage &storage, const std::string &scope) {
  auto u = storage.replica().find_unit_by_scope(scope);
  REQUIRE(u.ok());
  return u->id;
}

CommandResult admin_run(TestServer &server, const std::vector<std::string> &args) {
  std::vector<std::string> all{"admin"};
  for (auto &a : server.admin_args()) all.push_back(a);
  all.insert(all.end(), args.begin(), args.end());
  return run_server_binary(all);
}

std::string read_all(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_all(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

}  // namespace

TEST_CASE("a push is applied only when its device's key signed its very bytes", "[.][evidence-push]") {
  TestServer server;
  Device a(server.url(), server.code({kHamlet1}), 0xa1a1a1a1a1a1a1a1ull);
  Device b(server.url(), server.code({kHamlet1}), 0xb2b2b2b2b2b2b2b2ull);
  const std::string hamlet = unit_id(server.storage(), kHamlet1);
  const std::string body = a.opinion_push(hamlet, "Đường ấp 1 xuống cấp");
  const std::string before = state_hash(server.storage());

  SECTION("refused: no signature, a wrong one, another device's key, a body altered after signing") {
    refused_bad_signature(a.push(body, ""));
    refused_bad_signature(a.push(body, std::string(128, '0')));
    refused_bad_signature(a.push(body, sign(b.key, body)));
    std::string altered = body;
    altered.replace(altered.find("xuống cấp"), std::string("xuống cấp").size(), "đã sửa xong");
    refused_bad_signature(a.push(altered, sign(a.key, body)));
    // A's signed batch replayed by B, under B's token: B's key did not sign it.
    refused_bad_signature(b.push(body, sign(a.key, body)));
    // The same over the body's digest: altered, another key, a whole-body signature
    // passed off as a digest one and the reverse.
    const auto digest = sync::SignatureFormat::body_digest;
    refused_bad_signature(a.push(altered, sign(a.key, body, digest)));
    refused_bad_signature(a.push(body, sign(b.key, body, digest)));
    refused_bad_signature(a.push(body, "b2:" + sign(a.key, body)));
    refused_bad_signature(a.push(body, sign(a.key, body, digest).substr(3)));
    refused_bad_signature(a.push(body, "b2:" + std::string(128, '0')));
    CHECK(state_hash(server.storage()) == before);
    // Nothing half-kept either: no signed batch names these writes.
    sync::PushRequest decoded;
    REQUIRE(sync::decode(body, &decoded).ok());
    for (const auto &w : server::writes_of(decoded.changes)) {
      auto kept = server.storage().signatures().batch_for_write(a.device_id, w);
      REQUIRE(kept.ok());
      CHECK(!kept->has_value());
    }
  }

  SECTION("taken when signed right, and kept with its signature") {
    auto r = a.push(body, sign(a.key, body));
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(state_hash(server.storage()) != before);
    sync::PushRequest decoded;
    REQUIRE(sync::decode(body, &decoded).ok());
    const auto writes = server::writes_of(decoded.changes);
    REQUIRE(writes.size() == 1);
    auto kept = server.storage().signatures().batch_for_write(a.device_id, writes[0]);
    REQUIRE(kept.ok());
    REQUIRE(kept->has_value());
    CHECK((*kept)->body == body);
    CHECK((*kept)->kind == "push");
    CHECK(server::check_kept_batch(**kept, a.key.public_hex).valid);
    CHECK(!server::check_kept_batch(**kept, b.key.public_hex).valid);
    // Signed over the body itself: kept under its SHA-256.
    CHECK((*kept)->digest == sync::sha256_hex(body));
    // Sent again (a lost reply): ignored, kept once.
    r = a.push(body, sign(a.key, body));
    CHECK(r.status == 200);
  }

  SECTION("signed right but refused by the write policy: applied not at all, and not kept") {
    // An opinion of ap-1 naming ap-2's unit: refused (invalid_reference).
    const std::string elsewhere = a.opinion_push(unit_id(server.storage(), kHamlet2), "Ý kiến ghi nhầm ấp");
    auto r = a.push(elsewhere, sign(a.key, elsewhere));
    INFO(r.body);
    CHECK(r.status == 400);
    CHECK(state_hash(server.storage()) == before);
    sync::PushRequest decoded;
    REQUIRE(sync::decode(elsewhere, &decoded).ok());
    auto kept = server.storage().signatures().batch_for_write(a.device_id, server::writes_of(decoded.changes)[0]);
    REQUIRE(kept.ok());
    CHECK_FALSE(kept->has_value());
  }

  SECTION("taken when signed over the body's digest, and checked again so") {
    const std::string signature = sign(a.key, body, sync::SignatureFormat::body_digest);
    CHECK(signature.starts_with("b2:"));
    CHECK(signature.size() == 3 + 128);
    auto r = a.push(body, signature);
    INFO(r.body);
    REQUIRE(r.status == 200);
    sync::PushReply reply;
    REQUIRE(sync::decode(r.body, &reply).ok());
    CHECK(reply.signature_format == sync::kDigestFormatName);
    sync::PushRequest decoded;
    REQUIRE(sync::decode(body, &decoded).ok());
    auto kept = server.storage().signatures().batch_for_write(a.device_id, server::writes_of(decoded.changes)[0]);
    REQUIRE(kept.ok());
    REQUIRE(kept->has_value());
    CHECK((*kept)->signature == signature);
    CHECK(server::check_kept_batch(**kept, a.key.public_hex).valid);
    CHECK(!server::check_kept_batch(**kept, b.key.public_hex).valid);
    // Kept under the digest its signature covered (no second hash of the body); the
    // same bytes sent again (a lost reply) are taken and the batch found is the first
    // (that they are kept once: signed_writes_sqlite_test.cpp, on SQLite).
    std::array<unsigned char, crypto_generichash_BYTES> blake{};
    crypto_generichash(blake.data(), blake.size(), reinterpret_cast<const unsigned char *>(body.data()), body.size(),
                       nullptr, 0);
    char hex[2 * crypto_generichash_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, blake.data(), blake.size());
    CHECK((*kept)->digest == std::string("b2:") + hex);
    r = a.push(body, signature);
    CHECK(r.status == 200);
    auto again = server.storage().signatures().batch_for_write(a.device_id, server::writes_of(decoded.changes)[0]);
    REQUIRE(again.ok());
    REQUIRE(again->has_value());
    CHECK((*again)->id == (*kept)->id);
  }

  SECTION("pushes signed by several devices at once are each kept, one sent twice once") {
    // Kept batches commit in groups (docs/server.md, "Provenance"): each of a group
    // must be kept whole, under its own device, whatever the others do.
    std::vector<std::unique_ptr<Device>> devices;
    for (uint64_t i = 0; i < 6; ++i)
      devices.push_back(std::make_unique<Device>(server.url(), server.code({kHamlet1}), 0xc0c0c0c0c0c0c000ull + i));
    constexpr int kPushes = 4;
    std::vector<std::vector<std::string>> bodies(devices.size()), signatures(devices.size());
    std::vector<std::vector<int>> statuses(devices.size());
    std::vector<std::thread> threads;
    for (size_t d = 0; d < devices.size(); ++d) {
      // Made here: the threads use no Catch2 assertion (not thread-safe).
      for (int p = 0; p < kPushes; ++p) {
        bodies[d].push_back(devices[d]->opinion_push(hamlet, "Ý kiến " + std::to_string(d) + "." + std::to_string(p)));
        signatures[d].push_back(sign(devices[d]->key, bodies[d].back()));
      }
      threads.emplace_back([&, d] {
        auto push = [&](size_t p) {
          auto sent = send_until_not_busy([&] { return devices[d]->try_push(bodies[d][p], signatures[d][p]); });
          statuses[d].push_back(sent.ok() ? sent->status : -1);  // -1: not sent (the check below names it)
        };
        for (size_t p = 0; p < bodies[d].size(); ++p) push(p);
        push(bodies[d].size() - 1);  // its reply lost: sent again
      });
    }
    for (auto &t : threads) t.join();
    for (size_t d = 0; d < devices.size(); ++d) {
      CHECK(statuses[d] == std::vector<int>(kPushes + 1, 200));
      for (const auto &sent : bodies[d]) {
        sync::PushRequest decoded;
        REQUIRE(sync::decode(sent, &decoded).ok());
        auto kept = server.storage().signatures().batch_for_write(devices[d]->device_id, server::writes_of(decoded.changes)[0]);
        REQUIRE(kept.ok());
        REQUIRE(kept->has_value());
        CHECK((*kept)->body == sent);
        CHECK(server::check_kept_batch(**kept, devices[d]->key.public_hex).valid);
      }
    }
  }

  SECTION("a device keeps the key it registered") {
    sync::KeysRequest again{sync::kProtocolVersion, new_key().public_hex};
    auto r = raw_post(server.url() + sync::kPathKeys, sync::encode(again), a.token);
    INFO(r.body);
    CHECK(r.status == 409);
    sync::KeysRequest same{sync::kProtocolVersion, a.key.public_hex};
    CHECK(raw_post(server.url() + sync::kPathKeys, sync::encode(same), a.token).status == 200);
  }
}

TEST_CASE("provenance shows the signed batch of each cell and checks it again", "[.][evidence-provenance]") {
  using json = nlohmann::json;
  TestServer server;
  Tablet a{server.url(), "may tinh bang A"};
  a.enroll(server.code({kHamlet1}));
  a.sync_ok();
  const Opinion opinion = a.record(kHamlet1, "Cầu khỉ ấp 1 hư hỏng");
  a.sync_ok();

  CommandResult r = admin_run(server, {"provenance", "--table", "opinions", "--row", opinion.id, "--json", "--verify"});
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  json j = json::parse(r.out, nullptr, false);
  REQUIRE(!j.is_discarded());
  auto key = sync::existing_public_key(a.db().replica());
  REQUIRE(key.ok());
  for (const auto &cell : j["cells"]) {
    INFO(cell.dump());
    REQUIRE(cell["signed_batch"].is_object());
    CHECK(cell["signed_batch"]["verified"] == true);
    CHECK(cell["signed_batch"]["kind"] == "push");
    CHECK(cell["signed_batch"]["public_key"] == *key);
  }
  CommandResult text = admin_run(server, {"provenance", "--table", "opinions", "--row", opinion.id, "--column", "content"});
  INFO(text.out);
  CHECK(text.out.find("verifies") != std::string::npos);

  // Saved, the batch can be checked by anyone with the key, with no ykien code.
  TempDir out;
  CommandResult saved = admin_run(server, {"provenance", "--table", "opinions", "--row", opinion.id, "--column",
                                           "content", "--json", "--save-batches", out.path()});
  INFO(saved.out << saved.err);
  REQUIRE(saved.status == 0);
  json cell = json::parse(saved.out)["cells"][0]["signed_batch"];
  const std::string bytes = read_all(cell["saved"].get<std::string>());
  CHECK(sync::signature_valid(*key, bytes, cell["signature"].get<std::string>()));
  CHECK(bytes.find("Cầu khỉ ấp 1 hư hỏng") != std::string::npos);
  CHECK(bytes.find("\"rows\":[") != std::string::npos);  // pushed as rows (docs/protocol.md, "Rows"), read back
}

TEST_CASE("a client signs over the body's digest once its server says it verifies it", "[.][evidence-digest]") {
  using json = nlohmann::json;
  TestServer server;
  Tablet a{server.url(), "may tinh bang A"};
  a.enroll(server.code({kHamlet1}));
  auto said = a.db().replica().setting("sync.signature_format");
  REQUIRE(said.ok());
  CHECK(*said == sync::kDigestFormatName);
  // As if enrolled with an older server: the next push is signed over the whole body,
  // and its reply teaches the client the cheaper form for the pushes after it.
  REQUIRE(a.db().replica().set_setting("sync.signature_format", "").ok());
  a.sync_ok();
  const Opinion first = a.record(kHamlet1, "Cầu khỉ ấp 1 hư hỏng");
  a.sync_ok();
  said = a.db().replica().setting("sync.signature_format");
  REQUIRE(said.ok());
  CHECK(*said == sync::kDigestFormatName);
  const Opinion second = a.record(kHamlet1, "Đường ấp 1 ngập khi mưa");
  a.sync_ok();

  auto signatures_of = [&](const Opinion &opinion) {
    CommandResult r = admin_run(server, {"provenance", "--table", "opinions", "--row", opinion.id, "--json", "--verify"});
    INFO(r.out << r.err);
    REQUIRE(r.status == 0);
    const json reply = json::parse(r.out);
    std::set<std::string> found;
    for (const auto &cell : reply["cells"]) {
      REQUIRE(cell["signed_batch"].is_object());
      CHECK(cell["signed_batch"]["verified"] == true);
      found.insert(cell["signed_batch"]["signature"].get<std::string>());
    }
    REQUIRE(found.size() == 1);
    return *found.begin();
  };
  const std::string whole = signatures_of(first), digest = signatures_of(second);
  CHECK(whole.size() == 128);
  CHECK(digest.starts_with("b2:"));
  CHECK(count_opinions(server.data(), kHamlet1) == 2);
}

TEST_CASE("a device enrolled before keys registers one, then syncs signed", "[.][evidence-upgrade]") {
  server::ServerOptions options;
  options.require_signatures = true;
  TestServer server(options);
  // An older app's enrollment: no key sent, none in its database.
  Tablet old{server.url(), "may cu"};
  Device raw(server.url(), server.code({kHamlet1}), old.db().site_id(), /*with_key=*/false);
  Replica &db = old.db().replica();
  REQUIRE(db.set_setting("sync.device_id", raw.device_id).ok());
  REQUIRE(db.set_setting("sync.token", raw.token).ok());
  REQUIRE(db.set_setting("sync.scopes", std::string("[\"") + kHamlet1 + "\"]").ok());
  auto none = sync::existing_public_key(db);
  REQUIRE(none.ok());
  CHECK(none->empty());

  // The admin sees which devices still lack a key.
  CommandResult listed = admin_run(server, {"list-devices"});
  CHECK(listed.out.find("key=none") != std::string::npos);

  // This server takes signed pushes only: the older app's unsigned push is refused.
  const std::string hamlet = unit_id(server.storage(), kHamlet1);
  const std::string body = raw.opinion_push(hamlet, "Ấp 1 cần đèn đường");
  refused_bad_signature(raw.push(body, ""));

  // The updated app makes a key, registers it at its next sync and pushes signed.
  old.sync_ok();
  const Opinion opinion = old.record(kHamlet1, "Ấp 1 cần đèn đường");
  old.sync_ok();
  auto key = sync::existing_public_key(db);
  REQUIRE(key.ok());
  REQUIRE(!key->empty());
  auto registered = server.storage().signatures().device_key(raw.device_id);
  REQUIRE(registered.ok());
  CHECK(*registered == *key);
  listed = admin_run(server, {"list-devices", "--json"});
  CHECK(nlohmann::json::parse(listed.out)[0]["public_key"] == *key);
  CHECK(count_opinions(server.data(), kHamlet1) == 1);
  auto cells = server.storage().replica().cell_origins({"opinions", opinion.id});
  REQUIRE(cells.ok());
  REQUIRE(!cells->empty());
  for (const auto &c : *cells) {
    auto e = server::evidence_for_cell(server.storage(), "opinions", opinion.id, c);
    REQUIRE(e.ok());
    INFO(c.cell.column << ": " << e->problem);
    CHECK(e->verified);
  }
}

TEST_CASE("a bundle is authenticated by its signature, not by the name inside it", "[.][evidence-bundle]") {
  TestServer server;
  Tablet a{server.url(), "may A"};
  a.enroll(server.code({kHamlet1}));
  a.sync_ok();  // units, and the server learns A's key
  a.record(kHamlet1, "Kênh ấp 1 bị bồi lắng");
  TempDir dir;
  const std::string good = dir.file("a.ykb");
  auto exported = sync::export_bundle(a.db(), sync::kServerPeerName, good);
  REQUIRE(exported.ok());
  CHECK(exported->manifest.format == 2);
  const std::string before = state_hash(server.storage());

  std::vector<Change> changes;
  auto manifest = sync::read_bundle(good, &changes);
  REQUIRE(manifest.ok());
  CHECK(!manifest->signature.empty());

  SECTION("a byte changed (checksum made right again) is refused") {
    std::string bytes = read_all(good);
    const size_t at = bytes.find("\"created\":") + 11;  // inside the manifest
    bytes[at] = bytes[at] == '1' ? '2' : '1';
    const size_t trailer = bytes.size() - 73;
    bytes.replace(trailer + 8, 64, sync::sha256_hex(std::string_view(bytes).substr(0, trailer)));
    const std::string forged = dir.file("changed.ykb");
    write_all(forged, bytes);
    auto r = server::import_server_bundle(server.storage(), forged, {});
    INFO(r.status().to_string());
    CHECK(r.status().code() == ErrorCode::bad_signature);
    CHECK(state_hash(server.storage()) == before);
  }

  SECTION("A's name and site written in a bundle another key signed is refused") {
    sync::BundleManifest m = *manifest;
    const sync::SigningKey forger = new_key();
    auto bytes = sync::bundle_bytes(&m, changes, &forger);
    REQUIRE(bytes.ok());
    const std::string forged = dir.file("forged.ykb");
    write_all(forged, *bytes);
    auto r = server::import_server_bundle(server.storage(), forged, {});
    INFO(r.status().to_string());
    CHECK(r.status().code() == ErrorCode::bad_signature);
    CHECK(r.status().message().find("another key signed it") != std::string::npos);
    // Unsigned, in the older layout: refused too, A has a key.
    auto old_layout = sync::bundle_bytes(&m, changes, nullptr);
    REQUIRE(old_layout.ok());
    write_all(forged, *old_layout);
    r = server::import_server_bundle(server.storage(), forged, {});
    CHECK(r.status().code() == ErrorCode::bad_signature);
    CHECK(state_hash(server.storage()) == before);
  }

  SECTION("the right one imports and provenance names the signed bundle") {
    auto r = server::import_server_bundle(server.storage(), good, {});
    INFO(r.status().to_string());
    REQUIRE(r.ok());
    CHECK(r->applied > 0);
    CHECK(state_hash(server.storage()) != before);
    const Change &first = changes.front();
    auto cells = server.storage().replica().cell_origins({first.table, first.id});
    REQUIRE(cells.ok());
    for (const auto &c : *cells) {
      auto e = server::evidence_for_cell(server.storage(), first.table, first.id, c);
      REQUIRE(e.ok());
      INFO(e->problem);
      CHECK(e->verified);
      REQUIRE(e->batch.has_value());
      CHECK(e->batch->kind == "bundle");
    }
  }

  SECTION("between tablets: the first key seen from a peer is the one its bundles must carry") {
    auto office = Database::open(dir.file("office.db"));
    REQUIRE(office.ok());
    REQUIRE(sync::set_bundle_name(**office, "office").ok());
    REQUIRE(sync::set_bundle_name(a.db(), "ap-1").ok());
    const std::string for_office = dir.file("for-office.ykb");
    REQUIRE(sync::export_bundle(a.db(), "office", for_office).ok());
    std::vector<Change> sent;
    auto m = sync::read_bundle(for_office, &sent);
    REQUIRE(m.ok());
    // A forgery under A's name before anything from A arrived would be pinned: the
    // real one comes first here.
    REQUIRE(sync::import_bundle(**office, for_office).ok());
    sync::BundleManifest forged_manifest = *m;
    const sync::SigningKey forger = new_key();
    auto bytes = sync::bundle_bytes(&forged_manifest, sent, &forger);
    REQUIRE(bytes.ok());
    const std::string forged = dir.file("forged-office.ykb");
    write_all(forged, *bytes);
    auto r = sync::import_bundle(**office, forged);
    CHECK(r.status().code() == ErrorCode::bad_signature);
  }
}
