// The PostgreSQL store (pg_replica_store.h): a replicated row is one tuple of
// `replica_rows`, its cells as parallel arrays; each write one entry of
// `replica_writes` (its position). Read and written a batch of rows per statement.
#include "pg_replica_store.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "pg_binary.h"
#include "ykien/replica.h"
#include "ykien/unit_tree.h"

namespace ykien::server {
namespace {

using pg::int_at;
using pg::Lease;
using pg::Param;
using pg::text_at;
using sys::RowKey;
using sys::StoredCell;
using sys::StoredRow;

// Advisory lock key of writers ("ykien" + purpose).
constexpr int64_t kWriteLock = 0x796b69656e000001;

// At most this many writes read by one statement of a pull (a batch asked of a
// million cells reads them in several).
constexpr int64_t kMaxChunkWrites = 20'000;

std::string i64(int64_t v) { return std::to_string(v); }
std::string u64(uint64_t v) { return std::to_string(static_cast<int64_t>(v)); }
Hlc hlc_at(PGresult *r, int row, int col) { return Hlc(static_cast<uint64_t>(int_at(r, row, col))); }

std::string vtype_of(const Value &v) { return std::to_string(v.index()); }  // 0 null, 1 integer, 2 real, 3 text

Param value_text(const Value &v) {
  switch (v.index()) {
    case 0: return std::nullopt;
    case 1: return std::to_string(std::get<int64_t>(v));
    case 2: {
      char buf[64];
      auto res = std::to_chars(buf, buf + sizeof buf, std::get<double>(v));  // shortest exact form
      return std::string(buf, res.ptr);
    }
    default: return std::get<std::string>(v);
  }
}

// A value from its type (0 null, 1 integer, 2 real, 3 text) and text form.
Value value_of(int64_t vtype, std::optional<std::string_view> text) {
  if (!text) return Value{};
  switch (vtype) {
    case 1: {
      int64_t v = 0;
      std::from_chars(text->data(), text->data() + text->size(), v);
      return v;
    }
    case 2: {
      double d = 0;
      std::from_chars(text->data(), text->data() + text->size(), d);
      return d;
    }
    case 3: return std::string(*text);
    default: return Value{};
  }
}

// A row as this write transaction holds it, with each cell's position and origin:
// a write merges its cells into it and writes the row whole.
struct HeldRow {
  StoredRow row;
  std::vector<int64_t> seqs;
  std::vector<std::string> origins;
};

// A replica_rows tuple in a binary result: these columns, from one on.
constexpr const char *kRowColumns =
    "r.tbl, r.id, r.scope, r.cols, r.vtypes, r.vals, r.hlcs, r.sites, r.bases, r.seqs, r.origins";

// The row at result row `i` of a binary result whose kRowColumns start at `first`.
Result<HeldRow> row_at(PGresult *r, int i, int first) {
  using pg::binary::bytes_at;
  using pg::binary::int8_of;
  HeldRow h{StoredRow{std::string(bytes_at(r, i, first)), std::string(bytes_at(r, i, first + 1)),
                      std::string(bytes_at(r, i, first + 2)), {}},
            {}, {}};
  std::vector<std::optional<std::string_view>> arrays[8];
  for (int k = 0; k < 8; ++k) {
    if (!pg::binary::array_elements(bytes_at(r, i, first + 3 + k), arrays[k]) || arrays[k].size() != arrays[0].size())
      return Status(ErrorCode::corrupt, "postgresql: the cells of row " + h.row.table + "/" + h.row.id +
                                            " in replica_rows are damaged; restore the database from a backup");
  }
  const auto &[cols, vtypes, vals, hlcs, sites, bases, seqs, origins] = arrays;
  const auto number = [](const std::optional<std::string_view> &v) { return v ? int8_of(*v) : 0; };
  const size_t n = cols.size();
  h.row.cells.reserve(n);
  h.seqs.reserve(n);
  h.origins.reserve(n);
  for (size_t k = 0; k < n; ++k) {
    const int64_t vtype = vtypes[k] ? pg::binary::int2_of(*vtypes[k]) : 0;
    h.row.cells.push_back({std::string(cols[k].value_or("")), value_of(vtype, vals[k]),
                           {Hlc(static_cast<uint64_t>(number(hlcs[k]))), static_cast<SiteId>(number(sites[k])),
                            Hlc(static_cast<uint64_t>(number(bases[k])))}});
    h.seqs.push_back(number(seqs[k]));
    h.origins.emplace_back(origins[k].value_or(""));
  }
  return h;
}

// Every row of a binary result of kRowColumns.
Result<std::vector<HeldRow>> rows_of(PGresult *r) {
  std::vector<HeldRow> out;
  out.reserve(static_cast<size_t>(PQntuples(r)));
  for (int i = 0; i < PQntuples(r); ++i) {
    auto h = row_at(r, i, 0);
    if (!h.ok()) return h.status();
    out.push_back(std::move(*h));
  }
  return out;
}

// A row's cells in byte order of their names (as PostgreSQL's "C" collation).
void by_column(std::vector<StoredCell> &cells) {
  std::sort(cells.begin(), cells.end(), [](const StoredCell &a, const StoredCell &b) { return a.column < b.column; });
}

// The scope test of a pull, as ranges of replica_writes_scope_seq: for each unit s,
// the unit itself and its subtree [s + "/", s + "0") in byte order ('0' follows
// '/', so "ap-10" is not under "ap-1"). The bounds are parameters appended to
// `params`, so the planner sees them (a custom plan).
std::vector<std::string> scope_ranges(const std::vector<std::string> &scopes, std::vector<Param> &params) {
  std::vector<std::string> arms;
  for (const auto &s : scopes) {
    const auto next = [&](std::string value) {
      params.emplace_back(std::move(value));
      std::string ref(1, '$');  // built by append: GCC 12 warns falsely on "$" + string
      return ref.append(std::to_string(params.size()));
    };
    const std::string unit = next(s), lo = next(s + "/"), hi = next(s + "0");
    arms.push_back("l.scope COLLATE \"C\" = " + unit);
    arms.push_back("(l.scope COLLATE \"C\" >= " + lo + " AND l.scope COLLATE \"C\" < " + hi + ")");
  }
  return arms;
}

std::string any_of(const std::vector<std::string> &arms) {
  std::string out = " AND (";
  for (size_t i = 0; i < arms.size(); ++i) out += (i > 0 ? " OR " : "") + arms[i];
  return out + ")";
}

std::string param_ref(size_t n) { return std::string(1, '$').append(std::to_string(n)); }

// Appends `text` as one element of an array literal: quoted, `"` and `\` escaped.
void append_quoted(std::string &out, std::string_view text) {
  out += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

void append_number(std::string &out, int64_t v) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

// A value as an element of an array literal (NULL unquoted, the rest quoted text).
void append_value(std::string &out, const Value &v) {
  switch (v.index()) {
    case 0: out += "NULL"; return;
    case 1: append_number(out, std::get<int64_t>(v)); return;
    case 2: {
      char buf[64];
      out.append(buf, std::to_chars(buf, buf + sizeof buf, std::get<double>(v)).ptr);  // shortest exact form
      return;
    }
    default: append_quoted(out, std::get<std::string>(v));
  }
}

// Whole rows to write (one INSERT ... SELECT FROM unnest): eleven array literals,
// one per field, an element per row; a row's cells travel as one array literal
// per field, that element. Built as text directly, escaped as it goes.
class RowColumns {
 public:
  // `row`'s cells, cell i at position seq(i), from origin(i).
  template <class Seq, class Origin>
  void add(const StoredRow &row, Seq seq, Origin origin) {
    element(0, row.table);
    element(1, row.id);
    element(2, row.scope);
    const auto &cells = row.cells;
    nested(3, cells.size(), [&](size_t i) { append_quoted(scratch_, cells[i].column); });
    nested(4, cells.size(), [&](size_t i) { append_number(scratch_, static_cast<int64_t>(cells[i].value.index())); });
    nested(5, cells.size(), [&](size_t i) { append_value(scratch_, cells[i].value); });
    nested(6, cells.size(), [&](size_t i) { append_number(scratch_, static_cast<int64_t>(cells[i].stamp.hlc.raw())); });
    nested(7, cells.size(), [&](size_t i) { append_number(scratch_, static_cast<int64_t>(cells[i].stamp.site)); });
    nested(8, cells.size(), [&](size_t i) { append_number(scratch_, static_cast<int64_t>(cells[i].stamp.base.raw())); });
    nested(9, cells.size(), [&](size_t i) { append_number(scratch_, seq(i)); });
    nested(10, cells.size(), [&](size_t i) { append_quoted(scratch_, origin(i)); });
  }
  // As eleven array parameters, in the order of rows_from.
  void append_to(std::vector<Param> &params) const {
    for (const auto &field : fields_) params.emplace_back("{" + field + "}");
  }

 private:
  void element(size_t field, std::string_view text) {
    if (!fields_[field].empty()) fields_[field] += ',';
    append_quoted(fields_[field], text);
  }
  // An array literal of n elements, each appended by each(i), as one element.
  template <class Each>
  void nested(size_t field, size_t n, Each each) {
    scratch_.assign(1, '{');
    for (size_t i = 0; i < n; ++i) {
      if (i > 0) scratch_ += ',';
      each(i);
    }
    scratch_ += '}';
    element(field, scratch_);
  }

  std::string fields_[11];
  std::string scratch_;
};

// replica_rows' fields with their element types, in RowColumns' order.
constexpr const char *kRowFieldTypes[][2] = {
    {"tbl", "text"},      {"id", "text"},     {"scope", "text"},  {"cols", "text"},
    {"vtypes", "smallint"}, {"vals", "text"}, {"hlcs", "bigint"}, {"sites", "bigint"},
    {"bases", "bigint"},  {"seqs", "bigint"}, {"origins", "text"}};

// The field names, comma-separated.
std::string row_fields() {
  std::string out;
  for (const auto &field : kRowFieldTypes) out.append(out.empty() ? "" : ", ").append(field[0]);
  return out;
}

// SELECT of the rows in RowColumns' eleven arrays from parameter $first on.
std::string rows_from(int first) {
  std::string select, arrays;
  for (int i = 0; i < 11; ++i) {
    const char *sep = i > 0 ? ", " : "";
    // The first three are values; the others array literals, one per row.
    select.append(sep).append("k.").append(kRowFieldTypes[i][0]);
    if (i >= 3) select.append("::").append(kRowFieldTypes[i][1]).append("[]");
    arrays.append(sep).append(param_ref(static_cast<size_t>(first + i))).append("::text[]");
  }
  return "SELECT " + select + " FROM unnest(" + arrays + ") AS k(" + row_fields() + ")";
}

class PgStoreTxn final : public sys::StoreTxn {
 public:
  enum class Kind { reader, writer };

  // A transaction begins with its first statement, in that statement's round trip,
  // and reads the counter then. A writer: BEGIN, the writers' lock, then the
  // counter, read (in a snapshot of its own) once the lock is held: the last
  // position any writer gave out (a writer commits before its lock goes). A
  // reader: one snapshot for the counter and the rows, taken by the counter's read
  // (its first statement): every position at or below the counter is committed in
  // it (see pg_replica_store.h).
  PgStoreTxn(PgReplicaStore &store, Lease &lease, Kind kind)
      : store_(store), lease_(lease), writable_(kind == Kind::writer) {
    if (writable_) {
      ahead_.push_back({"BEGIN", {}, "begin"});
      ahead_.push_back({"SELECT pg_advisory_xact_lock(" + i64(kWriteLock) + ")", {}, "lock"});
    } else {
      ahead_.push_back({"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", {}, "begin"});
    }
    counter_at_ = static_cast<int>(ahead_.size());
    ahead_.push_back({"SELECT value FROM counters WHERE name = 'seq'", {}, "read the position"});
    prelude_ = ahead_.size();
  }
  ~PgStoreTxn() override {
    if (begun_) (void)lease_.run("ROLLBACK");
  }
  PgStoreTxn(const PgStoreTxn &) = delete;
  PgStoreTxn &operator=(const PgStoreTxn &) = delete;

  Result<std::vector<std::optional<StoredRow>>> load_rows(const std::vector<RowKey> &keys) override {
    std::vector<std::optional<StoredRow>> out(keys.size());
    if (keys.empty()) return out;
    auto held = read_rows(keys);
    if (!held.ok()) return held.status();
    std::unordered_map<RowKey, StoredRow, sys::RowKeyHash> found;
    for (auto &h : *held) {
      RowKey key{h.row.table, h.row.id};
      if (writable_) held_[key] = h;  // what a write of this row merges into
      found.emplace(std::move(key), std::move(h.row));
    }
    std::vector<size_t> moved;  // keys whose row was moved out of `found`
    for (size_t i = 0; i < keys.size(); ++i) {
      if (auto it = found.find(keys[i]); it != found.end()) {
        out[i] = std::move(it->second);
        found.erase(it);
        moved.push_back(i);
        continue;
      }
      // A key named twice gets the row again.
      auto earlier = std::find_if(moved.begin(), moved.end(), [&](size_t k) { return keys[k] == keys[i]; });
      if (earlier != moved.end()) out[i] = out[*earlier];
      else if (writable_) absent_.insert(keys[i]);
    }
    return out;
  }

  Result<std::vector<sys::CellOrigin>> cell_origins(const RowKey &key) override {
    auto r = exec({std::string("SELECT ") + kRowColumns + " FROM replica_rows r WHERE r.tbl = $1 AND r.id = $2",
                   {key.table, key.id}, "read a row's origins", true});
    if (!r.ok()) return r.status();
    auto rows = rows_of(r->get());
    if (!rows.ok()) return rows.status();
    std::vector<sys::CellOrigin> out;
    if (rows->empty()) return out;
    HeldRow &h = rows->front();
    for (size_t i = 0; i < h.row.cells.size(); ++i) out.push_back({std::move(h.row.cells[i]), std::move(h.origins[i])});
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.cell.column < b.cell.column; });
    return out;
  }

  Result<std::vector<StoredRow>> find_rows(const sys::RowFilter &filter) override {
    std::vector<Param> params{filter.table};
    std::string match = "r.tbl = $1";
    if (filter.scope) {
      params.emplace_back(*filter.scope);
      match += " AND r.scope = " + param_ref(params.size());
    }
    // Each wanted cell: one more condition on the row's arrays.
    for (const auto &[column, value] : filter.equal) {
      params.emplace_back(column);
      const std::string c = param_ref(params.size());
      params.emplace_back(vtype_of(value));
      const std::string t = param_ref(params.size());
      params.push_back(value_text(value));
      const std::string v = param_ref(params.size());
      match += " AND EXISTS (SELECT 1 FROM unnest(r.cols, r.vtypes, r.vals) AS e(col, vtype, value) WHERE e.col = " +
               c + " AND e.vtype = " + t + "::smallint AND e.value IS NOT DISTINCT FROM " + v + ")";
    }
    auto r = exec({std::string("SELECT ") + kRowColumns + " FROM replica_rows r WHERE " + match + " ORDER BY r.id",
                   params, "find rows", true});
    if (!r.ok()) return r.status();
    auto rows = rows_of(r->get());
    if (!rows.ok()) return rows.status();
    std::vector<StoredRow> out;
    out.reserve(rows->size());
    for (auto &h : *rows) {
      by_column(h.row.cells);
      out.push_back(std::move(h.row));
    }
    return out;
  }

  Result<int64_t> end_position() override {
    if (seq_ < 0) YKIEN_TRY(flush());  // not begun yet
    return seq_;
  }

  Result<sys::StoredBatch> read_since(int64_t cursor, const sys::ReadRequest &request) override {
    const int64_t limit = std::max<int64_t>(request.limit_cells, 1);
    // $1 the position to read after (the cursor, then each chunk's last), $2 end of
    // the batch (the counter: known once the scopes are counted, in the round trip
    // that begins the transaction), $3 origin left out, $4 the position up to which
    // it is not, then the scopes, then the chunk's size.
    std::vector<Param> params{i64(cursor), std::nullopt, request.exclude_origin, i64(request.echo_origin_through)};
    std::string filter = "l.seq > $1 AND l.seq <= $2 AND ($3 = '' OR l.origin <> $3 OR l.seq <= $4)";
    if (request.local_only) filter += " AND l.origin = ''";
    // Exclusions (a unit moved out) are left to scope_within on the rows read.
    const auto included = included_scopes(request.scopes);
    const bool excludes = included.size() < request.scopes.size();
    bool by_position = request.scopes.empty();
    if (!request.scopes.empty()) {
      auto scoped = scope_filter(included, limit, params);
      if (!scoped.ok()) return scoped.status();
      filter += scoped->condition;
      by_position = scoped->by_position;
    }
    auto end = end_position();
    if (!end.ok()) return end.status();
    params[1] = i64(*end);
    // Whole writes in position order, until they hold more than `limit` cells: a
    // batch ends between two writes, never inside one, so the write that goes over
    // waits for the next batch, unless it is the first (then it goes whole, alone).
    // Read a chunk of writes a statement, each chunk from the last position read
    // (one snapshot: the transaction's), sized by the cells still wanted.
    const size_t after_ref = 0;  // params[0]: the position the next chunk starts after
    params.emplace_back(std::nullopt);
    const std::string chunk_ref = param_ref(params.size());
    sys::StoredBatch out;
    out.next_cursor = *end;
    int64_t cells = 0, writes = 0;
    for (bool done = false; !done;) {
      // About as many writes as the cells wanted need at the mean so far (an
      // opinion is some 15 cells), with a margin.
      const int64_t per_write = writes > 0 ? std::max<int64_t>(cells / writes, 1) : 12;
      const int64_t chunk = std::min<int64_t>((limit - cells) / per_write + 17, kMaxChunkWrites);
      params.back() = i64(chunk);
      auto r = read_writes(filter, chunk_ref, params, by_position);
      if (!r.ok()) return r.status();
      PGresult *res = r->get();
      const int read = PQntuples(res);
      for (int i = 0; i < read && !done; ++i) {
        const int64_t position = pg::binary::int8_of(pg::binary::bytes_at(res, i, 0));
        params[after_ref] = i64(position);
        if (PQgetisnull(res, i, 1)) continue;  // the row went since (never, but a log must not fail a pull)
        auto held = row_at(res, i, 1);
        if (!held.ok()) return held.status();
        sys::StoredWrite w{position, StoredRow{std::move(held->row.table), std::move(held->row.id),
                                               std::move(held->row.scope), {}}, {}};
        auto &row_cells = held->row.cells;
        for (size_t k = 0; k < row_cells.size(); ++k)
          if (held->seqs[k] == position) w.row.cells.push_back(row_cells[k]);
        if (w.row.cells.empty()) continue;
        const auto n = static_cast<int64_t>(w.row.cells.size());
        if (cells + n > limit && writes > 0) {  // goes over: the next batch's
          out.next_cursor = position - 1;
          out.more = true;
          done = true;
          break;
        }
        cells += n;
        ++writes;
        if (cells > limit) {  // the first write, larger than the limit: whole, alone
          out.next_cursor = position;
          out.more = position < *end;
          done = true;
        }
        // Exclusions (a unit moved out): counted as read, not sent.
        if (excludes && !scope_within(w.row.scope, request.scopes)) continue;
        for (const auto &name : request.context)
          for (auto &cell : row_cells)
            if (cell.column == name) w.context.push_back(std::move(cell));
        out.writes.push_back(std::move(w));
      }
      if (read < chunk) break;  // the end: every write up to *end was read
    }
    return out;
  }

  Status write_rows(std::vector<StoredRow> rows, const std::string &origin) override {
    YKIEN_TRY(writes_allowed());
    // A row is written whole: merged into what this transaction holds of it, read
    // first if it has not been. A row found absent under the writers' lock is new
    // (a plain INSERT, cheaper than the upsert the others need) and, unless this
    // call names it twice, goes in straight from `rows`: then it is neither held
    // nor absent, and a later write in this transaction reads it again.
    std::map<std::pair<std::string_view, std::string_view>, int> times;
    std::vector<RowKey> unread;
    int64_t written = 0;
    for (const auto &row : rows) {
      if (row.cells.empty()) continue;
      ++written;
      if (++times[{row.table, row.id}] > 1) continue;
      RowKey key{row.table, row.id};
      if (held_.count(key) == 0 && absent_.count(key) == 0) unread.push_back(std::move(key));
    }
    if (written == 0) return Status::Ok();
    if (!unread.empty()) YKIEN_TRY(load_rows(unread).status());
    if (seq_ < 0) YKIEN_TRY(flush());  // begun: the counter known
    // Each row at the next position after the counter, raised in the same
    // statement (under the writers' lock, so positions commit in order).
    const int64_t last = seq_ + written;
    int64_t position = seq_;
    RowColumns fresh, changed;
    // Held rows, each written once, as the call leaves it (new or not).
    std::vector<std::pair<const HeldRow *, bool>> touched;
    std::set<const HeldRow *> seen;
    // The log: positions this call adds (those a later row of it leaves empty
    // dropped), and earlier ones it leaves empty.
    std::vector<std::pair<int64_t, const StoredRow *>> added;
    std::vector<Param> dead_seq, dead_tbl, dead_id;
    const int64_t first_position = position + 1;
    for (const auto &row : rows) {
      if (row.cells.empty()) continue;
      ++position;
      added.emplace_back(position, &row);
      RowKey key{row.table, row.id};
      const bool is_new = absent_.erase(key) > 0;
      if (is_new && times[{row.table, row.id}] == 1) {
        fresh.add(row, [&](size_t) { return position; }, [&](size_t) -> const std::string & { return origin; });
        continue;
      }
      HeldRow &h = held_[key];
      if (is_new) h = {StoredRow{row.table, row.id, row.scope, {}}, {}, {}};
      if (seen.insert(&h).second) touched.emplace_back(&h, is_new);
      h.row.scope = row.scope;
      const std::vector<int64_t> before = h.seqs;
      for (const auto &cell : row.cells) {
        StoredCell *at = h.row.find(cell.column);
        const size_t i = at ? static_cast<size_t>(at - h.row.cells.data()) : h.row.cells.size();
        if (at) {
          *at = cell;
          h.seqs[i] = position;
          h.origins[i] = origin;
        } else {
          h.row.cells.push_back(cell);
          h.seqs.push_back(position);
          h.origins.push_back(origin);
        }
      }
      // A position none of the row's cells holds any more leaves the log.
      for (size_t i = 0; i < before.size(); ++i) {
        const int64_t seq = before[i];
        if (std::find(before.begin(), before.begin() + static_cast<std::ptrdiff_t>(i), seq) !=
                before.begin() + static_cast<std::ptrdiff_t>(i) ||
            std::find(h.seqs.begin(), h.seqs.end(), seq) != h.seqs.end())
          continue;
        if (seq >= first_position) {  // this call's: not written yet
          std::erase_if(added, [&](const auto &a) { return a.first == seq; });
          continue;
        }
        dead_seq.emplace_back(i64(seq));
        dead_tbl.emplace_back(row.table);
        dead_id.emplace_back(row.id);
      }
    }
    for (const auto &written_row : touched) {  // not a structured binding: Clang 14 cannot capture one
      const HeldRow &h = *written_row.first;
      (written_row.second ? fresh : changed)
          .add(h.row, [&](size_t i) { return h.seqs[i]; }, [&](size_t i) -> const std::string & { return h.origins[i]; });
    }
    std::vector<Param> log_seq, log_tbl, log_id, log_scope;
    for (const auto &[seq, row] : added) {
      log_seq.emplace_back(i64(seq));
      log_tbl.emplace_back(row->table);
      log_id.emplace_back(row->id);
      log_scope.emplace_back(row->scope);
    }
    std::vector<Param> params;
    for (const auto *column : {&dead_seq, &dead_tbl, &dead_id, &log_seq, &log_tbl, &log_id, &log_scope})
      params.emplace_back(pg::array_literal(*column));
    params.emplace_back(origin);
    fresh.append_to(params);
    changed.append_to(params);
    params.emplace_back(i64(last));
    // Run with the next statement, in its round trip (often the COMMIT): the
    // rows read or written next see it, as they come after it.
    ahead_.push_back({
        "WITH p AS (UPDATE counters SET value = $31 WHERE name = 'seq'), "
        "d AS (DELETE FROM replica_writes w USING unnest($1::bigint[], $2::text[], $3::text[]) AS k(seq, tbl, id) "
        "WHERE w.seq = k.seq AND w.tbl = k.tbl AND w.id = k.id), "
        "l AS (INSERT INTO replica_writes(seq, tbl, id, scope, origin) SELECT k.seq, k.tbl, k.id, k.scope, $8 "
        "FROM unnest($4::bigint[], $5::text[], $6::text[], $7::text[]) AS k(seq, tbl, id, scope)), "
        "n AS (INSERT INTO replica_rows(" + row_fields() + ") " + rows_from(9) + ") " +
            "INSERT INTO replica_rows(" + row_fields() + ") " + rows_from(20) +
            " ON CONFLICT (tbl, id) DO UPDATE SET scope = EXCLUDED.scope, cols = EXCLUDED.cols, "
            "vtypes = EXCLUDED.vtypes, vals = EXCLUDED.vals, hlcs = EXCLUDED.hlcs, sites = EXCLUDED.sites, "
            "bases = EXCLUDED.bases, seqs = EXCLUDED.seqs, origins = EXCLUDED.origins",
        std::move(params), "write rows"});
    seq_ = last;
    return Status::Ok();
  }

  Status erase_rows(const std::vector<RowKey> &keys) override {
    YKIEN_TRY(writes_allowed());
    if (keys.empty()) return Status::Ok();
    std::vector<Param> tables, ids;
    for (const auto &k : keys) {
      tables.emplace_back(k.table);
      ids.emplace_back(k.id);
    }
    YKIEN_TRY(exec({
        "WITH r AS (DELETE FROM replica_rows r USING unnest($1::text[], $2::text[]) AS k(tbl, id) "
        "WHERE r.tbl = k.tbl AND r.id = k.id RETURNING r.tbl, r.id, r.seqs) "
        "DELETE FROM replica_writes w USING (SELECT r.tbl, r.id, unnest(r.seqs) AS seq FROM r) AS d "
        "WHERE w.seq = d.seq AND w.tbl = d.tbl AND w.id = d.id",
        {pg::array_literal(tables), pg::array_literal(ids)}, "erase rows"}).status());
    for (const auto &k : keys) {
      held_.erase(k);
      absent_.insert(k);
    }
    return Status::Ok();
  }

  // Kept until commit(): written once per transaction, in its round trip.
  Status note_remote_stamp(Hlc stamp) override {
    YKIEN_TRY(writes_allowed());
    if (stamp > remote_stamp_) remote_stamp_ = stamp;
    return Status::Ok();
  }

  Result<Hlc> remote_stamp() override {
    auto r = exec({"SELECT value FROM counters WHERE name = 'max_remote_hlc'", {}, "read the greatest stamp"});
    if (!r.ok()) return r.status();
    const Hlc stored = PQntuples(r->get()) == 0 ? Hlc() : hlc_at(r->get(), 0, 0);
    return std::max(stored, remote_stamp_);
  }

  Result<std::string> meta(const std::string &key) override { return read_text("meta", key); }

  Status set_meta(const std::string &key, const std::string &value) override {
    YKIEN_TRY(writes_allowed());
    return write_text("meta", key, value);
  }

  Result<std::string> setting(const std::string &key) override { return read_text("settings", key); }

  Status set_setting(const std::string &key, const std::string &value) override {
    YKIEN_TRY(writes_allowed());
    return write_text("settings", key, value);
  }

  void after_commit(std::function<void()> fn) override { committed_.push_back(std::move(fn)); }
  // What after_commit queued: the caller runs it once the transaction committed.
  std::vector<std::function<void()>> take_after_commit() { return std::move(committed_); }

  // The commit, in one round trip with what is still ahead (a writer's last
  // write) and the greatest stamp received, raised to the one noted. Nothing to do
  // for a transaction that ran no statement and noted no stamp: it never began.
  Status commit() {
    const bool idle = !begun_ && counter_at_ >= 0 && ahead_.size() == prelude_;
    if (idle && remote_stamp_.is_zero()) return Status::Ok();
    if (!writable_ && ahead_.empty() && remote_stamp_.is_zero()) {
      // A reader's reads are in hand: its commit need not be waited for.
      YKIEN_TRY(lease_.send_commit());
      begun_ = false;
      return Status::Ok();
    }
    if (!remote_stamp_.is_zero())
      ahead_.push_back({"INSERT INTO counters(name, value) VALUES('max_remote_hlc', $1) ON CONFLICT (name) "
                        "DO UPDATE SET value = greatest(counters.value, EXCLUDED.value)",
                        {u64(remote_stamp_.raw())}, "remember the greatest stamp"});
    ahead_.push_back({"COMMIT", {}, "commit"});
    YKIEN_TRY(run_ahead().status());
    begun_ = false;
    return Status::Ok();
  }

 private:
  // A value of a key/value table (settings, meta); "" when unset.
  Result<std::string> read_text(const std::string &table, const std::string &key) {
    auto r = exec({"SELECT value FROM " + table + " WHERE key = $1", {key}, "read a setting"});
    if (!r.ok()) return r.status();
    return PQntuples(r->get()) == 0 ? std::string() : text_at(r->get(), 0, 0);
  }

  Status write_text(const std::string &table, const std::string &key, const std::string &value) {
    return exec({"INSERT INTO " + table + "(key, value) VALUES($1, $2) ON CONFLICT (key) "
                 "DO UPDATE SET value = EXCLUDED.value",
                 {key, value}, "write a setting"})
        .status();
  }

  // Runs `s` after what is ahead of it (the begin, a writer's last write), in one
  // round trip.
  Result<pg::ResultPtr> exec(pg::Statement s) {
    if (ahead_.empty()) return s.binary ? lease_.exec_binary(s.sql, s.params, s.what) : lease_.exec(s.sql, s.params, s.what);
    auto results = exec_all({std::move(s)});
    if (!results.ok()) return results.status();
    return std::move(results->back());
  }

  // Runs the statements after what is ahead of them, in one round trip: their results.
  Result<std::vector<pg::ResultPtr>> exec_all(std::vector<pg::Statement> statements) {
    const size_t first = ahead_.size();
    for (auto &st : statements) ahead_.push_back(std::move(st));
    auto results = run_ahead();
    if (!results.ok()) return results.status();
    results->erase(results->begin(), results->begin() + static_cast<std::ptrdiff_t>(first));
    return results;
  }

  // Runs what is ahead now.
  Status flush() { return ahead_.empty() ? Status::Ok() : run_ahead().status(); }

  Result<std::vector<pg::ResultPtr>> run_ahead() {
    std::vector<pg::Statement> batch = std::move(ahead_);
    ahead_.clear();
    if (counter_at_ >= 0) begun_ = true;  // from here on, rolled back unless committed
    auto results = lease_.exec_pipeline(batch);
    if (!results.ok()) return results.status();
    if (counter_at_ >= 0) {
      seq_ = int_at((*results)[static_cast<size_t>(counter_at_)].get(), 0, 0);
      counter_at_ = -1;
    }
    return results;
  }

  Status writes_allowed() const {
    if (writable_) return Status::Ok();
    return Status(ErrorCode::internal, "a write was attempted in a read transaction");
  }

  // The scope condition of a pull. Which way to read: by unit
  // (replica_writes_scope_seq, then a sort) when the units' whole history is small
  // (a hamlet): walking it costs little wherever the cursor is. Else in position
  // order along the log's key, stopping at the batch end (a hub's commune): on
  // replica_writes_scope_seq, `seq > cursor` bounds the walk only within one scope
  // value, so a commune's long history would be walked whole at every exchange.
  // Counted, up to a bound, rather than left to the planner: its statistics lag a
  // bulk load (a commune's history stored at once). Small means fewer writes than a
  // batch has cells (a write holds one cell or more).
  struct ScopeFilter {
    std::string condition;     // " AND (...)" on l
    bool by_position = false;  // read along replica_writes' key (a long history)
  };
  Result<ScopeFilter> scope_filter(const std::vector<std::string> &scopes, int64_t limit,
                                   std::vector<Param> &params) {
    const int64_t bound = limit;
    std::string key = i64(bound);  // the scopes and the bound they were counted against
    for (const auto &scope : scopes) key.append(1, '\n').append(scope);
    bool long_history = store_.long_history(key);
    if (!long_history) {
      std::vector<Param> count_params;
      const auto arms = scope_ranges(scopes, count_params);
      std::string count = "SELECT count(*) FROM (";
      for (size_t i = 0; i < arms.size(); ++i)
        count += std::string(i > 0 ? " UNION ALL " : "") + "(SELECT 1 FROM replica_writes l WHERE " + arms[i] + " LIMIT " +
                 i64(bound) + ")";
      count += ") AS x";
      // Plain index scans stop at the bound; a bitmap scan would read the whole range.
      auto counted = exec_all({{"SET LOCAL enable_bitmapscan = off", {}, "plan"},
                               {count, std::move(count_params), "count the units' history"},
                               {"SET LOCAL enable_bitmapscan TO DEFAULT", {}, "plan"}});
      if (!counted.ok()) return counted.status();
      long_history = int_at((*counted)[1].get(), 0, 0) >= bound;
      if (long_history) store_.set_long_history(key);
    }
    if (!long_history) return ScopeFilter{any_of(scope_ranges(scopes, params)), false};
    // Opaque to the planner on purpose: only the log's key serves the query (no
    // index holds scope || '/'). One test per scope, inline: an EXISTS over unnest of an
    // array, as before, cost a subplan per cell, two thirds of the query.
    std::vector<std::string> arms;
    for (const auto &scope : scopes) {
      params.emplace_back(scope + "/");
      arms.push_back("starts_with(l.scope || '/', " + param_ref(params.size()) + ")");
    }
    return ScopeFilter{any_of(arms), true};
  }

  // The writes `filter` picks (a condition on l, a replica_writes), in position
  // order, at most `chunk` of them (a parameter reference), each with its row as
  // held now (NULL if none): a binary result of l.seq, then kRowColumns. The
  // writes come first, then each one's row by its key (a nested loop the planner
  // cannot reorder: LIMIT 1 keeps the subquery apart). `by_position`: walk the log
  // in order and stop at the chunk's end. Set, not left to the planner: after a
  // bulk load its statistics put few writes above the cursor or in the scopes, and
  // it then read every one above the cursor (by bitmap, or the whole table) and
  // sorted them, for each batch of a hub's first sync: 0.1-1 s a batch instead of
  // 10-20 ms.
  Result<pg::ResultPtr> read_writes(const std::string &filter, const std::string &chunk,
                                    const std::vector<Param> &params, bool by_position) {
    pg::Statement read{std::string("SELECT l.seq, ") + kRowColumns + " FROM (SELECT * FROM replica_writes l WHERE " +
                           filter + " ORDER BY l.seq LIMIT " + chunk +
                           ") AS l LEFT JOIN LATERAL (SELECT * FROM replica_rows r "
                           "WHERE r.tbl = l.tbl AND r.id = l.id LIMIT 1) AS r ON true ORDER BY l.seq",
                       params, "read changes", true};
    if (!by_position) return exec(std::move(read));
    // Only plain index scans for this statement, in its round trip. (Parallel
    // workers are off for the whole session: pg::Pool.)
    auto r = exec_all({{"SET LOCAL enable_seqscan = off", {}, "plan"},
                       {"SET LOCAL enable_bitmapscan = off", {}, "plan"},
                       std::move(read),
                       {"SET LOCAL enable_seqscan TO DEFAULT", {}, "plan"},
                       {"SET LOCAL enable_bitmapscan TO DEFAULT", {}, "plan"}});
    if (!r.ok()) return r.status();
    return std::move((*r)[2]);
  }

  // The rows with these keys, as held, with their cells' positions and origins.
  Result<std::vector<HeldRow>> read_rows(const std::vector<RowKey> &keys) {
    std::vector<Param> tables, ids;
    for (const auto &k : keys) {
      tables.emplace_back(k.table);
      ids.emplace_back(k.id);
    }
    auto r = exec({std::string("SELECT ") + kRowColumns +
                       " FROM replica_rows r JOIN unnest($1::text[], $2::text[]) AS k(tbl, id) ON r.tbl = k.tbl AND r.id = k.id",
                   {pg::array_literal(tables), pg::array_literal(ids)}, "read rows", true});
    if (!r.ok()) return r.status();
    return rows_of(r->get());
  }

  PgReplicaStore &store_;
  Lease &lease_;
  bool writable_;
  // The counter: the last position given out, by this transaction's writes or
  // before it (in a reader's snapshot; under a writer's lock); -1 until known.
  int64_t seq_ = -1;
  std::vector<pg::Statement> ahead_;  // to run before the next statement, in its round trip
  int counter_at_ = -1;  // where the counter's read is in ahead_ (not begun yet); -1 after
  size_t prelude_ = 0;   // the statements that begin the transaction
  bool begun_ = false;   // BEGIN sent, no COMMIT yet
  std::unordered_set<RowKey, sys::RowKeyHash> absent_;  // rows load_rows found absent, not written since
  // Rows read or written in this (write) transaction, as now held.
  std::unordered_map<RowKey, HeldRow, sys::RowKeyHash> held_;
  Hlc remote_stamp_;  // the greatest stamp noted in this transaction, not yet written
  std::vector<std::function<void()>> committed_;
};

}  // namespace

Status PgReplicaStore::write(const std::function<Status(sys::StoreTxn &)> &body) {
  auto lease = pool_.acquire();
  if (!lease.ok()) return lease.status();
  PgStoreTxn t(*this, *lease, PgStoreTxn::Kind::writer);  // rolled back unless committed
  YKIEN_TRY(body(t));
  YKIEN_TRY(t.commit());
  for (auto &fn : t.take_after_commit()) fn();
  return Status::Ok();
}

Status PgReplicaStore::read(const std::function<Status(sys::StoreTxn &)> &body) {
  auto lease = pool_.acquire();
  if (!lease.ok()) return lease.status();
  PgStoreTxn t(*this, *lease, PgStoreTxn::Kind::reader);  // rolled back unless committed
  YKIEN_TRY(body(t));
  return t.commit();
}

bool PgReplicaStore::long_history(const std::string &key) {
  std::lock_guard lock(long_histories_mutex_);
  return long_histories_.count(key) > 0;
}

void PgReplicaStore::set_long_history(const std::string &key) {
  std::lock_guard lock(long_histories_mutex_);
  long_histories_.insert(key);
}

}  // namespace ykien::server
