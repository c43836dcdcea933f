// opinion list | opinion show | search: finding opinions at the office.
#include <memory>
#include <ostream>

#include "choices.h"
#include "commands.h"
#include "dates.h"
#include "errors.h"
#include "i18n.h"
#include "records_json.h"
#include "resolve.h"
#include "table.h"
#include "text.h"

namespace ykien::cli {
namespace {

struct ListArgs {
  std::string status, category, unit, meeting, from, to, today, text, limit;
  std::vector<std::string> words;  // search TEXT may be several words
  bool overdue = false;
};

OpinionFilter make_filter(Context &ctx, const ListArgs &a) {
  Database &db = ctx.db();
  OpinionFilter f;
  if (!a.status.empty()) f.status = require_choice(ChoiceSet::status, a.status, "--status");
  if (!a.category.empty()) f.category = require_choice(ChoiceSet::category, a.category, "--category");
  if (!a.unit.empty()) f.scope = resolve_unit(db, a.unit, "--hamlet").scope;
  if (!a.meeting.empty()) f.meeting_id = resolve_meeting(db, a.meeting, "--meeting").id;
  if (!a.from.empty()) f.from = require_date(a.from, "--from");
  if (!a.to.empty()) f.to = require_date(a.to, "--to");
  f.today = a.today.empty() ? today_local() : require_date(a.today, "--today");
  f.overdue_only = a.overdue;
  f.text = trim(a.text);
  if (!a.limit.empty()) f.limit = parse_count(a.limit, "--limit", 10'000'000);
  return f;
}

void print_list(Context &ctx, const std::vector<Opinion> &ops) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto &o : ops) arr.push_back(to_json(o));
  ctx.emit({{"ok", true}, {"count", ops.size()}, {"opinions", arr}}, [&](std::ostream &out) {
    if (ops.empty()) {
      out << tr("opinion.none") << '\n';
      return;
    }
    Table t({tr("col.ref"), tr("col.raised_at"), tr("col.category"), tr("col.status"), tr("col.due"),
             tr("col.content")});
    t.set_max_width(2, 22);
    t.set_max_width(5, 56);
    for (const auto &o : ops) {
      t.add_row({short_id(o.id), o.raised_at, choice_label(ChoiceSet::category, o.category),
                 choice_label(ChoiceSet::status, o.status), o.due_date, o.content});
    }
    t.print(out);
    out << trf("opinion.count", {std::to_string(ops.size())}) << '\n';
  });
}

void list(Context &ctx, const ListArgs &a) { print_list(ctx, take(ctx.db().list_opinions(make_filter(ctx, a)))); }

void search(Context &ctx, ListArgs a) {
  for (const auto &w : a.words) a.text += (a.text.empty() ? "" : " ") + w;
  require_option(a.text, "TEXT");
  print_list(ctx, take(ctx.db().list_opinions(make_filter(ctx, a))));
}

void show(Context &ctx, const std::string &ref) {
  require_option(ref, "OPINION");
  Database &db = ctx.db();
  const Opinion o = resolve_opinion(db, ref, "OPINION");
  const auto responses = take(db.list_responses(o.id));
  const auto history = take(db.status_history(o.id));
  nlohmann::json rj = nlohmann::json::array();
  for (const auto &r : responses) rj.push_back(to_json(r));
  nlohmann::json hj = nlohmann::json::array();
  for (const auto &h : history) hj.push_back(to_json(h));
  ctx.emit({{"ok", true}, {"opinion", to_json(o)}, {"responses", rj}, {"history", hj}}, [&](std::ostream &out) {
    auto row = [&](const std::string &key, const std::string &value) {
      if (!value.empty()) out << pad_right(tr(key), 18) << value << '\n';
    };
    row("label.ref", short_id(o.id) + "  (" + o.id + ")");
    row("label.content", o.content);
    row("label.category", choice_label(ChoiceSet::category, o.category));
    row("label.kind", choice_label(ChoiceSet::opinion_kind, o.kind));
    row("label.citizen", o.anonymous && o.citizen_name.empty() ? tr("label.anonymous") : o.citizen_name);
    row("label.contact", o.citizen_contact);
    row("label.jurisdiction", choice_label(ChoiceSet::jurisdiction, o.jurisdiction) +
                                  (o.escalated_to.empty() ? "" : " → " + o.escalated_to));
    row("label.raised_at", o.raised_at);
    row("label.status", choice_label(ChoiceSet::status, o.status));
    row("label.department", o.assigned_department);
    row("label.due", o.due_date);
    row("label.satisfaction", choice_label(ChoiceSet::satisfaction, o.satisfaction));
    row("label.recorded_by", o.recorded_by);
    if (!o.meeting_id.empty()) row("label.meeting", short_id(o.meeting_id));
    out << '\n' << tr("opinion.responses") << '\n';
    if (responses.empty()) out << "  " << tr("opinion.no_responses") << '\n';
    for (const auto &r : responses) {
      out << "  " << r.created_at << "  " << tr("response_kind." + r.kind);
      if (!r.responder.empty()) out << " (" << r.responder << ")";
      if (!r.appointment_at.empty()) out << ": " << r.appointment_at << ", " << r.appointment_place;
      if (!r.content.empty()) out << ": " << r.content;
      out << '\n';
    }
    out << '\n' << tr("opinion.history") << '\n';
    for (const auto &h : history) {
      out << "  " << h.changed_at << "  "
          << (h.from_status.empty() ? std::string() : choice_label(ChoiceSet::status, h.from_status) + " → ")
          << choice_label(ChoiceSet::status, h.to_status);
      if (!h.changed_by.empty()) out << " (" << h.changed_by << ")";
      if (!h.note.empty()) out << ": " << h.note;
      out << '\n';
    }
  });
}

void add_filter_flags(CLI::App &cmd, ListArgs &a) {
  cmd.add_option("--status", a.status, tr("opt.filter.status"));
  cmd.add_flag("--overdue", a.overdue, tr("opt.filter.overdue"));
  cmd.add_option("--category", a.category, tr("opt.filter.category"));
  cmd.add_option("--hamlet,--unit", a.unit, tr("opt.filter.unit"));
  cmd.add_option("--meeting", a.meeting, tr("opt.filter.meeting"));
  cmd.add_option("--from", a.from, tr("opt.filter.from"));
  cmd.add_option("--to", a.to, tr("opt.filter.to"));
  cmd.add_option("--today", a.today, tr("opt.filter.today"));
  cmd.add_option("--limit", a.limit, tr("opt.filter.limit"));
}

}  // namespace

void add_opinion_query_commands(CLI::App &app, CLI::App &opinion, Context &ctx) {
  auto l = std::make_shared<ListArgs>();
  CLI::App *lst = add_command(opinion, "list", "cmd.opinion.list");
  add_filter_flags(*lst, *l);
  lst->add_option("--text", l->text, tr("opt.filter.text"));
  lst->callback([&ctx, l] { ctx.action = [&ctx, l] { list(ctx, *l); }; });

  auto ref = std::make_shared<std::string>();
  CLI::App *shw = add_command(opinion, "show", "cmd.opinion.show");
  shw->add_option("OPINION", *ref, tr("opt.opinion.ref"));
  shw->callback([&ctx, ref] { ctx.action = [&ctx, ref] { show(ctx, *ref); }; });

  auto s = std::make_shared<ListArgs>();
  CLI::App *srch = add_command(app, "search", "cmd.search");
  srch->add_option("TEXT", s->words, tr("opt.search.text"));
  add_filter_flags(*srch, *s);
  srch->callback([&ctx, s] { ctx.action = [&ctx, s] { search(ctx, *s); }; });
}

void add_opinion_commands(CLI::App &app, Context &ctx) {
  CLI::App *opinion = add_command(app, "opinion", "cmd.opinion");
  opinion->require_subcommand(1);
  add_opinion_record_commands(app, *opinion, ctx);
  add_opinion_followup_commands(*opinion, ctx);
  add_opinion_query_commands(app, *opinion, ctx);
}

}  // namespace ykien::cli
