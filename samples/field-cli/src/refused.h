// A change the server refused, told in the user's language: what it was, why,
// and how to correct it (ykien status, the summary after ykien sync). The reasons
// are those the client records today; stable refusal codes come with the server's
// issue 13.
#pragma once

#include <string>
#include <vector>

#include "ykien/database.h"

namespace ykien::cli {

struct RefusedView {
  std::string what;    // "Ý kiến 1a2b3c4d, lĩnh vực"
  std::string reason;  // translated when known
  std::string fix;     // the command that corrects it
  bool corrected = false;  // the cell holds another value now: the correction goes with the next sync
};

// `value_json` is the refused value as JSON text.
RefusedView describe_refused(Database &db, const std::string &table, const std::string &id,
                             const std::string &column, const std::string &value_json, const std::string &code,
                             const std::string &message);

// The views without repeats (a row refused whole is refused once per cell): what
// `status` and `sync` print, one line each.
std::vector<RefusedView> distinct(const std::vector<RefusedView> &views);

}  // namespace ykien::cli

namespace ykien::cli {

struct RefusedEntry {
  std::string table, id, column, code;
  RefusedView view;
};

// Every change the server refused, kept on this device, oldest first (empty in a
// build without the sync library).
std::vector<RefusedEntry> refused_entries(Database &db);

}  // namespace ykien::cli
