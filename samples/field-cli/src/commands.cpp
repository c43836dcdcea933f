#include "commands.h"

#include "errors.h"
#include "i18n.h"
#include "text.h"

namespace ykien::cli {

CLI::App *add_command(CLI::App &parent, const std::string &name, const std::string &description_key) {
  CLI::App *sub = parent.add_subcommand(name, tr(description_key));
  sub->group(tr("help.group.commands"));
  sub->fallthrough();
  if (CLI::Option *help = sub->get_help_ptr()) help->group(tr("help.group.options"));
  return sub;
}

void require_option(const std::string &value, const std::string &option) {
  if (trim(value).empty()) {
    throw CliError(kExitUsage, trf("error.missing_option", {arg_name(option)}), tr("hint.usage"), option);
  }
}

int64_t parse_count(const std::string &text, const std::string &option, int64_t max) {
  const std::string t = trim(text);
  std::string digits;
  for (char c : t) {
    if (c == '.' || c == ',' || c == ' ') continue;  // "1.146" as written in Vietnamese
    digits.push_back(c);
  }
  if (digits.empty() || digits.size() > 12 || digits.find_first_not_of("0123456789") != std::string::npos) {
    throw invalid_input(option, trf("error.not_a_count", {text}), tr("hint.count"));
  }
  const int64_t n = std::stoll(digits);
  if (n > max) throw invalid_input(option, trf("error.too_big", {text, std::to_string(max)}), tr("hint.count"));
  return n;
}

}  // namespace ykien::cli
