#include "replication/authority.h"

#include <algorithm>
#include <map>
#include <span>
#include <stdexcept>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "replication/column_place.h"
#include "replication/value_rules.h"
#include "store/schema.h"
#include "ykien/replica.h"
#include "ykien/seal.h"

namespace ykien::authority {

using sys::RowKey;
using sys::StoredCell;
using sys::StoredRow;

namespace {

const char *const kConfidentialFlag = "confidential";

// Where the opinions table holds the columns the opinion rules read (fixed when the
// schema is built): a write's values are found by place, not by comparing names.
struct OpinionColumns {
  size_t kind, flag, status;
};

const OpinionColumns &opinion_columns() {
  static const OpinionColumns at = [] {
    const auto *opinions = schema::find_table("opinions");
    auto place = [opinions](std::string_view name) {
      const int i = opinions ? opinions->column_index(name) : -1;
      if (i < 0) throw std::logic_error("the schema's opinions have no column " + std::string(name));
      return static_cast<size_t>(i);
    };
    return OpinionColumns{place("kind"), place(kConfidentialFlag), place("status")};
  }();
  return at;
}

// The cells of one row written with one stamp: the unit a refusal applies to.
struct Write {
  sys::RowKeyView key;  // the batch's strings: a batch has thousands of writes
  std::string_view scope;
  merge::Stamp stamp;
  std::span<const size_t> members;  // indexes into the batch (its writes())
};

// A row as the batch leaves it so far: the held row's cells, then the writes checked
// before, each cell pointing at its value where it lies (held or in the batch), as
// copying every value of a batch would cost more than the checks.
struct ViewCell {
  std::string_view column;
  const Value *value;
  merge::Stamp stamp;
};

struct ViewRow {
  std::string_view scope;
  std::vector<ViewCell> cells;

  const ViewCell *find(std::string_view column) const {
    for (const auto &c : cells)
      if (c.column == column) return &c;
    return nullptr;
  }
  ViewCell *find(std::string_view column) {
    return const_cast<ViewCell *>(std::as_const(*this).find(column));
  }
};

ViewRow view_of(const StoredRow &row) {
  ViewRow v{row.scope, {}};
  v.cells.reserve(row.cells.size());
  for (const auto &c : row.cells) v.cells.push_back({c.column, &c.value, c.stamp});
  return v;
}

const std::string *text_of(const ViewRow *row, std::string_view column) {
  const ViewCell *c = row ? row->find(column) : nullptr;
  return c ? std::get_if<std::string>(c->value) : nullptr;
}

bool flag_of(const ViewRow *row, std::string_view column) {
  const ViewCell *c = row ? row->find(column) : nullptr;
  const auto *v = c ? std::get_if<int64_t>(c->value) : nullptr;
  return v && *v != 0;
}


class Checker {
 public:
  Checker(sys::StoreTxn &txn, const ChangeBatch &changes, const HeldRows &held, const Writer &writer)
      : txn_(txn), changes_(changes), held_(held), writer_(writer) {}

  Result<std::vector<Refusal>> run() {
    group();
    for (auto &w : writes_) check_write(w);
    YKIEN_TRY(check_references());
    YKIEN_TRY(check_status_history());
    std::sort(found_.begin(), found_.end(), [](const Refusal &a, const Refusal &b) { return a.index < b.index; });
    return std::move(found_);
  }

 private:
  // ---- The batch as writes ----

  void group() {
    for (const auto &members : changes_.writes()) {
      const ChangeRef c = changes_[members.front()];
      writes_.push_back({{c.table, c.id}, c.scope, {c.hlc, c.site, c.base}, members});
    }
    // In the order they were made: a relay sends a row's cells as it holds them (a
    // later edit may come first), and the write that makes a row must be met first.
    std::stable_sort(writes_.begin(), writes_.end(), [](const Write &a, const Write &b) {
      return std::tie(a.stamp.hlc, a.stamp.site) < std::tie(b.stamp.hlc, b.stamp.site);
    });
  }

  // The row as the batch leaves it so far (held, then the writes checked before);
  // null for a row neither held nor written by the batch. Every row the batch
  // writes is held (as null when new): its view is keyed by the held entry's key.
  const ViewRow *current(sys::RowKeyView key) {
    auto held = held_.find(key);
    if (held == held_.end()) return nullptr;
    if (auto it = view_.find(&held->first); it != view_.end()) return &it->second;
    if (!held->second) return nullptr;
    return &view_.emplace(&held->first, view_of(*held->second)).first->second;
  }

  void overlay(const Write &w) {
    auto held = held_.find(w.key);
    if (held == held_.end()) return;  // not the batch's (cannot happen: every row is held)
    auto it = view_.find(&held->first);
    if (it == view_.end())
      it = view_.emplace(&held->first, held->second ? view_of(*held->second) : ViewRow{w.scope, {}}).first;
    ViewRow &row = it->second;
    row.cells.reserve(row.cells.size() + w.members.size());
    for (size_t i : w.members) {
      const ChangeRef c = changes_[i];
      ViewCell *cell = row.find(c.column);
      if (!cell) {
        row.cells.push_back({c.column, &c.value, {c.hlc, c.site, c.base}});
      } else if (merge::wins({c.hlc, c.site, c.base}, cell->stamp)) {
        cell->value = &c.value;
        cell->stamp = {c.hlc, c.site, c.base};
      }
    }
  }

  void refuse(size_t index, std::string code, std::string column, std::string reason) {
    const ChangeRef c = changes_[index];
    found_.push_back({static_cast<int64_t>(index), std::move(code), c.table, c.id, std::move(column), std::move(reason)});
  }

  // ---- One write ----

  bool is_device() const { return writer_.role == WriterRole::device; }

  // The same write the receiver already holds (a push repeated after a lost reply).
  bool replayed(const Write &w, const ViewRow *row) const {
    for (size_t i : w.members) {
      const ChangeRef c = changes_[i];
      const ViewCell *cell = row ? row->find(c.column) : nullptr;
      if (!cell || !merge::same_write(cell->stamp, w.stamp) || *cell->value != c.value) return false;
    }
    return true;
  }

  bool site_allowed(SiteId site) const {
    return writer_.sites.empty() || std::find(writer_.sites.begin(), writer_.sites.end(), site) != writer_.sites.end();
  }

  // A site whose writes are this writer's own (its tablets' for a hub); never for a
  // writer of any site (a peer).
  bool own_site(SiteId site) const {
    return std::find(writer_.sites.begin(), writer_.sites.end(), site) != writer_.sites.end();
  }

  void check_write(const Write &w) {
    const size_t before = found_.size();
    const size_t first = w.members.front();
    const ViewRow *row = current(w.key);
    const bool exists = row && !row->cells.empty();
    const auto *table = schema::find_table(w.key.table);
    if (replayed(w, row)) return;  // nothing new: already checked when it first came
    if (!site_allowed(w.stamp.site))
      return refuse(first, "wrong_site", "site", "this device may send only the changes it made itself");
    // Scope: the writer's units, and a row stays in the unit it was made in.
    if (exists && row->scope != w.scope)
      return refuse(first, "out_of_scope", "scope", "the row belongs to another unit");
    if (!(writer_.role == WriterRole::office && writer_.scopes.empty()) && !scope_within(w.scope, writer_.scopes))
      return refuse(first, "out_of_scope", "scope", "the row lies outside this device's units");
    if (!table)
      return refuse(first, "unknown_table", "table", "the server's schema has no table " + std::string(w.key.table));
    if (table->writers == schema::Writers::office && writer_.role != WriterRole::office)
      return refuse(first, "forbidden", "table", std::string(table->name) + " are made and changed by the office only");
    if (table->writers == schema::Writers::receivers && !exists && is_device())
      return refuse(first, "forbidden", "table", std::string(table->name) + " are recorded by the replica that receives a push");
    if (table->append_only && exists && writer_.role != WriterRole::office)
      return refuse(first, "forbidden", "table", std::string(table->name) + " are written once and never edited");
    // The value each of the table's columns has in this write so far.
    in_write_.assign(table->columns.size(), nullptr);
    for (size_t i : w.members) {
      const ChangeRef c = changes_[i];
      const int at = column_place(*table, c);
      if (at < 0) {
        refuse(i, "unknown_column", c.column, "the server's schema has no column " + c.table + "." + c.column);
        continue;
      }
      const Value *&seen = in_write_[static_cast<size_t>(at)];
      if (seen && *seen != c.value) {
        refuse(i, "conflicting_duplicate", c.column, "the batch holds two values with the same stamp");
        continue;
      }
      seen = &c.value;
      const schema::ColumnDef *col = &table->columns[static_cast<size_t>(at)];
      const ViewCell *held = exists ? row->find(c.column) : nullptr;
      if (held && merge::same_write(held->stamp, w.stamp) && *held->value != c.value) {
        refuse(i, "conflicting_duplicate", c.column, "a different value with the same stamp was received before");
        continue;
      }
      if (std::string why = rules::misfit(*col, c.value); !why.empty()) {
        refuse(i, "invalid_value", c.column, why);
        continue;
      }
      const bool changes_value = !held || *held->value != c.value;
      if (exists && changes_value && col->edit == schema::Edit::at_creation && writer_.role != WriterRole::office)
        refuse(i, "forbidden", c.column, "is set when the row is made and never changed");
      else if (exists && changes_value && col->edit == schema::Edit::never)
        refuse(i, "forbidden", c.column, "is derived, never written by a device");
      else if (exists && table->writers == schema::Writers::receivers && is_device() && col->edit != schema::Edit::any)
        refuse(i, "forbidden", c.column, "a device may only review a conflict record");
    }
    if (found_.size() == before && !exists) check_creation(w, *table);
    if (found_.size() == before && table->name == "opinions") check_opinion(w, row);
    overlay(w);
  }

  // A new row names what it belongs to; the names are resolved after the batch.
  // Called after check_write has found the write's value of each column (in_write_).
  void check_creation(const Write &w, const schema::TableDef &table) {
    for (size_t at = 0; at < table.columns.size(); ++at) {
      const schema::ColumnDef &col = table.columns[at];
      if (col.form != schema::Form::id || col.references.empty()) continue;
      const Value *named = in_write_[at];
      const std::string *id = named ? std::get_if<std::string>(named) : nullptr;
      if (!id || id->empty()) {
        if (col.required)
          refuse(w.members.front(), "invalid_reference", std::string(col.name),
                 "a new row of " + std::string(table.name) + " must name its " + std::string(col.references));
        continue;
      }
      references_.push_back({w.members.front(), col.name, {col.references, *id}, w.scope, is_merge_entry(table, w)});
    }
  }

  // The entry a merge of duplicates writes on the record it keeps ({"merged_from": id},
  // Database::merge_opinions).
  bool is_merge_entry(const schema::TableDef &table, const Write &w) const {
    if (table.name != std::string_view("status_history")) return false;
    for (size_t i : w.members)
      if (const ChangeRef c = changes_[i]; c.column == "note")
        if (const auto *note = std::get_if<std::string>(&c.value)) return note->starts_with("{\"merged_from\":");
    return false;
  }

  // Called after check_write has found the write's value of each column (in_write_),
  // which names the three this reads without comparing every cell's name.
  void check_opinion(const Write &w, const ViewRow *before) {
    const OpinionColumns &at = opinion_columns();
    const Value *kind = in_write_[at.kind], *flag = in_write_[at.flag], *status = in_write_[at.status];
    const bool was_confidential = flag_of(before, kConfidentialFlag);
    const auto *set = flag ? std::get_if<int64_t>(flag) : nullptr;
    const bool confidential = flag ? (set && *set != 0) : was_confidential;
    if (was_confidential && !confidential)
      return refuse(w.members.front(), "forbidden", kConfidentialFlag, "a confidential opinion stays confidential");
    const std::string *k = kind ? std::get_if<std::string>(kind) : text_of(before, "kind");
    if (k && *k == "denunciation" && !confidential)
      return refuse(w.members.front(), "invalid_value", kConfidentialFlag, "a denunciation is confidential from the start");
    // Its complainant's identity leaves the recording tablet sealed to the office's
    // key (ykien/seal.h): in clear, from a tablet or a hub, it is not taken.
    if (confidential && writer_.sealed_identities && (is_device() || writer_.role == WriterRole::hub))
      for (size_t i : w.members) {
        const ChangeRef c = changes_[i];
        const auto *v = std::get_if<std::string>(&c.value);
        if (is_identity_column(c.column) && v && !v->empty() && !is_sealed(*v))
          return refuse(i, "not_sealed", c.column,
                        "a denunciation's complainant is sealed to the office's key on the device that records it");
      }
    // A writer without the right to the complainant's identity is never sent it: it
    // may rewrite what it wrote itself (the recording tablet's correction), never
    // clear or replace what the office or another device holds (docs/security.md).
    // Whether it is anonymous is part of it (an identity marked anonymous is not shown).
    // A write that changes nothing, or loses to the value held, harms nothing.
    if (was_confidential && !writer_.confidential && writer_.role != WriterRole::office)
      for (size_t i : w.members) {
        const ChangeRef c = changes_[i];
        if (!is_identity_column(c.column) && c.column != "anonymous") continue;
        const ViewCell *held = before->find(c.column);
        if (held && !held->stamp.is_zero() && !own_site(held->stamp.site) && *held->value != c.value &&
            merge::wins({c.hlc, c.site, c.base}, held->stamp))
          return refuse(i, "forbidden", c.column,
                        "a complainant's identity is changed only by a device entitled to it, or the one that wrote it");
      }
    // The status moves with a status-history entry (written before it).
    const auto *to = status ? std::get_if<std::string>(status) : nullptr;
    if (!to || writer_.role == WriterRole::office) return;
    const std::string *from = text_of(before, "status");
    if (from && *from == *to) return;
    if (!before && *to == "received") return;
    moves_.push_back({w.members.front(), std::string(w.key.id), *to});
  }

  // ---- What the batch names ----

  // Views of the schema's names and of the batch's strings (no copy a new row).
  struct Reference {
    size_t index;
    std::string_view column;
    sys::RowKeyView target;
    std::string_view scope;  // of the row that names it
    bool merge_entry = false;
  };

  Status check_references() {
    std::vector<RowKey> missing;
    for (const auto &r : references_)  // the batch's rows and named_rows are held
      if (!held_.count(r.target)) missing.push_back({std::string(r.target.table), std::string(r.target.id)});
    std::sort(missing.begin(), missing.end());
    missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
    std::map<RowKey, StoredRow> loaded;
    if (!missing.empty()) {
      auto rows = txn_.load_rows(missing);
      if (!rows) return rows.status();
      for (size_t i = 0; i < missing.size(); ++i)
        if ((*rows)[i]) loaded.emplace(missing[i], std::move(*(*rows)[i]));
    }
    std::map<RowKey, ViewRow> loaded_views;
    for (const auto &[key, row] : loaded) loaded_views.emplace(key, view_of(row));
    for (const auto &r : references_) {
      const ViewRow *target = current(r.target);
      if (!target && !loaded_views.empty())
        if (auto it = loaded_views.find({std::string(r.target.table), std::string(r.target.id)});
            it != loaded_views.end())
          target = &it->second;
      // A unit's parent lies above it; every other row lies in the unit of what it names.
      const bool placed = r.target.table == "units" && r.column == "parent_id"
                              ? target && r.scope.size() > target->scope.size() &&
                                    r.scope.starts_with(target->scope) && r.scope[target->scope.size()] == '/'
                              : target && target->scope == r.scope;
      // A row taken back (a tombstone) is still named by what was written before it
      // was taken back: a withdrawn opinion's history entry, and what was recorded for
      // it, come in the same push as the withdrawal (refused, the withdrawal never
      // reached the server). Not by what was made after (an opinion added to a
      // meeting withdrawn meanwhile would be counted again), except a merge's entry
      // on the record it kept, taken back meanwhile by a merge (the other way: the
      // receiver brings one of the pair back, merge_cycles.h; or into a third): refused,
      // it would stay on the tablet for good, and it counts nothing. A record withdrawn
      // meanwhile takes nothing (its status would move under its withdrawal).
      const bool merge_may_name = r.merge_entry && !withdrawn_before(r.target, loaded);
      if (!target || target->cells.empty() || !placed ||
          (!merge_may_name && made_after_taken_back(*target, changes_[r.index])))
        refuse(r.index, "invalid_reference", std::string(r.column),
               "names no " + std::string(r.target.table) + " of this unit that this device may see");
    }
    return Status::Ok();
  }

  // The row's status as this replica held it before the batch is "withdrawn".
  bool withdrawn_before(sys::RowKeyView key, const std::map<RowKey, StoredRow> &loaded) const {
    const StoredRow *row = nullptr;
    if (auto h = held_.find(key); h != held_.end()) row = h->second;
    else if (auto l = loaded.find({std::string(key.table), std::string(key.id)}); l != loaded.end())
      row = &l->second;
    const StoredCell *status = row ? row->find("status") : nullptr;
    const auto *text = status ? std::get_if<std::string>(&status->value) : nullptr;
    return text && *text == "withdrawn";
  }

  static bool made_after_taken_back(const ViewRow &target, const ChangeRef &naming) {
    if (!flag_of(&target, "_deleted")) return false;
    const ViewCell *deleted = target.find("_deleted");
    return deleted && !merge::wins(deleted->stamp, {naming.hlc, naming.site, naming.base});
  }

  struct Move {
    size_t index;
    std::string opinion;
    std::string to;
  };

  Status check_status_history() {
    for (const auto &m : moves_) {
      bool recorded = false;
      for (const auto &[key, row] : view_)
        if (key->table == "status_history" && text_of(&row, "opinion_id") && *text_of(&row, "opinion_id") == m.opinion &&
            text_of(&row, "to_status") && *text_of(&row, "to_status") == m.to)
          recorded = true;
      if (!recorded) {
        auto entries = txn_.find_rows({"status_history", std::nullopt,
                                       {{"opinion_id", Value{m.opinion}}, {"to_status", Value{m.to}}}});
        if (!entries) return entries.status();
        recorded = !entries->empty();
      }
      if (!recorded)
        refuse(m.index, "forbidden", "status", "an opinion's status changes only with a status-history entry");
    }
    return Status::Ok();
  }

  sys::StoreTxn &txn_;
  const ChangeBatch &changes_;
  const HeldRows &held_;
  const Writer &writer_;
  std::vector<Write> writes_;
  std::unordered_map<const sys::RowKeyView *, ViewRow> view_;  // keyed by the held entry's key
  std::vector<Refusal> found_;
  std::vector<Reference> references_;
  std::vector<Move> moves_;
  std::vector<const Value *> in_write_;  // check_write's, kept to reuse its memory
};

}  // namespace

std::vector<Refusal> spread(const ChangeBatch &changes, std::vector<Refusal> found) {
  if (found.empty()) return found;
  std::map<size_t, const Refusal *> by_index;
  for (const auto &r : found) by_index.emplace(static_cast<size_t>(r.index), &r);
  std::vector<Refusal> out;
  for (const auto &members : changes.writes()) {
    const Refusal *first = nullptr;
    for (size_t i : members)
      if (auto it = by_index.find(i); it != by_index.end() && !first) first = it->second;
    if (!first) continue;
    for (size_t i : members) {
      auto it = by_index.find(i);
      Refusal r = it != by_index.end() ? *it->second : *first;
      r.index = static_cast<int64_t>(i);
      if (it == by_index.end()) r.column = changes[i].column;
      out.push_back(std::move(r));
    }
  }
  std::sort(out.begin(), out.end(), [](const Refusal &a, const Refusal &b) { return a.index < b.index; });
  return out;
}

std::vector<RowKey> named_rows(const ChangeBatch &changes, const Writer &writer) {
  std::vector<RowKey> named;
  if (writer.role == WriterRole::peer) return named;
  const schema::TableDef *table = nullptr;
  for (size_t i = 0; i < changes.size(); ++i) {
    const ChangeRef c = changes[i];
    if (!table || table->name != c.table) table = schema::find_table(c.table);
    if (!table) continue;
    const int at = column_place(*table, c);
    if (at < 0) continue;
    const auto &col = table->columns[static_cast<size_t>(at)];
    const auto *id = std::get_if<std::string>(&c.value);
    if (col.form != schema::Form::id || col.references.empty() || !id || id->empty()) continue;
    // The rows of a batch name the same few (their meeting, their unit): a name met
    // among the last few is not copied again.
    const auto same = [&](const RowKey &k) { return k.id == *id && k.table == col.references; };
    if (std::any_of(named.end() - static_cast<std::ptrdiff_t>(std::min<size_t>(named.size(), 4)), named.end(), same))
      continue;
    named.push_back({std::string(col.references), *id});
  }
  std::sort(named.begin(), named.end());
  named.erase(std::unique(named.begin(), named.end()), named.end());
  return named;
}

Result<std::vector<Refusal>> refusals(sys::StoreTxn &txn, const ChangeBatch &changes, const HeldRows &held,
                                      const Writer &writer) {
  if (writer.role == WriterRole::peer) return std::vector<Refusal>{};
  return Checker(txn, changes, held, writer).run();
}

}  // namespace ykien::authority
