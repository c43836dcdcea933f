// A support visit as JSON for --json output (the engine's codec has no visit yet).
#pragma once

#include <nlohmann/json.hpp>

#include "ykien/records.h"

namespace ykien::cli {

nlohmann::json to_json(const SupportVisit &v);

}  // namespace ykien::cli
