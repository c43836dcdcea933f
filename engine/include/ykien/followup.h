// The follow-up rules of an opinion (docs/domain.md, "Status"), as pure functions:
// the tablet's Database and the office on the server (sync/office) apply the same
// ones, whatever store holds the opinion.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ykien/export.h"
#include "ykien/records.h"
#include "ykien/status.h"

namespace ykien::followup {

// Whether an opinion may move from `from` to `to`. Errors: invalid_argument (an
// unknown status), invalid_state (the same status, a senseless move, going back to
// received without `reopen`), each naming the field "status".
YKIEN_CXX_API Status check_move(const std::string &from, const std::string &to, bool reopen);
// The status a response of `kind` moves an opinion in `current` to, or "" to leave
// it: an answer or a written reply answers an open opinion, an appointment
// schedules a received one.
YKIEN_CXX_API std::string status_after_response(const std::string &kind, const std::string &current);
// A response's own fields (not its dates against the opinion's). Errors:
// invalid_argument naming the field.
YKIEN_CXX_API Status check_response(const Response &r);
// An assignment's fields: a department (required text) and a due date
// ("YYYY-MM-DD") not before `start_day`, the opinion's meeting's day (else the day
// it was raised). Errors: invalid_argument naming "department" or "due_date".
YKIEN_CXX_API Status check_assignment(const std::string &department, const std::string &due_date,
                                      const std::string &start_day);
// A citizen's satisfaction with what was answered: satisfied or unsatisfied only
// once the opinion is answered, resolved or closed (`status`); unknown any time.
// Errors: invalid_argument (field "satisfaction").
YKIEN_CXX_API Status check_satisfaction(const std::string &value, const std::string &status);
// The satisfaction an opinion keeps once moved to status `to`: unknown when `to` has
// no answer (reopened, assigned or given an appointment after an answer: what was
// answered did not settle it, the citizen's view of it no longer counts), else
// `satisfaction` as it is (check_satisfaction's rule).
YKIEN_CXX_API std::string satisfaction_after_move(const std::string &to, const std::string &satisfaction);
// How far an opinion in `status` went: 0 received (or withdrawn, or unknown), 1 an
// appointment or an assignment, 2 answered, 3 resolved, 4 closed. Two records of one
// opinion merged go as far as either went (Database::merge_opinions).
YKIEN_CXX_API int progress_step(const std::string &status);
// A status history entry's note and author. Errors: invalid_argument ("note", "by").
YKIEN_CXX_API Status check_note(const std::string &note, const std::string &by);
// The note a status history entry carries for an assignment.
YKIEN_CXX_API std::string assignment_note(const std::string &department, const std::string &due_date);

// The stable identifiers of DOMAIN.md, in their order.
YKIEN_CXX_API std::vector<std::string> statuses();
YKIEN_CXX_API std::vector<std::string> categories();
YKIEN_CXX_API std::vector<std::string> opinion_kinds();
YKIEN_CXX_API std::vector<std::string> meeting_kinds();
YKIEN_CXX_API std::vector<std::string> satisfactions();

}  // namespace ykien::followup
