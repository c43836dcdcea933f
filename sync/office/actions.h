// The office's follow-up actions (docs/office.md, "Follow-up"): each is checked by
// the follow-up rules of the engine (ykien/followup.h) and by the user's role
// (access.h), then written as one ordinary replicated write of the replication
// core (Replica::write_local): the opinion's changed cells and the appended status
// history (and response) rows, stamped now with the server's site, so they reach
// the tablets at their next sync. Errors: not_found (also for an opinion the user
// may not see), forbidden (the role), invalid_argument / invalid_state (the rules).
#pragma once

#include <string>

#include "users.h"
#include "ykien/local_time.h"
#include "ykien/replica.h"

namespace ykien::office {

class FollowUp {
 public:
  // `zone`: the commune's, for the times written (changed_at, created_at).
  FollowUp(Replica &replica, const TimeZone &zone, const OfficeUser &user)
      : replica_(replica), zone_(zone), user_(user) {}

  Status assign(const std::string &opinion_id, const std::string &department, const std::string &due_date);
  // `written`: a written reply, else an answer given at the meeting.
  Status answer(const std::string &opinion_id, const std::string &content, bool written);
  Status appoint(const std::string &opinion_id, const std::string &at, const std::string &place,
                 const std::string &content);
  Status set_status(const std::string &opinion_id, const std::string &to, const std::string &note, bool reopen);
  Status set_satisfaction(const std::string &opinion_id, const std::string &value);

 private:
  Replica &replica_;
  const TimeZone &zone_;
  const OfficeUser &user_;
};

}  // namespace ykien::office
