#include "access.h"

#include "ykien/merge.h"
#include "ykien/replica.h"
#include "ykien/text.h"

namespace ykien::office {

std::string department_key(std::string_view name) {
  std::string key;
  for (char c : fold_for_search(name)) {
    const bool space = c == ' ' || c == '\t';
    if (space && (key.empty() || key.back() == ' ')) continue;
    key += space ? ' ' : c;
  }
  if (!key.empty() && key.back() == ' ') key.pop_back();
  return key;
}

bool may_see(const OfficeUser &user, const Opinion &o) {
  if (user.disabled || !scope_within(o.scope, user.units)) return false;
  if (user.role != Role::clerk) return true;
  const std::string mine = department_key(user.department);  // never "": that is every opinion not assigned
  return !mine.empty() && department_key(o.assigned_department) == mine;
}

bool may_see_attachments(const OfficeUser &user, const Opinion &o) {
  return may_see(user, o) && (!o.confidential || user.confidential);
}

void redact(const OfficeUser &user, Opinion &o) {
  if (!o.confidential || user.confidential) return;
  o.citizen_name.clear();
  o.citizen_contact.clear();
}

bool may_see_conflict_values(const OfficeUser &user, const std::string &table, const std::string &column,
                             bool row_confidential) {
  return user.confidential || !row_confidential || !merge::confidential_column(table, column);
}

bool may_follow_up(const OfficeUser &user) { return user.role != Role::viewer; }
bool may_assign(const OfficeUser &user) { return user.role == Role::leader || user.role == Role::secretary; }
bool may_close(const OfficeUser &user) { return user.role == Role::leader; }

Status may_set_status(const OfficeUser &user, const std::string &to) {
  if (to == "closed" && !may_close(user)) return {ErrorCode::forbidden, "only a leader closes an opinion"};
  if (user.role == Role::clerk && to != "answered" && to != "resolved")
    return {ErrorCode::forbidden, "a department clerk marks opinions answered or resolved only"};
  return Status::Ok();
}
bool may_administer(const OfficeUser &user) { return user.role == Role::leader || user.role == Role::secretary; }
bool may_read_reports(const OfficeUser &user) { return user.role != Role::clerk; }

}  // namespace ykien::office
