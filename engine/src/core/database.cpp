// Opening a database, and the local write path every domain call goes through.
#include <cstdio>
#include <ctime>
#include <algorithm>
#include <charconv>

#include "core/database_impl.h"
#include "replication/value_rules.h"
#include "core/sqlite_replica_store.h"
#include "store/change_walk.h"
#include "ykien/merge.h"
#include "ykien/uuid.h"

namespace ykien {


int col(const schema::TableDef &t, std::string_view name) {
  int i = t.column_index(name);
  assert(i >= 0);
  return i;
}

std::string text_of(const Row &row, std::string_view column) {
  const auto &v = row.values[col(*row.table, column)];
  if (const auto *s = std::get_if<std::string>(&v)) return *s;
  return {};
}

int64_t int_of(const Row &row, std::string_view column) {
  const auto &v = row.values[col(*row.table, column)];
  if (const auto *i = std::get_if<int64_t>(&v)) return *i;
  return 0;
}

void put(Row &row, std::string_view column, Value v, uint64_t &mask) {
  int i = col(*row.table, column);
  if (row.values[i] != v) {
    row.values[i] = std::move(v);
    mask |= uint64_t{1} << i;
  }
}

Status Database::Impl::write_local(Row &row, uint64_t mask) {
  if (mask == 0) return Status::Ok();
  // The app's own writes meet the rules every replica checks a received change by.
  for (size_t c = 0; c < row.values.size(); ++c) {
    if (!(mask & (uint64_t{1} << c))) continue;
    const auto &column = row.table->columns[c];
    if (std::string why = rules::misfit(column, row.values[c]); !why.empty())
      return Status::Invalid(std::string(column.name), why);
  }
  const Hlc now = hlc.now();
  const int64_t seq = next_seq++;
  std::vector<int64_t> old_seqs;
  for (const auto &g : row.clock.groups()) old_seqs.push_back(g.stamp.seq);
  // Each cell's base: what this writer had seen of it. Overwriting our own
  // unacknowledged write keeps that write's base (docs/changelog-format.md).
  std::vector<std::pair<Hlc, uint64_t>> by_base;
  for (int c = 0; c < static_cast<int>(row.values.size()); ++c) {
    uint64_t bit = uint64_t{1} << c;
    if (!(mask & bit)) continue;
    const CellStamp cur = row.clock.get(c);
    const Hlc base = merge::local_base({cur.hlc, cur.site, cur.base}, site);
    auto it = std::find_if(by_base.begin(), by_base.end(), [&](auto &p) { return p.first == base; });
    if (it == by_base.end()) by_base.push_back({base, bit});
    else it->second |= bit;
  }
  for (const auto &[base, bits] : by_base) row.clock.set(bits, {now, site, seq, base});
  if (replica && replica->observed()) changed.push_back({std::string(row.table->name), row.id});
  YKIEN_TRY(rows.save(row));
  YKIEN_TRY(rows.log_change(seq, row.table->number, row.rid, 0, row.scope, edit_clock()));
  for (int64_t old : old_seqs)
    if (!row.clock.has_seq(old)) YKIEN_TRY(rows.drop_change(old));
  return Status::Ok();
}

void Database::Impl::Committed::tell(Replica *to) const {
  if (to != nullptr) to->notify(rows, "");
  for (const auto &notice : notices) notice();
}

void Database::Impl::roll_back_batch() {
  (void)conn.exec("ROLLBACK");  // if it fails, SQLite has rolled back already
  rows.discard();
  live_cells.clear();
  changed.clear();
  after_commit.clear();
}

Status Database::Impl::batch_rolled_back() {
  return Status(ErrorCode::storage, "the batch was rolled back by a storage error; nothing of it was written");
}

Result<Row> Database::Impl::load_live(const schema::TableDef &table, const std::string &id,
                                      const std::string &field) const {
  auto row = rows.load(table, id);
  if (!row) return row.status();
  if (!row->has_value() || (*row)->deleted())
    return Status(ErrorCode::not_found, field + ": no " + std::string(table.name) + " with id '" + id + "'", field);
  return std::move(**row);
}

Result<Row> Database::Impl::create_row(const schema::TableDef &table, std::string id, std::string scope,
                                       std::vector<Value> values) {
  Row row = RowStore::blank(table, std::move(id), std::move(scope));
  for (size_t i = 1; i < values.size() && i < row.values.size(); ++i) row.values[i] = std::move(values[i]);
  uint64_t all = table.columns.size() >= 64 ? ~uint64_t{0} : (uint64_t{1} << table.columns.size()) - 1;
  YKIEN_TRY(write_local(row, all));
  return row;
}

Status Database::Impl::load_positions() {
  auto remote = meta_get("max_remote_hlc");
  if (!remote) return remote.status();
  if (auto h = Hlc::parse(*remote); h && *h > max_remote_hlc) max_remote_hlc = *h;
  auto last_seq = meta_int("last_seq");
  if (!last_seq) return last_seq.status();
  YKIEN_TRY(rows.flush_changes());
  auto logged = last_logged_seq(conn);
  if (!logged) return logged.status();
  next_seq = std::max({next_seq, *logged + 1, *last_seq + 1});
  if (read_only) return Status::Ok();  // it never stamps: the stamps below are a writer's
  hlc.restore(max_remote_hlc);
  auto stamped = meta_get("last_hlc");
  if (!stamped) return stamped.status();
  if (auto h = Hlc::parse(*stamped)) hlc.restore(*h);
  // The newest local write holds the greatest stamp this replica made: every write
  // (of any process) was stamped after its writer looked at the newest before it.
  auto newest = conn.cached("SELECT tbl, row FROM _changes WHERE origin = 0 ORDER BY seq DESC LIMIT 1");
  if (!newest) return newest.status();
  Status st;
  bool found = (*newest)->step(st);
  YKIEN_TRY(st);
  int table_number = found ? static_cast<int>((*newest)->int64(0)) : 0;
  int64_t rid = found ? (*newest)->int64(1) : 0;
  (*newest)->reset();
  const auto *table = schema::find_table(table_number);
  if (!table) return Status::Ok();
  auto row = rows.load_rid(*table, rid);
  if (!row) return row.status();
  if (row->has_value())
    for (const auto &g : (*row)->clock.groups()) hlc.restore(g.stamp.hlc);
  return Status::Ok();
}

Result<std::unique_ptr<Database::Impl>> Database::Impl::open_reader(int busy_timeout_ms) const {
  const char *file = sqlite3_db_filename(conn.raw(), "main");
  if (file == nullptr || *file == '\0')
    return Status(ErrorCode::invalid_argument, "read_connections: a database in memory has no file to read", "read_connections");
  auto reader = std::make_unique<Impl>(clock.wall(), zone);
  reader->read_only = true;
  YKIEN_TRY(reader->conn.open(file, busy_timeout_ms));
  YKIEN_TRY(reader->conn.exec("PRAGMA query_only = ON"));  // a reader never writes, by mistake either
  reader->schema_version = schema_version;
  reader->site = site;
  YKIEN_TRY(reader->load_positions());
  YKIEN_TRY(reader->catch_up_other_writers());
  return reader;
}

Status Database::Impl::catch_up_other_writers() {
  auto s = conn.cached("PRAGMA data_version");
  if (!s) return s.status();
  Status st;
  (*s)->step(st);
  YKIEN_TRY(st);
  const int64_t version = (*s)->int64(0);
  (*s)->reset();
  if (version == data_version_seen) return Status::Ok();
  // Our own commits do not change data_version: a change means another connection.
  if (data_version_seen >= 0) YKIEN_TRY(load_positions());
  data_version_seen = version;
  return Status::Ok();
}

Result<std::vector<Row>> Database::Impl::select_rows(const schema::TableDef &table, const std::string &sql,
                                                    const std::vector<Value> &params) const {
  auto s = conn.cached(sql);
  if (!s) return s.status();
  for (size_t i = 0; i < params.size(); ++i) (*s)->bind_value(static_cast<int>(i + 1), params[i]);
  std::vector<std::string> ids;
  Status st;
  while ((*s)->step(st)) ids.push_back((*s)->text(0));
  (*s)->reset();
  YKIEN_TRY(st);
  std::vector<Row> out;
  out.reserve(ids.size());
  for (const auto &id : ids) {
    auto row = rows.load(table, id);
    if (!row) return row.status();
    if (row->has_value()) out.push_back(std::move(**row));
  }
  return out;
}

Result<Row> Database::Impl::create_row_stamped(const schema::TableDef &table, std::string id, std::string scope,
                                               std::vector<Value> values, Hlc stamp_hlc, SiteId writer) {
  Row row = RowStore::blank(table, std::move(id), std::move(scope));
  for (size_t i = 1; i < values.size() && i < row.values.size(); ++i) row.values[i] = std::move(values[i]);
  uint64_t all = table.columns.size() >= 64 ? ~uint64_t{0} : (uint64_t{1} << table.columns.size()) - 1;
  const int64_t seq = next_seq++;
  row.clock.set(all, {stamp_hlc, writer, seq, Hlc()});
  YKIEN_TRY(rows.save(row));
  YKIEN_TRY(rows.log_change(seq, table.number, row.rid, 0, row.scope));
  return row;
}

Result<int64_t> Database::Impl::peer_number(const std::string &name) {
  if (name.empty()) return int64_t{0};
  auto ins = conn.cached("INSERT INTO _peers(name) VALUES(?) ON CONFLICT(name) DO NOTHING");
  if (!ins) return ins.status();
  YKIEN_TRY((*ins)->bind(1, name).exec());
  auto sel = conn.cached("SELECT num FROM _peers WHERE name = ?");
  if (!sel) return sel.status();
  Status st;
  if (!(*sel)->bind(1, name).step(st)) return st.ok() ? Status(ErrorCode::internal, "peer vanished") : st;
  int64_t num = (*sel)->int64(0);
  (*sel)->reset();
  return num;
}

Status Database::Impl::meta_set(const std::string &key, const std::string &value) {
  auto s = conn.cached("INSERT INTO _meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  if (!s) return s.status();
  return (*s)->bind(1, key).bind(2, value).exec();
}

Result<std::string> Database::Impl::meta_get(const std::string &key) const {
  auto s = conn.cached("SELECT value FROM _meta WHERE key = ?");
  if (!s) return s.status();
  Status st;
  std::string v;
  if ((*s)->bind(1, key).step(st)) v = (*s)->text(0);
  (*s)->reset();
  if (!st.ok()) return st;
  return v;
}

Result<int64_t> Database::Impl::meta_int(const std::string &key) const {
  auto text = meta_get(key);
  if (!text) return text.status();
  if (text->empty()) return int64_t{0};
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size())
    return Status(ErrorCode::corrupt, "stored " + key + " is not a number: " + *text);
  return v;
}

std::string Database::Impl::now_local() const { return zone.format(clock.now_ms(), true); }
std::string Database::Impl::today() const { return zone.format(clock.now_ms(), false); }

EditClock Database::Impl::edit_clock() const {
  const BootTime boot = clock.since_boot();
  return {boot.boot, boot.ms, clock.wall().now_ms()};
}

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::~Database() = default;

Result<std::unique_ptr<Database>> Database::open(const std::string &path, OpenOptions options) {
  const Clock &wall = options.clock ? *options.clock : SystemClock::instance();
  auto zone = TimeZone::locate(options.time_zone);
  if (!zone) return zone.status();
  auto impl = std::make_unique<Impl>(wall, std::move(*zone));
  auto &conn = impl->conn;
  YKIEN_TRY(conn.open(path, options.busy_timeout_ms));
  if (!path.empty() && path != ":memory:" && !path.starts_with("file:"))
    impl->blobs = std::make_unique<BlobStore>(path + ".blobs");
  // A file that is not a database, or one a newer app wrote, is refused here,
  // before anything (even the journal mode) is changed in it.
  YKIEN_TRY(conn.exec("SELECT count(*) FROM sqlite_schema"));
  if (auto v = schema::stored_version(conn); !v) return v.status();
  YKIEN_TRY(conn.exec(std::string("PRAGMA journal_mode = WAL; PRAGMA synchronous = ") +
                      (options.durable_commits ? "FULL" : "NORMAL") +
                      "; PRAGMA foreign_keys = ON;"
                      // Deleted content is zeroed, not left in free pages (a sealed
                      // identity's clear copy; docs/security.md).
                      " PRAGMA secure_delete = ON;"));
  if (options.checkpoint_pages > 0)
    YKIEN_TRY(conn.exec("PRAGMA wal_autocheckpoint = " + std::to_string(options.checkpoint_pages)));
  YKIEN_TRY(schema::migrate(conn, options.target_schema_version));
  {
    auto v = conn.prepare("PRAGMA user_version");
    if (!v) return v.status();
    Status st;
    v->step(st);
    YKIEN_TRY(st);
    impl->schema_version = static_cast<int>(v->int64(0));
  }
  auto site = impl->meta_get("site_id");
  if (!site) return site.status();
  if (site->empty()) {
    impl->site = new_site_id();
    YKIEN_TRY(impl->meta_set("site_id", site_to_string(impl->site)));
  } else {
    auto parsed = parse_site(*site);
    if (!parsed) return Status(ErrorCode::corrupt, "stored site id is malformed: " + *site);
    impl->site = *parsed;
  }
  YKIEN_TRY(impl->load_positions());
  YKIEN_TRY(impl->catch_up_other_writers());  // records the file's data version
  auto store = std::make_unique<SqliteReplicaStore>(*impl);
  SqliteReplicaStore &sqlite_store = *store;
  impl->store = std::move(store);
  impl->replica = std::make_unique<Replica>(*impl->store, impl->clock, impl->hlc, impl->site);
  YKIEN_TRY(impl->replica->load_clock());
  {
    sqlite::Transaction txn(conn);
    YKIEN_TRY(txn.begin());
    YKIEN_TRY(impl->adopt_foreign_cells());
    YKIEN_TRY(txn.commit());
  }
  if (options.read_connections > 0) {
    std::vector<std::unique_ptr<Impl>> readers;
    for (int i = 0; i < options.read_connections; ++i) {
      auto reader = impl->open_reader(options.busy_timeout_ms);
      if (!reader) return reader.status();
      readers.push_back(std::move(*reader));
    }
    sqlite_store.set_readers(std::make_unique<ReadConnections>(std::move(readers)));
  }
  return std::unique_ptr<Database>(new Database(std::move(impl)));
}

SiteId Database::site_id() const { return impl_->site; }
int64_t Database::now_ms() const { return impl_->clock.now_ms(); }
std::string Database::local_now() const { return impl_->now_local(); }
std::string Database::today() const { return impl_->today(); }
std::string Database::local_time(int64_t utc_ms, bool with_time) const { return impl_->zone.format(utc_ms, with_time); }
const TimeZone &Database::time_zone() const { return impl_->zone; }
const Clock &Database::clock() const { return impl_->clock; }
int Database::schema_version() const { return impl_->schema_version; }
int Database::latest_schema_version() { return schema::latest_version(); }
Hlc Database::last_hlc() const { return impl_->replica->last_hlc(); }

Status Database::batch(const std::function<Status()> &body) {
  return impl_->write_txn([&]() -> Status { return body(); });
}

Status Database::check_integrity() const {
  std::lock_guard lock(impl_->mutex);
  auto s = impl_->conn.prepare("PRAGMA integrity_check");
  if (!s) return s.status();
  Status st;
  std::string report;
  while (s->step(st)) report += s->text(0) + "\n";
  YKIEN_TRY(st);
  if (report != "ok\n") return {ErrorCode::corrupt, "integrity check failed: " + report};
  return Status::Ok();
}

}  // namespace ykien
