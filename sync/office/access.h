// Who may see and do what in the office (docs/office.md, "Roles"): one place for
// the rules, so every page and action asks the same questions.
#pragma once

#include <string>
#include <string_view>

#include "users.h"
#include "ykien/records.h"

namespace ykien::office {

// A department's name as it is compared: case, diacritics (composed or not) and
// spaces aside, so a name typed "  phòng tài nguyên  " is "Phòng Tài nguyên".
std::string department_key(std::string_view name);
// The opinion lies in the user's units and, for a clerk, is assigned to the
// clerk's department.
bool may_see(const OfficeUser &user, const Opinion &o);
// The opinion's attachments and its answers' (a photo may show the complainant):
// as may_see, and for a confidential opinion only with confidential access.
bool may_see_attachments(const OfficeUser &user, const Opinion &o);
// Leaves out what the user may not read: a confidential opinion's complainant
// (name and contact) for a user without confidential access, as for a device.
void redact(const OfficeUser &user, Opinion &o);
// Whether a conflict's values may be shown: not when it is about a confidential
// cell of a confidential row and the user has no confidential access.
bool may_see_conflict_values(const OfficeUser &user, const std::string &table, const std::string &column,
                             bool row_confidential);

// Follow-up: answer, appoint, set a status, record satisfaction (clerks: on their
// department's opinions; never a viewer).
bool may_follow_up(const OfficeUser &user);
// Assign to a department: leaders and secretaries.
bool may_assign(const OfficeUser &user);
// Move an opinion to `to` by role: closed by a leader only, a clerk's answered or
// resolved only. Errors: forbidden, saying which.
Status may_set_status(const OfficeUser &user, const std::string &to);
// Close an opinion (approve its settlement): leaders only.
bool may_close(const OfficeUser &user);
// Review and resolve conflicts; manage devices and enrollment codes.
bool may_administer(const OfficeUser &user);
// Read the reports of the user's units.
bool may_read_reports(const OfficeUser &user);

}  // namespace ykien::office
