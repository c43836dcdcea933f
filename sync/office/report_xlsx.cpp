// The report as .xlsx, through libxlsxwriter (it writes to a file: a temporary one,
// read back and removed).
#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "labels.h"
#include "report.h"

namespace ykien::office {

Result<std::string> report_xlsx(const ReportFigures &f, const std::string &lang) {
  char path[] = "/tmp/ykien-report-XXXXXX.xlsx";
  int fd = mkstemps(path, 5);
  if (fd < 0) return Status(ErrorCode::internal, "cannot make a temporary file for the .xlsx");
  ::close(fd);
  lxw_workbook *book = workbook_new(path);
  if (book == nullptr) {
    ::unlink(path);
    return Status(ErrorCode::internal, "cannot write the .xlsx");
  }
  lxw_worksheet *sheet = workbook_add_worksheet(book, nullptr);
  lxw_format *bold = workbook_add_format(book);
  format_set_bold(bold);
  worksheet_set_column(sheet, 0, 0, 45, nullptr);
  worksheet_set_column(sheet, 1, 1, 30, nullptr);
  worksheet_write_string(sheet, 0, 0, label(lang, "report").c_str(), bold);
  lxw_row_t row = 1;
  for (const auto &[k, v] : report_rows(f, lang)) {
    worksheet_write_string(sheet, row, 0, k.c_str(), nullptr);
    // Counts as numbers, so a spreadsheet can add them up.
    char *end = nullptr;
    const long long n = v.empty() ? 0 : std::strtoll(v.c_str(), &end, 10);
    if (!v.empty() && end != nullptr && *end == '\0') worksheet_write_number(sheet, row, 1, static_cast<double>(n), nullptr);
    else worksheet_write_string(sheet, row, 1, v.c_str(), nullptr);
    ++row;
  }
  const lxw_error err = workbook_close(book);
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ::unlink(path);
  if (err != LXW_NO_ERROR || bytes.empty()) return Status(ErrorCode::internal, "cannot write the .xlsx");
  return bytes;
}

}  // namespace ykien::office
