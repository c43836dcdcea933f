// The JSON of a replication change, one codec for the C API (docs/c-api.md) and
// the sync protocol (docs/protocol.md, "Changes"): the same keys and value
// encoding on both, so a change read from one can be written to the other.
// Internal to the libraries.
#pragma once

#include <string>
#include <vector>

#include "ykien/changes.h"
#include "ykien/json/reader.h"

namespace ykien::codec {

// null, integer, float or string. NaN and infinities (never stored) become null.
Json to_json(const Value &v);
// Errors: invalid_argument on `field` (an integer out of range, an array or object).
Status from_json(const Json &j, const std::string &field, Value *out);

// {"table", "id", "scope", "col", "value", "hlc", "site"[, "base"]}: HLCs and
// sites as 16 hex digits, "base" only when not zero.
Json to_json(const Change &c);
Json to_json(const std::vector<Change> &changes);
// The same as text, written directly (no nlohmann values): byte for byte
// dump(to_json(c)) and dump(to_json(changes)), at a fraction of the cost.
void append_json(std::string &out, const Change &c);
std::string dump_changes(const std::vector<Change> &changes);

// Errors: invalid_argument naming "<prefix><key>" (table, id, col missing or
// empty; hlc or site not 16 hex digits or zero; ...). Lenient (the protocol)
// also requires "scope", as the protocol always has.
Status from_json(const Json &j, const std::string &prefix, Strictness mode, Change *out);
// A JSON array of changes; errors name "changes[i].<key>".
Status from_json(const Json &array, Strictness mode, std::vector<Change> *out);

}  // namespace ykien::codec
