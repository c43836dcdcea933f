#include <catch2/catch.hpp>

#include "ykien/sync/protocol.h"

using namespace ykien;
using namespace ykien::sync;

TEST_CASE("push request round-trips through JSON", "[sync][protocol]") {
  PushRequest p;
  p.client_time_ms = 1720000000000;
  Change c;
  c.table = "opinions";
  c.id = "0190a1b2-0000-7000-8000-000000000001";
  c.scope = "vn/79/26734/ap-1";
  c.column = "content";
  c.value = std::string("Đường ấp 3 xuống cấp");
  c.hlc = Hlc::from_parts(1720000000000, 3);
  c.site = 0x0123456789abcdefULL;
  c.base = Hlc::from_parts(1710000000000, 0);
  p.changes = {c, c, c, c};
  p.changes[1].value = int64_t{-42};
  p.changes[2].value = 2.5;
  p.changes[3].value = std::monostate{};
  p.changes[3].base = Hlc();
  PushRequest back;
  REQUIRE(decode(encode(p), &back).ok());
  CHECK(back.client_time_ms == p.client_time_ms);
  CHECK(back.changes == p.changes);
}

TEST_CASE("a push reply states the server's bound on a push, and an older one's reads as unstated",
          "[sync][protocol]") {
  PushReply r{10, 2, 1, 5, "", "rows", 20000};
  PushReply back;
  REQUIRE(decode(encode(r), &back).ok());
  CHECK(back.max_changes == 20000);
  CHECK(back.applied == 10);
  PushReply older;
  REQUIRE(decode(R"({"applied":1,"ignored":0,"conflicts":0,"server_time":5})", &older).ok());
  CHECK(older.max_changes == 0);
  const Status bad = decode(R"({"applied":1,"ignored":0,"conflicts":0,"server_time":5,"max_changes":"many"})", &older);
  CHECK(bad.code() == ErrorCode::invalid_argument);
  CHECK(bad.field() == "max_changes");
}

TEST_CASE("pull reply, enroll and error messages round-trip", "[sync][protocol]") {
  PullReply r;
  r.cursor = "[[\"vn/79\",12]]";
  r.more = true;
  r.server_time_ms = 5;
  PullReply back;
  REQUIRE(decode(encode(r), &back).ok());
  CHECK(back.cursor == r.cursor);
  CHECK(back.more);
  CHECK(back.scanned == -1);  // an older server says nothing of its log
  CHECK(back.left == -1);
  r.scanned = 2000;
  r.left = 350;
  REQUIRE(decode(encode(r), &back).ok());
  CHECK(back.scanned == 2000);
  CHECK(back.left == 350);
  EnrollReply e{"dev", "tok", {"vn/79/26734"}, 7};
  EnrollReply eb;
  REQUIRE(decode(encode(e), &eb).ok());
  CHECK(eb.scopes == e.scopes);
  ErrorReply err{ErrorCode::forbidden, "outside", "changes[1].scope", {1, 3}, 9};
  ErrorReply errb;
  REQUIRE(decode(encode(err), &errb).ok());
  CHECK(errb.code == ErrorCode::forbidden);
  CHECK(errb.refused == std::vector<int64_t>{1, 3});
  CHECK(http_status_for(ErrorCode::forbidden) == 403);
  CHECK(http_status_for(ErrorCode::clock_drift) == 409);
  CHECK(http_status_for(ErrorCode::unsupported_version) == 426);
  CHECK(http_status_for(ErrorCode::too_large) == 413);
}

TEST_CASE("bad messages are refused with the right code and field", "[sync][protocol]") {
  PushRequest p;
  CHECK(decode("{not json", &p).code() == ErrorCode::corrupt);
  CHECK(decode("[1,2]", &p).code() == ErrorCode::corrupt);
  CHECK(decode("{\"protocol\":1,\"client_time\":1,\"changes\":[{\"table\":\"t\",\"id\":\"i\",\"scope\":\"s\","
               "\"col\":\"c\",\"value\":\"\xff\xfe\",\"hlc\":\"0000000000000001\",\"site\":\"0000000000000001\"}]}",
               &p)
            .code() == ErrorCode::corrupt);  // invalid UTF-8
  CHECK(decode(R"({"protocol":2,"client_time":1,"changes":[]})", &p).code() == ErrorCode::unsupported_version);
  auto st = decode(R"({"protocol":1,"client_time":"soon","changes":[]})", &p);
  CHECK(st.code() == ErrorCode::invalid_argument);
  CHECK(st.field() == "client_time");
  st = decode(R"({"protocol":1,"client_time":1,"changes":[{"table":"t","id":"i","scope":"s","col":"c",
              "value":[1],"hlc":"0000000000000001","site":"0000000000000001"}]})", &p);
  CHECK(st.field() == "changes[0].value");
  st = decode(R"({"protocol":1,"client_time":1,"changes":[{"table":"t","id":"i","scope":"s","col":"c",
              "value":1,"hlc":12,"site":"0000000000000001"}]})", &p);
  CHECK(st.field() == "changes[0].hlc");
  st = decode(R"({"protocol":1,"client_time":1,"changes":[{"table":"t","id":"i","scope":"s","col":"c",
              "value":1,"hlc":"zz","site":"0000000000000001"}]})", &p);
  CHECK(st.field() == "changes[0].hlc");
  PullRequest q;
  CHECK(decode(R"({"protocol":1,"client_time":1,"cursor":5})", &q).field() == "cursor");
}

TEST_CASE("a pull ahead's acked and the server's pull_ahead round-trip, and older peers omit them",
          "[sync][protocol]") {
  PullRequest q;
  q.cursor = "c2";
  PullRequest back;
  REQUIRE(decode(encode(q), &back).ok());
  CHECK_FALSE(back.acked.has_value());  // a plain pull: the cursor is the ack
  q.acked = "";
  REQUIRE(decode(encode(q), &back).ok());
  CHECK(back.acked == std::optional<std::string>(""));  // ahead, nothing applied yet
  q.acked = "c1";
  REQUIRE(decode(encode(q), &back).ok());
  CHECK(back.acked == std::optional<std::string>("c1"));
  CHECK(decode(R"({"protocol":1,"client_time":1,"cursor":"c","acked":3})", &back).field() == "acked");

  PullReply r;
  r.cursor = "c";
  PullReply rb;
  REQUIRE(decode(encode(r), &rb).ok());
  CHECK_FALSE(rb.pull_ahead);
  CHECK(encode(r).find("pull_ahead") == std::string::npos);
  r.pull_ahead = true;
  REQUIRE(decode(encode(r), &rb).ok());
  CHECK(rb.pull_ahead);
}

TEST_CASE("a push or a pull reply may carry its changes as rows", "[sync][protocol]") {
  const std::string rows =
      R"([{"cells":["content","Đường xấu","votes",3],"hlc":"0000000000000010","id":"o1","scope":"vn/79",)"
      R"("site":"0000000000000007","table":"opinions"}])";
  PushRequest p;
  REQUIRE(decode(R"({"protocol":1,"client_time":1,"rows":)" + rows + "}", &p).ok());
  REQUIRE(p.changes.size() == 2);
  CHECK(p.changes[1].column == "votes");
  CHECK(p.changes[1].value == Value(int64_t{3}));
  CHECK(p.changes[1].hlc == p.changes[0].hlc);
  PullReply r;
  REQUIRE(decode(R"({"cursor":"c","more":false,"server_time":1,"rows":)" + rows + "}", &r).ok());
  CHECK(r.changes == p.changes);
  std::vector<Change> bare;
  REQUIRE(decode_changes(R"({"rows":)" + rows + "}", &bare).ok());
  CHECK(bare == p.changes);

  auto st = decode(R"({"protocol":1,"client_time":1,"changes":[],"rows":)" + rows + "}", &p);
  CHECK(st.code() == ErrorCode::invalid_argument);
  CHECK(st.field() == "rows");
  st = decode(R"({"protocol":1,"client_time":1,"rows":{"cells":[]}})", &p);
  CHECK(st.field() == "rows");
  CHECK_THAT(st.message(), Catch::Contains("array"));
  st = decode(R"({"protocol":1,"client_time":1,"rows":[{"cells":["a",1,"b"],"hlc":"0000000000000010","id":"o",)"
              R"("scope":"s","site":"0000000000000007","table":"t"}]})",
              &p);
  CHECK(st.field() == "rows[0].cells");
}

TEST_CASE("a push reply's position before and a pull's own_through round-trip, and older peers omit them",
          "[sync][protocol]") {
  PushReply r{10, 2, 1, 5, "", "rows", 20000, 4711};
  PushReply back;
  REQUIRE(decode(encode(r), &back).ok());
  CHECK(back.position_before == 4711);
  PushReply older;
  REQUIRE(decode(R"({"applied":1,"ignored":0,"conflicts":0,"server_time":5})", &older).ok());
  CHECK(older.position_before == -1);  // not said
  r.position_before = -1;
  CHECK(encode(r).find("position_before") == std::string::npos);

  PullRequest q;
  q.cursor = "c";
  PullRequest qb;
  REQUIRE(decode(encode(q), &qb).ok());
  CHECK_FALSE(qb.own_through.has_value());  // none of its own back, as before
  q.own_through = INT64_MAX;
  REQUIRE(decode(encode(q), &qb).ok());
  CHECK(qb.own_through == std::optional<int64_t>(INT64_MAX));
  REQUIRE(decode(R"({"protocol":1,"client_time":1,"cursor":"c","own_through":null})", &qb).ok());
  CHECK_FALSE(qb.own_through.has_value());
  CHECK(decode(R"({"protocol":1,"client_time":1,"cursor":"c","own_through":-1})", &qb).field() == "own_through");
  CHECK(decode(R"({"protocol":1,"client_time":1,"cursor":"c","own_through":"all"})", &qb).field() == "own_through");
}
