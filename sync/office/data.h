// The office's reads of the replicated data, on either backend: lists and counts
// come from the office's index (office_index.h), the rows a page shows from the
// replication core (Replica::load_rows / find_rows); all become the domain records,
// filtered and redacted for one user (access.h). Thread-safe.
#pragma once

#include <optional>
#include <unordered_map>
#include <string>
#include <vector>

#include "office_index.h"
#include "users.h"
#include "ykien/records.h"
#include "ykien/replica.h"
#include "ykien/unit_tree.h"

namespace ykien::office {

struct OpinionQuery {
  std::string text;        // words, diacritics-insensitive, over content, labels, department, unit
  std::string status;      // one status, or "" for all
  std::string category;    // one field, or ""
  std::string department;  // assigned department, or ""
  std::string unit;        // a unit's scope (its subtree), or "" for all the user's units
  std::string meeting_id;  // raised at this meeting, or ""
  bool overdue = false;    // only those past their due date and still open
  std::string today;       // "YYYY-MM-DD": overdue is judged against it
  size_t offset = 0;       // the page: matches skipped, newest first...
  size_t limit = 50;       // ...and shown
};

// One page of a list of opinions.
struct OpinionPage {
  std::vector<Opinion> rows;  // redacted, newest first
  size_t total = 0;           // every match
};

struct MeetingQuery {
  std::string unit;      // a unit's scope (its subtree), or "" for all the user's units
  std::string kind;      // one meeting kind, or ""
  std::string from, to;  // "YYYY-MM-DD", inclusive; "" = open
};

struct VisitQuery {
  std::string unit;      // a unit's scope (its subtree), or "" for all the user's units
  std::string kind;      // gift, visit, volunteer_work, or ""
  std::string from, to;  // "YYYY-MM-DD", inclusive; "" = open
};

struct AppointmentQuery {
  std::string unit;      // a unit's scope (its subtree), or "" for all the user's units
  std::string from, to;  // "YYYY-MM-DD", inclusive, of the appointment's time; "" = open
};

// An appointment to answer an opinion, with the opinion it is for (redacted).
struct Appointment {
  Response response;  // its text left out
  Opinion opinion;
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

// The report's rule (ykien/report_tally.h), for one opinion.
bool is_overdue(const Opinion &o, const std::string &today);
// Whether `d` is "" or a day of the calendar as "YYYY-MM-DD".
bool valid_day(const std::string &d);

class OfficeData {
 public:
  explicit OfficeData(Replica &replica) : replica_(replica), index_(replica) {}

  // Reads the whole index up to the store's position (the office warms it at
  // start: the first read of a province takes seconds).
  Status warm();
  // Runs `read` over the index up to date (the report counts there).
  Status read(const std::function<void(const IndexView &)> &read) { return index_.read(read); }

  // The units and their history (docs/units.md), for a report that follows them.
  Result<UnitTree> tree() { return unit_tree(replica_); }
  // Live units in `scopes` (their subtrees), by scope.
  Result<std::vector<Unit>> units_within(const std::vector<std::string> &scopes);
  // One page of the opinions the user may see matching `q`, redacted.
  // `units`: the user's units (search looks in their names).
  Result<OpinionPage> opinions(const OfficeUser &user, const OpinionQuery &q, const std::vector<Unit> &units);
  // One opinion with its meeting, answers and history. Errors: not_found (also for
  // one the user may not see: nothing tells that it exists).
  Result<OpinionDetail> opinion(const OfficeUser &user, const std::string &id);
  // The opinion each of `dropped` (records taken back) was merged into, for those
  // merged as duplicates.
  Result<std::unordered_map<std::string, std::string>> merged_into(const std::vector<std::string> &dropped);
  // Live meetings in the user's units matching `q`, newest first. Errors:
  // invalid_argument (a date that is not YYYY-MM-DD).
  Result<std::vector<Meeting>> meetings(const OfficeUser &user, const MeetingQuery &q = {});
  // One live meeting in the user's units. Errors: not_found (also outside them).
  Result<Meeting> meeting(const OfficeUser &user, const std::string &id);
  // Live support visits in the user's units matching `q`, newest first. Errors:
  // invalid_argument (a date that is not YYYY-MM-DD).
  Result<std::vector<SupportVisit>> visits(const OfficeUser &user, const VisitQuery &q);
  // Appointments of the opinions the user may see matching `q`, by time. Errors:
  // invalid_argument (a date).
  Result<std::vector<Appointment>> appointments(const OfficeUser &user, const AppointmentQuery &q);
  // The content of these opinions, in their order ("" for one not held): the
  // index holds no text. Read for the rows a page shows.
  Result<std::vector<std::string>> opinion_texts(const std::vector<sys::RowKey> &opinions);
  // The live support visits recorded at `meeting_id` in the user's units, by time.
  Result<std::vector<SupportVisit>> meeting_visits(const OfficeUser &user, const std::string &meeting_id);
  // The live attachments whose `column` (meeting_id, opinion_id, response_id or
  // visit_id) is one of `ids`, by time. The caller has checked the user may see
  // what they are attached to.
  Result<std::vector<Attachment>> attachments_of(const std::string &column, const std::vector<std::string> &ids);
  // One live attachment the user may see: what it is attached to passes that
  // record's page's rules (units; a clerk's department; an attachment of a
  // confidential opinion or of its answers only with confidential access).
  // Errors: not_found (also for one the user may not see).
  Result<Attachment> attachment(const OfficeUser &user, const std::string &id);

 private:
  Replica &replica_;
  OfficeIndex index_;
};

// Conversions from stored rows.
Opinion opinion_from_row(const sys::StoredRow &row);
Meeting meeting_from_row(const sys::StoredRow &row);
Unit unit_from_row(const sys::StoredRow &row);
SupportVisit visit_from_row(const sys::StoredRow &row);
Response response_from_row(const sys::StoredRow &row);
Attachment attachment_from_row(const sys::StoredRow &row);
std::string text_cell(const sys::StoredRow &row, std::string_view column);
int64_t integer_cell(const sys::StoredRow &row, std::string_view column);

}  // namespace ykien::office
