// What ykien-server's admin commands print: JSON on stdout with --json, errors on
// stderr (docs/server.md, "Admin commands").
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "ykien/status.h"

namespace ykien::server {

// JSON text, invalid UTF-8 replaced (a value from a device may hold any byte).
std::string dump_json(const nlohmann::json &j, int indent = -1);
// Prints the error (and, with `as_json`, {"ok":false,"error":{code,message,field}} on
// stdout); returns the exit status 1.
int fail_command(const Status &st, bool as_json);

}  // namespace ykien::server
