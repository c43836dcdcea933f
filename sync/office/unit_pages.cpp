// The units' page (issue 18, docs/units.md): a leader or secretary sees the units
// of their area as they are today with what happened to them, records a merge,
// move, rename, split or dissolution, or imports the official list of changes —
// the admin commands' records, within the user's own units.
#include "access.h"
#include "labels.h"
#include "office_impl.h"
#include "unit_changes_import.h"
#include "ykien/unit_tree.h"

namespace ykien::office {

using server::ServedReply;
using server::ServedRequest;

namespace {

// The unit with this scope among the user's, for a form's field. Errors:
// invalid_argument (empty), forbidden (outside the user's units), not_found.
Result<Unit> unit_of(Replica &replica, const OfficeUser &user, const std::string &scope, const std::string &field) {
  if (scope.empty()) return Status::Invalid(field, "choose a unit");
  if (!scope_within(scope, user.units))
    return Status(ErrorCode::forbidden, field + ": " + scope + " is not one of your units", field);
  auto u = replica.find_unit_by_scope(scope);
  if (!u) return Status(u.status().code(), field + ": no unit " + scope, field);
  return *u;
}

// One event from the form: the unit, what happened, from which day.
Result<UnitEvent> event_from_form(Replica &replica, const OfficeUser &user, std::map<std::string, std::string> &form) {
  UnitEvent e;
  e.kind = form["kind"];
  e.effective_on = form["effective_on"];
  auto unit = unit_of(replica, user, form["unit"], "unit");
  if (!unit) return unit.status();
  e.unit_id = unit->id;
  if (e.kind == "rename") e.name = form["name"];
  if (!form["target"].empty() && e.kind != "rename") {
    auto target = unit_of(replica, user, form["target"], "target");
    if (!target) return target.status();
    e.target_id = target->id;
  }
  return e;
}

}  // namespace

ServedReply Office::unit_page(const ServedRequest &req) {
  Visit v = visit(req);
  if (auto refused = require_user(v, false)) return *refused;
  if (!may_administer(*v.user)) return failure(v, {ErrorCode::forbidden, label(v.lang, "forbidden")});
  auto tree = data.tree();
  if (!tree) return failure(v, tree.status());
  auto units = data.units_within(v.user->units);
  if (!units) return failure(v, units.status());
  const std::string day = today();
  mstch::array rows, history;
  std::map<std::string, std::string> scope_of_id;
  for (const auto &u : *units) scope_of_id[u.id] = u.scope;
  for (const auto &u : *units) {
    const std::string now = tree->resolve(u.scope, day);
    rows.push_back(mstch::map{{"name", u.name},
                              {"scope", u.scope},
                              {"kind", u.kind},
                              {"now", now == u.scope ? std::string() : now},
                              {"name_now", tree->name_on(u.id, day)}});
    for (const auto &e : tree->history(u.id)) {
      if (e.unit_id != u.id) continue;  // listed once, under the unit it happened to
      const auto target = scope_of_id.find(e.target_id);
      history.push_back(mstch::map{{"day", e.effective_on},
                                   {"kind", label(v.lang, "unit_event_" + e.kind)},
                                   {"unit", u.name + " (" + u.scope + ")"},
                                   {"target", target == scope_of_id.end() ? e.name : target->second}});
    }
  }
  // A form refused a moment ago comes back with what was typed in it (a pasted list).
  const KeptForms::Fields typed = v.session ? kept_forms.take(v.session->csrf, "/units") : KeptForms::Fields{};
  const auto typed_or = [&](const char *field, const std::string &otherwise) {
    auto it = typed.find(field);
    return it == typed.end() ? otherwise : it->second;
  };
  return page(v, "units_page", "units",
              {{"units_list", rows},
               {"history", history},
               {"units", unit_options(*v.user, typed_or("unit", ""))},
               {"targets", unit_options(*v.user, typed_or("target", ""))},
               {"kinds", options_of({"merge", "move", "rename", "split", "dissolve"}, "unit_event_", v.lang,
                                    typed_or("kind", ""))},
               {"name", typed_or("name", "")},
               {"day", typed_or("effective_on", day)},
               {"csv", typed_or("csv", "old,code,name,kind,parent,date\n")}});
}

ServedReply Office::unit_action(const ServedRequest &req) {
  Visit v = visit(req);
  if (auto refused = require_user(v, true)) return *refused;
  Status st;
  std::string target = req.path;
  if (!may_administer(*v.user)) {
    st = Status(ErrorCode::forbidden, "only a leader or a secretary records what happened to units");
  } else if (req.path == "/units/event") {
    auto e = event_from_form(storage.replica(), *v.user, v.form);
    if (e) {
      target = v.form["kind"] + " " + v.form["unit"];
      auto recorded = record_unit_events(storage.replica(), {*e});
      st = recorded ? Status::Ok() : recorded.status();
    } else {
      st = e.status();
    }
  } else if (req.path == "/units/import") {
    auto done = server::import_unit_changes(storage, v.form["csv"], "the list", v.user->units);
    st = done ? Status::Ok() : done.status();
  } else {
    return failure(v, {ErrorCode::not_found, "no such action"});
  }
  return after(v, "/units", st, "units", target);
}

}  // namespace ykien::office
