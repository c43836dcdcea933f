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
#include "record_form.h"
#include "resolve.h"
#include "text.h"

namespace ykien::cli {
namespace {

struct AddArgs {
  OpinionInput in;
  bool interactive = false;
};

// Runs the compact form for one opinion (`once`) or until the user stops.
void interactive(Context &ctx, const OpinionInput &base, bool once) {
  std::ostream &prompts = ctx.json ? std::cerr : std::cout;
  Prompter p(std::cin, prompts);
  const Meeting meeting = target_meeting(ctx, base);
  // A hamlet given on the command line is looked up before anything is typed.
  if (!base.unit_ref.empty()) resolve_unit(ctx.db(), base.unit_ref, "--unit");
  if (!meeting.id.empty()) {
    p.say(trf("record.meeting", {meeting.title, meeting.held_at, short_id(meeting.id)}));
  } else {
    p.say(tr("record.no_meeting"));
  }
  p.say(form_intro());
  if (!once) p.say(tr("form.end"));
  FormMemory memory;
  nlohmann::json recorded = nlohmann::json::array();
  for (int number = 1;; ++number) {
    const auto r = ask_opinion_form(p, base, meeting, memory, number,
                                    [&ctx](const OpinionInput &in) { return record_opinion_input(ctx, in); });
    if (!r) break;
    p.say(confirmation_line(*r));
    recorded.push_back(to_json(*r));
    if (once) break;
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
  add->add_option("--at,--raised-at", a->in.raised_at, tr("opt.opinion.raised_at"));
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
