// meeting edit (correct a meeting's details, the edit kept in its journal) and
// meeting withdraw (take back a meeting recorded by mistake, with its opinions and
// visits): as opinion edit|withdraw, whose journal lines they reuse.
#include <memory>
#include <optional>
#include <ostream>

#include "choices.h"
#include "commands.h"
#include "dates.h"
#include "errors.h"
#include "i18n.h"
#include "meeting_journal.h"
#include "records_json.h"
#include "resolve.h"
#include "text.h"

namespace ykien::cli {
namespace {

struct EditArgs {
  std::string ref, by;
  std::optional<std::string> kind, title, at, place, chair, secretary, attendance, conclusion, departments;
};

struct WithdrawArgs {
  std::string ref, reason, by;
};

std::string who(const Context &ctx, const std::string &by) { return trim(by.empty() ? ctx.user : by); }

MeetingPatch make_patch(const EditArgs &a) {
  MeetingPatch p;
  if (a.kind) p.kind = require_choice(ChoiceSet::meeting_kind, *a.kind, "--kind");
  if (a.title) {
    if (trim(*a.title).empty()) throw invalid_input("--title", tr("error.empty"), tr("hint.fix_value"));
    p.title = trim(*a.title);
  }
  if (a.at) p.held_at = require_datetime(*a.at, "--at");
  if (a.place) p.place = trim(*a.place);
  if (a.chair) p.chair = trim(*a.chair);
  if (a.secretary) p.secretary = trim(*a.secretary);
  if (a.attendance) p.attendance = parse_count(*a.attendance, "--attendance");
  if (a.conclusion) p.conclusion = trim(*a.conclusion);
  if (a.departments) p.departments = split_list(*a.departments, ';');
  return p;
}

void edit(Context &ctx, const EditArgs &a) {
  Database &db = ctx.db();
  const Meeting before = resolve_meeting(db, a.ref, "MEETING");
  // (Not a structured binding: the lambda below captures them, which older clang refuses.)
  const auto written = write_correction(
      db, before, make_patch(a), [&](const std::string &id, const MeetingPatch &p) { return db.update_meeting(id, p); },
      meeting_changes, who(ctx, a.by), "hint.meeting_edit_nothing", "--attendance");
  const Meeting &after = written.first;
  const nlohmann::json &changes = written.second;
  ctx.emit({{"ok", true}, {"meeting", to_json(after)}, {"edit", changes}}, [&](std::ostream &out) {
    out << trf("meeting.edited", {short_id(after.id)}) << '\n';
    const auto lines = journal_lines(after.notes);
    if (!lines.empty()) out << "  " << lines.back() << '\n';
  });
}

void withdraw(Context &ctx, const WithdrawArgs &a) {
  require_option(a.reason, "--reason");
  Database &db = ctx.db();
  const Meeting m = resolve_meeting(db, a.ref, "MEETING");
  const std::string reason = trim(a.reason), by = who(ctx, a.by), at = now_local();
  OpinionFilter f;
  f.meeting_id = m.id;
  f.limit = 10'000'000;
  const auto opinions = take(db.list_opinions(f));
  std::vector<std::string> visits;
  for (const auto &v : take(db.list_support_visits(m.scope))) {
    if (v.meeting_id == m.id) visits.push_back(v.id);
  }
  // All or nothing: what was said there goes with the meeting, each with the reason.
  check(db.batch([&]() -> Status {
    for (const auto &o : opinions) YKIEN_TRY(db.withdraw_opinion(o.id, reason, by, at));
    for (const auto &v : visits) YKIEN_TRY(db.withdraw_support_visit(v, reason));
    MeetingPatch journal;
    journal.notes = with_journal_line(m.notes, {{"withdraw", reason}}, by, at);
    auto j = db.update_meeting(m.id, journal);
    if (!j.ok()) return j.status();
    return db.delete_meeting(m.id);
  }));
  if (current_meeting_id(db) == m.id) set_current_meeting_id(db, "");
  ctx.emit({{"ok", true}, {"withdrawn", m.id}, {"ref", short_id(m.id)}, {"reason", reason},
            {"opinions", opinions.size()}, {"visits", visits.size()}},
           [&](std::ostream &out) {
             out << trf("meeting.withdrawn", {short_id(m.id), reason, std::to_string(opinions.size()),
                                              std::to_string(visits.size())})
                 << '\n';
           });
}

}  // namespace

void add_meeting_correct_commands(CLI::App &meeting, Context &ctx) {
  auto e = std::make_shared<EditArgs>();
  CLI::App *ed = add_command(meeting, "edit", "cmd.meeting.edit");
  ed->add_option("MEETING", e->ref, tr("opt.meeting.ref"));
  ed->add_option("--kind", e->kind, tr("opt.meeting.kind"));
  ed->add_option("--title", e->title, tr("opt.meeting.title"));
  ed->add_option("--at", e->at, tr("opt.meeting.at"));
  ed->add_option("--place", e->place, tr("opt.meeting.place"));
  ed->add_option("--chair", e->chair, tr("opt.meeting.chair"));
  ed->add_option("--secretary", e->secretary, tr("opt.meeting.secretary"));
  ed->add_option("--attendance", e->attendance, tr("opt.meeting.attendance"));
  ed->add_option("--conclusion", e->conclusion, tr("opt.meeting.conclusion"));
  ed->add_option("--departments", e->departments, tr("opt.meeting.departments"));
  ed->add_option("--by", e->by, tr("opt.follow.by"));
  ed->callback([&ctx, e] { ctx.action = [&ctx, e] { edit(ctx, *e); }; });

  auto w = std::make_shared<WithdrawArgs>();
  CLI::App *wd = add_command(meeting, "withdraw", "cmd.meeting.withdraw");
  wd->add_option("MEETING", w->ref, tr("opt.meeting.ref"));
  wd->add_option("--reason", w->reason, tr("opt.withdraw.reason"));
  wd->add_option("--by", w->by, tr("opt.follow.by"));
  wd->callback([&ctx, w] { ctx.action = [&ctx, w] { withdraw(ctx, *w); }; });
}

}  // namespace ykien::cli
