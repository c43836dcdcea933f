#include "prompt.h"

#include <istream>
#include <ostream>

#include "dates.h"
#include "errors.h"
#include "i18n.h"
#include "text.h"

namespace ykien::cli {
namespace {
constexpr int kMaxTries = 3;
}

std::optional<std::string> Prompter::ask(const std::string &question, const std::string &def) {
  out_ << question;
  if (!def.empty()) out_ << " [" << def << "]";
  out_ << ": " << std::flush;
  std::string line;
  if (!std::getline(in_, line)) {
    out_ << '\n';
    return std::nullopt;
  }
  line = trim(line);
  return line.empty() ? def : line;
}

std::string Prompter::ask_text(const std::string &question, const std::string &def) {
  auto a = ask(question, def);
  if (!a) throw CliError(kExitInvalidInput, tr("error.input_ended"), tr("hint.input_ended"));
  return *a;
}

void Prompter::refuse(const std::string &option, const std::string &reason, int &tries) {
  if (++tries >= kMaxTries) throw invalid_input(option, reason);
  out_ << "  ! " << reason << '\n';
}

std::string Prompter::ask_choice(ChoiceSet set, const std::string &question, const std::string &def_id,
                                 const std::string &option) {
  out_ << numbered_choices(set);
  int tries = 0;
  for (;;) {
    const std::string a = ask_text(question, def_id.empty() ? "" : choice_label(set, def_id));
    if (auto id = parse_choice(set, a)) return *id;
    refuse(option, trf("error.unknown_choice", {a}), tries);
  }
}

std::string Prompter::ask_datetime(const std::string &question, const std::string &def,
                                   const std::string &option) {
  int tries = 0;
  for (;;) {
    const std::string a = ask_text(question, def);
    if (auto t = parse_datetime(a)) return *t;
    refuse(option, trf("error.bad_datetime", {a}) + " " + tr("hint.datetime_format"), tries);
  }
}

std::string Prompter::ask_date(const std::string &question, const std::string &def,
                               const std::string &option) {
  int tries = 0;
  for (;;) {
    const std::string a = ask_text(question, def);
    if (auto d = parse_date(a)) return *d;
    refuse(option, trf("error.bad_date", {a}) + " " + tr("hint.date_format"), tries);
  }
}

int Prompter::ask_number(const std::string &question, int def, int min, int max,
                         const std::string &option) {
  int tries = 0;
  for (;;) {
    const std::string a = ask_text(question, std::to_string(def));
    if (!a.empty() && a.size() < 10 && a.find_first_not_of("0123456789") == std::string::npos) {
      const int n = std::stoi(a);
      if (n >= min && n <= max) return n;
    }
    refuse(option, trf("error.bad_number", {a, std::to_string(min), std::to_string(max)}), tries);
  }
}

void Prompter::say(const std::string &line) { out_ << line << '\n' << std::flush; }

bool Prompter::ask_yes_no(const std::string &question, bool def) {
  int tries = 0;
  for (;;) {
    auto a = ask(question, def ? tr("prompt.yes") : tr("prompt.no"));
    if (!a) return false;
    const std::string f = fold(*a);
    if (f == "c" || f == "co" || f == "y" || f == "yes" || f == "1") return true;
    if (f == "k" || f == "khong" || f == "n" || f == "no" || f == "0") return false;
    refuse("", tr("error.yes_no"), tries);
  }
}

}  // namespace ykien::cli
