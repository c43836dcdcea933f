// opinion list | opinion show | search: finding opinions at the office.
#include <algorithm>
#include <memory>
#include <ostream>

#include "choices.h"
#include "commands.h"
#include "dates.h"
#include "errors.h"
#include "i18n.h"
#include "identity.h"
#include "due.h"
#include "journal.h"
#include "search_rank.h"
#include "sheet.h"
#include "records_json.h"
#include "resolve.h"
#include "table.h"
#include "text.h"

namespace ykien::cli {
namespace {

struct ListArgs {
  std::string status, category, unit, meeting, from, to, today, text, limit, due, format, output;
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

// With a text, ranked (search_rank.h); else in the order raised.
std::vector<Opinion> find_opinions(Context &ctx, const ListArgs &a) {
  const OpinionFilter f = make_filter(ctx, a);
  if (f.text.empty()) return take(ctx.db().list_opinions(f));
  std::vector<Opinion> out;
  for (auto &r : ranked_search(ctx.db(), f)) out.push_back(std::move(r.opinion));
  return out;
}

// The opinion list for spreadsheets; a denunciation's complainant is left out.
Sheet opinion_sheet(const std::vector<Opinion> &ops) {
  Sheet sheet;
  sheet.name = tr("opinion.sheet");
  sheet.headers = {tr("col.ref"),    tr("col.raised_at"), tr("col.scope"),      tr("col.category"),
                   tr("col.status"), tr("col.due"),       tr("col.department"), tr("col.citizen"),
                   tr("col.content")};
  for (const auto &o : ops) {
    sheet.rows.push_back({short_id(o.id), o.raised_at, o.scope, choice_label(ChoiceSet::category, o.category),
                          choice_label(ChoiceSet::status, o.status), o.due_date, o.assigned_department,
                          o.confidential ? std::string() : shown_identity(o.citizen_name), o.content});
  }
  return sheet;
}

void list(Context &ctx, const ListArgs &a) {
  const std::string format = export_format(a.format, ctx.json, a.output);
  if (format == "csv") {
    emit_csv(ctx.out(), a.output, opinion_sheet(find_opinions(ctx, a)));
    return;
  }
  if (format == "xlsx") {
    write_xlsx(a.output, {opinion_sheet(find_opinions(ctx, a))});
    ctx.err() << trf("export.written", {a.output}) << '\n';
    return;
  }
  if (!a.due.empty()) {
    print_due(ctx, make_filter(ctx, a), static_cast<int>(parse_count(a.due, "--due", 3650)));
    return;
  }
  print_list(ctx, find_opinions(ctx, a));
}

void search(Context &ctx, ListArgs a) {
  for (const auto &w : a.words) a.text += (a.text.empty() ? "" : " ") + w;
  require_option(a.text, "TEXT");
  print_list(ctx, find_opinions(ctx, a));
}

// A live opinion, or one withdrawn (shown with its history, not counted anywhere).
Opinion find_for_show(Database &db, const std::string &ref, bool &withdrawn) {
  withdrawn = false;
  try {
    return resolve_opinion(db, ref, "OPINION");
  } catch (const CliError &e) {
    if (e.exit_code != kExitNotFound) throw;
    OpinionFilter f;
    f.withdrawn = true;
    f.limit = 10'000'000;
    for (auto &o : take(db.list_opinions(f))) {
      if (o.id == trim(ref) || short_id(o.id) == trim(ref)) {
        withdrawn = true;
        return o;
      }
    }
    throw;
  }
}

void show(Context &ctx, const std::string &ref) {
  require_option(ref, "OPINION");
  Database &db = ctx.db();
  bool withdrawn = false;
  const Opinion o = find_for_show(db, ref, withdrawn);
  auto responses = take(db.list_responses(o.id));
  auto history = take(db.status_history(o.id));
  // A merged duplicate's answers and history stay with the opinion kept.
  const auto merged = journal_ids(history, "merged_from");
  for (const auto &id : merged) {
    for (auto &r : take(db.list_responses(id))) responses.push_back(std::move(r));
    for (auto &h : take(db.status_history(id))) history.push_back(std::move(h));
  }
  std::stable_sort(responses.begin(), responses.end(),
                   [](const Response &a, const Response &b) { return a.created_at < b.created_at; });
  std::stable_sort(history.begin(), history.end(),
                   [](const StatusChange &a, const StatusChange &b) { return a.changed_at < b.changed_at; });
  nlohmann::json rj = nlohmann::json::array();
  for (const auto &r : responses) rj.push_back(to_json(r));
  nlohmann::json hj = nlohmann::json::array();
  for (const auto &h : history) hj.push_back(to_json(h));
  ctx.emit({{"ok", true}, {"opinion", to_json(o)}, {"withdrawn", withdrawn}, {"merged_from", merged},
            {"responses", rj}, {"history", hj}},
           [&](std::ostream &out) {
    auto row = [&](const std::string &key, const std::string &value) {
      if (!value.empty()) out << pad_right(tr(key), 18) << value << '\n';
    };
    if (withdrawn) out << tr("opinion.is_withdrawn") << "\n\n";
    row("label.ref", short_id(o.id));
    row("label.content", o.content);
    row("label.category", choice_label(ChoiceSet::category, o.category));
    row("label.kind", choice_label(ChoiceSet::opinion_kind, o.kind));
    row("label.citizen", o.anonymous && o.citizen_name.empty() ? tr("label.anonymous") : shown_identity(o.citizen_name));
    row("label.contact", shown_identity(o.citizen_contact));
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
      // Entries of a duplicate merged into this one carry its ref.
      out << "  " << (h.opinion_id == o.id ? std::string() : "[" + short_id(h.opinion_id) + "] ") << history_line(h)
          << '\n';
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
  lst->add_option("--due", l->due, tr("opt.filter.due"));
  lst->add_option("--format", l->format, tr("opt.list.format"));
  lst->add_option("-o,--output", l->output, tr("opt.export.output"));
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
  add_opinion_correct_commands(*opinion, ctx);
  add_opinion_query_commands(app, *opinion, ctx);
}

}  // namespace ykien::cli
