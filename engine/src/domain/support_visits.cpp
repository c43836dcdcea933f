// Support visits: households in difficulty visited, gifts given, volunteer work.
#include "core/database_impl.h"
#include "domain/validate.h"
#include "ykien/uuid.h"

namespace ykien {

Result<SupportVisit> Database::record_support_visit(SupportVisit v) {
  YKIEN_TRY(validate::required_text("household", v.household, 300));
  YKIEN_TRY(validate::one_of("kind", v.kind, domain::kSupportKinds));
  YKIEN_TRY(validate::non_negative("gift_value_vnd", v.gift_value_vnd, 1'000'000'000'000));
  YKIEN_TRY(validate::optional_text("notes", v.notes, 5000));
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
    auto row = impl_->create_row(t, new_uuid_v7(impl_->clock), unit->scope, std::move(vals));
    if (!row) return row.status();
    v.id = row->id;
    v.scope = row->scope;
    return v;
  });
}

}  // namespace ykien
