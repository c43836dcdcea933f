// A meeting's journal: its corrections and withdrawal, kept as lines of its notes
// (the schema gives meetings no history table), each written as the opinion's
// journal shows an entry, in Vietnamese — the language of the records.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ykien/records.h"

namespace ykien::cli {

// The fields that differ, each {"<field>": [old, new]} (kinds as their labels).
nlohmann::json meeting_changes(const Meeting &before, const Meeting &after);
// `notes` with one more journal line: {"edit": changes} or {"withdraw": reason}.
std::string with_journal_line(const std::string &notes, const nlohmann::json &entry, const std::string &by,
                              const std::string &at);
// The journal lines of a meeting's notes, oldest first.
std::vector<std::string> journal_lines(const std::string &notes);

}  // namespace ykien::cli
