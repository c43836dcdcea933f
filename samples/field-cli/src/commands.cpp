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

// The digits of a whole number as Vietnamese write it: plain ("1146") or in
// groups of three after a first of one to three, all by one of '.', ',' or ' '
// ("1.146", "500.000"). Empty for anything else: "1,5", "6.5" or "500.00" are not
// whole numbers, and reading them as 15, 65 or 50.000 would record the wrong amount.
static std::string whole_number_digits(const std::string &t) {
  const size_t sep_at = t.find_first_of("., ");
  if (sep_at == std::string::npos) return t;
  const char sep = t[sep_at];
  std::string digits;
  size_t group = 0, groups = 0;
  for (char c : t) {
    if (c == sep) {
      if ((groups == 0 ? group < 1 || group > 3 : group != 3)) return {};
      ++groups;
      group = 0;
      continue;
    }
    digits.push_back(c);
    ++group;
  }
  return group == 3 ? digits : std::string();
}

int64_t parse_count(const std::string &text, const std::string &option, int64_t max) {
  const std::string digits = whole_number_digits(trim(text));
  if (digits.empty() || digits.size() > 12 || digits.find_first_not_of("0123456789") != std::string::npos) {
    throw invalid_input(option, trf("error.not_a_count", {text}), tr("hint.count"));
  }
  const int64_t n = std::stoll(digits);
  if (n > max) throw invalid_input(option, trf("error.too_big", {text, std::to_string(max)}), tr("hint.count"));
  return n;
}

}  // namespace ykien::cli
