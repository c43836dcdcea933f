// Follow-up of one opinion: answer, appoint, assign, status, satisfaction.
#include <algorithm>
#include <memory>
#include <ostream>

#include "choices.h"
#include "commands.h"
#include "dates.h"
#include "errors.h"
#include "i18n.h"
#include "opinion_write.h"
#include "records_json.h"
#include "resolve.h"
#include "text.h"

namespace ykien::cli {
namespace {

struct FollowArgs {
  std::string ref, content, by, at, place, department, due, to, note, value;
  bool written = false;
  bool reopen = false;
};

std::string who(const Context &ctx, const FollowArgs &a) { return trim(a.by.empty() ? ctx.user : a.by); }

void print_result(Context &ctx, const Opinion &o, const nlohmann::json &extra, const std::string &line) {
  nlohmann::json j = {{"ok", true}, {"opinion", to_json(o)}};
  for (auto it = extra.begin(); it != extra.end(); ++it) j[it.key()] = it.value();
  ctx.emit(j, [&](std::ostream &out) { out << line << '\n'; });
}

std::string status_line(const Opinion &o) {
  return trf("opinion.now", {short_id(o.id), choice_label(ChoiceSet::status, o.status)});
}

void answer(Context &ctx, const FollowArgs &a) {
  require_option(a.ref, "OPINION");
  require_option(a.content, "--content");
  Database &db = ctx.db();
  const Opinion o = resolve_opinion(db, a.ref, "OPINION");
  Response r;
  r.opinion_id = o.id;
  r.kind = a.written ? "written_reply" : "answered_at_meeting";
  r.content = trim(a.content);
  r.responder = who(ctx, a);
  if (!a.at.empty()) {
    r.created_at = require_datetime(a.at, "--at");
  } else if (!a.written && !o.meeting_id.empty()) {
    // Answered at the meeting: when it was held (or now, while it goes on), not
    // when the answer is typed; never before the opinion was raised.
    const Meeting m = take(db.get_meeting(o.meeting_id));
    r.created_at = std::max(meeting_time_default(m), o.raised_at);
  } else {
    r.created_at = done_at("", "--at");
  }
  const Response made = take(db.add_response(r));
  const Opinion now = take(db.get_opinion(o.id));
  print_result(ctx, now, {{"response", to_json(made)}}, status_line(now));
}

void appoint(Context &ctx, const FollowArgs &a) {
  require_option(a.ref, "OPINION");
  require_option(a.at, "--at");
  require_option(a.place, "--place");
  Database &db = ctx.db();
  const Opinion o = resolve_opinion(db, a.ref, "OPINION");
  Response r;
  r.opinion_id = o.id;
  r.kind = "appointment";
  r.appointment_at = require_datetime(a.at, "--at");
  r.appointment_place = trim(a.place);
  r.content = trim(a.content);
  r.responder = who(ctx, a);
  r.created_at = done_at("", "--at");
  const Response made = take(db.add_response(r));
  const Opinion now = take(db.get_opinion(o.id));
  print_result(ctx, now, {{"response", to_json(made)}},
               trf("opinion.appointed", {short_id(o.id), made.appointment_at, made.appointment_place}));
}

void assign(Context &ctx, const FollowArgs &a) {
  require_option(a.ref, "OPINION");
  require_option(a.department, "--department");
  require_option(a.due, "--due");
  Database &db = ctx.db();
  const Opinion o = resolve_opinion(db, a.ref, "OPINION");
  const std::string due = require_date(a.due, "--due");
  const Opinion now = take(db.assign_opinion(o.id, trim(a.department), due, who(ctx, a), done_at("", "--at")));
  print_result(ctx, now, nlohmann::json::object(),
               trf("opinion.assigned", {short_id(o.id), now.assigned_department, now.due_date}));
}

void change_status(Context &ctx, const FollowArgs &a) {
  require_option(a.ref, "OPINION");
  require_option(a.to, "--to");
  Database &db = ctx.db();
  const Opinion o = resolve_opinion(db, a.ref, "OPINION");
  StatusUpdate u;
  u.to = require_choice(ChoiceSet::status, a.to, "--to");
  u.note = trim(a.note);
  u.by = who(ctx, a);
  u.reopen = a.reopen;
  u.at = done_at(a.at, "--at");
  auto r = db.change_status(o.id, u);
  if (!r.ok() && r.status().code() == ErrorCode::invalid_state && !a.reopen) {
    CliError e = from_status(r.status());
    // Said with the statuses' names, not their ids ("resolved"), and what to do.
    if (o.status != u.to)
      e.message = trf("error.status_move", {choice_label(ChoiceSet::status, o.status), choice_label(ChoiceSet::status, u.to)});
    e.hint = trf(o.status == "withdrawn" ? "hint.status_withdrawn" : "hint.status_transition",
                 {choice_label(ChoiceSet::status, o.status)});
    throw e;
  }
  const Opinion now = take(std::move(r));
  print_result(ctx, now, nlohmann::json::object(), status_line(now));
}

void satisfaction(Context &ctx, const FollowArgs &a) {
  require_option(a.ref, "OPINION");
  require_option(a.value, "VALUE");
  Database &db = ctx.db();
  const Opinion o = resolve_opinion(db, a.ref, "OPINION");
  OpinionPatch p;
  p.satisfaction = require_choice(ChoiceSet::satisfaction, a.value, "VALUE");
  const Opinion now = take(db.update_opinion(o.id, p));
  print_result(ctx, now, nlohmann::json::object(),
               trf("opinion.satisfaction_set", {short_id(o.id), choice_label(ChoiceSet::satisfaction, now.satisfaction)}));
}

using Handler = void (*)(Context &, const FollowArgs &);

CLI::App *follow_command(CLI::App &opinion, Context &ctx, const std::string &name, Handler handler,
                         std::shared_ptr<FollowArgs> &args) {
  args = std::make_shared<FollowArgs>();
  CLI::App *cmd = add_command(opinion, name, "cmd.opinion." + name);
  cmd->add_option("OPINION", args->ref, tr("opt.opinion.ref"));
  auto a = args;
  cmd->callback([&ctx, a, handler] { ctx.action = [&ctx, a, handler] { handler(ctx, *a); }; });
  return cmd;
}

}  // namespace

void add_opinion_followup_commands(CLI::App &opinion, Context &ctx) {
  std::shared_ptr<FollowArgs> a;

  CLI::App *ans = follow_command(opinion, ctx, "answer", answer, a);
  ans->add_option("--content", a->content, tr("opt.follow.content"));
  ans->add_flag("--written", a->written, tr("opt.follow.written"));
  ans->add_option("--by", a->by, tr("opt.follow.by"));
  ans->add_option("--at", a->at, tr("opt.follow.at"));

  CLI::App *app_ = follow_command(opinion, ctx, "appoint", appoint, a);
  app_->add_option("--at", a->at, tr("opt.follow.appoint_at"));
  app_->add_option("--place", a->place, tr("opt.follow.place"));
  app_->add_option("--content", a->content, tr("opt.follow.note"));
  app_->add_option("--by", a->by, tr("opt.follow.by"));

  CLI::App *asg = follow_command(opinion, ctx, "assign", assign, a);
  asg->add_option("--department", a->department, tr("opt.follow.department"));
  asg->add_option("--due", a->due, tr("opt.follow.due"));
  asg->add_option("--by", a->by, tr("opt.follow.by"));

  CLI::App *st = follow_command(opinion, ctx, "status", change_status, a);
  st->add_option("--to", a->to, tr("opt.follow.to"));
  st->add_option("--note", a->note, tr("opt.follow.status_note"));
  st->add_flag("--reopen", a->reopen, tr("opt.follow.reopen"));
  st->add_option("--by", a->by, tr("opt.follow.by"));
  st->add_option("--at", a->at, tr("opt.follow.at"));

  CLI::App *sat = follow_command(opinion, ctx, "satisfaction", satisfaction, a);
  sat->add_option("VALUE", a->value, tr("opt.follow.satisfaction"));
}

}  // namespace ykien::cli
