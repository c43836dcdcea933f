// The office's reads of the replicated data, on either backend: rows come from the
// replication core (Replica::find_rows / load_rows) and become the domain records,
// filtered and redacted for one user (access.h). Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "users.h"
#include "ykien/records.h"
#include "ykien/replica.h"

namespace ykien::office {

struct OpinionQuery {
  std::string text;        // words, diacritics-insensitive, over content, labels, department, unit
  std::string status;      // one status, or "" for all
  std::string category;    // one field, or ""
  std::string department;  // assigned department, or ""
  std::string unit;        // a unit's scope (its subtree), or "" for all the user's units
  bool overdue = false;    // only those past their due date and still open
  std::string today;       // "YYYY-MM-DD": overdue is judged against it
};

struct MeetingQuery {
  std::string unit;      // a unit's scope (its subtree), or "" for all the user's units
  std::string kind;      // one meeting kind, or ""
  std::string from, to;  // "YYYY-MM-DD", inclusive; "" = open
};

struct OpinionDetail {
  Opinion opinion;
  std::optional<Meeting> meeting;
  std::vector<Response> responses;    // by time
  std::vector<StatusChange> history;  // by time
  // The support visits recorded at the opinion's meeting (the schema ties a visit to
  // a meeting and a unit, not to an opinion), by time; none without a meeting.
  std::vector<SupportVisit> visits;
};

// Open (received, scheduled, assigned), with a due date before `today`.
bool is_overdue(const Opinion &o, const std::string &today);
// Whether a time "YYYY-MM-DD HH:MM" lies in the period [from, to] of days ("" = open
// end); an empty time lies only in the open period. The report's rule (docs/reports.md).
bool in_period(const std::string &at, const std::string &from, const std::string &to);
// Whether `d` is "" or looks like "YYYY-MM-DD".
bool valid_day(const std::string &d);

class OfficeData {
 public:
  explicit OfficeData(Replica &replica) : replica_(replica) {}

  // Live units, by scope.
  Result<std::vector<Unit>> units();
  // Live units in `scopes` (their subtrees), by scope.
  Result<std::vector<Unit>> units_within(const std::vector<std::string> &scopes);
  // Live rows of `table` inside the user's units (an exact-scope read per unit;
  // one read of the table when the units are many).
  Result<std::vector<sys::StoredRow>> rows_within(const std::string &table, const std::vector<std::string> &scopes);
  // The opinions the user may see matching `q`, redacted, newest first.
  Result<std::vector<Opinion>> opinions(const OfficeUser &user, const OpinionQuery &q,
                                        const std::vector<Unit> &units);
  // One opinion with its meeting, answers and history. Errors: not_found (also for
  // one the user may not see: nothing tells that it exists).
  Result<OpinionDetail> opinion(const OfficeUser &user, const std::string &id);
  // Live meetings in the user's units matching `q`, newest first. Errors:
  // invalid_argument (a date that is not YYYY-MM-DD).
  Result<std::vector<Meeting>> meetings(const OfficeUser &user, const MeetingQuery &q = {});
  // One live meeting in the user's units. Errors: not_found (also outside them).
  Result<Meeting> meeting(const OfficeUser &user, const std::string &id);
  // The live support visits recorded at `meeting_id` in the user's units, by time.
  Result<std::vector<SupportVisit>> meeting_visits(const OfficeUser &user, const std::string &meeting_id);

 private:
  Replica &replica_;
};

// Conversions from stored rows.
Opinion opinion_from_row(const sys::StoredRow &row);
Meeting meeting_from_row(const sys::StoredRow &row);
Unit unit_from_row(const sys::StoredRow &row);
SupportVisit visit_from_row(const sys::StoredRow &row);
std::string text_cell(const sys::StoredRow &row, std::string_view column);
int64_t integer_cell(const sys::StoredRow &row, std::string_view column);

}  // namespace ykien::office
