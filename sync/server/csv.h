// The CSV the admin commands read (import-units, units import).
#pragma once

#include <string>
#include <vector>

#include "ykien/status.h"

namespace ykien::server {

// One CSV line: fields separated by commas, optionally "quoted" ("" = a quote).
std::vector<std::string> split_csv(const std::string &line);

// The text without the byte-order mark Excel writes at the start of a CSV file.
std::string without_bom(const std::string &text);

// A file the admin gave: not found, or a folder, is said so (a folder reads as
// empty). Errors: not_found, invalid_argument (path).
Status check_readable_file(const std::string &path);

}  // namespace ykien::server
