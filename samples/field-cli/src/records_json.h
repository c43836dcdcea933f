// The domain records as JSON for --json output: identifiers as in DOMAIN.md,
// plus "*_label" fields in the user's language for enumerations.
#pragma once

#include <nlohmann/json.hpp>

#include "ykien/database.h"

namespace ykien::cli {

nlohmann::json to_json(const Unit &u);
nlohmann::json to_json(const Meeting &m);
nlohmann::json to_json(const Opinion &o);
nlohmann::json to_json(const Response &r);
nlohmann::json to_json(const StatusChange &s);
nlohmann::json to_json(const Attachment &a);
nlohmann::json to_json(const Conflict &c);
nlohmann::json to_json(const Report &r);

}  // namespace ykien::cli
