// Settling a conflict on the server, as the admin command and the office both do:
// the chosen value, and when an opinion's status moves, its status-history entry in
// the same write, as every status change has one (docs/server.md, "Conflicts").
#pragma once

#include <string>

#include "ykien/local_time.h"
#include "ykien/replica.h"

namespace ykien::server {

// A status-history row made now on this replica: an opinion's move from → to, its
// time in `zone`.
sys::StoredRow status_history_row(const Replica &replica, const TimeZone &zone, const std::string &opinion_id,
                                  const std::string &scope, const std::string &from, const std::string &to,
                                  const std::string &note, const std::string &by);

// Replica::resolve_conflict, with the status-history entry when a conflict about an
// opinion's status is settled to another status than the one shown. Errors: those
// of resolve_conflict.
Status settle_conflict(Replica &replica, const TimeZone &zone, const std::string &conflict_id,
                       const std::string &value_json, const std::string &by);

}  // namespace ykien::server
