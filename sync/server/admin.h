// What the operator does besides serving (docs/server.md, "Admin commands").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage.h"
#include "ykien/clock.h"
#include "ykien/status.h"

namespace ykien::server {

struct UnitImport {
  int64_t created = 0;
  int64_t existing = 0;  // already there (same scope): left as they are
};

// Imports units from a JSON file (an array of {"code","name","kind","parent"}) or a
// CSV file with the header "code,name,kind,parent"; "parent" is the parent's scope
// ("" for a root). Parents come before their children. All or nothing: a file with
// an error makes no unit; units already present are left (re-running is safe).
// Errors: invalid_argument (with the line or index), not_found (unknown parent), storage.
Result<UnitImport> import_units(Storage &storage, const std::string &path);

// The units a device is given (by a code, or set-scopes): at least one, each a unit
// the server holds (inside a hub's own). Errors: invalid_argument (unit: none or an
// empty one), not_found (unit), forbidden (outside a hub's units).
Status check_device_units(Storage &storage, const std::vector<std::string> &scopes);

// Makes a one-time code that enrolls one device into the units `scopes`: a
// commune hub when `hub` (it relays its tablets' writes), else a tablet.
// Errors: not_found (no such unit), invalid_argument (no scope given).
Result<std::string> create_enrollment_code(Storage &storage, const std::vector<std::string> &scopes,
                                           bool confidential, int64_t ttl_ms, const Clock &clock, bool hub = false);

}  // namespace ykien::server
