// `ykien-server admin conflicts list|show|resolve` on the server's own storage (the
// suite runs on SQLite as sync/ and on PostgreSQL as sync-pg/): the office settles a
// concurrent edit there, and the tablets then show it settled.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "fixture.h"

namespace ykien::test {
namespace {

using json = nlohmann::json;

json admin_json(TestServer &server, std::vector<std::string> args) {
  std::vector<std::string> all{"admin"};
  for (auto &a : server.admin_args()) all.push_back(a);
  for (auto &a : args) all.push_back(std::move(a));
  all.push_back("--json");
  CommandResult r = run_server_binary(all);
  INFO(r.err);
  json j = json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  if (r.status != 0) REQUIRE(j.value("ok", true) == false);
  return j;
}

// Two tablets edit one opinion's content while offline: the server records a conflict.
struct ConcurrentEdit {
  TestServer server;
  Tablet a{server.url(), "a"};
  Tablet b{server.url(), "b"};
  Opinion opinion;

  ConcurrentEdit() {
    a.enroll(server.code({kCommune}));
    b.enroll(server.code({kCommune}));
    a.sync_ok();
    opinion = a.record(kHamlet1, "Đường ngập nước");
    a.sync_ok();
    b.sync_ok();
    edit_content(a.db(), opinion.id, "Đường ngập nước sau mưa");
    edit_content(b.db(), opinion.id, "Cống bị tắc");
    a.sync_ok();
    b.sync_ok();
  }
};

}  // namespace

TEST_CASE("the office lists a conflict on the server and resolves it, the tablets follow", "[sync][conflicts]") {
  ConcurrentEdit e;
  json open = admin_json(e.server, {"conflicts", "list"});
  REQUIRE(open.is_array());
  REQUIRE(open.size() == 1);
  const json c = open[0];
  CHECK(c["table"] == "opinions");
  CHECK(c["column"] == "content");
  CHECK(c["row_id"] == e.opinion.id);
  CHECK(c["scope"] == kHamlet1);
  CHECK(c["status"] == "open");
  const std::string id = c["id"];
  // Filters: by unit and by table.
  CHECK(admin_json(e.server, {"conflicts", "list", "--unit", kOtherCommune}).empty());
  CHECK(admin_json(e.server, {"conflicts", "list", "--unit", kCommune}).size() == 1);
  CHECK(admin_json(e.server, {"conflicts", "list", "--table", "meetings"}).empty());
  CHECK(admin_json(e.server, {"conflicts", "show", id})["loser_value"] == c["loser_value"]);

  // Keep the side that lost: an ordinary replicated change.
  json resolved = admin_json(e.server, {"conflicts", "resolve", id, "--keep", "loser", "--by", "Chủ tịch UBND"});
  REQUIRE(resolved["ok"] == true);
  CHECK(resolved["conflict"]["status"] == "resolved");
  CHECK(resolved["conflict"]["resolved_by"] == "Chủ tịch UBND");
  CHECK(admin_json(e.server, {"conflicts", "list"}).empty());
  CHECK(admin_json(e.server, {"conflicts", "list", "--all"}).size() == 1);
  const std::string chosen = json::parse(c["loser_value"].get<std::string>()).get<std::string>();

  e.a.sync_ok();
  e.b.sync_ok();
  for (Tablet *t : {&e.a, &e.b}) {
    auto o = t->db().get_opinion(e.opinion.id);
    REQUIRE(o.ok());
    CHECK(o->content == chosen);
    auto conflicts = t->db().list_conflicts(false);
    REQUIRE(conflicts.ok());
    REQUIRE(conflicts->size() == 1);
    CHECK(conflicts->front().status == "resolved");
    CHECK(t->db().list_conflicts(true)->empty());
  }
  CHECK(e.a.hash() == e.b.hash());
}

TEST_CASE("conflicts admin: a new value, refusals name what is wrong and change nothing", "[sync][conflicts]") {
  ConcurrentEdit e;
  const std::string id = admin_json(e.server, {"conflicts", "list"})[0]["id"];
  const std::string before = hash_of(e.server.data());

  json unknown = admin_json(e.server, {"conflicts", "resolve", "0190b3a0-0000-7000-8000-000000000000", "--keep",
                                       "winner"});
  CHECK(unknown["error"]["code"] == "not_found");
  json no_choice = admin_json(e.server, {"conflicts", "resolve", id});
  CHECK(no_choice["error"]["field"] == "value");
  json bad_value = admin_json(e.server, {"conflicts", "resolve", id, "--value", "{not json"});
  CHECK(bad_value["error"]["field"] == "value");
  json wrong_type = admin_json(e.server, {"conflicts", "resolve", id, "--value", "42"});
  CHECK(wrong_type["error"]["code"] == "invalid_argument");
  CHECK(hash_of(e.server.data()) == before);

  json done = admin_json(e.server, {"conflicts", "resolve", id, "--value", "\"Cống tắc, đường ngập\""});
  REQUIRE(done["ok"] == true);
  json again = admin_json(e.server, {"conflicts", "resolve", id, "--keep", "winner"});
  CHECK(again["error"]["code"] == "invalid_state");
  e.b.sync_ok();
  CHECK(e.b.db().get_opinion(e.opinion.id)->content == "Cống tắc, đường ngập");
}

}  // namespace ykien::test
