// meeting open | close | list | show (edit and withdraw: cmd_meeting_correct.cpp).
#include <map>
#include <memory>
#include <ostream>

#include "choices.h"
#include "commands.h"
#include "dates.h"
#include "errors.h"
#include "i18n.h"
#include "meeting_journal.h"
#include "records_json.h"
#include "resolve.h"
#include "table.h"
#include "text.h"

namespace ykien::cli {
namespace {

struct OpenArgs {
  std::string kind, hamlet, at, place, chair, secretary, attendance, title, departments, notes;
};

struct CloseArgs {
  std::string ref, attendance, conclusion, at;
};

struct ListArgs {
  std::string unit, from, to;
  bool open_only = false;
};

std::map<std::string, std::string> unit_names(const Database &db) {
  std::map<std::string, std::string> names;
  for (const auto &n : all_units(db)) names[n.unit.id] = n.unit.name;
  return names;
}

std::vector<Opinion> opinions_of(const Database &db, const std::string &meeting_id) {
  OpinionFilter f;
  f.meeting_id = meeting_id;
  f.limit = 1'000'000;
  return take(db.list_opinions(f));
}

void meeting_open(Context &ctx, const OpenArgs &a) {
  require_option(a.kind, "--kind");
  require_option(a.hamlet, "--hamlet");
  Database &db = ctx.db();
  Meeting m;
  m.kind = require_choice(ChoiceSet::meeting_kind, a.kind, "--kind");
  const Unit unit = resolve_unit(db, a.hamlet, "--hamlet");
  m.unit_id = unit.id;
  m.held_at = a.at.empty() ? now_local() : require_datetime(a.at, "--at");
  m.place = trim(a.place);
  m.chair = trim(a.chair);
  m.secretary = trim(a.secretary.empty() ? ctx.user : a.secretary);
  m.attendance = a.attendance.empty() ? 0 : parse_count(a.attendance, "--attendance");
  m.title = a.title.empty() ? choice_label(ChoiceSet::meeting_kind, m.kind) + " – " + unit.name : trim(a.title);
  m.departments = split_list(a.departments, ';');
  m.notes = a.notes;
  const Meeting made = take(db.create_meeting(m));
  set_current_meeting_id(db, made.id);
  ctx.emit({{"ok", true}, {"meeting", to_json(made)}}, [&](std::ostream &out) {
    out << trf("meeting.opened", {made.title, made.held_at, short_id(made.id)}) << '\n';
    out << tr("meeting.opened_next") << '\n';
  });
}

void meeting_close(Context &ctx, const CloseArgs &a) {
  Database &db = ctx.db();
  const Meeting m = resolve_meeting(db, a.ref, "MEETING");
  if (!m.closed_at.empty()) {
    throw CliError(kExitInvalidState, trf("error.meeting_closed", {short_id(m.id), m.closed_at}),
                   tr("hint.meeting_closed"));
  }
  const int64_t attendance = a.attendance.empty() ? m.attendance : parse_count(a.attendance, "--attendance");
  const std::string closed_at = done_at(a.at, "--at");
  const Meeting closed = take(db.close_meeting(m.id, attendance, trim(a.conclusion), closed_at));
  if (current_meeting_id(db) == m.id) set_current_meeting_id(db, "");
  const auto ops = opinions_of(db, m.id);
  ctx.emit({{"ok", true}, {"meeting", to_json(closed)}, {"opinions", ops.size()}}, [&](std::ostream &out) {
    out << trf("meeting.closed", {closed.title, std::to_string(closed.attendance), std::to_string(ops.size())})
        << '\n';
  });
}

void meeting_list(Context &ctx, const ListArgs &a) {
  Database &db = ctx.db();
  const std::string scope = a.unit.empty() ? std::string() : resolve_unit(db, a.unit, "--unit").scope;
  const std::string from = a.from.empty() ? std::string() : require_date(a.from, "--from");
  const std::string to = a.to.empty() ? std::string() : require_date(a.to, "--to");
  auto meetings = take(db.list_meetings(scope, from, to));
  if (a.open_only) std::erase_if(meetings, [](const Meeting &m) { return !m.closed_at.empty(); });
  OpinionFilter all;
  all.scope = scope;
  all.limit = 10'000'000;
  std::map<std::string, int64_t> counts;
  for (const auto &o : take(db.list_opinions(all))) ++counts[o.meeting_id];
  const auto names = unit_names(db);
  nlohmann::json arr = nlohmann::json::array();
  for (const auto &m : meetings) {
    auto j = to_json(m);
    j["opinions"] = counts[m.id];
    arr.push_back(j);
  }
  ctx.emit({{"ok", true}, {"meetings", arr}}, [&](std::ostream &out) {
    if (meetings.empty()) {
      out << tr("meeting.none") << '\n';
      return;
    }
    Table t({tr("col.ref"), tr("col.time"), tr("col.kind"), tr("col.unit"), tr("col.attendance"),
             tr("col.opinions"), tr("col.state")});
    t.set_right(4);
    t.set_right(5);
    t.set_max_width(2, 28);
    t.set_max_width(3, 24);
    for (const auto &m : meetings) {
      auto it = names.find(m.unit_id);
      t.add_row({short_id(m.id), m.held_at, choice_label(ChoiceSet::meeting_kind, m.kind),
                 it == names.end() ? m.scope : it->second, std::to_string(m.attendance),
                 std::to_string(counts[m.id]), m.closed_at.empty() ? tr("meeting.state.open") : tr("meeting.state.closed")});
    }
    t.print(out);
  });
}

void meeting_show(Context &ctx, const std::string &ref) {
  Database &db = ctx.db();
  const Meeting m = resolve_meeting(db, ref, "MEETING");
  const auto ops = opinions_of(db, m.id);
  const auto names = unit_names(db);
  nlohmann::json arr = nlohmann::json::array();
  for (const auto &o : ops) arr.push_back(to_json(o));
  const auto history = journal_lines(m.notes);
  ctx.emit({{"ok", true}, {"meeting", to_json(m)}, {"opinions", arr}, {"history", history}}, [&](std::ostream &out) {
    auto it = names.find(m.unit_id);
    auto row = [&](const std::string &key, const std::string &value) {
      if (!value.empty()) out << pad_right(tr(key), 18) << value << '\n';
    };
    row("label.title", m.title);
    row("label.ref", short_id(m.id));
    row("label.kind", choice_label(ChoiceSet::meeting_kind, m.kind));
    row("label.unit", (it == names.end() ? std::string() : it->second + "  ") + m.scope);
    row("label.time", m.held_at);
    row("label.place", m.place);
    row("label.chair", m.chair);
    row("label.secretary", m.secretary);
    row("label.attendance", std::to_string(m.attendance));
    std::string deps;
    for (const auto &d : m.departments) deps += (deps.empty() ? "" : "; ") + d;
    row("label.departments", deps);
    row("label.conclusion", m.conclusion);
    row("label.state", m.closed_at.empty() ? tr("meeting.state.open") : tr("meeting.state.closed") + " " + m.closed_at);
    if (!history.empty()) {
      out << '\n' << tr("label.history") << '\n';
      for (const auto &line : history) out << "  " << line << '\n';
    }
    out << '\n' << trf("meeting.opinion_count", {std::to_string(ops.size())}) << '\n';
    if (!ops.empty()) {
      Table t({tr("col.ref"), tr("col.category"), tr("col.status"), tr("col.content")});
      t.set_max_width(3, 60);
      for (const auto &o : ops) {
        t.add_row({short_id(o.id), choice_label(ChoiceSet::category, o.category),
                   choice_label(ChoiceSet::status, o.status), o.content});
      }
      t.print(out);
    }
  });
}

}  // namespace

void add_meeting_commands(CLI::App &app, Context &ctx) {
  CLI::App *meeting = add_command(app, "meeting", "cmd.meeting");
  meeting->require_subcommand(1);

  auto o = std::make_shared<OpenArgs>();
  CLI::App *open = add_command(*meeting, "open", "cmd.meeting.open");
  open->add_option("--kind", o->kind, tr("opt.meeting.kind"));
  open->add_option("--hamlet,--unit", o->hamlet, tr("opt.meeting.hamlet"));
  open->add_option("--at", o->at, tr("opt.meeting.at"));
  open->add_option("--place", o->place, tr("opt.meeting.place"));
  open->add_option("--chair", o->chair, tr("opt.meeting.chair"));
  open->add_option("--secretary", o->secretary, tr("opt.meeting.secretary"));
  open->add_option("--attendance", o->attendance, tr("opt.meeting.attendance"));
  open->add_option("--title", o->title, tr("opt.meeting.title"));
  open->add_option("--departments", o->departments, tr("opt.meeting.departments"));
  open->add_option("--notes", o->notes, tr("opt.meeting.notes"));
  open->callback([&ctx, o] { ctx.action = [&ctx, o] { meeting_open(ctx, *o); }; });

  auto c = std::make_shared<CloseArgs>();
  CLI::App *close = add_command(*meeting, "close", "cmd.meeting.close");
  close->add_option("MEETING", c->ref, tr("opt.meeting.ref"));
  close->add_option("--attendance", c->attendance, tr("opt.meeting.final_attendance"));
  close->add_option("--conclusion", c->conclusion, tr("opt.meeting.conclusion"));
  close->add_option("--at", c->at, tr("opt.meeting.closed_at"));
  close->callback([&ctx, c] { ctx.action = [&ctx, c] { meeting_close(ctx, *c); }; });

  auto l = std::make_shared<ListArgs>();
  CLI::App *list = add_command(*meeting, "list", "cmd.meeting.list");
  list->add_option("--unit,--hamlet", l->unit, tr("opt.filter.unit"));
  list->add_option("--from", l->from, tr("opt.filter.from"));
  list->add_option("--to", l->to, tr("opt.filter.to"));
  list->add_flag("--open", l->open_only, tr("opt.meeting.open_only"));
  list->callback([&ctx, l] { ctx.action = [&ctx, l] { meeting_list(ctx, *l); }; });

  auto ref = std::make_shared<std::string>();
  CLI::App *show = add_command(*meeting, "show", "cmd.meeting.show");
  show->add_option("MEETING", *ref, tr("opt.meeting.ref"));
  show->callback([&ctx, ref] { ctx.action = [&ctx, ref] { meeting_show(ctx, *ref); }; });
  add_meeting_correct_commands(*meeting, ctx);
}

}  // namespace ykien::cli
