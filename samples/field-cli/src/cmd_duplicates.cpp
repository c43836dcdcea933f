// duplicates [list] | merge KEEP DROP | distinct A B: the same opinion recorded on
// two tablets at one meeting, found after sync and merged once (docs/field-cli.md).
#include <memory>
#include <ostream>

#include "choices.h"
#include "identity.h"
#include "commands.h"
#include "dates.h"
#include "duplicates.h"
#include "errors.h"
#include "i18n.h"
#include "records_json.h"
#include "resolve.h"
#include "table.h"
#include "text.h"

namespace ykien::cli {
namespace {

struct Args {
  std::string unit, meeting, first, second, by;
};

std::string who(const Context &ctx, const std::string &by) { return trim(by.empty() ? ctx.user : by); }

std::string score_text(double s) { return std::to_string(static_cast<int>(s * 100 + 0.5)) + "%"; }

void list(Context &ctx, const Args &a) {
  Database &db = ctx.db();
  const std::string scope = a.unit.empty() ? std::string() : resolve_unit(db, a.unit, "--unit").scope;
  const std::string meeting = a.meeting.empty() ? std::string() : resolve_meeting(db, a.meeting, "--meeting").id;
  const auto pairs = likely_duplicates(db, scope, meeting);
  nlohmann::json arr = nlohmann::json::array();
  for (const auto &p : pairs) arr.push_back({{"a", to_json(p.a)}, {"b", to_json(p.b)}, {"score", p.score}});
  ctx.emit({{"ok", true}, {"count", pairs.size()}, {"pairs", arr}}, [&](std::ostream &out) {
    if (pairs.empty()) {
      out << tr("dup.none") << '\n';
      return;
    }
    for (const auto &p : pairs) {
      out << trf("dup.pair", {score_text(p.score), short_id(p.a.meeting_id)}) << '\n';
      for (const Opinion *o : {&p.a, &p.b}) {
        out << "  " << short_id(o->id) << "  " << choice_label(ChoiceSet::category, o->category) << " · "
            << choice_label(ChoiceSet::status, o->status) << " · "
            << (o->citizen_name.empty() || o->confidential ? tr("label.anonymous") : shown_identity(o->citizen_name))
            << (o->recorded_by.empty() ? std::string() : " · " + o->recorded_by) << "\n    " << o->content << '\n';
      }
      out << "  → " << trf("dup.how", {short_id(p.a.id), short_id(p.b.id)}) << "\n\n";
    }
  });
}

void merge(Context &ctx, const Args &a) {
  require_option(a.first, "KEEP");
  require_option(a.second, "DROP");
  Database &db = ctx.db();
  const Opinion keep = resolve_opinion(db, a.first, "KEEP");
  const Opinion drop = resolve_opinion(db, a.second, "DROP");
  if (keep.id == drop.id) throw invalid_input("DROP", tr("dup.same"), tr("dup.hint_refs"));
  const Opinion kept = take(db.merge_opinions(keep.id, drop.id, who(ctx, a.by), now_local()));
  ctx.emit({{"ok", true}, {"kept", to_json(kept)}, {"merged", drop.id}}, [&](std::ostream &out) {
    out << trf("dup.merged", {short_id(drop.id), short_id(keep.id)}) << '\n';
  });
}

void distinct(Context &ctx, const Args &a) {
  require_option(a.first, "A");
  require_option(a.second, "B");
  Database &db = ctx.db();
  const Opinion x = resolve_opinion(db, a.first, "A");
  const Opinion y = resolve_opinion(db, a.second, "B");
  if (x.id == y.id) throw invalid_input("B", tr("dup.same"), tr("dup.hint_refs"));
  check(db.mark_distinct(x.id, y.id, who(ctx, a.by), now_local()));
  ctx.emit({{"ok", true}, {"a", x.id}, {"b", y.id}}, [&](std::ostream &out) {
    out << trf("dup.distinct", {short_id(x.id), short_id(y.id)}) << '\n';
  });
}

}  // namespace

void add_duplicates_commands(CLI::App &app, Context &ctx) {
  CLI::App *dup = add_command(app, "duplicates", "cmd.duplicates");
  auto l = std::make_shared<Args>();
  dup->add_option("--unit,--hamlet", l->unit, tr("opt.filter.unit"));
  dup->add_option("--meeting", l->meeting, tr("opt.filter.meeting"));
  dup->callback([&ctx, l, dup] {
    if (dup->get_subcommands().empty()) ctx.action = [&ctx, l] { list(ctx, *l); };
  });

  auto m = std::make_shared<Args>();
  CLI::App *mg = add_command(*dup, "merge", "cmd.duplicates.merge");
  mg->add_option("KEEP", m->first, tr("opt.dup.keep"));
  mg->add_option("DROP", m->second, tr("opt.dup.drop"));
  mg->add_option("--by", m->by, tr("opt.follow.by"));
  mg->callback([&ctx, m] { ctx.action = [&ctx, m] { merge(ctx, *m); }; });

  auto d = std::make_shared<Args>();
  CLI::App *ds = add_command(*dup, "distinct", "cmd.duplicates.distinct");
  ds->add_option("A", d->first, tr("opt.opinion.ref"));
  ds->add_option("B", d->second, tr("opt.opinion.ref"));
  ds->add_option("--by", d->by, tr("opt.follow.by"));
  ds->callback([&ctx, d] { ctx.action = [&ctx, d] { distinct(ctx, *d); }; });
}

}  // namespace ykien::cli
