// The replication core (ykien/replica.h): merge, export, purge and conflict review,
// over any row-granular store. Rules in prose: docs/changelog-format.md.
#include "ykien/replica.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>
#include <unordered_map>

#include "domain/validate.h"
#include "replication/authority.h"
#include "replication/change_checks.h"
#include "replication/column_place.h"
#include "replication/conflict_stamp.h"
#include "replication/merge_cycles.h"
#include "replication/value_rules.h"
#include "store/schema.h"
#include "ykien/merge.h"
#include "ykien/unit_tree.h"

namespace ykien {

using sys::RowKey;
using sys::StoredCell;
using sys::StoredRow;
using sys::StoreTxn;

namespace {

// The cell of a row that says it holds a denunciation's complainant.
constexpr const char *kConfidentialFlag = "confidential";

int64_t value_bytes(const Value &v) {
  if (const auto *s = std::get_if<std::string>(&v)) return static_cast<int64_t>(s->size());
  return 8;
}

bool flag_set(const StoredCell *cell) {
  const auto *v = cell ? std::get_if<int64_t>(&cell->value) : nullptr;
  return v && *v != 0;
}

std::string text_cell(const StoredRow &row, std::string_view column) {
  const StoredCell *cell = row.find(column);
  const auto *s = cell ? std::get_if<std::string>(&cell->value) : nullptr;
  return s ? *s : std::string();
}

// A row as it is being merged: its cells here, updated as incoming cells win.
struct Merging {
  StoredRow row;
  const schema::TableDef *table = nullptr;  // null for a table this version does not know
  std::vector<size_t> won;  // indexes in row.cells of the cells that won in this batch
  // The known columns (by place, as RowClock's masks) that may have a cell in `row`:
  // every one for a held row; for a new one, those the batch gave it so far. A cell
  // not among them is not looked for (a new row's cells, one after another).
  uint64_t may_hold = 0;
};

struct PendingConflict {
  merge::ConflictRecord record;
  std::string scope;
};

Conflict conflict_from(const StoredRow &r) {
  Conflict c;
  c.id = r.id;
  c.scope = r.scope;
  c.table = text_cell(r, "tbl");
  c.row_id = text_cell(r, "row_id");
  c.column = text_cell(r, "col");
  c.winner_value = text_cell(r, "winner_value");
  c.loser_value = text_cell(r, "loser_value");
  c.winner_hlc = text_cell(r, "winner_hlc");
  c.loser_hlc = text_cell(r, "loser_hlc");
  c.winner_site = text_cell(r, "winner_site");
  c.loser_site = text_cell(r, "loser_site");
  c.status = text_cell(r, "status");
  c.resolution = text_cell(r, "resolution");
  c.resolved_by = text_cell(r, "resolved_by");
  return c;
}

// The one refusal of an unknown or deleted conflict record.
Status conflict_not_found(const std::string &id) {
  return {ErrorCode::not_found, "conflict_id: no conflict with id '" + id + "'", "conflict_id"};
}

// A batch with refused changes is applied not at all; the caller learns them all
// (each write refused whole), the error names the first change at fault.
Status refuse(const ChangeBatch &changes, std::vector<Refusal> at_fault, const ApplyOptions &options) {
  std::vector<Refusal> all = authority::spread(changes, at_fault);
  Status st = refusal_status(at_fault.front(), all.size());
  if (options.refusals) *options.refusals = std::move(all);
  return st;
}

bool whole(const Conflict &c) { return !c.table.empty() && !c.row_id.empty() && !c.column.empty(); }

Result<Value> value_from_json(const std::string &text, schema::ColumnType type) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return Status::Invalid("value", "is not valid JSON");
  if (j.is_null()) return Value{};
  if (type == schema::ColumnType::integer) {
    if (j.is_boolean()) return Value{int64_t{j.get<bool>()}};
    if (j.is_number_integer()) return Value{j.get<int64_t>()};
    return Status::Invalid("value", "must be an integer");
  }
  if (!j.is_string()) return Status::Invalid("value", "must be a JSON string");
  return Value{j.get<std::string>()};
}

Result<std::optional<StoredRow>> load_one(StoreTxn &txn, const std::string &table, const std::string &id) {
  auto rows = txn.load_rows({RowKey{table, id}});
  if (!rows) return rows.status();
  return std::move(rows->front());
}

// A conflict record about a confidential cell (two edits of a complainant's name)
// carries that cell's values: they are as confidential as the cell, and kept back
// unless its row is here and not marked confidential.
Result<bool> conflict_values_confidential(StoreTxn &txn, const std::string &conflict_id) {
  auto conflict = load_one(txn, "conflicts", conflict_id);
  if (!conflict) return conflict.status();
  if (!conflict->has_value()) return true;
  const std::string table = text_cell(**conflict, "tbl"), column = text_cell(**conflict, "col");
  if (!merge::confidential_column(table, column)) return false;
  auto target = load_one(txn, table, text_cell(**conflict, "row_id"));
  if (!target) return target.status();
  if (!target->has_value()) return true;
  return flag_set((*target)->find(kConfidentialFlag));
}

// An attachment of a confidential opinion, or of an answer to one, is as confidential
// as the complainant's identity: a scan or a photo may show it (the office's rule,
// sync/office/access.cpp). So is one whose opinion is not held (yet): kept back
// rather than guessed.
Result<bool> attachment_confidential_in(StoreTxn &txn, const StoredRow &attachment) {
  std::string opinion_id = text_cell(attachment, "opinion_id");
  if (opinion_id.empty()) {
    const std::string response_id = text_cell(attachment, "response_id");
    if (response_id.empty()) return false;  // a meeting's or a visit's
    auto response = load_one(txn, "responses", response_id);
    if (!response) return response.status();
    if (!response->has_value()) return true;
    opinion_id = text_cell(**response, "opinion_id");
  }
  auto opinion = load_one(txn, "opinions", opinion_id);
  if (!opinion) return opinion.status();
  if (!opinion->has_value()) return true;
  return flag_set((*opinion)->find(kConfidentialFlag));
}

}  // namespace

bool scope_within(std::string_view scope, const std::vector<std::string> &scopes) {
  // The longest entry the scope lies in decides; an exclusion ("!s") over an entry
  // of the same length.
  size_t best = 0;
  bool given = false;
  for (const auto &entry : scopes) {
    const bool excluded = entry.starts_with('!');
    const std::string_view s = excluded ? std::string_view(entry).substr(1) : std::string_view(entry);
    if (s.empty()) continue;
    const bool in =
        scope == s || (scope.size() > s.size() && scope.compare(0, s.size(), s) == 0 && scope[s.size()] == '/');
    if (!in || s.size() < best || (s.size() == best && !excluded)) continue;
    best = s.size();
    given = !excluded;
  }
  return given;
}

std::vector<std::string> included_scopes(const std::vector<std::string> &scopes) {
  std::vector<std::string> out;
  for (const auto &s : scopes)
    if (!s.starts_with('!')) out.push_back(s);
  return out;
}

Replica::Replica(sys::ReplicaStore &store, OffsetClock &clock, HlcGenerator &hlc, SiteId site)
    : store_(store), clock_(clock), hlc_(hlc), site_(site) {}
Replica::~Replica() = default;

// ---- Merge ----

namespace {

// Every change's form, checked before anything is read or applied (it depends on
// nothing held): all of a batch or none of it.
Status check_forms(const ChangeBatch &changes, const ApplyOptions &options) {
  std::vector<Refusal> refused;
  bool previous_passed = false;
  RowChecked row{nullptr};
  for (size_t i = 0; i < changes.size(); ++i) {
    // A row's table, id and scope, checked (and its table found) once for its cells in a row.
    const ChangeRef c = changes[i];
    bool same_row = previous_passed && changes.same_group(i, i - 1);
    if (previous_passed && !same_row) {
      const ChangeRef p = changes[i - 1];
      same_row = c.id == p.id && c.scope == p.scope && c.table == p.table;
    }
    if (!same_row) row.table = schema::find_table(c.table);
    auto r = check_change_form(c, i, same_row ? &row : nullptr);
    previous_passed = !r;
    if (r) refused.push_back(std::move(*r));
  }
  if (!refused.empty()) return refuse(changes, std::move(refused), options);
  return Status::Ok();
}

}  // namespace

Result<ApplyReport> Replica::apply_in(StoreTxn &txn, const ChangeBatch &changes, const ApplyOptions &options) {
  YKIEN_TRY(check_forms(changes, options));
  return merge_in(txn, changes, options);
}

Result<ApplyReport> Replica::merge_in(StoreTxn &txn, const ChangeBatch &changes, const ApplyOptions &options) {
  ApplyReport report;
  std::vector<RowKey> changed;  // for the observers, while there are any
  const bool observed_now = observed();

  // The rows the batch touches, read at once. row_of[i]: change i's row in `keys`
  // (a row's cells come one after another: looked up once).
  std::unordered_map<sys::RowKeyView, size_t, sys::RowKeyHash> index;  // views of the batch's strings
  std::vector<RowKey> keys;
  std::vector<size_t> row_of(changes.size());
  for (size_t i = 0; i < changes.size(); ++i) {
    const ChangeRef c = changes[i];
    if (i > 0 && (changes.same_group(i, i - 1) || (c.id == changes[i - 1].id && c.table == changes[i - 1].table))) {
      row_of[i] = row_of[i - 1];
      continue;
    }
    auto [it, fresh] = index.emplace(sys::RowKeyView{c.table, c.id}, keys.size());
    if (fresh) keys.push_back({c.table, c.id});
    row_of[i] = it->second;
  }
  // With them, in the same read, the rows they name (after theirs), for the write policy.
  std::vector<RowKey> named;
  for (auto &key : authority::named_rows(changes, options.writer))
    if (!index.count(key)) named.push_back(std::move(key));
  const size_t batch_rows = keys.size();
  keys.insert(keys.end(), named.begin(), named.end());
  auto loaded = txn.load_rows(keys);
  if (!loaded) return loaded.status();
  keys.resize(batch_rows);
  std::vector<Merging> rows(keys.size());
  for (size_t k = 0; k < keys.size(); ++k) {
    if ((*loaded)[k]) rows[k].row = std::move(*(*loaded)[k]);
    else rows[k].row = StoredRow{keys[k].table, keys[k].id, {}, {}};
    rows[k].table = schema::find_table(keys[k].table);
    rows[k].may_hold = (*loaded)[k] ? ~uint64_t{0} : 0;
  }
  {  // room for every cell the batch brings, so that a row's cells (and the list of
     // those that won) move at most once
    std::vector<size_t> incoming(keys.size());
    for (size_t k : row_of) ++incoming[k];
    for (size_t k = 0; k < keys.size(); ++k) {
      rows[k].row.cells.reserve(rows[k].row.cells.size() + incoming[k]);
      rows[k].won.reserve(incoming[k]);
    }
  }

  authority::HeldRows held_rows;
  for (size_t k = 0; k < keys.size(); ++k) held_rows.emplace(keys[k], (*loaded)[k] ? &rows[k].row : nullptr);
  for (size_t j = 0; j < named.size(); ++j) {
    const auto &row = (*loaded)[batch_rows + j];
    held_rows.emplace(named[j], row ? &*row : nullptr);
  }
  auto policy = authority::refusals(txn, changes, held_rows, options.writer);
  if (!policy) return policy.status();
  if (!policy->empty()) return refuse(changes, std::move(*policy), options);

  std::vector<PendingConflict> conflicts;
  std::vector<std::string> tombstoned;  // opinions taken back, by the receiver of a push
  for (size_t i = 0; i < changes.size(); ++i) {
    const ChangeRef c = changes[i];
    if (c.hlc > report.max_hlc) report.max_hlc = c.hlc;
    Merging &m = rows[row_of[i]];
    // A row's scope is fixed by its first write: a change cannot move it.
    if (m.row.scope.empty()) m.row.scope = c.scope;
    if (m.row.scope != c.scope)
      return refuse(changes, {{static_cast<int64_t>(i), "invalid_change", c.table, c.id, "scope", "the row belongs to another unit"}},
                    options);
    // Cells of tables and columns this version does not know are kept and relayed
    // in the same order, never as conflicts (their values are not understood).
    const int place = m.table ? column_place(*m.table, c) : -1;
    const bool known = place >= 0;
    const uint64_t bit = known && place < 64 ? uint64_t{1} << place : 0;  // 0: looked for
    const merge::Stamp incoming{c.hlc, c.site, c.base};
    StoredCell *cell = bit == 0 || (m.may_hold & bit) ? m.row.find(c.column) : nullptr;
    m.may_hold |= bit;
    const Value none{};
    const Value &current_value = cell ? cell->value : none;
    const merge::Stamp current = cell ? cell->stamp : merge::Stamp{};
    const merge::Decision d =
        merge::decide(current_value, current, c.value, incoming, options.detect_conflicts && known);
    if (d.outcome == merge::Outcome::duplicate) {
      ++report.ignored;
      continue;
    }
    if (d.outcome == merge::Outcome::ignored) {
      if (d.conflict)
        conflicts.push_back({{c.table, c.id, c.column, current_value, c.value, current, incoming}, m.row.scope});
      ++report.ignored;
      continue;
    }
    if (d.conflict)
      conflicts.push_back({{c.table, c.id, c.column, c.value, current_value, incoming, current}, m.row.scope});
    size_t at;
    if (cell) {
      cell->value = c.value;
      cell->stamp = incoming;
      at = static_cast<size_t>(cell - m.row.cells.data());
    } else {
      at = m.row.cells.size();
      m.row.cells.push_back({c.column, c.value, incoming});
    }
    if (std::find(m.won.begin(), m.won.end(), at) == m.won.end()) m.won.push_back(at);
    // The value first: most cells are not a 1, and names cost a comparison each.
    if (const auto *one = std::get_if<int64_t>(&c.value);
        one && *one == 1 && options.detect_conflicts && c.column == "_deleted" && c.table == "opinions")
      tombstoned.push_back(c.id);
    ++report.applied;
  }

  // Each row that changed is written once, with the cells that won (moved: the
  // merged rows are not read again).
  std::vector<StoredRow> writes;
  writes.reserve(rows.size());
  for (auto &m : rows) {
    if (m.won.empty()) continue;
    if (observed_now) changed.push_back({m.row.table, m.row.id});
    if (m.won.size() == m.row.cells.size()) {  // a new row, or every cell won: all of it
      writes.push_back(std::move(m.row));
      writes.back().edit = {};  // a remote write: no local clocks (as a fresh row's)
      continue;
    }
    StoredRow w{std::move(m.row.table), std::move(m.row.id), std::move(m.row.scope), {}};
    w.cells.reserve(m.won.size());
    for (size_t at : m.won) w.cells.push_back(std::move(m.row.cells[at]));
    writes.push_back(std::move(w));
  }
  auto before = txn.end_position();
  if (!before) return before.status();
  report.position_before = *before;
  YKIEN_TRY(txn.write_rows(std::move(writes), options.origin));
  if (!report.max_hlc.is_zero()) {
    hlc_.observe(report.max_hlc);
    YKIEN_TRY(txn.note_remote_stamp(report.max_hlc));
  }

  // Conflict records are replicated rows with ids derived from the losing write and
  // the winning write's stamp: every replica that detects the conflict writes the
  // same row, and a replayed push records nothing new.
  if (!conflicts.empty()) {
    std::vector<RowKey> ids;
    for (const auto &pc : conflicts) ids.push_back({"conflicts", merge::conflict_id(pc.record)});
    auto held = txn.load_rows(ids);
    if (!held) return held.status();
    std::vector<StoredRow> records;
    for (size_t i = 0; i < conflicts.size(); ++i) {
      if ((*held)[i].has_value()) continue;
      if (std::any_of(records.begin(), records.end(), [&](const StoredRow &r) { return r.id == ids[i].id; })) continue;
      const merge::Stamp stamp = merge::conflict_record_stamp(conflicts[i].record, site_);
      StoredRow r{"conflicts", ids[i].id, conflicts[i].scope, {}};
      for (auto &[column, value] : merge::conflict_cells(conflicts[i].record))
        r.cells.push_back({std::move(column), std::move(value), stamp});
      if (observed_now) changed.push_back(ids[i]);
      records.push_back(std::move(r));
      ++report.conflicts;
    }
    YKIEN_TRY(txn.write_rows(std::move(records), ""));
  }
  // A pair merged in opposite directions on two tablets: the receiver brings back the
  // record the later merge kept, as its own write that every replica then pulls.
  if (!tombstoned.empty()) {
    auto merges = merge_cycles::merges_in(txn, changes, tombstoned);
    if (!merges) return merges.status();
    auto revived = merge_cycles::records_to_bring_back(txn, *merges);
    if (!revived) return revived.status();
    if (!revived->empty()) YKIEN_TRY(write_local_in(txn, *revived));
  }
  notify_after_commit(txn, std::move(changed), options.origin);
  return report;
}

Result<ApplyReport> Replica::apply_changes(const ChangeBatch &changes, const ApplyOptions &options) {
  YKIEN_TRY(check_forms(changes, options));
  Result<ApplyReport> report = ApplyReport{};
  Status st = store_.write([&](StoreTxn &txn) -> Status {
    report = merge_in(txn, changes, options);
    return report.status();
  });
  if (!st.ok()) return st;
  return report;
}

Result<ApplyReport> Replica::Txn::apply_changes(const ChangeBatch &changes, const ApplyOptions &options) {
  return replica_.apply_in(txn_, changes, options);
}

Result<std::string> Replica::Txn::setting(const std::string &key) { return txn_.setting(key); }

Status Replica::Txn::set_setting(const std::string &key, const std::string &value) {
  return txn_.set_setting(key, value);
}

Status Replica::transaction(const std::function<Status(Txn &)> &body) {
  return store_.write([&](StoreTxn &store_txn) -> Status {
    Txn txn(*this, store_txn);
    return body(txn);
  });
}

// ---- Export ----

Status Replica::read(const std::function<Status(Snapshot &)> &body) {
  return store_.read([&](StoreTxn &store_txn) -> Status {
    Snapshot snapshot(*this, store_txn);
    return body(snapshot);
  });
}

Result<ChangeSet> Replica::export_changes(int64_t cursor, const ExportOptions &options) {
  ChangeSet out;
  Status st = read([&](Snapshot &snapshot) -> Status {
    auto batch = snapshot.export_changes(cursor, options);
    if (!batch) return batch.status();
    out = std::move(*batch);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

namespace {

// A cell of `row` at the end of exported rows: in the last RowWrite when that is the
// same row with the same stamp (as dump_rows would join the changes), else in a new one.
void add_to_rows(std::vector<RowWrite> &rows, const StoredRow &row, StoredCell &&cell) {
  const merge::Stamp &s = cell.stamp;
  if (rows.empty() || !(rows.back().hlc == s.hlc && rows.back().site == s.site && rows.back().base == s.base &&
                        rows.back().id == row.id && rows.back().table == row.table && rows.back().scope == row.scope))
    rows.push_back(RowWrite{row.table, row.id, row.scope, s.hlc, s.site, s.base, {}});
  rows.back().cells.push_back(CellWrite{std::move(cell.column), std::move(cell.value)});
}

}  // namespace

Result<ChangeSet> Replica::Snapshot::export_changes(int64_t cursor, const ExportOptions &options) {
  ChangeSet out;
  // Read first: every position at or below it is committed (then a batch that
  // reaches the end can say so, and the cursor skips nothing committed late).
  auto end = txn_.end_position();
  if (!end) return end.status();
  sys::ReadRequest request;
  request.limit_cells = std::max<int64_t>(options.limit_changes, 1);
  request.scopes = options.scopes;
  request.exclude_origin = options.exclude_origin;
  request.echo_origin_through = options.echo_origin_through;
  if (!options.include_confidential) request.context.push_back(kConfidentialFlag);
  if (!options.conflict_records) request.context.push_back(kConflictWinnerHlc);
  auto batch = txn_.read_since(cursor, request);
  if (!batch) return batch.status();
  out.next_cursor = batch->next_cursor;
  out.more = batch->more;
  int64_t bytes = 0, cells = 0;
  std::map<std::string, bool> conflict_hidden;    // conflict id -> values kept back
  std::map<std::string, bool> attachment_hidden;  // attachment id -> kept back whole
  for (auto &w : batch->writes) {
    // A batch ends between writes: over budget, the rest waits for the next one.
    if (cells > 0 && (bytes >= options.limit_bytes || cells >= options.limit_changes)) {
      out.more = true;
      out.next_cursor = w.position - 1;
      break;
    }
    StoredRow &row = w.row;
    bool hide_confidential = false, hide_conflict_values = false;
    if (!options.include_confidential) {
      for (const auto &c : w.context)
        if (c.column == kConfidentialFlag) hide_confidential = flag_set(&c);
      if (row.table == "conflicts" &&
          std::any_of(row.cells.begin(), row.cells.end(),
                      [](const StoredCell &c) { return merge::holds_conflict_value(c.column); })) {
        auto it = conflict_hidden.find(row.id);
        if (it == conflict_hidden.end()) {
          auto hide = conflict_values_confidential(txn_, row.id);
          if (!hide) return hide.status();
          it = conflict_hidden.emplace(row.id, *hide).first;
        }
        hide_conflict_values = it->second;
      }
      if (row.table == "attachments") {
        auto it = attachment_hidden.find(row.id);
        if (it == attachment_hidden.end()) {
          // The write holds the cells it changed: its targets are in the whole row.
          auto whole = load_one(txn_, "attachments", row.id);
          if (!whole) return whole.status();
          auto hide = whole->has_value() ? attachment_confidential_in(txn_, **whole) : Result<bool>(true);
          if (!hide) return hide.status();
          it = attachment_hidden.emplace(row.id, *hide).first;
        }
        if (it->second) continue;
      }
    }
    // A conflict record as its detector made it: cells stamped at its winner_hlc.
    const std::optional<Hlc> as_detected = options.conflict_records ? std::nullopt : conflict_detected_hlc(w);
    for (auto &cell : row.cells) {
      if (as_detected && cell.stamp.hlc == *as_detected) continue;
      if (hide_confidential && merge::confidential_column(row.table, cell.column)) continue;
      if (hide_conflict_values && merge::holds_conflict_value(cell.column)) continue;
      bytes += value_bytes(cell.value) + 48;
      ++cells;
      if (options.as_rows)
        add_to_rows(out.rows, row, std::move(cell));
      else
        out.changes.push_back(Change{row.table, row.id, row.scope, std::move(cell.column), std::move(cell.value),
                                     cell.stamp.hlc, cell.stamp.site, cell.stamp.base});
    }
    row.cells = {};  // read and moved: freed as the changes grow, not at the end (a device's peak)
  }
  if (!out.more) out.next_cursor = std::max(out.next_cursor, *end);
  return out;
}

Result<bool> Replica::attachment_confidential(const StoredRow &attachment) {
  bool hidden = true;
  Status st = store_.read([&](StoreTxn &txn) -> Status {
    auto hide = attachment_confidential_in(txn, attachment);
    if (!hide) return hide.status();
    hidden = *hide;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return hidden;
}

Result<int64_t> Replica::current_cursor() {
  int64_t end = 0;
  Status st = read([&](Snapshot &snapshot) -> Status {
    auto e = snapshot.current_cursor();
    if (!e) return e.status();
    end = *e;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return end;
}

Result<int64_t> Replica::Snapshot::current_cursor() { return txn_.end_position(); }

// ---- Tombstones ----

namespace {

// Removes the tombstones of known tables stamped at or below `horizon`. Only tables
// this version knows: unknown ones are relayed, not interpreted.
Result<int64_t> purge_upto(StoreTxn &txn, Hlc horizon) {
  std::vector<RowKey> gone;
  for (const auto &table : schema::tables()) {
    auto deleted = txn.find_rows({std::string(table.name), std::nullopt, {{"_deleted", Value{int64_t{1}}}}});
    if (!deleted) return deleted.status();
    for (const auto &row : *deleted) {
      const StoredCell *tombstone = row.find("_deleted");
      if (tombstone && tombstone->stamp.hlc <= horizon) gone.push_back({row.table, row.id});
    }
  }
  YKIEN_TRY(txn.erase_rows(gone));
  return static_cast<int64_t>(gone.size());
}

}  // namespace

Result<int64_t> Replica::purge_tombstones(Hlc acknowledged) {
  Result<int64_t> purged = int64_t{0};
  Status st = store_.write([&](StoreTxn &txn) -> Status {
    purged = purge_upto(txn, acknowledged);
    return purged.status();
  });
  if (!st.ok()) return st;
  return purged;
}

Result<int64_t> Replica::purge_acknowledged(int64_t acknowledged) {
  Result<int64_t> purged = int64_t{0};
  Status st = store_.write([&](StoreTxn &txn) -> Status {
    // Lower the horizon below every tombstone written after the cursor, whatever
    // its stamp. One transaction: no tombstone slips in between scan and purge.
    Hlc horizon(~uint64_t{0});
    int64_t cursor = acknowledged;
    for (;;) {
      auto batch = txn.read_since(cursor, {});
      if (!batch) return batch.status();
      for (const auto &w : batch->writes)
        if (const StoredCell *t = w.row.find("_deleted"); t && t->stamp.hlc <= horizon)
          horizon = t->stamp.hlc.is_zero() ? Hlc() : Hlc(t->stamp.hlc.raw() - 1);
      if (!batch->more || batch->next_cursor <= cursor) break;
      cursor = batch->next_cursor;
    }
    if (horizon.is_zero()) return Status::Ok();
    purged = purge_upto(txn, horizon);
    return purged.status();
  });
  if (!st.ok()) return st;
  return purged;
}

Result<bool> Replica::has_unit(const std::string &scope) {
  bool found = false;
  Status st = store_.read([&](StoreTxn &txn) -> Status {
    auto units = txn.find_rows({"units", scope, {{"_deleted", Value{int64_t{0}}}}});
    if (!units) return units.status();
    found = !units->empty();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return found;
}

// ---- Conflicts ----

Result<std::vector<Conflict>> Replica::list_conflicts(const ConflictFilter &filter) {
  std::vector<Conflict> out;
  Status st = store_.read([&](StoreTxn &txn) -> Status {
    sys::RowFilter rows{"conflicts", std::nullopt, {{"_deleted", Value{int64_t{0}}}}};
    if (filter.open_only) rows.equal.push_back({"status", Value{std::string("open")}});
    auto found = txn.find_rows(rows);
    if (!found) return found.status();
    for (const auto &row : *found) {
      Conflict c = conflict_from(row);
      // A record whose cells have not all arrived yet names no cell to review.
      if (!whole(c)) continue;
      if (!filter.scopes.empty() && !scope_within(c.scope, filter.scopes)) continue;
      if (!filter.table.empty() && c.table != filter.table) continue;
      out.push_back(std::move(c));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<Conflict> Replica::get_conflict(const std::string &conflict_id) {
  Result<Conflict> out = conflict_not_found(conflict_id);
  Status st = store_.read([&](StoreTxn &txn) -> Status {
    auto row = load_one(txn, "conflicts", conflict_id);
    if (!row) return row.status();
    if (row->has_value() && !flag_set((*row)->find("_deleted"))) out = conflict_from(**row);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Status Replica::resolve_conflict(const std::string &conflict_id, const std::string &value_json,
                                 const std::string &by, const std::vector<StoredRow> &also) {
  YKIEN_TRY(validate::optional_text("by", by, 200));
  return store_.write([&](StoreTxn &txn) -> Status {
    auto crow = load_one(txn, "conflicts", conflict_id);
    if (!crow) return crow.status();
    if (!crow->has_value() || flag_set((*crow)->find("_deleted")))
      return conflict_not_found(conflict_id);
    const Conflict c = conflict_from(**crow);
    if (c.status == "resolved")
      return {ErrorCode::invalid_state, "conflict_id: the conflict was already resolved", "conflict_id"};
    if (!whole(c))
      return {ErrorCode::invalid_state,
              "conflict_id: only part of the conflict record has arrived; sync and try again", "conflict_id"};
    const auto *table = schema::find_table(c.table);
    const int column = table ? table->column_index(c.column) : -1;
    if (column < 0)
      return {ErrorCode::unsupported_version,
              "conflict_id: the conflict is about " + c.table + "." + c.column + ", unknown to this app version"};
    auto value = value_from_json(value_json, table->columns[static_cast<size_t>(column)].type);
    if (!value) return value.status();
    if (auto *s = std::get_if<std::string>(&*value)) YKIEN_TRY(validate::optional_text("value", *s, 20000));
    auto target = load_one(txn, c.table, c.row_id);
    if (!target) return target.status();
    if (!target->has_value() || flag_set((*target)->find("_deleted")))
      return {ErrorCode::not_found, "conflict_id: no " + c.table + " with id '" + c.row_id + "'", "conflict_id"};
    // Written even when unchanged: the resolution must win over both edits everywhere.
    std::vector<StoredRow> rows{
        {c.table, c.row_id, (*target)->scope, {{c.column, *value, {}}}},
        {"conflicts", c.id, c.scope,
         {{"status", std::string("resolved"), {}},
          {"resolution", merge::value_to_json(*value), {}},
          {"resolved_by", by, {}}}}};
    rows.insert(rows.end(), also.begin(), also.end());
    return write_local_in(txn, rows);
  });
}

// ---- State hash ----

Result<std::string> Replica::state_hash() {
  // Every cell held is the latest of its position: all of them, from the start.
  std::vector<Change> cells;
  Status st = store_.read([&](StoreTxn &txn) -> Status {
    cells.clear();
    for (int64_t from = 0;;) {
      sys::ReadRequest request;
      request.limit_cells = 1 << 20;
      auto batch = txn.read_since(from, request);
      if (!batch) return batch.status();
      for (auto &w : batch->writes)
        for (auto &c : w.row.cells)
          cells.push_back({w.row.table, w.row.id, w.row.scope, std::move(c.column), std::move(c.value), c.stamp.hlc,
                           c.stamp.site, c.stamp.base});
      if (!batch->more || batch->next_cursor <= from) break;
      from = batch->next_cursor;
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  std::sort(cells.begin(), cells.end(), [](const Change &a, const Change &b) {
    return std::tie(a.table, a.id, a.column) < std::tie(b.table, b.id, b.column);
  });
  // FNV-1a over every cell in that canonical order.
  uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&h](std::string_view data) {
    for (unsigned char c : data) {
      h ^= c;
      h *= 0x100000001b3ull;
    }
    h ^= 0xFF;
    h *= 0x100000001b3ull;
  };
  for (const auto &c : cells) {
    mix(c.table);
    mix(c.id);
    mix(c.scope);
    mix(c.column);
    mix(merge::value_to_json(c.value));
    mix(c.hlc.to_string());
    mix(site_to_string(c.site));
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return std::string(buf);
}

// ---- Local writes and settings ----

Status Replica::write_local_in(StoreTxn &txn, const std::vector<StoredRow> &rows) {
  // What is written here (the office, an admin) meets the value rules every
  // replica applies to what it receives.
  for (const auto &r : rows) {
    const auto *table = schema::find_table(r.table);
    for (const auto &cell : r.cells) {
      const auto *column = table ? table->column(cell.column) : nullptr;
      if (!column) return Status::Invalid(r.table + "." + cell.column, "is not a column of the schema");
      if (std::string why = rules::misfit(*column, cell.value); !why.empty()) return Status::Invalid(cell.column, why);
    }
  }
  std::vector<RowKey> keys;
  for (const auto &r : rows) keys.push_back({r.table, r.id});
  auto held = txn.load_rows(keys);
  if (!held) return held.status();
  std::vector<StoredRow> writes;
  for (size_t i = 0; i < rows.size(); ++i) {
    StoredRow w = rows[i];
    if ((*held)[i] && !(*held)[i]->scope.empty()) w.scope = (*held)[i]->scope;  // a row keeps its scope
    const BootTime boot = clock_.since_boot();
    w.edit = {boot.boot, boot.ms, clock_.wall().now_ms()};  // for a later re-stamp (docs/time.md)
    const Hlc now = hlc_.now();
    for (auto &cell : w.cells) {
      const StoredCell *current = (*held)[i] ? (*held)[i]->find(cell.column) : nullptr;
      cell.stamp = {now, site_, merge::local_base(current ? current->stamp : merge::Stamp{}, site_)};
    }
    writes.push_back(std::move(w));
  }
  YKIEN_TRY(txn.write_rows(std::move(writes), ""));
  notify_after_commit(txn, std::move(keys), "");
  return Status::Ok();
}

Status Replica::write_local(const std::vector<StoredRow> &rows) {
  return store_.write([&](StoreTxn &txn) { return write_local_in(txn, rows); });
}

Result<std::string> Replica::Snapshot::setting(const std::string &key) { return txn_.setting(key); }

Result<std::string> Replica::setting(const std::string &key) {
  std::string value;
  Status st = read([&](Snapshot &snapshot) -> Status {
    auto v = snapshot.setting(key);
    if (!v) return v.status();
    value = std::move(*v);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return value;
}

Status Replica::set_setting(const std::string &key, const std::string &value) {
  return store_.write([&](StoreTxn &txn) { return txn.set_setting(key, value); });
}

// ---- Observers ----

void Replica::add_observer(ChangeObserver *observer) {
  std::lock_guard lock(observers_mutex_);
  observers_.push_back(observer);
  observed_ = true;
}

void Replica::remove_observer(ChangeObserver *observer) {
  std::lock_guard lock(observers_mutex_);
  std::erase(observers_, observer);
  observed_ = !observers_.empty();
}

void Replica::notify_after_commit(StoreTxn &txn, std::vector<RowKey> rows, const std::string &origin) {
  if (rows.empty()) return;
  txn.after_commit([this, rows = std::move(rows), origin] { notify(rows, origin); });
}

void Replica::notify(const std::vector<RowKey> &rows, const std::string &origin) {
  if (rows.empty()) return;
  std::vector<ChangeObserver *> observers;
  {
    std::lock_guard lock(observers_mutex_);
    observers = observers_;
  }
  if (observers.empty()) return;
  std::map<std::string, std::vector<std::string>> by_table;
  for (const auto &key : rows) {
    auto &ids = by_table[key.table];
    if (std::find(ids.begin(), ids.end(), key.id) == ids.end()) ids.push_back(key.id);
  }
  for (auto *o : observers)
    for (const auto &[table, ids] : by_table) o->rows_changed(table, ids, origin);
}

}  // namespace ykien
