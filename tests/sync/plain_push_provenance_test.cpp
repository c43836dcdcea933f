// A signed push sent without gzip (docs/protocol.md, "Signatures"): the server has no
// client-made gzip to keep, so it compresses the body itself for provenance
// (SignedBatch::gzip_body empty, server::packed_body). What provenance reads back
// must still be the very bytes the device signed, and verify.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "fixture.h"
#include "signature_helper.h"
#include "signing.h"
#include "ykien/sync/protocol.h"

using namespace ykien;
using namespace ykien::test;

namespace {

// A push whose body goes as it is, labelled `encoding` ("" = no Content-Encoding).
sync::HttpResponse post_uncompressed(const std::string &url, const std::string &body, Tablet &t,
                                     const std::string &signature, const std::string &encoding) {
  auto transport = sync::make_curl_transport();
  sync::HttpRequest req{"POST", url + sync::kPathPush, {{"Content-Type", "application/json"}}, body};
  if (!encoding.empty()) req.headers.emplace_back("Content-Encoding", encoding);
  req.headers.emplace_back("Authorization", "Bearer " + t.token());
  req.headers.emplace_back(sync::kSignatureHeader, signature);
  auto r = transport->send(req);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  return *r;
}

std::string read_all(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("a signed push sent without gzip is kept whole and verifies in provenance", "[sync][evidence]") {
  using json = nlohmann::json;
  // No Content-Encoding, and one saying "identity": the two ways a body comes plain.
  const std::string encoding = GENERATE(std::string(), std::string("identity"));
  INFO("Content-Encoding: " << (encoding.empty() ? "(none)" : encoding));
  TestServer server;
  auto a = Tablet::enrolled_and_synced(server, "a", {kHamlet1});
  const Opinion opinion = a.record(kHamlet1, "Giếng nước ấp 1 bị nhiễm phèn");
  const std::string body = opinions_push_body(a.db());
  const std::string signature = signature_of(a.db(), body);

  auto r = post_uncompressed(server.url(), body, a, signature, encoding);
  INFO(r.body);
  REQUIRE(r.status == 200);
  sync::PushReply reply;
  REQUIRE(sync::decode(r.body, &reply).ok());
  CHECK(reply.applied > 0);
  CHECK(count_opinions(server.data(), kHamlet1) == 1);

  // Read back the public way: `admin provenance`, checked again and saved to a file.
  TempDir out;
  std::vector<std::string> args{"admin"};
  for (const auto &arg : server.admin_args()) args.push_back(arg);
  for (const char *arg : {"provenance", "--table", "opinions", "--row", opinion.id.c_str(), "--column", "content",
                          "--json", "--verify", "--save-batches", out.path().c_str()})
    args.emplace_back(arg);
  CommandResult saved = run_server_binary(args);
  INFO(saved.out << saved.err);
  REQUIRE(saved.status == 0);
  const json cells = json::parse(saved.out)["cells"];
  REQUIRE(cells.size() == 1);
  const json batch = cells[0]["signed_batch"];
  REQUIRE(batch.is_object());
  CHECK(batch["kind"] == "push");
  CHECK(batch["verified"] == true);
  CHECK(batch["signature"] == signature);
  auto key = sync::existing_public_key(a.db().replica());
  REQUIRE(key.ok());
  CHECK(batch["public_key"] == *key);
  const std::string kept = read_all(batch["saved"].get<std::string>());
  CHECK(kept == body);  // the bytes sent, to the byte, though they were compressed here
  CHECK(sync::signature_valid(*key, kept, signature));
}
