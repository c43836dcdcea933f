// HTTPS in process (--tls-cert/--tls-key): tablets verify the certificate, may pin
// its key, and refuse a wrong one with a clear error.
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "fixture.h"
#include "support/server_process.h"
#include "ykien.h"
#include "ykien/sync/client.h"

using namespace ykien;
using namespace ykien::test;

namespace {

std::string run(const std::string &command) {
  std::string out;
  FILE *p = popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[512];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  REQUIRE(pclose(p) == 0);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string read_file(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A self-signed certificate for 127.0.0.1 in dir/<name>.pem, its key in
// dir/<name>.key; returns its public key pin ("sha256//...").
std::string make_certificate(const TempDir &dir, const std::string &name) {
  const std::string cert = dir.file(name + ".pem");
  const std::string key = dir.file(name + ".key");
  run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=ykien-test "
      "-addext subjectAltName=IP:127.0.0.1 -keyout " + key + " -out " + cert + " 2>/dev/null");
  return "sha256//" + run("openssl x509 -in " + cert + " -pubkey -noout | openssl pkey -pubin -outform der | "
                          "openssl dgst -sha256 -binary | base64");
}

// The server's options for HTTPS with the certificate made in `certs` as "server".
server::ServerOptions https_options(const TempDir &certs) {
  server::ServerOptions options;
  options.http.tls_cert_pem = read_file(certs.file("server.pem"));
  options.http.tls_key_pem = read_file(certs.file("server.key"));
  return options;
}

// The https:// address of a server started with https_options.
std::string https_url(const TestServer &server) {
  const std::string plain = server.url();
  return "https://" + plain.substr(plain.find("://") + 3);
}

Result<sync::HttpResponse> health(const std::string &url, sync::CurlTransportOptions options) {
  options.timeout_ms = 20000;
  return sync::make_curl_transport(options)->send({"GET", url + "/v1/health", {}, {}});
}

}  // namespace

TEST_CASE("TLS verification and pinning", "[serve][tls]") {
  TempDir certs;
  const std::string pin = make_certificate(certs, "server");
  const std::string other_pin = make_certificate(certs, "other");
  TestServer server(https_options(certs));
  const std::string plain = server.url();
  const std::string url = https_url(server);

  SECTION("a tablet that trusts the certificate enrolls and syncs over HTTPS") {
    sync::CurlTransportOptions co;
    co.ca_file = certs.file("server.pem");
    co.pinned_public_key = pin;
    auto transport = sync::make_curl_transport(co);
    TempDir dir;
    auto db = Database::open(dir.file("tablet.db"));
    REQUIRE(db.ok());
    sync::SyncOptions so;
    so.server_url = url;
    sync::SyncClient client(**db, *transport, so);
    auto enrolled = client.enroll(server.code({kCommune}), "tls");
    INFO(enrolled.status().to_string());
    REQUIRE(enrolled.ok());
    REQUIRE(client.sync().ok());  // brings the units
    record_in(**db, kHamlet1, "qua TLS");
    auto synced = client.sync();
    INFO(synced.status().to_string());
    REQUIRE(synced.ok());
    CHECK(count_opinions(server.data(), kCommune) == 1);
  }
  SECTION("a certificate nobody vouched for is refused") {
    auto r = health(url, {});
    REQUIRE_FALSE(r.ok());
    INFO(r.status().message());
    CHECK(r.status().code() == ErrorCode::network);
    CHECK(r.status().message().find("certificate") != std::string::npos);
  }
  SECTION("the wrong certificate is refused, even when pinned alone") {
    sync::CurlTransportOptions co;
    co.ca_file = certs.file("other.pem");
    auto r = health(url, co);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find("certificate") != std::string::npos);
    co.ca_file = certs.file("server.pem");
    co.pinned_public_key = other_pin;
    r = health(url, co);
    REQUIRE_FALSE(r.ok());
    INFO(r.status().message());
    CHECK(r.status().message().find("pinned") != std::string::npos);
  }
  SECTION("plain HTTP to the HTTPS port gets no reply") {
    auto r = health(plain, {});
    CHECK((!r.ok() || r->status >= 400));
  }
}

// The flags themselves, on the real binary: the options above are what they fill.
TEST_CASE("ykien-server --tls-cert --tls-key serves HTTPS a tablet verifies and names what is wrong with them",
          "[serve][tls]") {
  TempDir certs;
  const std::string pin = make_certificate(certs, "server");
  make_certificate(certs, "other");
  TempDir data;
  {
    ServerProcess process(YKIEN_SERVER_BIN,
                          {"--data", data.file("served"), "--tls-cert", certs.file("server.pem"), "--tls-key",
                           certs.file("server.key")},
                          data.path().string());
    Status started = process.start();
    INFO(started.to_string());
    REQUIRE(started.ok());
    const std::string url = "https://127.0.0.1:" + std::to_string(process.port());
    sync::CurlTransportOptions co;
    co.ca_file = certs.file("server.pem");
    co.pinned_public_key = pin;
    auto trusted = health(url, co);
    INFO((trusted.ok() ? "" : trusted.status().to_string()));
    REQUIRE(trusted.ok());
    CHECK(trusted->status == 200);
    auto unvouched = health(url, {});
    REQUIRE_FALSE(unvouched.ok());
    CHECK(unvouched.status().message().find("certificate") != std::string::npos);
  }
  // Each refusal names the flag and says what to do; the server does not start.
  const auto refusal = [&](const std::vector<std::string> &tls, const std::string &said) {
    std::vector<std::string> args{"serve", "--data", data.file("refused"), "--host", "127.0.0.1", "--port", "0"};
    args.insert(args.end(), tls.begin(), tls.end());
    CommandResult r = run_server_binary(args);
    INFO(r.err);
    CHECK(r.status == 1);
    CHECK(r.err.find(said) != std::string::npos);
  };
  refusal({"--tls-cert", certs.file("server.pem")}, "give both --tls-cert and --tls-key");
  refusal({"--tls-cert", certs.file("server.pem"), "--tls-key", certs.file("absent.key")},
          "cannot read " + certs.file("absent.key"));
  std::ofstream(certs.file("notes.txt")) << "khóa bí mật ở đâu?\n";
  refusal({"--tls-cert", certs.file("server.pem"), "--tls-key", certs.file("notes.txt")},
          certs.file("notes.txt") + " is not a PEM file");
  refusal({"--tls-cert", certs.file("server.pem"), "--tls-key", certs.file("other.key")},
          "is --tls-key the key of --tls-cert");
}

// The C API's options (platform/include/ykien.h): a zeroed struct verifies the
// server's certificate; skip_tls_verify opts out; a version-1 struct is read with
// its old meaning (the field was verify_tls: 1 = verify).
TEST_CASE("TLS through the C API: a zeroed options struct verifies, version 1 keeps its meaning",
          "[serve][tls][capi]") {
  TempDir certs;
  make_certificate(certs, "server");
  TestServer server(https_options(certs));
  const std::string url = https_url(server);
  TempDir dir;
  int tablets = 0;
  // Enrolls a new tablet through the C API with these options; its error.
  const auto enroll = [&](unsigned version, int tls_field) {
    ykien_error err{};
    ykien_db *db = nullptr;
    const std::string path = dir.file("tablet-" + std::to_string(++tablets) + ".db");
    REQUIRE(ykien_db_open(&db, path.c_str(), nullptr, &err) == YKIEN_OK);
    ykien_sync_options o{};  // zeroed, as a host that sets only what it knows
    o.version = version;
    o.server_url = url.c_str();
    o.skip_tls_verify = tls_field;
    ykien_sync *sync = nullptr;
    REQUIRE(ykien_sync_new(&sync, db, &o, &err) == YKIEN_OK);
    char *out = nullptr;
    ykien_sync_enroll(&out, sync, server.code({kCommune}).c_str(), "capi", &err);
    ykien_free(out);
    ykien_sync_free(sync);
    ykien_db_close(db);
    return err;
  };
  const auto refused_for_certificate = [](const ykien_error &e) {
    INFO(e.message);
    return e.code == YKIEN_ENETWORK && std::string(e.message).find("certificate") != std::string::npos;
  };
  SECTION("version 2, zeroed: the self-signed certificate is refused") { CHECK(refused_for_certificate(enroll(2, 0))); }
  SECTION("version 2, skip_tls_verify = 1: accepted") { CHECK(enroll(2, 1).code == YKIEN_OK); }
  SECTION("version 1, verify_tls = 1: refused") { CHECK(refused_for_certificate(enroll(1, 1))); }
  SECTION("version 1, verify_tls = 0: accepted, as version 1 meant") { CHECK(enroll(1, 0).code == YKIEN_OK); }
}
