#include "record_form.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "choices.h"
#include "dates.h"
#include "errors.h"
#include "i18n.h"
#include "text.h"

namespace ykien::cli {
namespace {

// `details` is no question of its own: the rarer details asked after "*".
enum class Step {
  hamlet, content, citizen, field, outcome, answer, satisfaction, appoint_at, appoint_place, department, due, details
};

constexpr int kMaxTries = 3;  // refused answers to one question before giving up

struct Form {
  OpinionInput in;
  int outcome = 1;
  std::string day;  // the meeting's day (defaults of appointments and due dates)

  std::vector<Step> steps(bool no_meeting) const {
    std::vector<Step> s;
    if (no_meeting) s.push_back(Step::hamlet);
    s.insert(s.end(), {Step::content, Step::citizen, Step::field, Step::outcome});
    if (outcome == 1) s.insert(s.end(), {Step::answer, Step::satisfaction});
    if (outcome == 2) s.insert(s.end(), {Step::appoint_at, Step::appoint_place});
    if (outcome == 3) s.insert(s.end(), {Step::department, Step::due});
    return s;
  }
};

// "Nguyễn Văn Hùng, 0912 345 678": a last part with six digits or more is the contact.
void split_citizen(const std::string &text, std::string &name, std::string &contact) {
  name = trim(text);
  contact.clear();
  const auto comma = name.rfind(',');
  if (comma == std::string::npos) return;
  const std::string tail = trim(name.substr(comma + 1));
  int digits = 0;
  for (char c : tail) digits += (c >= '0' && c <= '9') ? 1 : 0;
  if (digits < 6) return;
  contact = tail;
  name = trim(name.substr(0, comma));
}

std::string question(Step s, int number) {
  switch (s) {
    case Step::hamlet: return tr("form.hamlet");
    case Step::content: return trf("form.content", {std::to_string(number)});
    case Step::citizen: return tr("form.citizen");
    case Step::field: return tr("form.field");
    case Step::outcome: return tr("form.outcome");
    case Step::answer: return tr("form.answer");
    case Step::satisfaction: return tr("form.satisfaction");
    case Step::appoint_at: return tr("form.appoint_at");
    case Step::appoint_place: return tr("form.appoint_place");
    case Step::department: return tr("form.department");
    case Step::due: return tr("form.due");
    case Step::details: return {};
  }
  return {};
}

std::string default_of(Step s, const Form &f, const FormMemory &m) {
  switch (s) {
    case Step::hamlet: return m.unit_ref;
    case Step::field: return m.category.empty() ? std::string() : choice_label(ChoiceSet::category, m.category);
    case Step::outcome: return std::to_string(m.outcome);
    case Step::satisfaction: return choice_label(ChoiceSet::satisfaction, "unknown");
    case Step::appoint_at: return add_days(f.day, 7) + " 08:00";
    case Step::appoint_place: return tr("default.appoint_place");
    case Step::department: return m.department;
    case Step::due: return add_days(f.day, 15);
    default: return {};
  }
}

std::string help_of(Step s) {
  switch (s) {
    case Step::field: return tr("form.help.field") + "\n  " + compact_choices(ChoiceSet::category);
    case Step::outcome: return tr("form.help.outcome");
    case Step::satisfaction: return "  " + compact_choices(ChoiceSet::satisfaction);
    case Step::appoint_at:
    case Step::due: return "  " + tr("hint.datetime_format");
    default: return tr("form.help." + std::string(s == Step::content ? "content" : "text"));
  }
}

// Takes the answer to `s`; "" when accepted, else why not.
std::string take_answer(Step s, const std::string &a, Form &f) {
  switch (s) {
    case Step::hamlet:
      if (trim(a).empty()) return tr("hint.no_meeting_unit");
      f.in.unit_ref = trim(a);
      return {};
    case Step::content:
      f.in.content = a;
      return {};
    case Step::citizen:
      split_citizen(a, f.in.citizen, f.in.contact);
      f.in.anonymous = f.in.citizen.empty();
      return {};
    case Step::field:
      if (auto id = parse_choice_part(ChoiceSet::category, a)) {
        f.in.category = *id;
        return {};
      }
      return trf("error.unknown_choice", {a}) + " " + tr("form.help.field");
    case Step::outcome:
      if (a.size() == 1 && a[0] >= '1' && a[0] <= '4') {
        f.outcome = a[0] - '0';
        return {};
      }
      return trf("error.bad_number", {a, "1", "4"});
    case Step::answer:
      if (trim(a).empty()) return tr("hint.answer");
      f.in.answer = trim(a);
      return {};
    case Step::satisfaction:
      if (auto id = parse_choice_part(ChoiceSet::satisfaction, a)) {
        f.in.satisfaction = *id;
        return {};
      }
      return trf("error.unknown_choice", {a});
    case Step::appoint_at:
      if (auto t = parse_datetime(a)) {
        f.in.appoint_at = *t;
        return {};
      }
      return trf("error.bad_datetime", {a}) + " " + tr("hint.datetime_format");
    case Step::appoint_place:
      if (trim(a).empty()) return tr("error.empty");
      f.in.appoint_place = trim(a);
      return {};
    case Step::department:
      if (trim(a).empty()) return tr("hint.department");
      f.in.assign_department = trim(a);
      return {};
    case Step::due:
      if (auto d = parse_date(a)) {
        f.in.due = *d;
        return {};
      }
      return trf("error.bad_date", {a}) + " " + tr("hint.date_format");
    case Step::details: return {};
  }
  return {};
}

// "*": the rarer details, asked with the full lists.
void ask_details(Prompter &p, Form &f, const Meeting &meeting) {
  f.in.kind = p.ask_choice(ChoiceSet::opinion_kind, tr("prompt.kind"), f.in.kind, "--kind");
  f.in.jurisdiction =
      p.ask_choice(ChoiceSet::jurisdiction, tr("prompt.jurisdiction"), f.in.jurisdiction, "--jurisdiction");
  if (f.in.jurisdiction == "escalated") {
    f.in.escalated_to = p.ask_text(tr("prompt.escalated_to"), f.in.escalated_to);
  } else {
    f.in.escalated_to.clear();
  }
  f.in.raised_at = p.ask_datetime(tr("prompt.raised_at"),
                                  f.in.raised_at.empty() ? meeting_time_default(meeting) : f.in.raised_at, "--at");
  if (!f.in.citizen.empty()) f.in.contact = p.ask_text(tr("prompt.contact"), f.in.contact);
  f.in.responder = p.ask_text(tr("prompt.responder"), f.in.responder.empty() ? meeting.chair : f.in.responder);
}

std::string option_of(Step s) {
  switch (s) {
    case Step::hamlet: return "--unit";
    case Step::field: return "--category";
    case Step::outcome: return "--answer";
    case Step::satisfaction: return "--satisfaction";
    case Step::appoint_at: return "--appoint-at";
    case Step::appoint_place: return "--appoint-place";
    case Step::department: return "--assign";
    case Step::due: return "--due";
    default: return "--content";
  }
}

// Only the chosen outcome's answers are kept (going back may have changed it).
OpinionInput chosen_outcome_only(const Form &f) {
  OpinionInput in = f.in;
  if (f.outcome != 1) {
    in.answer.clear();
    in.satisfaction.clear();
  }
  if (f.outcome != 2) {
    in.appoint_at.clear();
    in.appoint_place.clear();
  }
  if (f.outcome != 3) {
    in.assign_department.clear();
    in.due.clear();
  }
  return in;
}

// The question to ask again when recording refused `field` (an option such as
// "--due" or an engine field such as "due_date"); Step::details for the rarer
// details of "*"; nullopt when no question of this form holds it.
std::optional<Step> question_of_field(const std::string &field, const std::vector<Step> &steps) {
  static const std::pair<const char *, Step> kFields[] = {
      {"--unit", Step::hamlet},          {"unit_id", Step::hamlet},
      {"--content", Step::content},      {"content", Step::content},
      {"citizen_name", Step::citizen},   {"--category", Step::field},
      {"category", Step::field},         {"--answer", Step::answer},
      {"--satisfaction", Step::satisfaction}, {"satisfaction", Step::satisfaction},
      {"--appoint-at", Step::appoint_at}, {"appointment_at", Step::appoint_at},
      {"--appoint-place", Step::appoint_place}, {"appointment_place", Step::appoint_place},
      {"--assign", Step::department},    {"assigned_department", Step::department},
      {"--due", Step::due},              {"due_date", Step::due},
      {"--at", Step::details},           {"--raised-at", Step::details},
      {"raised_at", Step::details},      {"--kind", Step::details},
      {"kind", Step::details},           {"--jurisdiction", Step::details},
      {"jurisdiction", Step::details},   {"--escalated-to", Step::details},
      {"escalated_to", Step::details},   {"citizen_contact", Step::details},
      {"--responder", Step::details},    {"responder", Step::details},
      {"created_at", Step::details},     {"at", Step::details},
  };
  for (const auto &[name, step] : kFields) {
    if (field != name) continue;
    if (step == Step::details || std::find(steps.begin(), steps.end(), step) != steps.end()) return step;
  }
  return std::nullopt;
}

}  // namespace

std::string form_intro() { return tr("form.intro") + "\n" + tr("form.fields") + " " + compact_choices(ChoiceSet::category); }

std::optional<RecordedOpinion> ask_opinion_form(Prompter &p, const OpinionInput &base, const Meeting &meeting,
                                                FormMemory &memory, int number, const SubmitOpinion &submit) {
  Form f;
  f.in = base;
  f.outcome = memory.outcome;
  f.day = (meeting.held_at.empty() ? now_local() : meeting.held_at).substr(0, 10);
  const bool no_meeting = meeting.id.empty() && base.unit_ref.empty();
  size_t i = 0;
  int tries = 0;
  int refusals = 0;                   // of the whole opinion by the recording
  size_t asked_again = SIZE_MAX;      // the question a refusal sent us back to
  for (;;) {
    const auto steps = f.steps(no_meeting);
    if (i >= steps.size()) {
      try {
        RecordedOpinion recorded = submit(chosen_outcome_only(f));
        memory.category = f.in.category;
        memory.outcome = f.outcome;
        if (f.outcome == 3) memory.department = f.in.assign_department;
        if (no_meeting) memory.unit_ref = f.in.unit_ref;
        return recorded;
      } catch (const CliError &e) {
        const auto again = question_of_field(e.field, steps);
        if (!again || ++refusals > kMaxTries) throw;
        p.say("  ! " + e.message);
        if (*again == Step::details) {
          ask_details(p, f, meeting);
        } else {
          i = static_cast<size_t>(std::find(steps.begin(), steps.end(), *again) - steps.begin());
          asked_again = i;
        }
        continue;
      }
    }
    const Step s = steps[i];
    auto a = p.ask(question(s, number), default_of(s, f, memory));
    if (!a) {
      if (s == Step::content || (s == Step::hamlet && i == 0)) return std::nullopt;
      throw CliError(kExitInvalidInput, tr("error.input_ended"), tr("hint.input_ended"));
    }
    if (*a == "<") {
      if (i > 0) --i;
      continue;
    }
    if (*a == "?") {
      p.say(help_of(s));
      continue;
    }
    if (*a == "*" && s != Step::hamlet && s != Step::content) {
      ask_details(p, f, meeting);
      continue;
    }
    if (s == Step::content && a->empty()) return std::nullopt;
    if (const std::string why = take_answer(s, *a, f); !why.empty()) {
      if (++tries >= kMaxTries) throw invalid_input(option_of(s), why);
      p.say("  ! " + why);
      continue;
    }
    tries = 0;
    // The question a refusal asked again is answered: record again, without
    // walking through the questions already answered.
    if (i == asked_again) {
      i = steps.size();
      asked_again = SIZE_MAX;
    } else {
      ++i;
    }
  }
}

}  // namespace ykien::cli
