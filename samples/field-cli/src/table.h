// Plain-text tables for the terminal (UTF-8 aware) and CSV for spreadsheets.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace ykien::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  // Caps a column's width; longer cells end with "…".
  void set_max_width(std::size_t column, std::size_t width);
  // Right-aligns a column (numbers).
  void set_right(std::size_t column);
  bool empty() const { return rows_.empty(); }
  void print(std::ostream &out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::size_t> max_width_;
  std::vector<bool> right_;
};

// One CSV field: quoted when it holds a comma, quote or line break (RFC 4180); text
// a spreadsheet would run as a formula starts with an apostrophe.
std::string csv_field(const std::string &value);
std::string csv_row(const std::vector<std::string> &fields);

}  // namespace ykien::cli
