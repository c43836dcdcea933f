// Reading the opinion's journal: history entries whose note is a JSON object
// (edit, withdraw, merged_into, merged_from, distinct_from; docs/domain.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ykien/records.h"

namespace ykien::cli {

// The entry's JSON note when it is a journal entry, else nullopt.
std::optional<nlohmann::json> journal_note(const StatusChange &h);
// The entry as one line in the user's language (status moves too).
std::string history_line(const StatusChange &h);
// Ids named by `key` ("merged_from", "distinct_from") in a history.
std::vector<std::string> journal_ids(const std::vector<StatusChange> &history, const std::string &key);
// A field's value as shown: choice labels for enumerations.
std::string field_value_label(const std::string &field, const nlohmann::json &value);

}  // namespace ykien::cli
