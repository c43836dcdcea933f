// Settling a conflict on the server, as the admin command and the office both do:
// the chosen value, and when an opinion's status moves, its status-history entry in
// the same write, as every status change has one (docs/server.md, "Conflicts").
#pragma once

#include <string>

#include "ykien/local_time.h"
#include "ykien/replica.h"
#include "ykien/sync/office_key.h"

namespace ykien::server {

// A status-history row made now on this replica: an opinion's move from → to, its
// time in `zone`.
sys::StoredRow status_history_row(const Replica &replica, const TimeZone &zone, const std::string &opinion_id,
                                  const std::string &scope, const std::string &from, const std::string &to,
                                  const std::string &note, const std::string &by);

// A new value (JSON) typed to settle conflict `c`, as it is to be written: a
// confidential opinion's complainant (name or contact) sealed to the current key of
// `keys` as the tablets seal it, so that the server never holds it in clear (null
// keys or no key: as typed); any other value as typed. Errors: those of reading the
// row; internal (sealing failed).
Result<std::string> settlement_value(Replica &replica, const Conflict &c, const std::string &value_json,
                                     const sync::OfficeKeyRing *keys);

// Replica::resolve_conflict, with the status-history entry when a conflict about an
// opinion's status is settled to another status than the one shown. Errors: those
// of resolve_conflict.
Status settle_conflict(Replica &replica, const TimeZone &zone, const std::string &conflict_id,
                       const std::string &value_json, const std::string &by);

}  // namespace ykien::server
