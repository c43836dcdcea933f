// A meeting's or a support visit's journal: its corrections and withdrawal, kept as
// lines of its notes (the schema gives them no history table), each written as the
// opinion's journal shows an entry, in Vietnamese — the language of the records.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dates.h"
#include "errors.h"
#include "i18n.h"
#include "ykien/database.h"
#include "ykien/records.h"

namespace ykien::cli {

// The fields that differ, each {"<field>": [old, new]} (kinds as their labels).
nlohmann::json meeting_changes(const Meeting &before, const Meeting &after);
nlohmann::json visit_changes(const SupportVisit &before, const SupportVisit &after);
// `notes` with one more journal line: {"edit": changes} or {"withdraw": reason}.
std::string with_journal_line(const std::string &notes, const nlohmann::json &entry, const std::string &by,
                              const std::string &at);
// The journal lines of a meeting's notes, oldest first.
std::vector<std::string> journal_lines(const std::string &notes);

// A correction in one write: `update(id, patch)` sets the new values, then the notes
// get the journal line of `changes(before, after)` by `by`. Returns the record as
// written and the changes; nothing to change is a usage error naming `option`, with
// the hint `hint_key`.
template <typename Record, typename Patch, typename Update, typename Changes>
std::pair<Record, nlohmann::json> write_correction(Database &db, const Record &before, const Patch &patch,
                                                   Update update, Changes changes, const std::string &by,
                                                   const char *hint_key, const char *option) {
  Record after;
  nlohmann::json changed;
  const Status written = db.batch([&]() -> Status {
    auto r = update(before.id, patch);
    if (!r.ok()) return r.status();
    changed = changes(before, *r);
    if (changed.empty()) return Status::Invalid("patch", "changes nothing");
    Patch journal;
    journal.notes = with_journal_line(before.notes, {{"edit", changed}}, by, now_local());
    auto j = update(before.id, journal);
    if (!j.ok()) return j.status();
    after = *j;
    return Status::Ok();
  });
  if (!written.ok() && written.field() == "patch") {
    throw CliError(kExitUsage, tr("error.edit_nothing"), tr(hint_key), option);
  }
  check(written);
  return {after, changed};
}

}  // namespace ykien::cli
