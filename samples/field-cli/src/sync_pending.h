// The local changes not yet sent to the server, counted (ykien status, the sync
// progress bar's total), and a change's value as JSON text.
#pragma once

#include <cstdint>
#include <string>

#include "ykien/database.h"

namespace ykien::cli {

// Changes written here (not pulled from the server) after the sync client's push
// cursor: what the next sync will send.
int64_t pending_changes(const Database &db);
std::string value_json(const Value &v);

}  // namespace ykien::cli
