// Rows for spreadsheets: CSV with a UTF-8 byte order mark (so that Excel reads
// Vietnamese right) and .xlsx workbooks (libxlsxwriter, when built with it).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace ykien::cli {

struct Sheet {
  std::string name;  // the worksheet's name (at most 31 characters)
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> numeric;  // per column: written as numbers in .xlsx
};

// RFC 4180 with CRLF line ends, after the UTF-8 BOM.
void write_csv(std::ostream &out, const Sheet &sheet);
// Writes the workbook to `path`; a CliError (storage, or unavailable without
// libxlsxwriter) when it cannot.
void write_xlsx(const std::string &path, const std::vector<Sheet> &sheets);
bool have_xlsx();

// The --format of an export: table, csv, json or xlsx (an invalid_input error
// otherwise); xlsx needs --output.
std::string export_format(const std::string &given, bool json, const std::string &output);
// Writes `sheet` as CSV to --output, or to `out` when none.
void emit_csv(std::ostream &out, const std::string &output, const Sheet &sheet);

}  // namespace ykien::cli
