// visit add | list | edit | withdraw: households in difficulty visited, gifts given,
// volunteer work (the afternoon of "Nghe dân nói – Làm dân tin", seed 003).
#include <map>
#include <memory>
#include <optional>
#include <ostream>

#include "choices.h"
#include "commands.h"
#include "dates.h"
#include "errors.h"
#include "i18n.h"
#include "meeting_journal.h"
#include "opinion_write.h"
#include "resolve.h"
#include "table.h"
#include "text.h"
#include "visit_json.h"

namespace ykien::cli {
namespace {

struct AddArgs {
  std::string household, kind, value, given, reason, visitors, notes, at, meeting, unit;
  bool no_meeting = false;
};

struct ListArgs {
  std::string unit, from, to;
};

struct WithdrawArgs {
  std::string ref, reason;
};

struct EditArgs {
  std::string ref, by;
  std::optional<std::string> household, kind, value, given, reason, visitors, at;
};

// The visit a ref (or id) names, among the live ones.
SupportVisit find_visit(Database &db, const std::string &ref) {
  require_option(ref, "VISIT");
  std::vector<SupportVisit> found;
  for (auto &v : take(db.list_support_visits(""))) {
    if (v.id == trim(ref) || short_id(v.id) == trim(ref)) found.push_back(std::move(v));
  }
  if (found.size() != 1) {
    throw CliError(kExitNotFound, trf("error.visit_not_found", {arg_name("VISIT"), ref}), tr("hint.visit_ref"), "VISIT");
  }
  return found[0];
}

// What the list shows of a visit: why, what was given, who visited, the notes
// (visits recorded before schema step 4 hold the first three in their notes).
std::string details(const SupportVisit &v) {
  std::string out;
  for (const std::string *part : {&v.reason, &v.given, &v.visitors, &v.notes}) {
    if (!part->empty()) out += (out.empty() ? "" : " · ") + *part;
  }
  return out;
}

void visit_add(Context &ctx, const AddArgs &a) {
  require_option(a.household, "--household");
  Database &db = ctx.db();
  SupportVisit v;
  v.household = trim(a.household);
  v.gift_value_vnd = a.value.empty() ? 0 : parse_count(a.value, "--value", 1'000'000'000'000);
  v.kind = a.kind.empty() ? (v.gift_value_vnd > 0 || !a.given.empty() ? "gift" : "visit")
                          : require_choice(ChoiceSet::support_kind, a.kind, "--kind");
  v.reason = trim(a.reason);
  v.given = trim(a.given);
  v.visitors = trim(a.visitors);
  v.notes = trim(a.notes);
  Meeting meeting;
  if (!a.no_meeting && (!a.meeting.empty() || (a.unit.empty() && !current_meeting_id(db).empty()))) {
    meeting = resolve_meeting(db, a.meeting, "--meeting");
    v.meeting_id = meeting.id;
  }
  if (!a.unit.empty()) {
    v.unit_id = resolve_unit(db, a.unit, "--unit").id;
  } else if (meeting.id.empty()) {
    throw CliError(kExitUsage, trf("error.missing_option", {"--unit"}), tr("hint.visit_unit"), "--unit");
  }
  v.visited_at = a.at.empty() ? meeting_time_default(meeting) : require_datetime(a.at, "--at");
  const SupportVisit made = take(db.record_support_visit(v));
  ctx.emit({{"ok", true}, {"visit", to_json(made)}}, [&](std::ostream &out) {
    out << trf("visit.recorded", {short_id(made.id), made.household, choice_label(ChoiceSet::support_kind, made.kind),
                                  group_thousands(made.gift_value_vnd, thousands_sep())})
        << '\n';
  });
}

void visit_list(Context &ctx, const ListArgs &a) {
  Database &db = ctx.db();
  const std::string scope = a.unit.empty() ? std::string() : resolve_unit(db, a.unit, "--unit").scope;
  const std::string from = a.from.empty() ? std::string() : require_date(a.from, "--from");
  const std::string to = a.to.empty() ? std::string() : require_date(a.to, "--to");
  const auto visits = take(db.list_support_visits(scope, from, to));
  std::map<std::string, std::string> names;
  for (const auto &n : all_units(db)) names[n.unit.id] = n.unit.name;
  int64_t total = 0;
  nlohmann::json arr = nlohmann::json::array();
  for (const auto &v : visits) {
    arr.push_back(to_json(v));
    total += v.gift_value_vnd;
  }
  ctx.emit({{"ok", true}, {"visits", arr}, {"count", visits.size()}, {"gift_value_vnd", total}},
           [&](std::ostream &out) {
             if (visits.empty()) {
               out << tr("visit.none") << '\n';
               return;
             }
             Table t({tr("col.ref"), tr("col.time"), tr("col.unit"), tr("col.household"), tr("col.visit_kind"),
                      tr("col.gifts"), tr("col.notes")});
             t.set_right(5);
             t.set_max_width(2, 20);
             t.set_max_width(6, 40);
             for (const auto &v : visits) {
               auto it = names.find(v.unit_id);
               t.add_row({short_id(v.id), v.visited_at, it == names.end() ? v.scope : it->second, v.household,
                          choice_label(ChoiceSet::support_kind, v.kind),
                          group_thousands(v.gift_value_vnd, thousands_sep()), details(v)});
             }
             t.print(out);
             out << trf("visit.total", {std::to_string(visits.size()), group_thousands(total, thousands_sep())})
                 << '\n';
           });
}

void visit_withdraw(Context &ctx, const WithdrawArgs &a) {
  Database &db = ctx.db();
  const SupportVisit v = find_visit(db, a.ref);
  require_option(a.reason, "--reason");
  check(db.withdraw_support_visit(v.id, trim(a.reason)));
  ctx.emit({{"ok", true}, {"withdrawn", v.id}}, [&](std::ostream &out) {
    out << trf("visit.withdrawn", {short_id(v.id), v.household}) << '\n';
  });
}

// As meeting edit: the new values and a journal line in the notes, in one write.
void visit_edit(Context &ctx, const EditArgs &a) {
  Database &db = ctx.db();
  const SupportVisit before = find_visit(db, a.ref);
  SupportVisitPatch p;
  if (a.household) p.household = trim(*a.household);
  if (a.kind) p.kind = require_choice(ChoiceSet::support_kind, *a.kind, "--kind");
  if (a.value) p.gift_value_vnd = parse_count(*a.value, "--value", 1'000'000'000'000);
  if (a.given) p.given = trim(*a.given);
  if (a.reason) p.reason = trim(*a.reason);
  if (a.visitors) p.visitors = trim(*a.visitors);
  if (a.at) p.visited_at = require_datetime(*a.at, "--at");
  // (Not a structured binding: the lambda below captures them, which older clang refuses.)
  const auto written = write_correction(
      db, before, p, [&](const std::string &id, const SupportVisitPatch &q) { return db.update_support_visit(id, q); },
      visit_changes, trim(a.by.empty() ? ctx.user : a.by), "hint.visit_edit_nothing", "--value");
  const SupportVisit &after = written.first;
  const nlohmann::json &changes = written.second;
  ctx.emit({{"ok", true}, {"visit", to_json(after)}, {"edit", changes}}, [&](std::ostream &out) {
    out << trf("visit.edited", {short_id(after.id)}) << '\n';
    const auto lines = journal_lines(after.notes);
    if (!lines.empty()) out << "  " << lines.back() << '\n';
  });
}

}  // namespace

void add_visit_commands(CLI::App &app, Context &ctx) {
  CLI::App *visit = add_command(app, "visit", "cmd.visit");
  visit->require_subcommand(1);

  auto a = std::make_shared<AddArgs>();
  CLI::App *add = add_command(*visit, "add", "cmd.visit.add");
  add->add_option("--household", a->household, tr("opt.visit.household"));
  add->add_option("--kind", a->kind, tr("opt.visit.kind"));
  add->add_option("--value", a->value, tr("opt.visit.value"));
  add->add_option("--given", a->given, tr("opt.visit.given"));
  add->add_option("--reason", a->reason, tr("opt.visit.reason"));
  add->add_option("--visitors,--by", a->visitors, tr("opt.visit.visitors"));
  add->add_option("--notes", a->notes, tr("opt.visit.notes"));
  add->add_option("--at", a->at, tr("opt.visit.at"));
  add->add_option("--meeting", a->meeting, tr("opt.visit.meeting"));
  add->add_flag("--no-meeting", a->no_meeting, tr("opt.visit.no_meeting"));
  add->add_option("--unit,--hamlet", a->unit, tr("opt.visit.unit"));
  add->callback([&ctx, a] { ctx.action = [&ctx, a] { visit_add(ctx, *a); }; });

  auto l = std::make_shared<ListArgs>();
  CLI::App *list = add_command(*visit, "list", "cmd.visit.list");
  list->add_option("--unit,--hamlet", l->unit, tr("opt.filter.unit"));
  list->add_option("--from", l->from, tr("opt.filter.from"));
  list->add_option("--to", l->to, tr("opt.filter.to"));
  list->callback([&ctx, l] { ctx.action = [&ctx, l] { visit_list(ctx, *l); }; });

  auto w = std::make_shared<WithdrawArgs>();
  CLI::App *withdraw = add_command(*visit, "withdraw", "cmd.visit.withdraw");
  withdraw->add_option("VISIT", w->ref, tr("opt.visit.ref"));
  withdraw->add_option("--reason", w->reason, tr("opt.withdraw.reason"));
  withdraw->callback([&ctx, w] { ctx.action = [&ctx, w] { visit_withdraw(ctx, *w); }; });

  auto e = std::make_shared<EditArgs>();
  CLI::App *ed = add_command(*visit, "edit", "cmd.visit.edit");
  ed->add_option("VISIT", e->ref, tr("opt.visit.ref"));
  ed->add_option("--household", e->household, tr("opt.visit.household"));
  ed->add_option("--kind", e->kind, tr("opt.visit.kind"));
  ed->add_option("--value", e->value, tr("opt.visit.value"));
  ed->add_option("--given", e->given, tr("opt.visit.given"));
  ed->add_option("--reason", e->reason, tr("opt.visit.reason"));
  ed->add_option("--visitors", e->visitors, tr("opt.visit.visitors"));
  ed->add_option("--at", e->at, tr("opt.visit.at"));
  ed->add_option("--by", e->by, tr("opt.follow.by"));
  ed->callback([&ctx, e] { ctx.action = [&ctx, e] { visit_edit(ctx, *e); }; });
}

}  // namespace ykien::cli
