// Records and their fields named in the user's language ("Ý kiến 1a2b3c4d, lĩnh
// vực"), never by table or column identifiers.
#pragma once

#include <string>

#include "ykien/records.h"

namespace ykien::cli {

// "Ý kiến" for "opinions"...
std::string record_noun(const std::string &table);
// "Ý kiến 1a2b3c4d, lĩnh vực (--category)".
std::string record_subject(const std::string &table, const std::string &row_id, const std::string &column);
std::string conflict_subject(const Conflict &c);

}  // namespace ykien::cli
