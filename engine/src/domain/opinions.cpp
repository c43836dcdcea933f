// Opinions: what citizens raise, recorded field by field.
#include "domain/opinion_rows.h"
#include "domain/validate.h"
#include "ykien/uuid.h"

namespace ykien {

const schema::TableDef &opinions_table() { return *schema::find_table("opinions"); }

Opinion opinion_from(const Row &r) {
  Opinion o;
  o.id = r.id;
  o.scope = r.scope;
  o.meeting_id = text_of(r, "meeting_id");
  o.unit_id = text_of(r, "unit_id");
  o.kind = text_of(r, "kind");
  o.category = text_of(r, "category");
  o.content = text_of(r, "content");
  o.citizen_name = text_of(r, "citizen_name");
  o.citizen_contact = text_of(r, "citizen_contact");
  o.anonymous = int_of(r, "anonymous") != 0;
  o.confidential = int_of(r, "confidential") != 0;
  o.jurisdiction = text_of(r, "jurisdiction");
  o.escalated_to = text_of(r, "escalated_to");
  o.assigned_department = text_of(r, "assigned_department");
  o.status = text_of(r, "status");
  o.due_date = text_of(r, "due_date");
  o.satisfaction = text_of(r, "satisfaction");
  o.raised_at = text_of(r, "raised_at");
  o.recorded_by = text_of(r, "recorded_by");
  return o;
}

void fill_opinion(Row &row, const Opinion &o, uint64_t &mask) {
  put(row, "meeting_id", o.meeting_id, mask);
  put(row, "unit_id", o.unit_id, mask);
  put(row, "kind", o.kind, mask);
  put(row, "category", o.category, mask);
  put(row, "content", o.content, mask);
  put(row, "citizen_name", o.citizen_name, mask);
  put(row, "citizen_contact", o.citizen_contact, mask);
  put(row, "anonymous", int64_t{o.anonymous}, mask);
  put(row, "confidential", int64_t{o.confidential}, mask);
  put(row, "jurisdiction", o.jurisdiction, mask);
  put(row, "escalated_to", o.escalated_to, mask);
  put(row, "assigned_department", o.assigned_department, mask);
  put(row, "status", o.status, mask);
  put(row, "due_date", o.due_date, mask);
  put(row, "satisfaction", o.satisfaction, mask);
  put(row, "raised_at", o.raised_at, mask);
  put(row, "recorded_by", o.recorded_by, mask);
}

Status check_opinion(const Opinion &o) {
  YKIEN_TRY(validate::one_of("kind", o.kind, domain::kOpinionKinds));
  YKIEN_TRY(validate::one_of("category", o.category, domain::kCategories));
  YKIEN_TRY(validate::required_text("content", o.content, 20000));
  YKIEN_TRY(validate::optional_text("citizen_name", o.citizen_name, 200));
  YKIEN_TRY(validate::optional_text("citizen_contact", o.citizen_contact, 200));
  if (o.anonymous && !(o.citizen_name.empty() && o.citizen_contact.empty()))
    return Status::Invalid("citizen_name", "must be empty for an anonymous opinion");
  YKIEN_TRY(validate::one_of("jurisdiction", o.jurisdiction, domain::kJurisdictions));
  YKIEN_TRY(validate::optional_text("escalated_to", o.escalated_to, 200));
  if (o.jurisdiction == "escalated" && o.escalated_to.empty())
    return Status::Invalid("escalated_to", "is required when the opinion is escalated (the unit or department it goes to)");
  if (o.jurisdiction == "local" && !o.escalated_to.empty())
    return Status::Invalid("escalated_to", "must be empty unless jurisdiction is escalated");
  YKIEN_TRY(validate::optional_text("assigned_department", o.assigned_department, 200));
  YKIEN_TRY(validate::one_of("status", o.status, domain::kStatuses));
  if (!o.due_date.empty()) YKIEN_TRY(validate::date("due_date", o.due_date));
  YKIEN_TRY(validate::one_of("satisfaction", o.satisfaction, domain::kSatisfaction));
  YKIEN_TRY(validate::date_time("raised_at", o.raised_at));
  YKIEN_TRY(validate::optional_text("recorded_by", o.recorded_by, 200));
  return Status::Ok();
}

Result<std::string> opinion_start_day(Database::Impl &impl, const Opinion &o) {
  if (!o.meeting_id.empty()) {
    auto m = impl.load_live(*schema::find_table("meetings"), o.meeting_id, "meeting_id");
    if (!m) return m.status();
    return text_of(*m, "held_at").substr(0, 10);
  }
  return o.raised_at.substr(0, 10);
}

namespace {

Status check_due_date(Database::Impl &impl, const Opinion &o) {
  if (o.due_date.empty()) return Status::Ok();
  auto start = opinion_start_day(impl, o);
  if (!start) return start.status();
  if (o.due_date < *start)
    return Status::Invalid("due_date", "'" + o.due_date + "' is before the " +
                                           (o.meeting_id.empty() ? "day it was raised" : "meeting") + " (" + *start + ")");
  return Status::Ok();
}

}  // namespace

Result<Opinion> Database::record_opinion(Opinion o) {
  if (o.kind == "denunciation") o.confidential = true;  // the law protects a complainant's identity
  if (o.status.empty()) o.status = "received";
  if (o.status != "received")
    return Status::Invalid("status", "a new opinion starts as received; add a response or change its status afterwards");
  return impl_->write_txn([&]() -> Result<Opinion> {
    if (!o.meeting_id.empty()) {
      auto m = impl_->load_live(*schema::find_table("meetings"), o.meeting_id, "meeting_id");
      if (!m) return m.status();
      std::string meeting_unit = text_of(*m, "unit_id");
      if (o.unit_id.empty()) o.unit_id = meeting_unit;
      if (o.unit_id != meeting_unit) return Status::Invalid("unit_id", "differs from the unit of the meeting");
      if (o.raised_at.empty()) o.raised_at = text_of(*m, "held_at");
    }
    if (o.unit_id.empty()) return Status::Invalid("unit_id", "is required when the opinion has no meeting");
    if (o.raised_at.empty()) o.raised_at = impl_->now_local();
    YKIEN_TRY(check_opinion(o));
    auto unit = impl_->load_live(*schema::find_table("units"), o.unit_id, "unit_id");
    if (!unit) return unit.status();
    YKIEN_TRY(check_due_date(*impl_, o));
    const auto &t = opinions_table();
    Row row = RowStore::blank(t, new_uuid_v7(impl_->clock), unit->scope);
    uint64_t mask = 0;
    fill_opinion(row, o, mask);
    YKIEN_TRY(impl_->write_local(row, (uint64_t{1} << t.columns.size()) - 1));
    return opinion_from(row);
  });
}

Result<Opinion> Database::get_opinion(const std::string &id) const {
  std::lock_guard lock(impl_->mutex);
  auto row = impl_->load_live(opinions_table(), id, "opinion_id");
  if (!row) return row.status();
  return opinion_from(*row);
}

Result<Opinion> Database::update_opinion(const std::string &id, const OpinionPatch &p) {
  return impl_->write_txn([&]() -> Result<Opinion> {
    auto row = impl_->load_live(opinions_table(), id, "opinion_id");
    if (!row) return row.status();
    Opinion o = opinion_from(*row);
    if (p.kind) o.kind = *p.kind;
    if (p.category) o.category = *p.category;
    if (p.content) o.content = *p.content;
    if (p.citizen_name) o.citizen_name = *p.citizen_name;
    if (p.citizen_contact) o.citizen_contact = *p.citizen_contact;
    if (p.jurisdiction) o.jurisdiction = *p.jurisdiction;
    if (p.escalated_to) o.escalated_to = *p.escalated_to;
    if (p.assigned_department) o.assigned_department = *p.assigned_department;
    if (p.due_date) o.due_date = *p.due_date;
    if (p.satisfaction) o.satisfaction = *p.satisfaction;
    if (p.raised_at) o.raised_at = *p.raised_at;
    if (p.anonymous) o.anonymous = *p.anonymous;
    if (o.kind == "denunciation") o.confidential = true;
    YKIEN_TRY(check_opinion(o));
    YKIEN_TRY(check_due_date(*impl_, o));
    uint64_t mask = 0;
    fill_opinion(*row, o, mask);
    YKIEN_TRY(impl_->write_local(*row, mask));
    return opinion_from(*row);
  });
}

Result<Opinion> Database::assign_opinion(const std::string &opinion_id, const std::string &department,
                                         const std::string &due_date, const std::string &by) {
  YKIEN_TRY(validate::required_text("department", department, 200));
  YKIEN_TRY(validate::date("due_date", due_date));
  return impl_->write_txn([&]() -> Result<Opinion> {
    auto row = impl_->load_live(opinions_table(), opinion_id, "opinion_id");
    if (!row) return row.status();
    Opinion o = opinion_from(*row);
    o.assigned_department = department;
    o.due_date = due_date;
    YKIEN_TRY(check_due_date(*impl_, o));
    uint64_t mask = 0;
    fill_opinion(*row, o, mask);
    if (o.status != "assigned") {
      YKIEN_TRY(impl_->write_local(*row, mask));
      YKIEN_TRY(transition(*impl_, *row, "assigned", "giao " + department + " (hạn " + due_date + ")", by, {}, false));
    } else {
      YKIEN_TRY(impl_->write_local(*row, mask));
    }
    return opinion_from(*row);
  });
}

Status Database::delete_opinion(const std::string &id) {
  return impl_->write_txn([&]() -> Status {
    auto row = impl_->load_live(opinions_table(), id, "opinion_id");
    if (!row) return row.status();
    uint64_t mask = 0;
    put(*row, "_deleted", int64_t{1}, mask);
    return impl_->write_local(*row, mask);
  });
}

}  // namespace ykien
