// UTF-8 helpers for Vietnamese text: folding for matching, width for tables.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ykien::cli {

// Lowercase with Vietnamese diacritics removed ("Đất Đai" -> "dat dai"), spaces
// collapsed and trimmed. Used to match what an official types against labels.
std::string fold(std::string_view text);

// Columns the text takes in a terminal: code points minus combining marks.
std::size_t display_width(std::string_view text);

// At most `width` columns; cut text ends with "…".
std::string truncate(std::string_view text, std::size_t width);

// Pads with spaces on the right up to `width` columns.
std::string pad_right(std::string_view text, std::size_t width);

std::string trim(std::string_view text);

// Splits on `sep`, trimming each part and dropping empty ones.
std::vector<std::string> split_list(std::string_view text, char sep);

// Replaces line breaks with spaces (one table row per record).
std::string one_line(std::string_view text);

// 1234567 -> "1.234.567" (vi) or "1,234,567" (en).
std::string group_thousands(long long value, char sep);

}  // namespace ykien::cli
