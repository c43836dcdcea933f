// A command line CLI11 could not parse, said in the user's language.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace ykien::cli {

// What was wrong with the command line, in the current language: CLI11's own
// messages are English (and list unexpected words in reverse order), so the
// common ones are said again from the catalog (messages.cpp); any other keeps
// CLI11's text. `app` is the application that threw, for the words it did not take.
std::string explain_parse_error(const CLI::ParseError &e, const CLI::App &app);

}  // namespace ykien::cli
