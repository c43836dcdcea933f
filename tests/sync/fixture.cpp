#include "fixture.h"

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <thread>

#include <functional>
#include <iostream>

#include "admin.h"
#include "log.h"
#include "support/pg_database.h"

namespace ykien::test {

namespace {

void seed_units_into(Replica &db) {
  auto make = [&](const std::string &code, const std::string &name, const std::string &kind,
                  const std::string &parent_id) {
    Unit u;
    u.code = code;
    u.name = name;
    u.kind = kind;
    u.parent_id = parent_id;
    auto r = db.create_unit(u);
    INFO(r.status().to_string());
    REQUIRE(r.ok());
    return *r;
  };
  Unit vn = make("vn", "Việt Nam", "country", "");
  Unit p = make("79", "Thành phố Hồ Chí Minh", "province", vn.id);
  Unit c = make("26734", "Phường Tân Phú", "ward", p.id);
  make("ap-1", "Khu phố 1", "hamlet", c.id);
  make("ap-2", "Khu phố 2", "hamlet", c.id);
  Unit o = make("26735", "Xã Tiến Hưng", "commune", p.id);
  make("ap-9", "Ấp 9", "hamlet", o.id);
}

// All of `storage`'s cells, in batches.
void for_each_batch(server::Storage &storage, const std::function<void(std::vector<Change> &)> &fn) {
  ExportOptions eo;
  eo.limit_changes = 100000;
  eo.limit_bytes = int64_t{1} << 40;
  int64_t cursor = 0;
  for (;;) {
    auto batch = storage.export_changes(cursor, eo);
    INFO(batch.status().to_string());
    REQUIRE(batch.ok());
    fn(batch->changes);
    if (!batch->more || batch->next_cursor <= cursor) break;
    cursor = batch->next_cursor;
  }
}

std::string pg_conninfo_or_skip() {
  if (const char *c = std::getenv("YKIEN_TEST_PG_CONNINFO"); c != nullptr && *c != '\0') return c;
  const char *dir = std::getenv("YKIEN_TEST_PG_DIR");
  std::string why = "YKIEN_TEST_PG_DIR is not set";
  if (dir != nullptr) {
    std::ifstream conninfo(std::string(dir) + "/conninfo"), skip(std::string(dir) + "/skip");
    std::string line;
    if (std::getline(conninfo, line) && !line.empty()) return line;
    why = std::getline(skip, line) ? line
                                   : std::string("no PostgreSQL was started in ") + dir +
                                         " (run the sync-pg/setup test, scripts/pg-test-cluster.sh)";
  }
  std::cout << "YKIEN-SKIP: PostgreSQL not available: " << why << std::endl;
  FAIL("PostgreSQL not available: " << why);
  return {};
}

}  // namespace

void seed_units(server::Storage &storage) { seed_units_into(storage.replica()); }

Change relayed_note(const std::string &id, const std::string &scope, uint64_t stamp) {
  Change c;
  c.table = "x_notes";
  c.id = id;
  c.scope = scope;
  c.column = "body";
  c.value = std::string("ghi chú ") + id;
  c.hlc = Hlc(stamp << 16);
  c.site = 7;
  return c;
}

bool on_postgres() {
  const char *dir = std::getenv("YKIEN_TEST_PG_DIR");
  const char *conninfo = std::getenv("YKIEN_TEST_PG_CONNINFO");
  return (dir != nullptr && *dir != '\0') || (conninfo != nullptr && *conninfo != '\0');
}

PgTestDatabase::PgTestDatabase() {
  auto db = ScratchPgDatabase::create(pg_conninfo_or_skip(), "ykien_test");
  INFO(db.status().to_string());
  REQUIRE(db.ok());
  db_ = std::move(*db);
}

PgTestDatabase::~PgTestDatabase() = default;

const std::string &PgTestDatabase::conninfo() const { return db_->conninfo(); }

std::unique_ptr<Database> snapshot_of(server::Storage &storage, const std::string &path) {
  std::filesystem::remove(path);
  auto db = Database::open(path);
  REQUIRE(db.ok());
  for_each_batch(storage, [&](std::vector<Change> &changes) {
    auto applied = (*db)->apply_changes(changes, {});
    INFO(applied.status().to_string());
    REQUIRE(applied.ok());
  });
  return std::move(*db);
}

// ---- TestStorage, TestServer ----
TestStorage::TestStorage(const Clock *clock, bool seed) {
  server::set_log_enabled(std::getenv("YKIEN_TEST_LOG") != nullptr);
  if (on_postgres()) pg_ = std::make_unique<PgTestDatabase>();
  auto storage = pg_ ? server::open_postgres_storage(pg_->conninfo(), clock)
                     : server::open_sqlite_storage(dir_.path(), clock);
  INFO(storage.status().to_string());
  REQUIRE(storage.ok());
  storage_ = std::move(*storage);
  if (seed) seed_units(*storage_);
}

TestStorage::~TestStorage() = default;

Database &TestStorage::data() {
  snapshot_.reset();
  snapshot_ = snapshot_of(*storage_, dir_.file("snapshot-" + std::to_string(snapshots_++) + ".db"));
  return *snapshot_;
}

std::vector<std::string> TestStorage::admin_args() const {
  if (pg_) return {"--postgres", pg_->conninfo()};
  return {"--data", dir_.path()};
}

TestServer::TestServer(server::ServerOptions options, const Clock *clock) : store_(clock) {
  std::signal(SIGPIPE, SIG_IGN);
  options.host = "127.0.0.1";
  options.port = 0;
  server_ = std::make_unique<server::SyncServer>(store_.storage(), options);
  Status st = server_->start();
  INFO(st.to_string());
  REQUIRE(st.ok());
}

TestServer::~TestServer() { server_->stop(); }

server::Storage &TestServer::storage() {
  Status st = server_->flush_acks();
  INFO(st.to_string());
  REQUIRE(st.ok());
  return store_.storage();
}

CommandResult run_server_binary(const std::vector<std::string> &args) {
  TempDir dir;
  const std::string out = dir.file("out"), err = dir.file("err");
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (!std::freopen(out.c_str(), "w", stdout) || !std::freopen(err.c_str(), "w", stderr)) _exit(127);
    std::vector<std::string> all{"ykien-server"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char *> argv;
    for (auto &a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(YKIEN_SERVER_BIN, argv.data());
    _exit(127);
  }
  int wstatus = 0;
  REQUIRE(waitpid(pid, &wstatus, 0) == pid);
  auto slurp = [](const std::string &path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  return {WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1, slurp(out), slurp(err)};
}

server::ServerOptions options_keeping_idle_connections() {
  server::ServerOptions options;
  options.http.keep_alive_idle_s = 120;
  options.http.header_deadline_s = 120;
  options.http.request_idle_s = 120;
  return options;
}

bool no_connections_left(TestServer &server) {
  for (int i = 0; i < 1000 && server.server().http_stats().connections != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return server.server().http_stats().connections == 0;
}

std::string TestServer::url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

std::string TestServer::code(const std::vector<std::string> &scopes) {
  auto code = server::create_enrollment_code(storage(), scopes, true, 3600 * 1000, SystemClock::instance());
  REQUIRE(code.ok());
  return *code;
}

std::string TestServer::hub_code(const std::vector<std::string> &scopes) {
  auto code = server::create_enrollment_code(storage(), scopes, true, 3600 * 1000, SystemClock::instance(), true);
  REQUIRE(code.ok());
  return *code;
}

// ---- ChildServer ----
ChildServer::ChildServer(const ChildServer *share) {
  server::set_log_enabled(false);
  if (on_postgres()) pg_ = share != nullptr && share->pg_ ? share->pg_ : std::make_shared<PgTestDatabase>();
  std::vector<std::string> where = {"--data", dir_.path().string()};
  if (pg_) where = {"--postgres", pg_->conninfo()};
  process_ = std::make_unique<ServerProcess>(YKIEN_SERVER_BIN, where, dir_.path().string());
  if (share != nullptr && pg_) return;  // the database is ready
  seed_units(*open_storage());
}

std::unique_ptr<server::Storage> ChildServer::open_storage() {
  auto storage = pg_ ? server::open_postgres_storage(pg_->conninfo()) : server::open_sqlite_storage(dir_.path());
  INFO(storage.status().to_string());
  REQUIRE(storage.ok());
  return std::move(*storage);
}

ChildServer::~ChildServer() { process_->kill9(); }

std::string ChildServer::code(const std::vector<std::string> &scopes) {
  auto storage = open_storage();
  auto code = server::create_enrollment_code(*storage, scopes, true, 3600 * 1000, SystemClock::instance());
  REQUIRE(code.ok());
  return *code;
}

void ChildServer::start() {
  Status st = process_->start();
  // Until it answers its health check, not only until it listens: a restart after a
  // SIGKILL may recover its file first. A loaded machine under the sanitizers is slow.
  auto transport = sync::make_curl_transport();
  for (int waited = 0; st.ok() && waited < 30000; waited += 10) {
    auto r = transport->send({"GET", process_->url() + "/v1/health", {}, {}});
    if (r.ok() && r->status == 200) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (st.ok()) st = {ErrorCode::server, "ykien-server did not answer its health check within 30 s"};
  std::ifstream log(process_->log_path());
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  if (text.size() > 4000) text = "…" + text.substr(text.size() - 4000);
  FAIL(st.to_string() << "\nits log:\n" << text);
}

void ChildServer::kill9() { process_->kill9(); }

void ChildServer::terminate() { exit_status_ = process_->stop(); }

// ---- Tablet ----
Tablet::Tablet(const std::string &url, const std::string &name, const Clock *clock, bool change_rows) : name_(name) {
  OpenOptions oo;
  oo.clock = clock;
  auto db = Database::open(dir_.file("tablet.db"), oo);
  INFO(db.status().to_string());
  REQUIRE(db.ok());
  db_ = std::move(*db);
  sync::CurlTransportOptions co;
  co.timeout_ms = 20000;
  transport_ = sync::make_curl_transport(co);
  sync::SyncOptions so;
  so.server_url = url;
  so.backoff_base_ms = 20;
  so.backoff_max_ms = 200;
  so.change_rows = change_rows;
  options_ = so;
  client_ = std::make_unique<sync::SyncClient>(*db_, *transport_, so);
}

void Tablet::set_push_batch(int64_t changes) {
  options_.push_batch_changes = changes;
  options_.push_batch_changes_max = changes;
  client_ = std::make_unique<sync::SyncClient>(*db_, *transport_, options_);
}

Tablet::Tablet(TestServer &server, const std::string &name, const std::vector<std::string> &scopes)
    : Tablet(server.url(), name) {
  enroll(server.code(scopes));
  sync_ok();
}

Tablet Tablet::enrolled_and_synced(TestServer &server, const std::string &name, const std::vector<std::string> &scopes) {
  return Tablet(server, name, scopes);
}

void Tablet::enroll(const std::string &code) {
  auto r = client_->enroll(code, name_);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
}

sync::SyncReport Tablet::sync_ok() {
  auto r = client_->sync();
  INFO(name_ << ": " << r.status().to_string());
  REQUIRE(r.ok());
  return *r;
}

void OwnDevice::open(const std::string &url, std::shared_ptr<sync::KeyStore> store, bool in_settings) {
  client.reset();
  auto opened = Database::open(path);
  REQUIRE(opened.ok());
  db = std::move(*opened);
  sync::SyncOptions so;
  so.server_url = url;
  so.key_store = in_settings ? sync::settings_key_store(db->replica()) : std::move(store);
  client = std::make_unique<sync::SyncClient>(*db, *transport, so);
}

void OwnDevice::close() {
  client.reset();
  db.reset();
}

std::string OwnDevice::setting(const char *key) {
  auto v = db->get_setting(key);
  REQUIRE(v.ok());
  return *v;
}

// A device's token, from its default key store.
static std::string token_of(Database &db) {
  auto token = sync::take_secret(db.replica(), *sync::default_key_store(db), sync::kTokenSecret);
  REQUIRE(token.ok());
  return *token;
}

std::string OwnDevice::token() { return token_of(*db); }

std::string Tablet::token() { return token_of(*db_); }

Opinion Tablet::record(const std::string &unit_scope, const std::string &content) {
  return record_in(*db_, unit_scope, content, name_);
}

namespace {

// An opinion raised in the first unit with this scope, of `kind` and `category`.
Opinion opinion_in(Database &db, const std::string &unit_scope, const char *kind, const char *category) {
  auto unit = db.find_unit_by_scope(unit_scope);
  INFO(unit_scope << ": " << unit.status().to_string());
  REQUIRE(unit.ok());
  Opinion o;
  o.unit_id = unit->id;
  o.kind = kind;
  o.category = category;
  o.raised_at = "2024-07-03 09:30";
  return o;
}

Opinion recorded(Database &db, const Opinion &o) {
  auto r = db.record_opinion(o);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  return *r;
}

}  // namespace

Opinion record_in(Database &db, const std::string &unit_scope, const std::string &content,
                  const std::string &recorded_by) {
  Opinion o = opinion_in(db, unit_scope, "opinion", "traffic_safety");
  o.content = content;
  o.recorded_by = recorded_by;
  return recorded(db, o);
}

Opinion record_opinions(Database &db, int count) {
  Opinion last;
  auto st = db.batch([&]() -> Status {
    for (int i = 0; i < count; ++i) last = record_in(db, i % 2 ? kHamlet1 : kHamlet2, "Ý kiến số " + std::to_string(i));
    return Status::Ok();
  });
  INFO(st.to_string());
  REQUIRE(st.ok());
  return last;
}

void pushed_by_a_tablet(TestServer &server, int count) {
  auto writer = Tablet::enrolled_and_synced(server, "writer");
  record_opinions(writer.db(), count);
  writer.sync_ok();
}

Opinion record_denunciation(Database &db, const std::string &unit_scope, const std::string &name,
                            const std::string &contact) {
  Opinion o = opinion_in(db, unit_scope, "denunciation", "land");
  o.content = "Tố cáo cán bộ địa chính thu tiền sai quy định";
  o.citizen_name = name;
  o.citizen_contact = contact;
  return recorded(db, o);
}

void edit_content(Database &db, const std::string &opinion_id, const std::string &content) {
  OpinionPatch patch;
  patch.content = content;
  auto r = db.update_opinion(opinion_id, patch);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
}

std::string Tablet::hash() { return hash_of(*db_); }

std::string hash_of(Database &db) {
  auto h = db.state_hash();
  REQUIRE(h.ok());
  return *h;
}

size_t count_opinions(Database &db, const std::string &scope) {
  OpinionFilter f;
  f.scope = scope;
  f.limit = 1000000;
  auto list = db.list_opinions(f);
  REQUIRE(list.ok());
  return list->size();
}

Result<sync::HttpResponse> try_raw_post(const std::string &url, const std::string &body, const std::string &token,
                                        const std::string &signature) {
  auto transport = sync::make_curl_transport();
  sync::HttpRequest req{"POST", url, {{"Content-Type", "application/json"}}, body};
  if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
  if (!signature.empty()) req.headers.emplace_back(sync::kSignatureHeader, signature);
  return transport->send(req);
}

sync::HttpResponse raw_post(const std::string &url, const std::string &body, const std::string &token,
                            const std::string &signature) {
  auto r = try_raw_post(url, body, token, signature);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  return *r;
}

}  // namespace ykien::test

namespace ykien::test {
std::string opinions_digest(Database &db, const std::string &scope) {
  OpinionFilter f;
  f.scope = scope;
  f.limit = 1000000;
  auto list = db.list_opinions(f);
  REQUIRE(list.ok());
  std::vector<std::string> lines;
  for (const auto &o : *list) {
    lines.push_back(o.id + "|" + o.scope + "|" + o.content + "|" + o.status + "|" + o.category + "|" +
                    o.satisfaction + "|" + o.citizen_name);
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto &l : lines) out += l + "\n";
  return out;
}
}  // namespace ykien::test
