// UTF-8 helpers for Vietnamese text.
#pragma once

#include <string>
#include <string_view>

#include "ykien/export.h"

namespace ykien {

// True if `text` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
YKIEN_CXX_API bool is_valid_utf8(std::string_view text);
// The length of the well-formed UTF-8 sequence that starts at `p` (before `end`, and
// not ASCII: *p >= 0x80), 0 when none does: for a reader that checks text as it goes
// over it.
YKIEN_CXX_API size_t utf8_sequence_at(const unsigned char *p, const unsigned char *end);

// Lowercases and strips Vietnamese diacritics, đ/Đ included, so that "ĐẤT ĐAI",
// "đất đai" and "dat dai" fold alike. Composed (NFC) and decomposed (NFD) input
// fold alike too. Other characters pass through; ASCII is lowercased.
YKIEN_CXX_API std::string fold_for_search(std::string_view utf8);

// Names in the order a list shows them: without regard to case or diacritics
// ("Ấp 3" among the A's, not after every plain letter as its bytes would have it),
// a run of digits by its value ("Ấp 2" before "Ấp 10"); names that differ only in
// case or diacritics by their bytes. A strict weak order, for std::sort.
YKIEN_CXX_API bool name_order(std::string_view a, std::string_view b);

// At most `max_bytes` of `utf8`, cut between two characters.
YKIEN_CXX_API std::string utf8_prefix(std::string_view utf8, size_t max_bytes);
// `utf8` when it fits in `max_bytes`; else its start, cut between two characters,
// and "…", in at most `max_bytes` (a list's cell of a long text).
YKIEN_CXX_API std::string shortened(std::string_view utf8, size_t max_bytes);

}  // namespace ykien
