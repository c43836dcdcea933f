// The JSON of a replication change, one codec for the C API (docs/c-api.md) and
// the sync protocol (docs/protocol.md, "Changes"): the same keys and value
// encoding on both, so a change read from one can be written to the other.
// Internal to the libraries.
#pragma once

#include <string>
#include <string_view>
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
// The same changes grouped by row (docs/protocol.md, "Rows"): each run of
// consecutive changes sharing table, id, scope, hlc, site and base is one
// {["base",] "cells": [col, value, ...], "hlc", "id", "scope", "site", "table"};
// expanding the runs in order gives back `changes` exactly.
std::string dump_rows(const std::vector<Change> &changes);
// Rows as they are, one object each (ExportOptions::as_rows): byte for byte
// dump_rows(expand_rows(rows)) when no two neighbours share a row and stamp, as an
// export by rows makes them.
std::string dump_rows(const std::vector<RowWrite> &rows);

// The members of one change object the codec reads, by key (null = absent): from a
// parsed object, or gathered while parsing (changes_reader.h).
struct ChangeMembers {
  const Json *table = nullptr, *id = nullptr, *scope = nullptr, *col = nullptr, *value = nullptr,
             *hlc = nullptr, *site = nullptr, *base = nullptr;
  // Where the member called `key` goes; null for a key the codec does not read.
  const Json **slot(std::string_view key) {
    if (key == "table") return &table;
    if (key == "id") return &id;
    if (key == "scope") return &scope;
    if (key == "col") return &col;
    if (key == "value") return &value;
    if (key == "hlc") return &hlc;
    if (key == "site") return &site;
    if (key == "base") return &base;
    return nullptr;
  }
};
// A change from its members, checked as from_json below checks an object;
// `unknown` (strict) is the first key that is not a member, "" when none.
Status from_members(const ChangeMembers &m, const std::string &prefix, Strictness mode, const std::string &unknown,
                    Change *out);

// Errors: invalid_argument naming "<prefix><key>" (table, id, col missing or
// empty; hlc or site not 16 hex digits or zero; ...). Lenient (the protocol)
// also requires "scope", as the protocol always has.
Status from_json(const Json &j, const std::string &prefix, Strictness mode, Change *out);
// A JSON array of changes; errors name "changes[i].<key>".
Status from_json(const Json &array, Strictness mode, std::vector<Change> *out);

}  // namespace ykien::codec
