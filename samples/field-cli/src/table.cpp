#include "table.h"

#include <algorithm>
#include <ostream>
#include <string_view>

#include "text.h"

namespace ykien::cli {

void Table::set_max_width(std::size_t column, std::size_t width) {
  if (max_width_.size() <= column) max_width_.resize(column + 1, 0);
  max_width_[column] = width;
}

void Table::set_right(std::size_t column) {
  if (right_.size() <= column) right_.resize(column + 1, false);
  right_[column] = true;
}

void Table::print(std::ostream &out) const {
  const std::size_t n = headers_.size();
  auto cell = [&](const std::vector<std::string> &row, std::size_t c) {
    std::string v = c < row.size() ? one_line(row[c]) : std::string();
    if (c < max_width_.size() && max_width_[c] > 0) v = truncate(v, max_width_[c]);
    return v;
  };
  std::vector<std::size_t> width(n, 0);
  for (std::size_t c = 0; c < n; ++c) width[c] = display_width(headers_[c]);
  for (const auto &row : rows_) {
    for (std::size_t c = 0; c < n; ++c) width[c] = std::max(width[c], display_width(cell(row, c)));
  }
  auto line = [&](const std::vector<std::string> &row, bool header) {
    std::string text;
    for (std::size_t c = 0; c < n; ++c) {
      const std::string v = header ? headers_[c] : cell(row, c);
      const bool right = !header && c < right_.size() && right_[c];
      if (c > 0) text += "  ";
      if (right) {
        text += std::string(width[c] - display_width(v), ' ') + v;
      } else {
        text += c + 1 == n ? v : pad_right(v, width[c]);
      }
    }
    out << text << '\n';
  };
  line(headers_, true);
  std::string rule;
  for (std::size_t c = 0; c < n; ++c) {
    if (c > 0) rule += "  ";
    for (std::size_t k = 0; k < width[c]; ++k) rule += "─";
  }
  out << rule << '\n';
  for (const auto &row : rows_) line(row, false);
}

namespace {

// Text a spreadsheet would run as a formula ("=HYPERLINK(…)", "@SUM(…)", "+…", "-…"):
// an opinion's content or a citizen's name is typed by anyone, and the file is
// opened in Excel at the office. A number ("-5", "-1,5") is left as it is.
bool reads_as_formula(const std::string &value) {
  if (value.size() < 2 || std::string_view("=+-@\t\r").find(value[0]) == std::string_view::npos) return false;
  return value[0] != '-' || value.find_first_not_of("0123456789.,", 1) != std::string::npos;
}

}  // namespace

std::string csv_field(const std::string &raw) {
  // Shown as text, with a leading apostrophe, as spreadsheets themselves mark it.
  const std::string value = reads_as_formula(raw) ? "'" + raw : raw;
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_row(const std::vector<std::string> &fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += csv_field(fields[i]);
  }
  return out;
}

}  // namespace ykien::cli
