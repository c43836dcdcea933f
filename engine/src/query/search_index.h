// The full-text index of opinions, on folded text (no case, no diacritics).
// Kept up to date lazily from the change log: recording stays as cheap as it
// can be, and the first search after a burst of writes catches up.
#pragma once

#include <string>

#include "core/database_impl.h"

namespace ykien {

// Brings the index up to the current change log. The caller holds the mutex.
Status refresh_search_index(Database::Impl &impl);
// An FTS5 query matching every word of `text` (as a prefix), folded; "" if no words.
std::string search_query(const std::string &text);

}  // namespace ykien
