// report: figures for a unit subtree and a period, as table, CSV or JSON.
#include <memory>
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

namespace ykien::cli {
namespace {

struct ReportArgs {
  std::string unit, from, to, today, tree, format, output;
};

void report(Context &ctx, const ReportArgs &a) {
  Database &db = ctx.db();
  const std::string format = export_format(a.format, ctx.json, a.output);
  ReportRequest req;
  std::string title = tr("report.everything");
  if (!a.unit.empty()) {
    const Unit u = resolve_unit(db, a.unit, "--unit");
    req.scope = u.scope;
    title = u.name;
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
  if (format == "json") {
    nlohmann::json j = to_json(r);
    j["ok"] = true;
    j["title"] = title;
    ctx.out() << dump_json(j) << '\n';
  } else if (format == "csv") {
    emit_csv(ctx.out(), a.output, report_sheet(r));
  } else if (format == "xlsx") {
    write_xlsx(a.output, {report_sheet(r)});
    ctx.err() << trf("export.written", {a.output}) << '\n';
  } else {
    print_report_table(ctx.out(), r, title);
  }
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
