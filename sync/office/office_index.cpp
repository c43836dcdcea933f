#include "office_index.h"

#include <algorithm>
#include <mutex>
#include <set>

#include "data.h"
#include "ykien/seal.h"
#include "ykien/text.h"

namespace ykien::office {

namespace {

// The tables the index holds.
const std::set<std::string, std::less<>> kTables{"units", "meetings", "opinions", "responses", "support_visits"};

// Rows read from the store at once when changes come in.
constexpr size_t kReloadChunk = 500;

bool live(const sys::StoredRow &row) { return integer_cell(row, "_deleted") == 0; }

IndexedOpinion indexed(const sys::StoredRow &row) {
  IndexedOpinion out;
  out.opinion = opinion_from_row(row);
  Opinion &o = out.opinion;
  out.words = fold_for_search(o.content + " " + o.assigned_department + " " + o.escalated_to);
  // A sealed complainant is not searched: its ciphertext means nothing, and search
  // never sees the clear identity (docs/security.md).
  if (!is_sealed(o.citizen_name)) out.citizen_words = fold_for_search(o.citizen_name);
  o.content.clear();
  o.citizen_contact.clear();
  return out;
}

}  // namespace

Status OfficeIndex::read(const std::function<void(const IndexView &)> &read) {
  {
    std::unique_lock lock(mutex_);
    YKIEN_TRY(refresh());
  }
  std::shared_lock lock(mutex_);
  read(IndexView{units_, opinions_, meetings_, responses_, visits_});
  return Status::Ok();
}

Status OfficeIndex::refresh() {
  if (!loaded_) return load_all();
  auto end = replica_.current_cursor();
  if (!end) return end.status();
  if (*end <= cursor_) return Status::Ok();
  // The rows changed since the cursor, each read again whole: a change's cells
  // alone do not say whether the row is live, in which unit, or what it was before.
  int64_t cursor = cursor_;
  std::set<sys::RowKey> changed;
  for (bool more = true; more;) {
    ExportOptions options;
    options.limit_changes = 20000;
    auto batch = replica_.export_changes(cursor, options);
    if (!batch) return batch.status();
    for (const auto &c : batch->changes)
      if (kTables.count(c.table) != 0) changed.insert({c.table, c.id});
    cursor = batch->next_cursor;
    more = batch->more;
  }
  YKIEN_TRY(reload({changed.begin(), changed.end()}));
  if (std::any_of(changed.begin(), changed.end(), [](const sys::RowKey &k) { return k.table == "units"; }))
    sort_units();
  cursor_ = cursor;
  return Status::Ok();
}

Status OfficeIndex::load_all() {
  // The position first: what commits during the read is read again next time.
  auto end = replica_.current_cursor();
  if (!end) return end.status();
  units_by_id_.clear();
  opinions_.clear();
  meetings_.clear();
  responses_.clear();
  visits_.clear();
  for (const auto &table : kTables) {
    auto rows = replica_.find_rows({table, std::nullopt, {{"_deleted", Value{int64_t{0}}}}});
    if (!rows) return rows.status();
    for (const auto &row : *rows) apply({row.table, row.id}, &row);
  }
  sort_units();
  cursor_ = *end;
  loaded_ = true;
  return Status::Ok();
}

Status OfficeIndex::reload(const std::vector<sys::RowKey> &keys) {
  for (size_t at = 0; at < keys.size(); at += kReloadChunk) {
    const std::vector<sys::RowKey> chunk(keys.begin() + static_cast<std::ptrdiff_t>(at),
                                         keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), at + kReloadChunk)));
    auto rows = replica_.load_rows(chunk);
    if (!rows) return rows.status();
    for (size_t i = 0; i < chunk.size(); ++i) apply(chunk[i], (*rows)[i] ? &*(*rows)[i] : nullptr);
  }
  return Status::Ok();
}

// A row as it is now (`row`: null or deleted = gone) replaces what the index held.
void OfficeIndex::apply(const sys::RowKey &key, const sys::StoredRow *row) {
  const bool present = row && live(*row);
  if (key.table == "opinions") {
    if (!present) {
      opinions_.erase(key.id);
      return;
    }
    opinions_.insert_or_assign(key.id, indexed(*row));
  } else if (key.table == "responses") {
    if (!present) {
      responses_.erase(key.id);
      return;
    }
    Response r = response_from_row(*row);
    r.content.clear();
    responses_.insert_or_assign(key.id, std::move(r));
  } else if (key.table == "meetings") {
    if (present) meetings_.insert_or_assign(key.id, meeting_from_row(*row));
    else meetings_.erase(key.id);
  } else if (key.table == "support_visits") {
    if (present) visits_.insert_or_assign(key.id, visit_from_row(*row));
    else visits_.erase(key.id);
  } else if (key.table == "units") {
    if (present) units_by_id_.insert_or_assign(key.id, unit_from_row(*row));
    else units_by_id_.erase(key.id);
  }
}

void OfficeIndex::sort_units() {
  units_.clear();
  for (const auto &[id, u] : units_by_id_) units_.push_back(u);
  std::sort(units_.begin(), units_.end(), [](const Unit &a, const Unit &b) { return a.scope < b.scope; });
}

}  // namespace ykien::office
