// Signing raw pushes in a tablet's name, for tests that write pushes by hand
// (docs/protocol.md, "Signatures"). Only in ykien_sync_tests (it reaches sync/src).
#pragma once

#include <string>

#include "ykien/database.h"

namespace ykien::test {

// The push signature the tablet's app would send with `body`: its database's key.
std::string signature_of(Database &db, const std::string &body);

// Every opinion change in the database's log, as the JSON body of a push (what its
// app would push, less the units it pulled).
std::string opinions_push_body(Database &db);

}  // namespace ykien::test
