// Support visits: households in difficulty visited, gifts given, volunteer work.
#include "core/database_impl.h"
#include "domain/validate.h"
#include "query/subtree.h"
#include "ykien/uuid.h"

namespace ykien {

namespace {

const schema::TableDef &visits_table() { return *schema::find_table("support_visits"); }

SupportVisit visit_from(const Row &r) {
  SupportVisit v;
  v.id = r.id;
  v.scope = r.scope;
  v.unit_id = text_of(r, "unit_id");
  v.meeting_id = text_of(r, "meeting_id");
  v.household = text_of(r, "household");
  v.kind = text_of(r, "kind");
  v.gift_value_vnd = int_of(r, "gift_value_vnd");
  v.notes = text_of(r, "notes");
  v.visited_at = text_of(r, "visited_at");
  v.reason = text_of(r, "reason");
  v.given = text_of(r, "given");
  v.visitors = text_of(r, "visitors");
  return v;
}

// The rules of a visit's own fields (its unit and meeting are checked apart).
Status check_fields(const SupportVisit &v) {
  YKIEN_TRY(validate::required_text("household", v.household, 300));
  YKIEN_TRY(validate::one_of("kind", v.kind, domain::kSupportKinds));
  YKIEN_TRY(validate::non_negative("gift_value_vnd", v.gift_value_vnd, 1'000'000'000'000));
  YKIEN_TRY(validate::optional_text("notes", v.notes, 5000));
  YKIEN_TRY(validate::optional_text("reason", v.reason, 500));
  YKIEN_TRY(validate::optional_text("given", v.given, 500));
  YKIEN_TRY(validate::optional_text("visitors", v.visitors, 500));
  return Status::Ok();
}

}  // namespace

Result<SupportVisit> Database::record_support_visit(SupportVisit v) {
  YKIEN_TRY(check_fields(v));
  return impl_->write_txn([&]() -> Result<SupportVisit> {
    if (v.visited_at.empty()) v.visited_at = impl_->now_local();
    YKIEN_TRY(validate::date_time("visited_at", v.visited_at));
    if (!v.meeting_id.empty()) {
      auto m = impl_->load_live(*schema::find_table("meetings"), v.meeting_id, "meeting_id");
      if (!m) return m.status();
      const std::string meeting_unit = text_of(*m, "unit_id");
      if (v.unit_id.empty()) v.unit_id = meeting_unit;
      if (v.unit_id != meeting_unit) return Status::Invalid("unit_id", "differs from the unit of the meeting");
    }
    auto unit = impl_->load_live(*schema::find_table("units"), v.unit_id, "unit_id");
    if (!unit) return unit.status();
    const auto &t = *schema::find_table("support_visits");
    std::vector<Value> vals(t.columns.size());
    vals[col(t, "unit_id")] = v.unit_id;
    vals[col(t, "meeting_id")] = v.meeting_id;
    vals[col(t, "household")] = v.household;
    vals[col(t, "kind")] = v.kind;
    vals[col(t, "gift_value_vnd")] = v.gift_value_vnd;
    vals[col(t, "notes")] = v.notes;
    vals[col(t, "visited_at")] = v.visited_at;
    vals[col(t, "reason")] = v.reason;
    vals[col(t, "given")] = v.given;
    vals[col(t, "visitors")] = v.visitors;
    auto row = impl_->create_row(t, new_uuid_v7(impl_->clock), unit->scope, std::move(vals));
    if (!row) return row.status();
    v.id = row->id;
    v.scope = row->scope;
    return v;
  });
}

Result<std::vector<SupportVisit>> Database::list_support_visits(const std::string &scope, const std::string &from,
                                                               const std::string &to) const {
  if (!from.empty()) YKIEN_TRY(validate::date("from", from));
  if (!to.empty()) YKIEN_TRY(validate::date("to", to));
  std::lock_guard lock(impl_->mutex);
  auto rows = impl_->select_rows(
      visits_table(),
      "SELECT id FROM support_visits WHERE _deleted = 0 AND " YKIEN_SUBTREE(1)
      " AND (?2 = '' OR visited_at >= ?2) AND (?3 = '' OR substr(visited_at, 1, 10) <= ?3) ORDER BY visited_at, id",
      {scope, from, to});
  if (!rows) return rows.status();
  std::vector<SupportVisit> out;
  for (const auto &row : *rows) out.push_back(visit_from(row));
  return out;
}

Result<SupportVisit> Database::update_support_visit(const std::string &id, const SupportVisitPatch &p) {
  return impl_->write_txn([&]() -> Result<SupportVisit> {
    auto row = impl_->load_live(visits_table(), id, "visit_id");
    if (!row) return row.status();
    SupportVisit v = visit_from(*row);
    uint64_t mask = 0;
    auto set = [&](const char *column, const std::optional<std::string> &value, std::string &field) {
      if (value && *value != field) {
        field = *value;
        put(*row, column, field, mask);
      }
    };
    set("household", p.household, v.household);
    set("kind", p.kind, v.kind);
    set("notes", p.notes, v.notes);
    set("visited_at", p.visited_at, v.visited_at);
    set("reason", p.reason, v.reason);
    set("given", p.given, v.given);
    set("visitors", p.visitors, v.visitors);
    if (p.gift_value_vnd && *p.gift_value_vnd != v.gift_value_vnd) {
      v.gift_value_vnd = *p.gift_value_vnd;
      put(*row, "gift_value_vnd", v.gift_value_vnd, mask);
    }
    YKIEN_TRY(check_fields(v));
    YKIEN_TRY(validate::date_time("visited_at", v.visited_at));
    if (mask != 0) YKIEN_TRY(impl_->write_local(*row, mask));
    return v;
  });
}

Status Database::withdraw_support_visit(const std::string &id, const std::string &reason) {
  YKIEN_TRY(validate::required_text("reason", reason, 1000));
  return impl_->write_txn([&]() -> Status {
    auto row = impl_->load_live(visits_table(), id, "visit_id");
    if (!row) return row.status();
    uint64_t mask = 0;
    const std::string notes = text_of(*row, "notes");
    put(*row, "notes", (notes.empty() ? std::string() : notes + "\n") + "Rút: " + reason, mask);
    put(*row, "_deleted", int64_t{1}, mask);
    return impl_->write_local(*row, mask);
  });
}

}  // namespace ykien
