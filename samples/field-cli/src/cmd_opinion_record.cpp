// opinion add (one line of flags, or --interactive) and record (a whole
// meeting, question by question, until an empty content).
#include <iostream>
#include <memory>
#include <optional>

#include "choices.h"
#include "commands.h"
#include "dates.h"
#include "errors.h"
#include "i18n.h"
#include "opinion_write.h"
#include "prompt.h"
#include "resolve.h"
#include "text.h"

namespace ykien::cli {
namespace {

struct AddArgs {
  OpinionInput in;
  bool interactive = false;
};

// The default time an opinion was raised: now during the meeting, else the
// meeting's own time (recording afterwards from notes).
std::string default_raised_at(const Meeting &m) {
  const std::string now = now_local();
  if (m.id.empty() || m.held_at.empty()) return now;
  if (m.held_at.substr(0, 10) == now.substr(0, 10) && now >= m.held_at) return now;
  return m.held_at;
}

// Asks what was done about the opinion: answered, appointment, assigned, later.
void ask_outcome(Prompter &p, OpinionInput &in, const Meeting &meeting) {
  for (int k = 1; k <= 4; ++k) p.say("  " + std::to_string(k) + ") " + tr("outcome." + std::to_string(k)));
  const int choice = p.ask_number(tr("prompt.outcome"), 1, 1, 4, "--answer");
  const std::string day = (meeting.held_at.empty() ? now_local() : meeting.held_at).substr(0, 10);
  switch (choice) {
    case 1:
      in.answer = p.ask_text(tr("prompt.answer"));
      while (trim(in.answer).empty()) {
        p.say("  ! " + tr("hint.answer"));
        in.answer = p.ask_text(tr("prompt.answer"));
      }
      in.responder = p.ask_text(tr("prompt.responder"), meeting.chair);
      in.satisfaction = p.ask_choice(ChoiceSet::satisfaction, tr("prompt.satisfaction"), "unknown", "--satisfaction");
      break;
    case 2:
      in.appoint_at = p.ask_datetime(tr("prompt.appoint_at"), add_days(day, 7) + " 08:00", "--appoint-at");
      in.appoint_place = p.ask_text(tr("prompt.appoint_place"), tr("default.appoint_place"));
      break;
    case 3:
      in.assign_department = p.ask_text(tr("prompt.department"));
      while (trim(in.assign_department).empty()) {
        p.say("  ! " + tr("hint.department"));
        in.assign_department = p.ask_text(tr("prompt.department"));
      }
      in.due = p.ask_date(tr("prompt.due"), add_days(day, 15), "--due");
      break;
    default:
      break;
  }
}

// Asks for one opinion. nullopt when the user ends (empty content or end of input).
std::optional<RecordedOpinion> ask_one(Context &ctx, Prompter &p, const OpinionInput &base,
                                       const Meeting &meeting, std::string &last_category) {
  auto content = p.ask(tr("prompt.content"));
  if (!content || content->empty()) return std::nullopt;
  OpinionInput in = base;
  in.content = *content;
  in.category = p.ask_choice(ChoiceSet::category, tr("prompt.category"), last_category, "--category");
  last_category = in.category;
  in.citizen = p.ask_text(tr("prompt.citizen"));
  if (!in.citizen.empty()) in.contact = p.ask_text(tr("prompt.contact"));
  in.kind = p.ask_choice(ChoiceSet::opinion_kind, tr("prompt.kind"), "opinion", "--kind");
  in.jurisdiction = p.ask_choice(ChoiceSet::jurisdiction, tr("prompt.jurisdiction"), "local", "--jurisdiction");
  if (in.jurisdiction == "escalated") {
    in.escalated_to = p.ask_text(tr("prompt.escalated_to"));
    while (trim(in.escalated_to).empty()) {
      p.say("  ! " + tr("hint.escalated_to"));
      in.escalated_to = p.ask_text(tr("prompt.escalated_to"));
    }
  }
  in.raised_at = p.ask_datetime(tr("prompt.raised_at"), default_raised_at(meeting), "--raised-at");
  ask_outcome(p, in, meeting);
  RecordedOpinion r = record_opinion_input(ctx, in);
  p.say(recorded_line(r));
  return r;
}

// Runs the questions for one opinion (`once`) or until the user stops.
void interactive(Context &ctx, const OpinionInput &base, bool once) {
  std::ostream &prompts = ctx.json ? std::cerr : std::cout;
  Prompter p(std::cin, prompts);
  const Meeting meeting = target_meeting(ctx, base);
  if (!meeting.id.empty()) {
    p.say(trf("record.meeting", {meeting.title, meeting.held_at, short_id(meeting.id)}));
  } else {
    p.say(tr("record.no_meeting"));
  }
  p.say(once ? tr("record.help_once") : tr("record.help"));
  std::string last_category = "other";
  nlohmann::json recorded = nlohmann::json::array();
  for (;;) {
    auto r = ask_one(ctx, p, base, meeting, last_category);
    if (!r) break;
    recorded.push_back(to_json(*r));
    if (once) break;
    p.say("");
  }
  if (once && recorded.empty()) {
    throw CliError(kExitInvalidInput, tr("error.nothing_recorded"), tr("hint.content"), "--content");
  }
  if (ctx.json) {
    nlohmann::json j = {{"ok", true}, {"recorded", recorded.size()}, {"opinions", recorded}};
    if (once) j = {{"ok", true}, {"opinion", recorded[0]["opinion"]}, {"responses", recorded[0]["responses"]}};
    ctx.out() << dump_json(j) << '\n';
  } else if (!once) {
    ctx.out() << trf("record.done", {std::to_string(recorded.size())}) << '\n';
  }
}

void add_one_line(Context &ctx, const OpinionInput &in) {
  require_option(in.content, "--content");
  require_option(in.category, "--category");
  const RecordedOpinion r = record_opinion_input(ctx, in);
  nlohmann::json j = to_json(r);
  j["ok"] = true;
  ctx.emit(j, [&](std::ostream &out) { out << recorded_line(r) << '\n'; });
}

void add_opinion_flags(CLI::App &cmd, OpinionInput &in) {
  cmd.add_option("--meeting", in.meeting_ref, tr("opt.opinion.meeting"));
  cmd.add_flag("--no-meeting", in.no_meeting, tr("opt.opinion.no_meeting"));
  cmd.add_option("--unit,--hamlet", in.unit_ref, tr("opt.opinion.unit"));
}

}  // namespace

void add_opinion_record_commands(CLI::App &app, CLI::App &opinion, Context &ctx) {
  auto a = std::make_shared<AddArgs>();
  CLI::App *add = add_command(opinion, "add", "cmd.opinion.add");
  add_opinion_flags(*add, a->in);
  add->add_flag("-i,--interactive", a->interactive, tr("opt.opinion.interactive"));
  add->add_option("--content", a->in.content, tr("opt.opinion.content"));
  add->add_option("--category", a->in.category, tr("opt.opinion.category"));
  add->add_option("--kind", a->in.kind, tr("opt.opinion.kind"));
  add->add_option("--citizen", a->in.citizen, tr("opt.opinion.citizen"));
  add->add_option("--contact", a->in.contact, tr("opt.opinion.contact"));
  add->add_flag("--anonymous", a->in.anonymous, tr("opt.opinion.anonymous"));
  add->add_option("--jurisdiction", a->in.jurisdiction, tr("opt.opinion.jurisdiction"));
  add->add_option("--escalated-to", a->in.escalated_to, tr("opt.opinion.escalated_to"));
  add->add_option("--raised-at", a->in.raised_at, tr("opt.opinion.raised_at"));
  add->add_option("--answer", a->in.answer, tr("opt.opinion.answer"));
  add->add_option("--responder", a->in.responder, tr("opt.opinion.responder"));
  add->add_option("--appoint-at", a->in.appoint_at, tr("opt.opinion.appoint_at"));
  add->add_option("--appoint-place", a->in.appoint_place, tr("opt.opinion.appoint_place"));
  add->add_option("--assign", a->in.assign_department, tr("opt.opinion.assign"));
  add->add_option("--due", a->in.due, tr("opt.opinion.due"));
  add->add_option("--satisfaction", a->in.satisfaction, tr("opt.opinion.satisfaction"));
  add->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      if (a->interactive) {
        interactive(ctx, a->in, true);
      } else {
        add_one_line(ctx, a->in);
      }
    };
  });

  auto r = std::make_shared<OpinionInput>();
  CLI::App *record = add_command(app, "record", "cmd.record");
  add_opinion_flags(*record, *r);
  record->callback([&ctx, r] { ctx.action = [&ctx, r] { interactive(ctx, *r, false); }; });
}

}  // namespace ykien::cli
