// Tablets ⇄ commune hub ⇄ province (DESIGN.md, Topology): a hub is a server to its
// tablets and a client of the province. The upstream link goes down and comes back
// at random moments while both sides edit; everything converges, nothing is lost or
// doubled, and the hub never sees or enrolls outside its own units.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "admin.h"
#include "evidence.h"
#include "fixture.h"
#include "settings_keys.h"
#include "sha256.h"
#include "signing.h"
#include "tcp_proxy.h"
#include "upstream.h"
#include "ykien/sync/office_key.h"

using namespace ykien;
using namespace ykien::test;

namespace {

int port_of(const std::string &url) { return std::stoi(url.substr(url.rfind(':') + 1)); }

// A port nothing listens on: the proxy's target while the link is "down".
int dead_port() {
  TcpProxy probe(0);
  return probe.port();  // closed again when probe goes
}

// A hub in this process: its own storage on the suite's backend (a hub is any
// replica; no units of its own: they come from upstream), an Upstream client and a
// SyncServer for its tablets; `blobs_dir`: its folder of attachments' blobs ("" = none).
class Hub {
 public:
  Hub(const std::string &upstream_url, const std::string &code, int64_t interval_ms, const std::string &blobs_dir = "") {
    server::UpstreamOptions uo;
    uo.url = upstream_url;
    uo.enroll_code = code;
    uo.device_name = "hub of 26734";
    uo.interval_ms = interval_ms;
    uo.retry_base_ms = 20;
    uo.retry_max_ms = 200;
    uo.stop_grace_ms = 5000;
    uo.client.max_attempts = 2;
    uo.client.backoff_base_ms = 10;
    uo.client.backoff_max_ms = 50;
    // Small batches, so that cuts land between batches as well as inside them.
    uo.client.push_batch_changes = 60;
    uo.client.pull_batch_changes = 60;
    uo.transport.connect_timeout_ms = 2000;
    uo.transport.timeout_ms = 5000;
    uo.client.blobs_dir = blobs_dir;
    auto up = server::Upstream::open(storage(), uo);
    INFO(up.status().to_string());
    REQUIRE(up.ok());
    REQUIRE(*up != nullptr);
    upstream_ = std::move(*up);
    server::ServerOptions so;
    so.host = "127.0.0.1";
    so.port = 0;
    so.blobs_dir = blobs_dir;
    server_ = std::make_unique<server::SyncServer>(storage(), so);
    Status st = server_->start();
    INFO(st.to_string());
    REQUIRE(st.ok());
  }
  ~Hub() {
    upstream_->stop();
    server_->stop();
  }
  void start_upstream_thread() { upstream_->start(server_.get()); }
  server::Upstream &upstream() { return *upstream_; }
  server::Storage &storage() { return store_.storage(); }
  // A fresh snapshot of the hub's data, for reading.
  Database &data() { return store_.data(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  Result<std::string> code(const std::vector<std::string> &scopes) {
    return server::create_enrollment_code(storage(), scopes, true, 3600 * 1000, SystemClock::instance());
  }
  // An upstream sync that must work (the link is up); retries a connection an
  // earlier cut left half-dead.
  sync::SyncReport sync_ok() {
    Status last;
    for (int i = 0; i < 20; ++i) {
      auto r = upstream_->sync_now();
      if (r.ok()) return *r;
      last = r.status();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    INFO(last.to_string());
    FAIL("the hub's upstream sync keeps failing with the link up");
    return {};
  }

 private:
  TestStorage store_{nullptr, /*seed_units=*/false};
  std::unique_ptr<server::Upstream> upstream_;
  std::unique_ptr<server::SyncServer> server_;
};

std::set<std::string> opinion_ids(Database &db, const std::string &scope) {
  OpinionFilter f;
  f.scope = scope;
  f.limit = 1000000;
  auto list = db.list_opinions(f);
  REQUIRE(list.ok());
  std::set<std::string> ids;
  for (const auto &o : *list) ids.insert(o.id);
  return ids;
}

std::vector<std::string> conflict_ids(Database &db) {
  auto list = db.list_conflicts(false);
  REQUIRE(list.ok());
  std::vector<std::string> ids;
  for (const auto &c : *list) ids.push_back(c.id + "|" + c.status);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

TEST_CASE("a hub enrolls devices only inside its upstream units", "[sync][hub]") {
  TestServer province;
  Hub hub(province.url(), province.hub_code({kCommune}), 3600 * 1000);
  auto before = hub.code({kHamlet1});  // units come with the first upstream sync
  CHECK(before.status().code() == ErrorCode::not_found);
  auto report = hub.sync_ok();
  CHECK(report.pulled > 0);
  auto state = hub.upstream().state();
  CHECK(state.enrolled);
  CHECK(state.scopes == std::vector<std::string>{kCommune});
  CHECK(hub.code({kHamlet1}).ok());
  CHECK(hub.code({kCommune}).ok());
  auto outside = hub.code({kOtherCommune});
  CHECK(outside.status().code() == ErrorCode::forbidden);
  CHECK(outside.status().message().find("outside this hub's units") != std::string::npos);
  CHECK(hub.code({kHamlet1, "vn/79"}).status().code() == ErrorCode::forbidden);
  CHECK(server::check_hub_scopes(hub.storage(), {kOtherCommune}).code() == ErrorCode::forbidden);
  // Nothing of the other commune came down.
  CHECK_FALSE(hub.data().find_unit_by_scope(kOtherCommune).ok());
  // A plain server is no hub: no restriction.
  CHECK(server::check_hub_scopes(province.storage(), {kOtherCommune}).ok());
}

TEST_CASE("a hub drops its upstream connection between rounds instead of leaving it idle on the province",
          "[sync][hub]") {
  TestServer province(options_keeping_idle_connections());  // only the hub can close it
  Hub hub(province.url(), province.hub_code({kCommune}), 3600 * 1000);
  for (int round = 0; round < 2; ++round) {
    hub.sync_ok();
    INFO("round " << round);
    CHECK(no_connections_left(province));
  }
}

TEST_CASE("a hub refuses a bad enrollment code and keeps its enrollment across restarts", "[sync][hub]") {
  TestServer province;
  TestStorage hub_store(nullptr, /*seed_units=*/false);  // SQLite, or PostgreSQL in sync-pg/
  server::Storage &storage = hub_store.storage();
  server::UpstreamOptions uo;
  uo.url = province.url();
  uo.enroll_code = "AAAA-BBBB-CCCC";
  auto bad = server::Upstream::open(storage, uo);
  CHECK(bad.status().code() == ErrorCode::unauthorized);
  CHECK(bad.status().message().find("refused the enrollment code") != std::string::npos);
  // Known as a hub (the URL is kept) but not enrolled: no device may enroll here yet.
  CHECK(server::check_hub_scopes(storage, {kCommune}).code() == ErrorCode::invalid_state);

  uo.enroll_code = province.hub_code({kCommune});
  {
    auto up = server::Upstream::open(storage, uo);
    INFO(up.status().to_string());
    REQUIRE(up.ok());
    REQUIRE((*up)->sync_now().ok());
  }
  // A later start needs no flags: URL, token and cursors are in the data database.
  server::UpstreamOptions none;
  auto again = server::Upstream::open(storage, none);
  REQUIRE(again.ok());
  REQUIRE(*again != nullptr);
  CHECK((*again)->state().enrolled);
  CHECK((*again)->state().url == province.url());
  auto r = (*again)->sync_now();
  REQUIRE(r.ok());
  CHECK(r->pulled == 0);
  CHECK(r->round_trips == 1);
  auto stored = server::read_upstream_state(storage);
  REQUIRE(stored.ok());
  CHECK(stored->last_ok_ms > 0);
  CHECK(stored->last_error.empty());
  // A server that was never given an upstream is no hub.
  TestStorage plain(nullptr, false);
  auto none_up = server::Upstream::open(plain.storage(), none);
  REQUIRE(none_up.ok());
  CHECK(*none_up == nullptr);
}

TEST_CASE("tablets, hub and province converge while the upstream link comes and goes", "[sync][hub][cut]") {
  TestServer province;
  const int province_port = port_of(province.url());
  const int down_port = dead_port();
  TcpProxy link(province_port);
  const std::string via = "http://127.0.0.1:" + std::to_string(link.port());
  Hub hub(via, province.hub_code({kCommune}), /*interval_ms=*/25);
  hub.sync_ok();  // the commune's units come down
  hub.start_upstream_thread();

  auto hub_code = [&](const std::vector<std::string> &scopes) {
    auto c = hub.code(scopes);
    INFO(c.status().to_string());
    REQUIRE(c.ok());
    return *c;
  };
  Tablet h1(hub.url(), "h1");  // at the hub, one hamlet
  Tablet h2(hub.url(), "h2");  // at the hub, the whole commune
  Tablet p(province.url(), "p");  // at the province, the same commune
  Tablet q(province.url(), "q");  // at the province, another commune
  h1.enroll(hub_code({kHamlet1}));
  h2.enroll(hub_code({kCommune}));
  p.enroll(province.code({kCommune}));
  q.enroll(province.code({kOtherCommune}));
  for (Tablet *t : {&h1, &h2, &p, &q}) t->sync_ok();

  struct Side {
    Tablet *tablet;
    std::string scope;  // where it records
    const char *name;
  };
  std::vector<Side> sides = {{&h1, kHamlet1, "h1"}, {&h2, kHamlet2, "h2"}, {&p, kHamlet1, "p"}};
  std::set<std::string> recorded;  // commune opinions, every side
  std::set<std::string> deleted;
  size_t other_commune = 0;
  std::mt19937 rng(20240703);
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };

  for (int round = 0; round < 30; ++round) {
    switch (pick(4)) {  // the upstream link, at a random moment
      case 0:
        link.set_target(province_port);
        link.set_cut(0, 0);
        break;
      case 1:
        link.set_target(province_port);
        link.set_cut(0.5, 6000);  // flaky: connections die mid-exchange
        break;
      case 2:
        link.set_target(down_port);  // down: nothing gets through
        break;
      default:
        break;
    }
    for (auto &side : sides) {
      for (int i = pick(3); i > 0; --i) {
        recorded.insert(side.tablet->record(side.scope, std::string(side.name) + " r" + std::to_string(round)).id);
      }
      // Edits on both sides of the link, often of the same opinions.
      auto mine = opinion_ids(side.tablet->db(), kCommune);
      std::vector<std::string> list(mine.begin(), mine.end());
      if (!list.empty()) {
        for (int i = pick(3); i > 0; --i) {
          OpinionPatch patch;
          patch.content = std::string(side.name) + " edit " + std::to_string(round) + "." + std::to_string(i);
          (void)side.tablet->db().update_opinion(list[static_cast<size_t>(pick(static_cast<int>(list.size())))], patch);
        }
        if (pick(10) == 0) {
          const std::string &victim = list[static_cast<size_t>(pick(static_cast<int>(list.size())))];
          if (side.tablet->db().delete_opinion(victim).ok()) deleted.insert(victim);
        }
      }
      if (pick(3) != 0) side.tablet->sync_ok();  // tablets reach their own server directly
    }
    if (pick(4) == 0) {
      q.record("vn/79/26735/ap-9", "q r" + std::to_string(round));
      ++other_commune;
      q.sync_ok();
    }
    if (pick(3) == 0) hub.upstream().request_sync();
    if (pick(5) == 0) (void)hub.upstream().sync_now();  // on demand, whatever the link
    std::this_thread::sleep_for(std::chrono::milliseconds(pick(30)));
  }

  // The link comes back for good; everyone catches up.
  link.set_target(province_port);
  link.set_cut(0, 0);
  for (int i = 0; i < 2; ++i) {
    h1.sync_ok();
    h2.sync_ok();
    hub.sync_ok();
    p.sync_ok();
    q.sync_ok();
    hub.sync_ok();
  }
  h1.sync_ok();
  h2.sync_ok();

  // Concurrent edits of one opinion across the link are not hidden: a conflict, at
  // the hub or the province, replicated everywhere.
  std::string shared = *opinion_ids(h2.db(), kHamlet1).begin();
  REQUIRE(opinion_ids(p.db(), kHamlet1).count(shared) == 1);
  OpinionPatch at_hub, at_province;
  at_hub.content = "sửa ở xã";
  at_province.content = "sửa ở tỉnh";
  (void)h2.db().update_opinion(shared, at_hub);
  (void)p.db().update_opinion(shared, at_province);
  p.sync_ok();
  h2.sync_ok();
  hub.sync_ok();
  p.sync_ok();
  hub.sync_ok();
  h1.sync_ok();
  h2.sync_ok();
  hub.upstream().stop();

  CHECK(link.cuts() > 0);
  // Nothing lost, nothing doubled: exactly the opinions recorded, less the deleted.
  std::set<std::string> expected;
  std::set_difference(recorded.begin(), recorded.end(), deleted.begin(), deleted.end(),
                      std::inserter(expected, expected.end()));
  CHECK(opinion_ids(province.data(), kCommune) == expected);
  CHECK(count_opinions(province.data(), kCommune) == expected.size());
  CHECK(count_opinions(province.data(), kOtherCommune) == other_commune);
  // Identical opinions everywhere, and identical replicated state where the scopes match.
  const std::string digest = opinions_digest(province.data(), kCommune);
  CHECK(opinions_digest(hub.data(), kCommune) == digest);
  CHECK(opinions_digest(h2.db(), kCommune) == digest);
  CHECK(opinions_digest(p.db(), kCommune) == digest);
  CHECK(opinions_digest(h1.db(), kHamlet1) == opinions_digest(province.data(), kHamlet1));
  CHECK(hash_of(hub.data()) == p.hash());
  CHECK(h2.hash() == p.hash());
  // The hub holds nothing of the other commune.
  CHECK(count_opinions(hub.data(), kOtherCommune) == 0);
  CHECK_FALSE(hub.data().find_unit_by_scope(kOtherCommune).ok());
  // Conflicts, wherever detected, are everywhere.
  auto conflicts = conflict_ids(province.data());
  CHECK_FALSE(conflicts.empty());
  CHECK(conflict_ids(hub.data()) == conflicts);
  CHECK(conflict_ids(p.db()) == conflicts);
  CHECK(conflict_ids(h2.db()) == conflicts);
  CHECK(hub.data().check_integrity().ok());
}

namespace {

// ykien-server as a hub in a child process: --upstream and --enroll-code.
class HubProcess {
 public:
  explicit HubProcess(std::string data_dir)
      : data_dir_(std::move(data_dir)), process_(YKIEN_SERVER_BIN, {"--data", data_dir_}, data_dir_) {}
  void start(const std::vector<std::string> &extra) {
    // The same port on a restart, so that its tablets find it again.
    Status st = process_.start(extra, port_);
    INFO(st.to_string());
    REQUIRE(st.ok());
    port_ = process_.port();
  }
  void signal(int sig) { process_.signal(sig); }
  int terminate() { return process_.stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Read from its data directory while it runs (SQLite allows it).
  server::UpstreamState upstream_state() const {
    auto storage = server::open_sqlite_storage(data_dir_);
    REQUIRE(storage.ok());
    auto s = server::read_upstream_state(**storage);
    REQUIRE(s.ok());
    return *s;
  }
  // A one-time code for its tablets, as `admin create-code` makes it.
  std::string enrollment_code(const std::string &scope, bool confidential) const {
    auto storage = server::open_sqlite_storage(data_dir_);
    REQUIRE(storage.ok());
    auto c = server::create_enrollment_code(**storage, {scope}, confidential, 3600 * 1000, SystemClock::instance());
    INFO(c.status().to_string());
    REQUIRE(c.ok());
    return *c;
  }

 private:
  std::string data_dir_;
  ServerProcess process_;
  int port_ = 0;
};

// Polls `ready` every 100 ms for up to `ms`.
template <typename F>
bool eventually(F ready, int ms = 15000) {
  for (int waited = 0; waited < ms; waited += 100) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return ready();
}

// An IPv4 address of this machine that is not loopback ("" if none): http:// to it
// counts as another machine for the client's rule (sync/src/client.cpp,
// check_server_url: only localhost, 127.x and [::1] are this machine).
std::string outward_address() {
  ifaddrs *all = nullptr;
  if (getifaddrs(&all) != 0) return "";
  std::string found;
  for (ifaddrs *a = all; a != nullptr && found.empty(); a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    char text[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in *>(a->ifa_addr)->sin_addr, text, sizeof text);
    if (std::string(text).rfind("127.", 0) != 0) found = text;
  }
  freeifaddrs(all);
  return found;
}

}  // namespace

TEST_CASE("plain http to another machine: refused with a clear error unless allowed", "[sync][hub][http]") {
  const std::string address = outward_address();
  if (address.empty()) {
    WARN("no non-loopback IPv4 address on this machine: nothing to test");
    return;
  }
  TestServer province;
  TcpProxy outward(port_of(province.url()), address.c_str());
  const std::string url = "http://" + address + ":" + std::to_string(outward.port());

  SECTION("a tablet (SyncOptions::allow_plain_http, the field app's --allow-http)") {
    TempDir dir;
    auto db = Database::open(dir.file("t.db"));
    REQUIRE(db.ok());
    auto transport = sync::make_curl_transport();
    sync::SyncOptions so;
    so.server_url = url;
    sync::SyncClient refused(**db, *transport, so);
    auto r = refused.enroll(province.code({kHamlet1}), "t");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == ErrorCode::invalid_argument);
    CHECK(r.status().field() == "server_url");
    CHECK(r.status().message().find("in clear") != std::string::npos);
    so.allow_plain_http = true;
    sync::SyncClient allowed(**db, *transport, so);
    auto ok = allowed.enroll(province.code({kHamlet1}), "t");
    INFO(ok.status().to_string());
    REQUIRE(ok.ok());
    auto synced = allowed.sync();
    INFO(synced.status().to_string());
    CHECK(synced.ok());
  }

  SECTION("a hub (ykien-server serve --upstream-allow-http)") {
    TempDir dir;
    HubProcess hub(dir.path());
    const auto state = [&] {
      auto storage = server::open_sqlite_storage(dir.path());
      REQUIRE(storage.ok());
      auto s = server::read_upstream_state(**storage);
      REQUIRE(s.ok());
      return *s;
    };
    const std::string code = province.hub_code({kCommune});
    // Without the flag the hub does not start: the error names the risk.
    CommandResult refused = run_server_binary({"serve", "--data", dir.path(), "--host", "127.0.0.1", "--port", "0",
                                               "--upstream", url, "--enroll-code", code});
    INFO(refused.err);
    CHECK(refused.status == 1);
    CHECK(refused.err.find("in clear") != std::string::npos);
    CHECK(refused.err.find("server_url") != std::string::npos);
    CHECK_FALSE(state().enrolled);
    hub.start({"--upstream", url, "--enroll-code", code, "--upstream-allow-http", "--upstream-interval", "3600"});
    CHECK(eventually([&] { return state().last_ok_ms > 0; }));
    CHECK(state().enrolled);
    CHECK(hub.terminate() == 0);
  }
}

TEST_CASE("ykien-server serve --upstream --enroll-code: a hub process, SIGUSR1 and SIGTERM", "[sync][hub]") {
  TestServer province;
  TempDir dir;
  HubProcess hub(dir.path());
  // A long interval: after its first sync, the hub syncs again only when asked.
  hub.start({"--upstream", province.url(), "--enroll-code", province.hub_code({kCommune}), "--upstream-interval", "3600"});
  REQUIRE(eventually([&] { return hub.upstream_state().last_ok_ms > 0; }));
  CHECK(hub.upstream_state().enrolled);
  Tablet t(hub.url(), "t");
  t.enroll(hub.enrollment_code(kHamlet1, false));
  t.sync_ok();
  Opinion o = t.record(kHamlet1, "đèn đường hỏng");
  t.sync_ok();
  hub.signal(SIGUSR1);  // on demand
  CHECK(eventually([&] { return province.data().get_opinion(o.id).ok(); }));
  CHECK(hub.terminate() == 0);

  // A restart needs no upstream flags; the province's edits come down on SIGUSR1.
  hub.start({"--upstream-interval", "3600"});
  auto p = Tablet::enrolled_and_synced(province, "p");
  OpinionPatch patch;
  patch.content = "đã sửa đèn";
  REQUIRE(p.db().update_opinion(o.id, patch).ok());
  p.sync_ok();
  bool came_down = eventually([&] {
    hub.signal(SIGUSR1);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    t.sync_ok();
    auto mine = t.db().get_opinion(o.id);
    return mine.ok() && mine->content == "đã sửa đèn";
  });
  CHECK(came_down);
  CHECK(hub.terminate() == 0);
}

TEST_CASE("a hub process makes no office key: its tablets seal to the upstream office's key, after a restart too",
          "[sync][hub]") {
  auto made = sync::make_office_key();
  REQUIRE(made.ok());
  sync::OfficeKeyRing office;
  office.keys.push_back(*made);
  server::ServerOptions po;
  po.office_key = made->public_hex;
  TestServer province(po);
  TempDir dir;
  HubProcess hub(dir.path());
  hub.start({"--upstream", province.url(), "--enroll-code", province.hub_code({kCommune}), "--upstream-interval", "3600"});
  // The units and the province's office key come with the first upstream sync.
  REQUIRE(eventually([&] { return hub.upstream_state().last_ok_ms > 0; }));
  const auto enrolled_tablet_seals_to_the_province = [&](const std::string &scope) {
    Tablet t(hub.url(), "t");
    t.enroll(hub.enrollment_code(scope, true));
    t.sync_ok();
    auto known = t.db().get_setting(sync::keys::kOfficeKey);
    REQUIRE(known.ok());
    CHECK(*known == made->public_hex);
    const Opinion recorded = record_denunciation(t.db(), scope, "Trần Thị Tố Nga", "0912 345 678");
    t.sync_ok();
    auto held = t.db().get_opinion(recorded.id);
    REQUIRE(held.ok());
    auto clear = office.open(held->citizen_name);  // the province's office opens it
    INFO(clear.status().to_string());
    REQUIRE(clear.ok());
    CHECK(*clear == "Trần Thị Tố Nga");
  };
  enrolled_tablet_seals_to_the_province(kHamlet1);
  CHECK_FALSE(std::filesystem::exists(dir.file("office.key")));
  CHECK(hub.terminate() == 0);

  // Restarted without --upstream (its URL is stored): still a hub, still no key.
  hub.start({"--upstream-interval", "3600"});
  enrolled_tablet_seals_to_the_province(kHamlet2);
  CHECK_FALSE(std::filesystem::exists(dir.file("office.key")));
  CHECK(hub.terminate() == 0);
}

TEST_CASE("a hub registers its tablets' sites upstream and its conflict records carry its own site",
          "[sync][hub]") {
  TestServer province;
  Hub hub(province.url(), province.hub_code({kCommune}), 3600 * 1000);
  hub.sync_ok();  // the commune's units come down
  Tablet a(hub.url(), "a"), b(hub.url(), "b");
  a.enroll(*hub.code({kHamlet1}));
  b.enroll(*hub.code({kHamlet1}));
  a.sync_ok();
  b.sync_ok();
  const Opinion o = a.record(kHamlet1, "Đường ấp 1 xuống cấp");
  a.sync_ok();
  b.sync_ok();
  edit_content(a.db(), o.id, "sửa ở máy a");
  edit_content(b.db(), o.id, "sửa ở máy b");
  a.sync_ok();
  b.sync_ok();  // the hub detects the concurrent edit
  auto report = hub.sync_ok();
  CHECK(report.refused == 0);
  // The province knows the hub's sites: its replica's and its two tablets'.
  auto sites = province.storage().relayed_sites();
  REQUIRE(sites.ok());
  std::set<std::string> registered;
  for (const auto &[hub_id, site] : *sites) registered.insert(site.site);
  CHECK(registered == std::set<std::string>{site_to_string(hub.storage().replica().site_id()),
                                            site_to_string(a.db().site_id()), site_to_string(b.db().site_id())});
  // The conflict record the hub made is its own write, and the province took it.
  ExportOptions all;
  auto held = hub.storage().export_changes(0, all);
  REQUIRE(held.ok());
  size_t conflict_cells = 0;
  for (const auto &c : held->changes) {
    if (c.table != "conflicts") continue;
    ++conflict_cells;
    CHECK(c.site == hub.storage().replica().site_id());
  }
  CHECK(conflict_cells > 0);
  CHECK(province.data().list_conflicts(false)->size() == 1);
  CHECK(opinions_digest(province.data(), kCommune) == opinions_digest(hub.data(), kCommune));
  // A tablet enrolled later is registered at the next upstream sync.
  Tablet c(hub.url(), "c");
  c.enroll(*hub.code({kHamlet1}));
  c.sync_ok();
  c.record(kHamlet1, "Ý kiến máy c");
  c.sync_ok();
  report = hub.sync_ok();
  CHECK(report.refused == 0);
  CHECK(opinion_ids(province.data(), kCommune) == opinion_ids(hub.data(), kCommune));
}

TEST_CASE("a hub signs what it pushes upward with its own key, and its tablets' signatures stay at the hub",
          "[sync][hub]") {
  TestServer province;
  Hub hub(province.url(), province.hub_code({kCommune}), 3600 * 1000);
  hub.sync_ok();
  Tablet a(hub.url(), "a");
  a.enroll(*hub.code({kHamlet1}));
  a.sync_ok();
  const Opinion o = a.record(kHamlet1, "Cống ấp 1 bị tắc");
  a.sync_ok();
  hub.sync_ok();
  auto hub_key = sync::existing_public_key(hub.storage().replica());
  auto tablet_key = sync::existing_public_key(a.db().replica());
  REQUIRE(hub_key.ok());
  REQUIRE(tablet_key.ok());
  REQUIRE(!hub_key->empty());
  // Each replica checks the batch that brought each cell: the province the hub's, the
  // hub the tablet's (docs/protocol.md, "Signatures", "Hubs").
  const auto check = [&](server::Storage &storage, const std::string &key) {
    auto cells = storage.replica().cell_origins({"opinions", o.id});
    REQUIRE(cells.ok());
    REQUIRE(!cells->empty());
    for (const auto &c : *cells) {
      auto e = server::evidence_for_cell(storage, "opinions", o.id, c);
      REQUIRE(e.ok());
      INFO(c.cell.column << ": " << e->problem);
      CHECK(e->verified);
      REQUIRE(e->batch.has_value());
      CHECK(e->batch->public_key == key);
    }
  };
  check(province.storage(), *hub_key);
  check(hub.storage(), *tablet_key);
}

TEST_CASE("a hub relays attachments' blobs: a tablet's photo reaches the province whole through a cut link, and "
          "back down", "[.][evidence-attach-hub]") {
  TempDir blobs;
  server::ServerOptions po;
  po.blobs_dir = blobs.file("province");
  TestServer province(po);
  TcpProxy link(port_of(province.url()));
  Hub hub("http://127.0.0.1:" + std::to_string(link.port()), province.hub_code({kCommune}), 3600 * 1000,
          blobs.file("hub"));
  hub.sync_ok();  // the commune's units come down
  Tablet a(hub.url(), "a"), b(hub.url(), "b");
  Tablet p(province.url(), "p");
  a.enroll(*hub.code({kHamlet1}));
  b.enroll(*hub.code({kCommune}));
  p.enroll(province.code({kCommune}));
  for (Tablet *t : {&a, &b, &p}) t->sync_ok();

  // A photo of three chunks and a bit, attached at the hamlet, goes to the hub.
  const Opinion o = a.record(kHamlet1, "Cầu tre ấp 1 bị gãy");
  std::string photo = "\xFF\xD8\xFF\xE0";
  std::mt19937_64 rng(19);
  while (photo.size() < (size_t{13} << 20)) photo += static_cast<char>(rng());
  auto made = a.db().add_attachment_bytes(photo, {.opinion_id = o.id, .caption = "Ảnh cầu gãy"});
  REQUIRE(made.ok());
  CHECK(a.sync_ok().blobs_sent == 1);
  const std::string at_hub = blobs.file("hub") + "/" + made->sha256;
  const std::string at_province = blobs.file("province") + "/" + made->sha256;
  REQUIRE(std::filesystem::exists(at_hub));
  CHECK_FALSE(std::filesystem::exists(at_province));

  // Up through a link cut at random bytes: each sync resumes where the last stopped.
  link.set_cut(0.5, 5 << 20);
  for (int round = 0; round < 60 && !std::filesystem::exists(at_province); ++round) (void)hub.upstream().sync_now();
  link.set_cut(0, 0);
  REQUIRE(std::filesystem::exists(at_province));
  CHECK(link.cuts() > 0);
  std::ifstream in(at_province, std::ios::binary);
  const std::string arrived{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  CHECK(arrived == photo);
  CHECK(sync::sha256_hex(arrived) == made->sha256);
  CHECK(hub.sync_ok().blobs_sent == 0);  // sent once
  // A tablet of the province fetches it there.
  p.sync_ok();
  CHECK(p.db().blobs().has(made->sha256));

  // The other way: the province's minutes come down to the hub, then to its tablet.
  auto unit = p.db().find_unit_by_scope(kHamlet2);
  REQUIRE(unit.ok());
  Meeting m;
  m.unit_id = unit->id;
  m.kind = "residential_saturday";
  m.held_at = p.db().local_time(p.db().now_ms());
  m.place = "Nhà văn hóa ấp 2";
  auto meeting = p.db().create_meeting(m);
  REQUIRE(meeting.ok());
  const std::string minutes = std::string("%PDF-1.4\n") + "biên bản hội nghị ấp 2";
  auto scan = p.db().add_attachment_bytes(minutes, {.meeting_id = meeting->id, .caption = "Biên bản"});
  REQUIRE(scan.ok());
  CHECK(p.sync_ok().blobs_sent == 1);
  CHECK(hub.sync_ok().blobs_received == 1);
  CHECK(std::filesystem::exists(blobs.file("hub") + "/" + scan->sha256));
  CHECK(b.sync_ok().blobs_received >= 1);
  CHECK(b.db().blobs().has(scan->sha256));
  // The hamlet-1 tablet does not see the hamlet-2 meeting, nor fetches its file.
  a.sync_ok();
  CHECK_FALSE(a.db().blobs().has(scan->sha256));
}

// An answer a hub's tablet gives to an opinion merged away at the province is refused
// upstream: the hub keeps it and says so (admin upstream-status, its log), as no tablet
// of it sees the refusal.
TEST_CASE("changes the province refuses from a hub are counted in its upstream status", "[sync][hub]") {
  TestServer province;
  Hub hub(province.url(), province.hub_code({kCommune}), 3600 * 1000);
  hub.sync_ok();
  auto code = hub.code({kCommune});
  REQUIRE(code.ok());
  Tablet at_hub(hub.url(), "h");
  Tablet at_province(province.url(), "p");
  at_hub.enroll(*code);
  at_province.enroll(province.code({kCommune}));
  for (Tablet *t : {&at_hub, &at_province}) t->sync_ok();
  const Opinion kept = at_province.record(kHamlet1, "Đề nghị nạo vét kênh thủy lợi");
  const Opinion twin = at_province.record(kHamlet1, "De nghi nao vet kenh thuy loi");
  at_province.sync_ok();
  hub.sync_ok();
  at_hub.sync_ok();
  auto before = server::read_upstream_state(hub.storage());
  REQUIRE(before.ok());
  CHECK(before->refused == 0);

  REQUIRE(at_province.db().merge_opinions(kept.id, twin.id, "Mai", "").ok());
  at_province.sync_ok();
  Response answer;
  answer.opinion_id = twin.id;
  answer.kind = "written_reply";
  answer.content = "Xã sẽ nạo vét trong tháng 7";
  REQUIRE(at_hub.db().add_response(answer).ok());
  at_hub.sync_ok();  // the hub takes it: the merge has not come down yet
  hub.sync_ok();

  auto after = server::read_upstream_state(hub.storage());
  REQUIRE(after.ok());
  CHECK(after->refused > 0);
  INFO(after->last_refusal);
  CHECK(after->last_refusal.find(twin.id) != std::string::npos);  // the record and why
  CHECK(after->last_error.empty());  // the sync itself worked
}
