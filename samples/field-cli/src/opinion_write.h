// Recording one opinion with what was done about it at the meeting: shared by
// the one-line mode (flags) and the interactive mode (questions).
#pragma once

#include <string>
#include <vector>

#include "context.h"
#include "ykien/database.h"

namespace ykien::cli {

struct OpinionInput {
  std::string meeting_ref;  // empty = the current meeting
  bool no_meeting = false;  // received outside a meeting (needs unit_ref)
  std::string unit_ref;     // defaults to the meeting's unit
  std::string kind = "opinion";
  std::string category, content, citizen, contact;
  bool anonymous = false;
  std::string jurisdiction = "local";
  std::string escalated_to;
  std::string raised_at;  // empty = meeting_time_default
  // At most one of the three outcomes.
  std::string answer;                     // answered at the meeting with this text
  std::string responder;                  // who answered (default: the meeting chair)
  std::string appoint_at, appoint_place;  // an appointment to answer later
  std::string assign_department, due;     // assigned to a department
  std::string satisfaction;
};

struct RecordedOpinion {
  Opinion opinion;
  std::vector<Response> responses;
};

// The meeting an opinion would go to (empty id when outside a meeting).
Meeting target_meeting(Context &ctx, const OpinionInput &in);

// When something said at `m` is taken to have happened, unless the official
// says otherwise: now while the meeting is going on (open, begun today, at most
// kMeetingHours ago), else the meeting's own time (typed that evening or the next
// day from paper notes). Outside any meeting: now.
std::string meeting_time_default(const Meeting &m);
constexpr int kMeetingHours = 4;

// Checks every value first (so a refused value writes nothing), then records
// the opinion and its outcome. Values may be ids, numbers or labels.
RecordedOpinion record_opinion_input(Context &ctx, const OpinionInput &in);

nlohmann::json to_json(const RecordedOpinion &r);
// "Đã ghi ý kiến 1a2b3c4d (Đất đai) – Đã trả lời"
std::string recorded_line(const RecordedOpinion &r);
// "✓ 1a2b3c4d · Đất đai · Đã trả lời · Lê Thị Hạnh": one line after the form.
std::string confirmation_line(const RecordedOpinion &r);

}  // namespace ykien::cli
