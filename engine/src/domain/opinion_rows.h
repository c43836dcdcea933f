// Conversions between opinion records and rows, shared by the opinion files.
#pragma once

#include "core/database_impl.h"

namespace ykien {

const schema::TableDef &opinions_table();
Opinion opinion_from(const Row &r);
// Writes every field of `o` into `row`, adding the changed columns to `mask`.
void fill_opinion(Row &row, const Opinion &o, uint64_t &mask);
// Field rules of an opinion on its own (not its status transitions).
Status check_opinion(const Opinion &o);
// The day an opinion's due date and answers may not precede: its meeting's day,
// else the day it was raised.
Result<std::string> opinion_start_day(Database::Impl &impl, const Opinion &o);
// A time given for something done about `o` (an answer, a status move): not on a day
// before it was raised (which may be the eve of its meeting). Not checked against the
// device's clock: it may be years wrong before its first sync, and the secretary's
// time is then the right one (docs/time.md). Errors: invalid_argument naming `field`.
Status check_not_before_opinion(const Opinion &o, const std::string &field, const std::string &at);
// Moves the opinion to `to`, appending to its history; refuses senseless moves.
Status transition(Database::Impl &impl, Row &row, const std::string &to, const std::string &note,
                  const std::string &by, const std::string &at, bool reopen);
// Appends one entry to the opinion's history (status moves, and the journal
// entries of opinion_journal.cpp, whose from and to are equal). `at` empty = now.
Status append_history(Database::Impl &impl, const Row &row, const std::string &from, const std::string &to,
                      const std::string &note, const std::string &by, const std::string &at);

}  // namespace ykien
