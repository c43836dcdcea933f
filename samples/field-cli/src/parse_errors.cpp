#include "parse_errors.h"

#include <regex>
#include <vector>

#include "i18n.h"

namespace ykien::cli {
namespace {

// CLI11's message (a regex over the whole of it) → a catalog key, its arguments
// being the regex's groups in order.
struct Shape {
  std::regex pattern;
  const char *key;
};

const std::vector<Shape> &shapes() {
  static const std::vector<Shape> table = [] {
    const std::pair<const char *, const char *> rules[] = {
        {"(\\S+): \\d+ required \\S+ missing", "parse.needs_value"},
        {"(\\S+): At Most (\\d+) required but received \\d+", "parse.at_most"},
        {"(\\S+): At least (\\d+) required but received \\d+", "parse.at_least"},
        {"Expected exactly (\\d+) arguments to (\\S+), got (\\d+)", "parse.exactly"},
        {"(\\S+) was given a disallowed flag override", "parse.flag_value"},
        {"(\\S+): too many inputs for a flag", "parse.flag_value"},
        {"Could not convert: (\\S+) = (.*)", "parse.cannot_read"},
        {"(\\S+) is required", "error.missing_option"},
        {"Exactly 1 option from \\[(.*)\\]", "parse.one_of"},
        {"(\\S+) requires (\\S+)", "parse.requires"},
        {"(\\S+) excludes (\\S+)", "parse.excludes"},
    };
    std::vector<Shape> out;
    for (const auto &[pattern, key] : rules) out.push_back({std::regex(pattern), key});
    return out;
  }();
  return table;
}

// As they would be typed again: a word with a space in quotes.
std::string joined(const std::vector<std::string> &words) {
  std::string out;
  for (const auto &w : words) {
    if (!out.empty()) out += ' ';
    out += w.find(' ') == std::string::npos ? w : "\"" + w + "\"";
  }
  return out;
}

std::string with_groups(const char *key, const std::smatch &m) {
  switch (m.size()) {
    case 2: return trf(key, {m[1].str()});
    case 3: return trf(key, {m[1].str(), m[2].str()});
    case 4: return trf(key, {m[1].str(), m[2].str(), m[3].str()});
    default: return tr(key);
  }
}

}  // namespace

std::string explain_parse_error(const CLI::ParseError &e, const CLI::App &app) {
  // The words no command or option took, in the order they were typed (CLI11's
  // message lists them backwards).
  const std::vector<std::string> extras = app.remaining(true);
  const std::string message = e.what();
  if (dynamic_cast<const CLI::ExtrasError *>(&e) != nullptr && !extras.empty()) return trf("parse.extras", {joined(extras)});
  if (message == "A subcommand is required")
    return extras.empty() ? tr("parse.no_command") : trf("parse.unknown_command", {extras.front()});
  std::smatch m;
  for (const auto &shape : shapes())
    if (std::regex_match(message, m, shape.pattern)) return with_groups(shape.key, m);
  return message;
}

}  // namespace ykien::cli
