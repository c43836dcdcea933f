// The follow-up's lists beside the opinions: support visits (the seeds' "thăm hỏi,
// tặng quà") and appointments to answer (by default those from today on).
#include "lists.h"
#include "labels.h"
#include "office_impl.h"
#include "ykien/text.h"

namespace ykien::office {

using server::ServedReply;
using server::ServedRequest;

ServedReply Office::visit_list(const ServedRequest &req) {
  Visit v = visit(req);
  if (auto refused = require_user(v, false)) return *refused;
  VisitQuery q{query_of(req, "unit"), query_of(req, "kind"), query_of(req, "from"), query_of(req, "to")};
  auto found = data.visits(*v.user, q);
  if (!found) return failure(v, found.status());
  auto units = data.units_within(v.user->units);
  if (!units) return failure(v, units.status());
  const size_t page_no = page_number(req);
  int64_t gifts = 0;
  for (const auto &sv : *found) gifts += sv.gift_value_vnd;
  mstch::array rows;
  for (size_t i = (page_no - 1) * kPageRows; i < found->size() && i < page_no * kPageRows; ++i) {
    const SupportVisit &sv = (*found)[i];
    rows.push_back(mstch::map{{"visited_at", sv.visited_at},
                              {"kind", label(v.lang, "visit." + sv.kind)},
                              {"household", sv.household},
                              {"unit", unit_name(*units, sv.scope)},
                              {"gift_value", sv.gift_value_vnd > 0 ? std::to_string(sv.gift_value_vnd) : std::string()},
                              {"reason", sv.reason},
                              {"given", sv.given},
                              {"visitors", sv.visitors},
                              {"notes", sv.notes},
                              {"meeting_id", sv.meeting_id}});
  }
  return page(v, "support_visits", "visits",
              {{"kinds", options_of({"gift", "visit", "volunteer_work"}, "visit.", v.lang, q.kind)},
               {"units", unit_options(*v.user, q.unit)},
               {"from", q.from},
               {"to", q.to},
               {"count", std::to_string(found->size())},
               {"gifts", std::to_string(gifts)},
               {"has_rows", !rows.empty()},
               {"rows", rows},
               {"pager", pager(req, page_no, found->size())}});
}

ServedReply Office::appointment_list(const ServedRequest &req) {
  Visit v = visit(req);
  if (auto refused = require_user(v, false)) return *refused;
  // A bare /appointments shows what is coming; a filled form shows what it asks.
  const bool asked = req.query.count("from") != 0 || req.query.count("to") != 0;
  AppointmentQuery q{query_of(req, "unit"), asked ? query_of(req, "from") : today(), query_of(req, "to")};
  auto found = data.appointments(*v.user, q);
  if (!found) return failure(v, found.status());
  auto units = data.units_within(v.user->units);
  if (!units) return failure(v, units.status());
  const size_t page_no = page_number(req);
  std::vector<sys::RowKey> shown;
  for (size_t i = (page_no - 1) * kPageRows; i < found->size() && i < page_no * kPageRows; ++i)
    shown.push_back({"opinions", (*found)[i].opinion.id});
  auto texts = data.opinion_texts(shown);  // the index holds no text
  if (!texts) return failure(v, texts.status());
  mstch::array rows;
  for (size_t i = (page_no - 1) * kPageRows, n = 0; i < found->size() && i < page_no * kPageRows; ++i, ++n) {
    const Appointment &a = (*found)[i];
    const std::string content = shortened((*texts)[n], 300);
    rows.push_back(mstch::map{{"at", a.response.appointment_at},
                              {"place", a.response.appointment_place},
                              {"responder", a.response.responder},
                              {"opinion_id", a.opinion.id},
                              {"content", content},
                              {"unit", unit_name(*units, a.opinion.scope)},
                              {"status", label(v.lang, "status." + a.opinion.status)}});
  }
  return page(v, "appointments", "appointments",
              {{"units", unit_options(*v.user, q.unit)},
               {"from", q.from},
               {"to", q.to},
               {"count", std::to_string(found->size())},
               {"has_rows", !rows.empty()},
               {"rows", rows},
               {"pager", pager(req, page_no, found->size())}});
}

}  // namespace ykien::office
