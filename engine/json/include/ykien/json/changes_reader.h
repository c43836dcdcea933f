// Reads a message whose "changes" (or "rows") member holds thousands of changes (a
// push, a pull reply, a bundle's payload) in one pass: the changes go straight into Change values
// as the parser meets them, without a JSON value per change first; the message's
// other members are parsed as usual. Internal to the libraries.
#pragma once

#include <string_view>
#include <vector>

#include "ykien/change_batch.h"
#include "ykien/json/changes.h"

namespace ykien::codec {

// A row's cells share its table, id and scope, copied into each of their changes: so
// that a small message cannot make a huge list, the "rows" of one message expand to
// at most kMaxRowsChanges changes and copy at most kMaxRowsCopiedBytes of tables, ids
// and scopes (too_large, field "rows"). Far above what a push or a pull carries
// (10,000 changes of about 70 such bytes each); "changes" are bounded by the body.
inline constexpr size_t kMaxRowsChanges = 100000;
inline constexpr size_t kMaxRowsCopiedBytes = 32 << 20;

struct ChangesMember {
  // Asked by the caller: "rows" are kept as they came, in `row_writes`, not expanded
  // into `changes` (a push merged by row). The same checks and bounds apply.
  bool keep_rows = false;
  // "changes" (or "rows", below) was an array, read into `changes` (lenient, as
  // the protocol reads them). Otherwise it is in the envelope, as any member (or absent).
  bool array = false;
  // The changes came grouped by row, as "rows" (docs/protocol.md, "Rows"): the
  // same Change values, expanded in order.
  bool rows = false;
  // The message had both "changes" and "rows": the caller refuses it.
  bool both = false;
  std::vector<Change> changes;
  std::vector<RowWrite> row_writes;  // "rows" when keep_rows
  // The first change refused, naming "changes[i].<key>" as from_json(array) would
  // (a row: "rows[i].<key>", "rows[i].cells[j]"); then `changes` is incomplete.
  Status error;
};

// Parses `text`, which must be one JSON object. Errors: corrupt, with the reason
// "not valid JSON (or not valid UTF-8)" or "not a JSON object".
Status parse_with_changes(std::string_view text, Json *envelope, ChangesMember *changes);

}  // namespace ykien::codec
