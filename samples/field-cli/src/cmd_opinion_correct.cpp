// opinion edit (correct any field, with the edit kept in the history) and
// opinion withdraw (take back an opinion recorded by mistake, with a reason).
#include <memory>
#include <optional>
#include <ostream>

#include "choices.h"
#include "commands.h"
#include "dates.h"
#include "errors.h"
#include "i18n.h"
#include "journal.h"
#include "records_json.h"
#include "resolve.h"
#include "text.h"

namespace ykien::cli {
namespace {

struct EditArgs {
  std::string ref, by;
  std::optional<std::string> content, category, kind, citizen, contact, jurisdiction, escalated_to, at, department,
      due, satisfaction;
  bool anonymous = false;
};

struct WithdrawArgs {
  std::string ref, reason, by;
};

std::string who(const Context &ctx, const std::string &by) { return trim(by.empty() ? ctx.user : by); }

OpinionPatch make_patch(const EditArgs &a) {
  OpinionPatch p;
  if (a.content) {
    if (trim(*a.content).empty()) throw invalid_input("--content", tr("error.empty"), tr("hint.content"));
    p.content = trim(*a.content);
  }
  if (a.category) p.category = require_choice(ChoiceSet::category, *a.category, "--category");
  if (a.kind) p.kind = require_choice(ChoiceSet::opinion_kind, *a.kind, "--kind");
  if (a.citizen) {
    p.citizen_name = trim(*a.citizen);
    p.anonymous = p.citizen_name->empty();
  }
  if (a.contact) p.citizen_contact = trim(*a.contact);
  if (a.anonymous) {
    p.anonymous = true;
    // A name or contact typed with it is refused as opinion add refuses it, not dropped.
    if (!a.citizen) p.citizen_name = "";
    if (!a.contact) p.citizen_contact = "";
  }
  if (a.jurisdiction) p.jurisdiction = require_choice(ChoiceSet::jurisdiction, *a.jurisdiction, "--jurisdiction");
  if (a.escalated_to) {
    p.escalated_to = trim(*a.escalated_to);
    if (!p.jurisdiction && !p.escalated_to->empty()) p.jurisdiction = "escalated";
  }
  if (p.jurisdiction == "local" && !a.escalated_to) p.escalated_to = "";
  if (a.at) p.raised_at = require_datetime(*a.at, "--at");
  if (a.department) p.assigned_department = trim(*a.department);
  if (a.due) p.due_date = trim(*a.due).empty() ? std::string() : require_date(*a.due, "--due");
  if (a.satisfaction) p.satisfaction = require_choice(ChoiceSet::satisfaction, *a.satisfaction, "--satisfaction");
  return p;
}

void edit(Context &ctx, const EditArgs &a) {
  require_option(a.ref, "OPINION");
  Database &db = ctx.db();
  const Opinion o = resolve_opinion(db, a.ref, "OPINION");
  const OpinionPatch p = make_patch(a);
  auto r = db.edit_opinion(o.id, p, who(ctx, a.by), now_local());
  if (!r.ok() && r.status().field() == "patch") {
    throw CliError(kExitUsage, tr("error.edit_nothing"), tr("hint.edit_nothing"), "--content");
  }
  const Opinion now = take(std::move(r));
  const auto history = take(db.status_history(o.id));
  const std::string line = history.empty() ? std::string() : history_line(history.back());
  ctx.emit({{"ok", true}, {"opinion", to_json(now)}, {"edit", history.empty() ? nlohmann::json() : to_json(history.back())}},
           [&](std::ostream &out) {
             out << trf("opinion.edited", {short_id(o.id)}) << '\n' << "  " << line << '\n';
           });
}

void withdraw(Context &ctx, const WithdrawArgs &a) {
  require_option(a.ref, "OPINION");
  require_option(a.reason, "--reason");
  Database &db = ctx.db();
  const Opinion o = resolve_opinion(db, a.ref, "OPINION");
  check(db.withdraw_opinion(o.id, trim(a.reason), who(ctx, a.by), now_local()));
  ctx.emit({{"ok", true}, {"withdrawn", o.id}, {"ref", short_id(o.id)}, {"reason", trim(a.reason)}},
           [&](std::ostream &out) {
             out << trf("opinion.withdrawn", {short_id(o.id), trim(a.reason)}) << '\n';
           });
}

}  // namespace

void add_opinion_correct_commands(CLI::App &opinion, Context &ctx) {
  auto e = std::make_shared<EditArgs>();
  CLI::App *ed = add_command(opinion, "edit", "cmd.opinion.edit");
  ed->add_option("OPINION", e->ref, tr("opt.opinion.ref"));
  ed->add_option("--content", e->content, tr("opt.opinion.content"));
  ed->add_option("--category", e->category, tr("opt.opinion.category"));
  ed->add_option("--kind", e->kind, tr("opt.opinion.kind"));
  ed->add_option("--citizen", e->citizen, tr("opt.opinion.citizen"));
  ed->add_option("--contact", e->contact, tr("opt.opinion.contact"));
  ed->add_flag("--anonymous", e->anonymous, tr("opt.opinion.anonymous"));
  ed->add_option("--jurisdiction", e->jurisdiction, tr("opt.opinion.jurisdiction"));
  ed->add_option("--escalated-to", e->escalated_to, tr("opt.opinion.escalated_to"));
  ed->add_option("--at,--raised-at", e->at, tr("opt.opinion.raised_at"));
  ed->add_option("--department", e->department, tr("opt.follow.department"));
  ed->add_option("--due", e->due, tr("opt.follow.due"));
  ed->add_option("--satisfaction", e->satisfaction, tr("opt.opinion.satisfaction"));
  ed->add_option("--by", e->by, tr("opt.follow.by"));
  ed->callback([&ctx, e] { ctx.action = [&ctx, e] { edit(ctx, *e); }; });

  auto w = std::make_shared<WithdrawArgs>();
  CLI::App *wd = add_command(opinion, "withdraw", "cmd.opinion.withdraw");
  wd->add_option("OPINION", w->ref, tr("opt.opinion.ref"));
  wd->add_option("--reason", w->reason, tr("opt.withdraw.reason"));
  wd->add_option("--by", w->by, tr("opt.follow.by"));
  wd->callback([&ctx, w] { ctx.action = [&ctx, w] { withdraw(ctx, *w); }; });
}

}  // namespace ykien::cli
