// conflicts list | resolve: concurrent edits kept for an office to review.
#include <memory>
#include <optional>
#include <ostream>

#include "choices.h"
#include "commands.h"
#include "errors.h"
#include "i18n.h"
#include "records_json.h"
#include "resolve.h"
#include "record_names.h"
#include "table.h"
#include "text.h"
#include "ykien/followup.h"
#include "ykien/seal.h"

namespace ykien::cli {
namespace {

// The choices a cell takes (its label or number is typed as for any option).
std::optional<ChoiceSet> choices_of(const std::string &table, const std::string &column) {
  if (table == "opinions") {
    if (column == "category") return ChoiceSet::category;
    if (column == "kind") return ChoiceSet::opinion_kind;
    if (column == "status") return ChoiceSet::status;
    if (column == "satisfaction") return ChoiceSet::satisfaction;
    if (column == "jurisdiction") return ChoiceSet::jurisdiction;
  }
  if (table == "meetings" && column == "kind") return ChoiceSet::meeting_kind;
  if (table == "units" && column == "kind") return ChoiceSet::unit_kind;
  if (table == "support_visits" && column == "kind") return ChoiceSet::support_kind;
  return std::nullopt;
}

// A conflict's value (JSON) as the table shows it: a sealed complainant as its
// label, a choice (a field, a status) by its label.
std::string shown_value(const Conflict &c, const std::string &json_value) {
  const auto parsed = nlohmann::json::parse(json_value, nullptr, false);
  if (parsed.is_string() && is_sealed(parsed.get<std::string>())) return tr("label.sealed");
  if (const auto set = choices_of(c.table, c.column); set && parsed.is_string())
    return choice_label(*set, parsed.get<std::string>());
  return json_value;
}

struct ResolveArgs {
  std::string ref, keep, value;
};

Conflict find_conflict(const Database &db, const std::string &ref) {
  std::vector<Conflict> found;
  for (auto &c : take(db.list_conflicts(false))) {
    if (c.id == ref || (ref.size() >= 6 && c.id.ends_with(ref))) found.push_back(std::move(c));
  }
  if (found.size() != 1) {
    throw CliError(found.empty() ? kExitNotFound : kExitInvalidInput, trf("error.conflict_not_found", {ref}),
                   tr("hint.conflict_ref"), "CONFLICT");
  }
  return found.front();
}

void list(Context &ctx, bool all) {
  const auto conflicts = take(ctx.db().list_conflicts(!all));
  nlohmann::json arr = nlohmann::json::array();
  for (const auto &c : conflicts) arr.push_back(to_json(c));
  ctx.emit({{"ok", true}, {"conflicts", arr}}, [&](std::ostream &out) {
    if (conflicts.empty()) {
      out << tr("conflict.none") << '\n';
      return;
    }
    Table t({tr("col.ref"), tr("col.record"), tr("col.field"), tr("col.winner"), tr("col.loser"), tr("col.state")});
    t.set_max_width(3, 30);
    t.set_max_width(4, 30);
    for (const auto &c : conflicts) {
      t.add_row({short_id(c.id), record_noun(c.table) + " " + short_id(c.row_id), field_display(c.column),
                 shown_value(c, c.winner_value), shown_value(c, c.loser_value),
                 c.status == "open" ? tr("conflict.open") : tr("conflict.resolved")});
    }
    t.print(out);
    out << tr("conflict.how") << '\n';
  });
}

// A status or a satisfaction settled by hand follows the rules of setting it: an
// opinion is withdrawn with its reason (opinion withdraw), and a citizen is satisfied
// with an answer given.
void check_settled_choice(Database &db, const Conflict &c, const std::string &id) {
  if (c.table != "opinions") return;
  if (c.column == "status" && id == "withdrawn")
    throw invalid_input("--value", tr("error.settle_withdrawn"), tr("hint.settle_withdrawn"));
  if (c.column == "satisfaction") {
    const Opinion o = take(db.get_opinion(c.row_id));
    check(followup::check_satisfaction(id, o.status));
  }
}

void resolve(Context &ctx, const ResolveArgs &a) {
  require_option(a.ref, "CONFLICT");
  Database &db = ctx.db();
  const Conflict c = find_conflict(db, trim(a.ref));
  std::string value;
  const std::string keep = fold(a.keep);
  if (!a.value.empty()) {
    if (!keep.empty()) throw CliError(kExitUsage, tr("error.keep_or_value"), tr("hint.keep_or_value"), "--keep");
    if (const auto set = choices_of(c.table, c.column)) {
      // "Đất đai", "dat dai", "3" or "land", as --category takes it (or quoted, as JSON).
      const auto quoted = nlohmann::json::parse(a.value, nullptr, false);
      const std::string typed = quoted.is_string() ? quoted.get<std::string>() : a.value;
      const std::string id = require_choice(*set, typed, "--value");
      check_settled_choice(ctx.db(), c, id);
      value = nlohmann::json(id).dump();
    } else {
      // Free text becomes a JSON string; valid JSON is taken as it is.
      const auto parsed = nlohmann::json::parse(a.value, nullptr, false);
      value = parsed.is_discarded() ? nlohmann::json(a.value).dump() : parsed.dump();
    }
  } else if (keep == "winner" || keep == "thang") {
    value = c.winner_value;
  } else if (keep == "loser" || keep == "thua") {
    value = c.loser_value;
  } else {
    throw invalid_input("--keep", trf("error.unknown_choice", {a.keep}), tr("hint.keep_or_value"));
  }
  check(db.resolve_conflict(c.id, value, ctx.user));
  ctx.emit({{"ok", true}, {"conflict_id", c.id}, {"value", value}}, [&](std::ostream &out) {
    out << trf("conflict.resolved_now", {short_id(c.id), shown_value(c, value)}) << '\n';
  });
}

}  // namespace

void add_conflict_commands(CLI::App &app, Context &ctx) {
  CLI::App *conflicts = add_command(app, "conflicts", "cmd.conflicts");
  conflicts->require_subcommand(1);

  auto all = std::make_shared<bool>(false);
  CLI::App *lst = add_command(*conflicts, "list", "cmd.conflicts.list");
  lst->add_flag("--all", *all, tr("opt.conflicts.all"));
  lst->callback([&ctx, all] { ctx.action = [&ctx, all] { list(ctx, *all); }; });

  auto r = std::make_shared<ResolveArgs>();
  CLI::App *res = add_command(*conflicts, "resolve", "cmd.conflicts.resolve");
  res->add_option("CONFLICT", r->ref, tr("opt.conflicts.ref"));
  res->add_option("--keep", r->keep, tr("opt.conflicts.keep"));
  res->add_option("--value", r->value, tr("opt.conflicts.value"));
  res->callback([&ctx, r] { ctx.action = [&ctx, r] { resolve(ctx, *r); }; });
}

}  // namespace ykien::cli
