// Exit codes and the error a command fails with (docs/field-cli.md lists them).
#pragma once

#include <stdexcept>
#include <string>

#include "ykien/status.h"

namespace ykien::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 1,         // the command line itself is wrong
  kExitInvalidInput = 2,  // a value was refused (date, category, number...)
  kExitNotFound = 3,      // unit, meeting, opinion or conflict not found
  kExitInvalidState = 4,  // not possible now (closed meeting, no database yet...)
  kExitStorage = 5,       // the database file cannot be read or written
  kExitNetwork = 6,       // sync: offline, refused, clock off, revoked
  kExitUnavailable = 7,   // not available in this build
  kExitInternal = 8,      // a bug: please report it
};

// Stable name of an exit code for --json output ("invalid_input").
const char *exit_code_name(int exit_code);

// A failed command: what went wrong and what to do next, already translated.
struct CliError : std::runtime_error {
  CliError(int code, std::string msg, std::string next_step = {}, std::string field_name = {})
      : std::runtime_error(msg),
        exit_code(code),
        message(std::move(msg)),
        hint(std::move(next_step)),
        field(std::move(field_name)) {}
  int exit_code;
  std::string message;
  std::string hint;
  std::string field;  // the option at fault ("--due"), when there is one
};

// A value the user typed was refused. `option` is the flag ("--due"); `reason`
// and `hint` are translated text.
CliError invalid_input(const std::string &option, const std::string &reason,
                       const std::string &hint = {});

// Turns an engine Status into a CliError: exit code by error code, the field
// named by its command-line option and label, a next step in the user's language.
CliError from_status(const Status &status);

// How a message names an option: "--due" as typed; a positional argument
// ("OPINION") by what it stands for in the user's language ("mã ý kiến").
std::string arg_name(const std::string &option);

// The option and label of an engine field name ("due_date" -> "--due (hạn xử lý)").
std::string field_display(const std::string &engine_field);

// Throws from_status(s) when s is not OK.
void check(const Status &s);
template <typename T>
T take(Result<T> r) {
  if (!r.ok()) check(r.status());
  return std::move(r).value();
}

}  // namespace ykien::cli
