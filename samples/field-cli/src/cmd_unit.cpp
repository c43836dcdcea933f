// unit add | unit list: the administrative units this device works in.
#include <memory>
#include <ostream>

#include "choices.h"
#include "commands.h"
#include "errors.h"
#include "i18n.h"
#include "records_json.h"
#include "resolve.h"
#include "table.h"
#include "text.h"

namespace ykien::cli {
namespace {

struct UnitAddArgs {
  std::string name, code, kind, parent;
};

void unit_add(Context &ctx, const UnitAddArgs &a) {
  require_option(a.name, "--name");
  require_option(a.code, "--code");
  require_option(a.kind, "--kind");
  if (a.code.find_first_of("/ \t") != std::string::npos) {
    throw invalid_input("--code", trf("error.bad_code", {a.code}), tr("hint.code"));
  }
  Database &db = ctx.db();
  Unit u;
  u.name = trim(a.name);
  u.code = trim(a.code);
  u.kind = require_choice(ChoiceSet::unit_kind, a.kind, "--kind");
  if (!a.parent.empty()) u.parent_id = resolve_unit(db, a.parent, "--parent").id;
  const Unit made = take(db.create_unit(u));
  ctx.emit({{"ok", true}, {"unit", to_json(made)}}, [&](std::ostream &out) {
    out << trf("unit.added", {made.name, made.scope}) << '\n';
  });
}

void unit_list(Context &ctx, const std::string &under) {
  Database &db = ctx.db();
  std::vector<UnitNode> nodes = all_units(db);
  if (!under.empty()) {
    const Unit root = resolve_unit(db, under, "--under");
    std::vector<UnitNode> kept;
    for (auto &n : nodes) {
      if (n.unit.scope == root.scope || n.unit.scope.starts_with(root.scope + "/")) kept.push_back(n);
    }
    nodes = std::move(kept);
  }
  nlohmann::json arr = nlohmann::json::array();
  for (const auto &n : nodes) arr.push_back(to_json(n.unit));
  ctx.emit({{"ok", true}, {"units", arr}}, [&](std::ostream &out) {
    if (nodes.empty()) {
      out << tr("unit.none") << '\n';
      return;
    }
    const int base = nodes.front().depth;
    Table t({tr("col.name"), tr("col.kind"), tr("col.scope")});
    for (const auto &n : nodes) {
      t.add_row({std::string(static_cast<std::size_t>(2 * (n.depth - base)), ' ') + n.unit.name,
                 choice_label(ChoiceSet::unit_kind, n.unit.kind), n.unit.scope});
    }
    t.print(out);
  });
}

}  // namespace

void add_unit_commands(CLI::App &app, Context &ctx) {
  CLI::App *unit = add_command(app, "unit", "cmd.unit");
  unit->require_subcommand(1);

  auto add_args = std::make_shared<UnitAddArgs>();
  CLI::App *add = add_command(*unit, "add", "cmd.unit.add");
  add->add_option("--name", add_args->name, tr("opt.unit.name"));
  add->add_option("--code", add_args->code, tr("opt.unit.code"));
  add->add_option("--kind", add_args->kind, tr("opt.unit.kind"));
  add->add_option("--parent", add_args->parent, tr("opt.unit.parent"));
  add->callback([&ctx, add_args] { ctx.action = [&ctx, add_args] { unit_add(ctx, *add_args); }; });

  auto under = std::make_shared<std::string>();
  CLI::App *list = add_command(*unit, "list", "cmd.unit.list");
  list->add_option("--under", *under, tr("opt.unit.under"));
  list->callback([&ctx, under] { ctx.action = [&ctx, under] { unit_list(ctx, *under); }; });
}

}  // namespace ykien::cli
