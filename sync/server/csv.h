// The CSV the admin commands read (import-units, units import).
#pragma once

#include <string>
#include <vector>

namespace ykien::server {

// One CSV line: fields separated by commas, optionally "quoted" ("" = a quote).
std::vector<std::string> split_csv(const std::string &line);

}  // namespace ykien::server
