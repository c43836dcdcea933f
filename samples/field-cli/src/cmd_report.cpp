// report: figures for a unit subtree and a period, as table, CSV or JSON.
#include <memory>
#include <optional>
#include <ostream>

#include "commands.h"
#include "dates.h"
#include "errors.h"
#include "i18n.h"
#include "records_json.h"
#include "report_format.h"
#include "sheet.h"
#include "resolve.h"
#include "text.h"
#include "ykien/replica.h"
#include "ykien/report_tally.h"
#include "ykien/unit_tree.h"

namespace ykien::cli {
namespace {

struct ReportArgs {
  std::string unit, from, to, today, tree, format, output;
};

// By today's units a unit gone into another is found in it, and a dissolved one
// keeps only its own records: said, naming the unit it went into (as named today),
// with the way to its figures as recorded ("" when nothing happened to it).
std::string gone_note(Database &db, const Unit &u, const std::string &today) {
  auto tree = unit_tree(db.replica());
  if (!tree.ok()) return {};
  const UnitEvent *gone = nullptr;
  const auto history = tree->history(u.id);
  for (const auto &e : history)
    if (e.unit_id == u.id && e.effective_on <= today && (e.kind == "merge" || e.kind == "split" || e.kind == "dissolve"))
      gone = &e;
  if (!gone) return {};
  if (gone->target_id.empty()) return trf("report.gone_dissolved", {u.name, gone->effective_on});
  // Where its rows are found today (the end of a chain of merges, the part of a split
  // that holds them); else, when that path names no unit, the unit it went into.
  std::string into;
  if (const Unit *found = tree->unit_at(tree->resolve(u.scope, today)); found && found->id != u.id)
    into = tree->name_on(found->id, today);
  if (into.empty()) into = tree->name_on(gone->target_id, today);
  return into.empty() ? std::string() : trf("report.gone_into", {u.name, gone->effective_on, into});
}

void report(Context &ctx, const ReportArgs &a) {
  Database &db = ctx.db();
  const std::string format = export_format(a.format, ctx.json, a.output);
  ReportRequest req;
  std::string title = tr("report.everything");
  std::optional<Unit> unit;
  if (!a.unit.empty()) {
    unit = resolve_unit(db, a.unit, "--unit");
    req.scope = unit->scope;
    title = unit->name;
  }
  if (!a.from.empty()) req.from = require_date(a.from, "--from");
  if (!a.to.empty()) req.to = require_date(a.to, "--to");
  if (!req.from.empty() && !req.to.empty() && req.to < req.from) {
    throw invalid_input("--to", trf("error.to_before_from", {req.to, req.from}), tr("hint.period"));
  }
  req.today = a.today.empty() ? today_local() : require_date(a.today, "--today");
  // --tree: when units changed, count each record under today's units (the
  // default) or those of its day (docs/units.md).
  req.tree = fold(a.tree);
  if (!check_tree_choice(req.tree).ok())
    throw invalid_input("--tree", trf("error.unknown_choice", {a.tree}), tr("hint.tree"));
  const Report r = take(db.report(req));

  // By today's units an old unit's report is the unit it went into (a unit that
  // only moved with its parent keeps its name: no unit was recorded at its new path).
  if (r.scope != req.scope && !r.scope.empty()) {
    if (auto into = db.replica().find_unit_by_scope(r.scope); into.ok()) title = into->name;
  }
  // Named as on the report's day (a ward renamed since its records were made).
  if (!r.scope.empty()) title = report_unit_name(take(unit_tree(db.replica())), req, r.scope, title);
  const std::string note = unit && req.tree != "then" ? gone_note(db, *unit, req.today) : std::string();
  if (format == "json") {
    nlohmann::json j = to_json(r);
    j["ok"] = true;
    j["title"] = title;
    if (!note.empty()) j["note"] = note;
    ctx.out() << dump_json(j) << '\n';
  } else if (format == "csv") {
    emit_csv(ctx.out(), a.output, report_sheet(r));
  } else if (format == "xlsx") {
    write_xlsx(a.output, {report_sheet(r)});
    ctx.err() << trf("export.written", {a.output}) << '\n';
  } else {
    print_report_table(ctx.out(), r, title);
  }
  if (!note.empty() && format != "json") ctx.err() << note << '\n';
}

}  // namespace

void add_report_command(CLI::App &app, Context &ctx) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App *cmd = add_command(app, "report", "cmd.report");
  cmd->add_option("--unit,--scope", a->unit, tr("opt.report.unit"));
  cmd->add_option("--from", a->from, tr("opt.filter.from"));
  cmd->add_option("--to", a->to, tr("opt.filter.to"));
  cmd->add_option("--today", a->today, tr("opt.filter.today"));
  cmd->add_option("--tree", a->tree, tr("opt.report.tree"));
  cmd->add_option("--format", a->format, tr("opt.report.format"));
  cmd->add_option("-o,--output", a->output, tr("opt.export.output"));
  cmd->callback([&ctx, a] { ctx.action = [&ctx, a] { report(ctx, *a); }; });
}

}  // namespace ykien::cli
