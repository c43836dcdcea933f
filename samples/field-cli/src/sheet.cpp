#include "sheet.h"

#include <cstdlib>
#include <fstream>
#include <ostream>

#ifdef YKIEN_CLI_HAVE_XLSX
#include <xlsxwriter.h>
#endif

#include "errors.h"
#include "i18n.h"
#include "table.h"
#include "text.h"

namespace ykien::cli {

void write_csv(std::ostream &out, const Sheet &sheet) {
  out << "\xEF\xBB\xBF" << csv_row(sheet.headers) << "\r\n";
  for (const auto &row : sheet.rows) out << csv_row(row) << "\r\n";
}

bool have_xlsx() {
#ifdef YKIEN_CLI_HAVE_XLSX
  return true;
#else
  return false;
#endif
}

void write_xlsx(const std::string &path, const std::vector<Sheet> &sheets) {
#ifdef YKIEN_CLI_HAVE_XLSX
  lxw_workbook *wb = workbook_new(path.c_str());
  if (!wb) throw CliError(kExitStorage, trf("error.cannot_write", {path}), tr("hint.cannot_write"), "--output");
  lxw_format *bold = workbook_add_format(wb);
  format_set_bold(bold);
  for (const auto &sheet : sheets) {
    lxw_worksheet *ws = workbook_add_worksheet(wb, sheet.name.c_str());
    for (size_t c = 0; c < sheet.headers.size(); ++c) {
      worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), sheet.headers[c].c_str(), bold);
    }
    for (size_t r = 0; r < sheet.rows.size(); ++r) {
      const auto row_n = static_cast<lxw_row_t>(r + 1);
      for (size_t c = 0; c < sheet.rows[r].size(); ++c) {
        const std::string &v = sheet.rows[r][c];
        const auto col_n = static_cast<lxw_col_t>(c);
        char *end = nullptr;
        const double number = v.empty() ? 0.0 : std::strtod(v.c_str(), &end);
        if (c < sheet.numeric.size() && sheet.numeric[c] && !v.empty() && end && *end == '\0') {
          worksheet_write_number(ws, row_n, col_n, number, nullptr);
        } else {
          worksheet_write_string(ws, row_n, col_n, v.c_str(), nullptr);
        }
      }
    }
    worksheet_freeze_panes(ws, 1, 0);
  }
  if (workbook_close(wb) != LXW_NO_ERROR) {
    throw CliError(kExitStorage, trf("error.cannot_write", {path}), tr("hint.cannot_write"), "--output");
  }
#else
  (void)path;
  (void)sheets;
  throw CliError(kExitUnavailable, tr("error.no_xlsx"), tr("hint.no_xlsx"), "--format");
#endif
}

std::string export_format(const std::string &given, bool json, const std::string &output) {
  const std::string format = fold(given.empty() ? (json ? "json" : "table") : given);
  if (format != "table" && format != "csv" && format != "json" && format != "xlsx") {
    throw invalid_input("--format", trf("error.unknown_choice", {given}), tr("hint.format"));
  }
  if (format == "xlsx" && trim(output).empty()) {
    throw CliError(kExitUsage, trf("error.missing_option", {"--output"}), tr("hint.xlsx_output"), "--output");
  }
  return format;
}

void emit_csv(std::ostream &out, const std::string &output, const Sheet &sheet) {
  if (trim(output).empty()) {
    write_csv(out, sheet);
    return;
  }
  std::ofstream file(output, std::ios::binary);
  write_csv(file, sheet);
  file.close();
  if (!file) throw CliError(kExitStorage, trf("error.cannot_write", {output}), tr("hint.cannot_write"), "--output");
}

}  // namespace ykien::cli
