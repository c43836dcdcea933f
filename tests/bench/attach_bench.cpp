// ykien-bench attach: an attachment's blob from a tablet to the server and on to a
// second tablet over loopback (issue 19, docs/benchmarks.md "attach"), and curl
// uploading the same bytes to the same server in the same run, chunk for chunk.
// Prints "BENCH <name> <value> <unit>" lines.
#include <sodium.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>

#include "bench.h"
#include "commune_rows.h"
#include "log.h"
#include "server.h"
#include "admin.h"
#include "storage.h"
#include "ykien/database.h"
#include "ykien/sync/client.h"
#include "ykien/sync/curl_transport.h"
#include "ykien/sync/protocol.h"

namespace ykien::bench {
namespace {

[[noreturn]] void die(const std::string &what, const Status &st = {}) {
  std::fprintf(stderr, "ykien-bench attach: %s%s%s\n", what.c_str(), st.ok() ? "" : ": ", st.to_string().c_str());
  std::exit(1);
}

std::string photo(size_t size, uint64_t seed) {
  std::string bytes = "\xFF\xD8\xFF\xE0";
  std::mt19937_64 rng(seed);
  bytes.reserve(size);
  while (bytes.size() + 8 <= size) {
    const uint64_t v = rng();
    bytes.append(reinterpret_cast<const char *>(&v), 8);
  }
  bytes.resize(size, 'x');
  return bytes;
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char *>(bytes.data()), bytes.size());
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

struct Tablet {
  std::unique_ptr<Database> db;
  std::unique_ptr<sync::Transport> transport;
  std::unique_ptr<sync::SyncClient> client;
  Tablet(const std::string &dir, const std::string &url, const std::string &code, bool blobs = true) {
    auto opened = Database::open(dir + "/tablet.db");
    if (!opened.ok()) die("cannot open a tablet database", opened.status());
    db = std::move(*opened);
    transport = sync::make_curl_transport();
    sync::SyncOptions so;
    so.server_url = url;
    so.transfer_blobs = blobs;
    client = std::make_unique<sync::SyncClient>(*db, *transport, so);
    auto enrolled = client->enroll(code, "bench");
    if (!enrolled.ok()) die("cannot enroll", enrolled.status());
    sync_ok();
  }
  sync::SyncReport sync_ok() {
    auto r = client->sync();
    if (!r.ok()) die("sync failed", r.status());
    return *r;
  }
  std::string opinion() {
    auto unit = db->find_unit_by_scope(kBenchHamlet);
    if (!unit.ok()) die("the tablet has no units", unit.status());
    auto o = db->record_opinion(sample_opinion(unit->id, 0));
    if (!o.ok()) die("cannot record", o.status());
    return o->id;
  }
};

}  // namespace
}  // namespace ykien::bench

int bench_attach(int argc, char **argv) {
  using namespace ykien;
  using namespace ykien::bench;
  int64_t megabytes = 64;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") {
      megabytes = 8;
    } else if (a == "--mb") {
      if (!positive_option(argc, argv, i, megabytes)) {
        std::fputs("ykien-bench attach: --mb wants a positive number\n", stderr);
        return 2;
      }
    } else {
      std::fprintf(stderr, "usage: ykien-bench attach [--quick] [--mb N]\n");
      return 2;
    }
  }
  if (sodium_init() < 0) die("libsodium cannot start");
  const std::string root = (std::filesystem::temp_directory_path() / ("ykien-bench-attach-" + std::to_string(getpid()))).string();
  std::filesystem::create_directories(root + "/server");
  std::filesystem::create_directories(root + "/a");
  std::filesystem::create_directories(root + "/b");
  std::filesystem::create_directories(root + "/c");
  std::filesystem::create_directories(root + "/curl");
  server::set_log_enabled(false);
  auto storage = server::open_sqlite_storage(root + "/server");
  if (!storage.ok()) die("cannot open the server data", storage.status());
  create_commune_units((*storage)->replica());
  std::vector<std::string> codes;
  for (int i = 0; i < 3; ++i) {
    auto code = server::create_enrollment_code(**storage, {kBenchWard}, true, 3600 * 1000, SystemClock::instance());
    if (!code.ok()) die("cannot create a code", code.status());
    codes.push_back(*code);
  }
  server::ServerOptions so;
  so.blobs_dir = root + "/server/blobs";
  server::SyncServer server(**storage, so);
  if (Status st = server.start(); !st.ok()) die("cannot start the server", st);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  const size_t size = static_cast<size_t>(megabytes) << 20;

  // ykien: the tablet's sync moves the record, then the blob.
  Tablet a(root + "/a", url, codes[0]);
  Tablet b(root + "/b", url, codes[1]);  // enrolled first: its timed sync is the one that fetches
  const std::string opinion = a.opinion();
  a.sync_ok();
  if (!a.db->add_attachment_bytes(photo(size, 1), {.opinion_id = opinion}).ok()) die("cannot attach");
  Stopwatch up;
  const auto sent = a.sync_ok();
  const double up_s = up.seconds();
  if (sent.blobs_sent != 1) die("the blob was not sent");
  Stopwatch down;
  const auto got = b.sync_ok();
  const double down_s = down.seconds();
  if (got.blobs_received != 1) die("the blob was not fetched");

  // curl: the same size of other bytes (the server has the first), chunk for chunk,
  // on one connection, to the same endpoint, with the same headers.
  Tablet c(root + "/c", url, codes[2], false);
  const std::string other = photo(size, 2);
  const std::string other_opinion = c.opinion();
  if (!c.db->add_attachment_bytes(other, {.opinion_id = other_opinion}).ok()) die("cannot attach");
  c.sync_ok();  // the record only
  const std::string sha = sha256_hex(other);
  const std::string token = *sync::default_key_store(*c.db)->get(sync::kTokenSecret);
  std::string command = "curl -s -o /dev/null --fail";
  for (size_t offset = 0, n = 0; offset < other.size(); offset += sync::tuning::kBlobChunkBytes, ++n) {
    const std::string part = other.substr(offset, sync::tuning::kBlobChunkBytes);
    const std::string file = root + "/curl/" + std::to_string(n);
    std::ofstream(file, std::ios::binary) << part;
    const bool last = offset + part.size() >= other.size();
    if (n > 0) command += " --next -s -o /dev/null --fail";
    command += " -X PUT -H 'Authorization: Bearer " + token + "' -H 'Content-Type: application/octet-stream'" +
               " -H 'Expect:' -H '" + sync::kChunkHashHeader + ": " + sha256_hex(part) + "' --data-binary @" + file +
               " '" + url + sync::kPathBlobs + sha + "?offset=" + std::to_string(offset) + (last ? "&last=1" : "") + "'";
  }
  Stopwatch by_curl;
  const int rc = std::system(command.c_str());
  const double curl_s = by_curl.seconds();
  if (rc != 0) die("curl failed (is curl installed?)");
  if (!std::filesystem::exists(so.blobs_dir + "/" + sha)) die("curl's upload did not arrive whole");
  server.stop();
  std::error_code ec;
  std::filesystem::remove_all(root, ec);

  const double mb = static_cast<double>(size) / (1 << 20);
  figure("attach_blob_mb", mb, "MB");
  figure("attach_upload_mb_per_s", mb / up_s, "MB/s", 1);
  figure("attach_download_mb_per_s", mb / down_s, "MB/s", 1);
  figure("attach_curl_upload_mb_per_s", mb / curl_s, "MB/s", 1);
  figure("attach_upload_vs_curl_ratio", up_s / curl_s, "x", 2);
  return 0;
}
