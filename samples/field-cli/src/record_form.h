// The compact questions for one opinion at a meeting (record, opinion add -i):
// content, who, field (number or part of its name), what was done and its
// details, each on one line. "<" goes back a question, "?" explains it, "*" asks
// the rarer details (kind, jurisdiction, time raised, contact, responder); the
// field, the outcome and the department default to the previous opinion's.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "opinion_write.h"
#include "prompt.h"

namespace ykien::cli {

// What the form remembers from one opinion to the next.
struct FormMemory {
  std::string category;  // empty: none yet
  int outcome = 1;       // 1 answered, 2 appointment, 3 assigned, 4 later
  std::string department;
  std::string unit_ref;  // outside a meeting: the hamlet
};

// Records a typed opinion; throws CliError when a value is refused.
using SubmitOpinion = std::function<RecordedOpinion(const OpinionInput &)>;

// Asks for one opinion and records it with `submit`: the opinion recorded, or
// nullopt when the user ends (empty content, or end of input at the content
// question). A value the recording refuses (an appointment before the meeting,
// a hamlet not found) is explained and its question asked again, so nothing
// typed is lost to one wrong answer. End of input elsewhere is an error:
// nothing of a half-typed opinion is recorded.
std::optional<RecordedOpinion> ask_opinion_form(Prompter &p, const OpinionInput &base, const Meeting &meeting,
                                                FormMemory &memory, int number, const SubmitOpinion &submit);

// The lines shown once when recording starts.
std::string form_intro();

}  // namespace ykien::cli
