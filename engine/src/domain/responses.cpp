// Responses: answers at the meeting, appointments, written replies (append-only).
#include "domain/opinion_rows.h"
#include "domain/validate.h"
#include "ykien/followup.h"
#include "ykien/uuid.h"

namespace ykien {

namespace {

const schema::TableDef &responses_table() { return *schema::find_table("responses"); }

Response response_from(const Row &r) {
  return {r.id,
          text_of(r, "opinion_id"),
          r.scope,
          text_of(r, "kind"),
          text_of(r, "content"),
          text_of(r, "responder"),
          text_of(r, "appointment_at"),
          text_of(r, "appointment_place"),
          text_of(r, "created_at")};
}

}  // namespace

Result<Response> Database::add_response(Response r) {
  YKIEN_TRY(followup::check_response(r));
  return impl_->write_txn([&]() -> Result<Response> {
    auto row = impl_->load_live(opinions_table(), r.opinion_id, "opinion_id");
    if (!row) return row.status();
    Opinion o = opinion_from(*row);
    if (r.kind == "appointment") {
      auto start = opinion_start_day(*impl_, o);
      if (!start) return start.status();
      if (r.appointment_at.substr(0, 10) < *start)
        return Status::Invalid("appointment_at", "'" + r.appointment_at + "' is before the opinion was raised (" + *start + ")");
    }
    // A time typed for the answer (paper notes typed later) is not before the opinion;
    // the clock's own time is taken as it is (a tablet's clock may be wrong).
    if (!r.created_at.empty()) YKIEN_TRY(check_not_before_opinion(o, "created_at", r.created_at));
    if (r.created_at.empty()) r.created_at = impl_->now_local();
    const auto &t = responses_table();
    std::vector<Value> v(t.columns.size());
    v[col(t, "opinion_id")] = r.opinion_id;
    v[col(t, "kind")] = r.kind;
    v[col(t, "content")] = r.content;
    v[col(t, "responder")] = r.responder;
    v[col(t, "appointment_at")] = r.appointment_at;
    v[col(t, "appointment_place")] = r.appointment_place;
    v[col(t, "created_at")] = r.created_at;
    auto created = impl_->create_row(t, new_uuid_v7(impl_->clock), row->scope, std::move(v));
    if (!created) return created.status();
    if (std::string next = followup::status_after_response(r.kind, o.status); !next.empty())
      YKIEN_TRY(transition(*impl_, *row, next, r.kind, r.responder, r.created_at, false));
    return response_from(*created);
  });
}

Result<std::vector<Response>> Database::list_responses(const std::string &opinion_id) const {
  std::lock_guard lock(impl_->mutex);
  auto rows = impl_->select_rows(
      responses_table(), "SELECT id FROM responses WHERE opinion_id = ?1 AND _deleted = 0 ORDER BY created_at, id",
      {opinion_id});
  if (!rows) return rows.status();
  std::vector<Response> out;
  for (const auto &row : *rows) out.push_back(response_from(row));
  return out;
}

}  // namespace ykien
